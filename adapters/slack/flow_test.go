package slack

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/adapters/slack/slackfake"
	"github.com/resolvebot/resolvebot/conversation"
)

var intakeAnswers = map[string]string{
	conversation.FieldImmediateRisk:    "no",
	conversation.FieldAbout:            conversation.AboutOtherAgency,
	conversation.FieldChildRef:         "CSC-204913",
	conversation.FieldRaiserAgency:     "school",
	conversation.FieldRespondent:       jo.Email,
	conversation.FieldRespondentAgency: "csc",
	conversation.FieldCategory:         "threshold",
	conversation.FieldDecision:         "The referral was closed with no further action.",
	conversation.FieldConcern:          "Attendance has fallen and the child arrives hungry most days.",
	conversation.FieldEvidenceKind:     string(conversation.EvidenceDocumented),
	conversation.FieldEvidence:         "Attendance records for six weeks.",
	conversation.FieldOutcomeSought:    "A strategy discussion.",
	conversation.FieldUrgency:          string(conversation.UrgencyStandard),
	conversation.FieldReflection:       "discussed_with_lead,child_best_interest",
	conversation.FieldFamilyInformed:   "no",
	conversation.FieldSeriousConcern:   "no",
}

// TestWholeFlow drives a case from /resolve to an agreed resolution through
// signed HTTP requests, and again through the Socket Mode handler, against
// the fake Slack Web API.
func TestWholeFlow(t *testing.T) {
	for _, tc := range []struct {
		name   string
		socket bool
	}{{"http", false}, {"socket mode", true}} {
		t.Run(tc.name, func(t *testing.T) { wholeFlow(t, tc.socket) })
	}
}

func wholeFlow(t *testing.T, socket bool) {
	h := newHarness(t, socket)
	ctx := context.Background()

	// 1. /resolve with no text: Sam has no profile yet, so the profile modal
	// opens first and leads on to the intake.
	if r := h.command(sam, "", "trig-1"); r.Status != 200 {
		t.Fatalf("/resolve: status %d", r.Status)
	}
	profile := h.openedView("trig-1")
	if meta, _ := decodeMeta(profile["private_metadata"].(string)); meta.Form != "profile" || meta.Then != "intake" {
		t.Fatalf("first modal: %+v", meta)
	}
	r := h.submit(sam, "Vtrig-1", profile, map[string]string{"agency": "school", "manager": schoolMg.Email})
	if r.Body["response_action"] != "update" {
		t.Fatalf("profile submission: %s", r.Raw)
	}
	intake := r.Body["view"].(map[string]any)
	first := intake["blocks"].([]any)
	if id := firstInputID(first); id != conversation.FieldImmediateRisk {
		t.Fatalf("intake's first question is %q, want the immediate-risk question", id)
	}

	// A missing answer comes back on its own field and nothing is opened.
	partial := copyAnswers(intakeAnswers)
	partial[conversation.FieldChildRef] = "Jane"
	r = h.submit(sam, "Vtrig-1", intake, partial)
	if r.Body["response_action"] != "errors" || r.Body["errors"].(map[string]any)[conversation.FieldChildRef] == nil {
		t.Fatalf("bad child ref: %s", r.Raw)
	}
	if cs, _ := h.env.Store.ListCases(ctx, conversation.CaseFilter{}); len(cs) != 0 {
		t.Fatalf("a case was opened from an invalid intake")
	}

	// Complete answers come back to be checked, and nothing is opened yet.
	r = h.submit(sam, "Vtrig-1", intake, intakeAnswers)
	check, _ := r.Body["view"].(map[string]any)
	if r.Body["response_action"] != "update" || !strings.Contains(r.Raw, "Check your answers") || !strings.Contains(r.Raw, "Jo Reed") {
		t.Fatalf("intake submission: %s", r.Raw)
	}
	if cs, _ := h.env.Store.ListCases(ctx, conversation.CaseFilter{}); len(cs) != 0 {
		t.Fatalf("a case was opened before the answers were checked")
	}
	// Change turns the modal back into the form with every answer in
	// place and the cursor on the one to change.
	h.pressInView(sam, "Vtrig-1", check, actionChange, conversation.FieldChildRef)
	again := h.updatedView("Vtrig-1")
	if ref := inputOf(again, conversation.FieldChildRef); ref == nil || ref["element"].(map[string]any)["initial_value"] != intakeAnswers[conversation.FieldChildRef] ||
		ref["element"].(map[string]any)["focus_on_load"] != true {
		t.Fatalf("Change gave %s", jsonString(again))
	}
	if c := inputOf(again, conversation.FieldConcern); c == nil || c["element"].(map[string]any)["initial_value"] != intakeAnswers[conversation.FieldConcern] {
		t.Fatalf("the concern was lost on the way back: %s", jsonString(again))
	}
	r = h.submit(sam, "Vtrig-1", again, intakeAnswers)
	r = h.sendChecked(sam, "Vtrig-1", r)
	if r.Body["response_action"] != "clear" {
		t.Fatalf("sending the checked answers: %s", r.Raw)
	}
	cs, _ := h.env.Store.ListCases(ctx, conversation.CaseFilter{})
	if len(cs) != 1 {
		t.Fatalf("%d cases after intake", len(cs))
	}
	id := cs[0].ID
	// The respondent gets the card by DM; Sam gets his own copy.
	if _, v := h.fake.Button("D02JO", "rb_acknowledge"); !strings.Contains(v, id) {
		t.Fatalf("Jo has no Acknowledge button for %s", id)
	}
	// A step in the card's overflow menu opens its form as a button does.
	if _, actionID, typ, _ := h.fake.Step("D02JO", "note"); actionID != actionMore || typ != "overflow" {
		t.Fatalf("Add note is a %s %q, want an option of the overflow menu", typ, actionID)
	}
	h.press(jo, "rb_note", "trig-note")
	if meta, _ := decodeMeta(h.openedView("trig-note")["private_metadata"].(string)); meta.Form != "action:note" || meta.Case != id {
		t.Fatalf("Add note from the overflow opened %+v", meta)
	}
	refs, _ := h.env.Store.MessageRefs(ctx, id)
	if len(refs) != 2 {
		t.Fatalf("%d card copies recorded, want 2 (Sam and Jo)", len(refs))
	}

	// 2. Jo acknowledges from the DM card; every copy updates.
	h.fake.Reset()
	if r := h.press(jo, "rb_acknowledge", "trig-2"); r.Status != 200 {
		t.Fatalf("acknowledge: status %d", r.Status)
	}
	c, _ := h.env.Store.GetCase(ctx, id)
	if !c.Current().Acknowledged() {
		t.Fatal("not acknowledged")
	}
	assertUpdated(t, h, id)

	// Sam may not acknowledge: an ephemeral explanation, nothing changes.
	h.fake.Reset()
	before := c.Version
	h.interact(pressPayload(h, sam, "D01SAM", "rb_acknowledge", "acknowledge|"+id+"|"+strconv.FormatInt(before, 10), "trig-x"))
	if n := len(h.fake.Calls("chat.postEphemeral")); n != 1 {
		t.Fatalf("%d ephemeral explanations, want 1; calls %v", n, slackfake.Methods(h.fake.Calls("")))
	}
	if c2, _ := h.env.Store.GetCase(ctx, id); c2.Version != before {
		t.Fatal("a refused step changed the case")
	}

	// 3. Sam escalates: the button opens a modal, its submission moves the
	// case to the managers, who receive their cards.
	h.fake.Reset()
	h.press(sam, "rb_escalate", "trig-3")
	esc := h.openedView("trig-3")
	if r := h.submit(sam, "Vtrig-3", esc, map[string]string{"reason": "We could not agree at our level."}); r.Body["response_action"] != "clear" {
		t.Fatalf("escalate submission: %s", r.Raw)
	}
	c, _ = h.env.Store.GetCase(ctx, id)
	if c.Current().Key == c.Stages[0].Key {
		t.Fatal("not escalated")
	}
	for _, u := range []slackfake.User{schoolMg, cscMg} {
		if _, _, _, v := h.fake.Step("D"+u.ID[1:], "propose"); !strings.Contains(v, id) {
			t.Fatalf("%s has no card with Propose resolution", u.Name)
		}
	}
	assertUpdated(t, h, id)

	// 4. The school manager proposes; the social care manager confirms.
	h.fake.Reset()
	h.press(schoolMg, "rb_propose", "trig-4")
	prop := h.openedView("trig-4")
	// An action line with no owner comes back on the Actions question.
	r = h.submit(schoolMg, "Vtrig-4", prop, map[string]string{"way_forward": "Early help assessment this week.", "actions": "Book the assessment"})
	if errs, _ := r.Body["errors"].(map[string]any); r.Body["response_action"] != "errors" || errs["actions"] == nil {
		t.Fatalf("action without an owner: %s", r.Raw)
	}
	if r := h.submit(schoolMg, "Vtrig-4", prop, map[string]string{"way_forward": "Early help assessment this week."}); r.Body["response_action"] != "clear" {
		t.Fatalf("propose submission: %s", r.Raw)
	}
	h.fake.Reset()
	if r := h.press(cscMg, "rb_confirm", "trig-5"); r.Status != 200 {
		t.Fatalf("confirm: %d", r.Status)
	}
	c, _ = h.env.Store.GetCase(ctx, id)
	if c.Status != conversation.StatusResolved {
		t.Fatalf("status %s, want resolved", c.Status)
	}
	assertUpdated(t, h, id)

	// 5. The timeline holds every step.
	var kinds []string
	for _, e := range c.Events {
		kinds = append(kinds, string(e.Kind))
	}
	want := []string{"raised", "acknowledged", "escalated", "resolution_proposed", "resolution_confirmed"}
	if strings.Join(kinds, ",") != strings.Join(want, ",") {
		t.Fatalf("timeline %v, want %v", kinds, want)
	}
}

// assertUpdated checks that every stored copy of the case's card was updated
// with chat.update.
func assertUpdated(t *testing.T, h *harness, id string) {
	t.Helper()
	refs, _ := h.env.Store.MessageRefs(context.Background(), id)
	updated := map[string]bool{}
	for _, c := range h.fake.Calls("chat.update") {
		updated[c.Form.Get("channel")+"/"+c.Form.Get("ts")] = true
	}
	for _, ref := range refs {
		if ref.Platform != Platform || !strings.HasPrefix(ref.Channel, "D") {
			t.Fatalf("card copy %+v is not a Slack DM", ref)
		}
		if !updated[ref.Channel+"/"+ref.ID] {
			t.Fatalf("copy %s/%s of %s was not updated; calls %v", ref.Channel, ref.ID, id, slackfake.Methods(h.fake.Calls("")))
		}
	}
}

func firstInputID(blocks []any) string {
	for _, b := range blocks {
		if m := b.(map[string]any); m["type"] == "input" {
			return m["block_id"].(string)
		}
	}
	return ""
}

func copyAnswers(m map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func pressPayload(h *harness, u slackfake.User, ch, actionID, value, trigger string) map[string]any {
	return map[string]any{
		"type": "block_actions", "user": h.userJSON(u), "api_app_id": "A0APP", "token": "legacy-token",
		"container":  map[string]any{"type": "message", "message_ts": "1790000000.000001", "channel_id": ch, "is_ephemeral": false},
		"trigger_id": trigger, "team": h.team(), "channel": map[string]any{"id": ch, "name": "directmessage"},
		"message": map[string]any{"type": "message", "bot_id": "B0BOT", "ts": "1790000000.000001", "text": "card"},
		"actions": []any{map[string]any{"action_id": actionID, "block_id": "actions", "type": "button", "value": value,
			"text": map[string]any{"type": "plain_text", "text": "x"}, "action_ts": "1790000000.1"}},
	}
}
