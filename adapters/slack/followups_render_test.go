package slack

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
)

// followUpDocs renders the follow-through of agreed actions and the
// learning form as Block Kit, by golden file name.
func followUpDocs(t *testing.T) map[string]any {
	t.Helper()
	env := bottest.New(t, bottest.Options{})
	msgs := bottest.FollowUps(t, env)
	none := func(string) string { return "" }
	docs := map[string]any{}
	for name, m := range msgs {
		if m.Form != nil {
			docs["modal_"+name] = renderForm(nil, m, formMeta{Form: m.Form.Key, Case: m.FormCase, Version: m.FormVersion}, none)
			continue
		}
		blocks, fallback := renderMessage(nil, m, MaxMessageBlocks)
		docs["followup_"+name] = map[string]any{"text": fallback, "blocks": blocks}
	}
	return docs
}

// TestGoldenFollowUps checks the reminders, overdue notices, Mark done and
// learning messages and modals against testdata (run with -update to
// rewrite them); TestGoldenFilesWithinLimits and tools/cardcheck check
// the files against Slack's limits and schema.
func TestGoldenFollowUps(t *testing.T) {
	docs := followUpDocs(t)
	for _, name := range slices.Sorted(maps.Keys(docs)) {
		t.Run(name, func(t *testing.T) {
			got, err := json.MarshalIndent(docs[name], "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", name+".json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if string(got) != string(want) {
				t.Errorf("%s differs from the golden file; run go test -update and review the diff\ngot:\n%s", path, got)
			}
		})
	}
	// The owner's reminder carries Mark done as a button the adapter
	// reads back as the step.
	b, _ := json.Marshal(docs["followup_action_due"])
	if !strings.Contains(string(b), `"action_id":"`+actionPrefix+"action_done") {
		t.Errorf("the reminder has no Mark done button:\n%s", b)
	}
}

// TestMarkDoneFromTheReminder: the owner of two agreed actions presses
// Mark done on the reminder Slack showed them; a modal asks which, and the
// one chosen is recorded done, by them; pressing again marks the other
// without asking.
func TestMarkDoneFromTheReminder(t *testing.T) {
	h := newHarness(t, false)
	ctx := context.Background()
	h.command(sam, "list", "trig-s")
	h.command(jo, "list", "trig-j")
	samID := h.env.Person(t, sam.Email, sam.Name, "school", "")
	joID := h.env.Person(t, jo.Email, jo.Name, "csc", "")
	res, err := h.env.Engine.Raise(ctx, samID, bottest.Intake(joID, "school", "csc"))
	if err != nil {
		t.Fatal(err)
	}
	id := res.Case.ID
	due := time.Date(2026, 11, 27, 0, 0, 0, 0, bottest.London)
	if _, err := h.env.Engine.Acknowledge(ctx, conversation.Cmd{Actor: joID, CaseID: id}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.env.Engine.ProposeResolution(ctx, conversation.Cmd{Actor: joID, CaseID: id}, "A joint visit.",
		[]conversation.ResolutionAction{{Description: "Book the visit", OwnerID: joID, Due: due}, {Description: "Share the notes", OwnerID: joID, Due: due}}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.env.Engine.ConfirmResolution(ctx, conversation.Cmd{Actor: samID, CaseID: id}); err != nil {
		t.Fatal(err)
	}
	h.env.Discard(t)
	c, _ := h.env.Store.GetCase(ctx, id)
	if unreached := h.env.Dispatcher.Deliver(ctx, h.env.Router.Cards.ActionNudgeMessages(ctx, c, conversation.NudgeActionDue, 1, h.env.Clock.Now())); len(unreached) > 0 {
		t.Fatalf("reminder not delivered to %v", unreached)
	}
	if r := h.press(jo, actionPrefix+string(conversation.VerbActionDone), "trig-done"); r.Status != 200 {
		t.Fatalf("Mark done: status %d %s", r.Status, r.Raw)
	}
	which := h.openedView("trig-done")
	if r := h.submit(jo, "Vtrig-done", which, map[string]string{conversation.FieldAction: "2"}); r.Body["response_action"] != "clear" {
		t.Fatalf("which action: %s", r.Raw)
	}
	c, _ = h.env.Store.GetCase(ctx, id)
	if a := c.Resolution.Actions; a[1].DoneBy != joID || a[0].Done() {
		t.Fatalf("after choosing action 2 the actions are %+v", a)
	}
	if r := h.press(jo, actionPrefix+string(conversation.VerbActionDone), "trig-done-2"); r.Status != 200 {
		t.Fatalf("Mark done again: status %d %s", r.Status, r.Raw)
	}
	c, _ = h.env.Store.GetCase(ctx, id)
	if a := c.Resolution.Actions[0]; a.DoneBy != joID {
		t.Errorf("after the second Mark done action 1 is %+v", a)
	}
}
