package slack

import (
	"context"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/adapters/slack/slackfake"
	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// TestViewFullCaseIsAudited: "View full case" records the view in the
// case's access log; someone outside the case is told plainly and the refusal
// is recorded.
func TestViewFullCaseIsAudited(t *testing.T) {
	h := newHarness(t, false)
	c := withCase(t, h)
	h.env.Person(t, cscMg.Email, cscMg.Name, "csc", "")
	view := func(u slackfake.User, trigger string) string {
		h.interact(map[string]any{"type": "block_actions", "team": h.team(), "user": h.userJSON(u), "trigger_id": trigger,
			"container": map[string]any{"type": "view", "view_id": "VHOME"}, "view": map[string]any{"id": "VHOME", "type": "home"},
			"actions": []any{map[string]any{"type": "button", "action_id": actionView, "block_id": "Xh3k", "value": c.ID, "action_ts": "1.2"}}})
		return jsonString(h.openedView(trigger))
	}
	last := func() conversation.AuditRecord {
		log, _ := h.env.Store.AuditLog(context.Background(), c.ID)
		if len(log) == 0 {
			return conversation.AuditRecord{}
		}
		return log[len(log)-1]
	}
	if v := view(jo, "trig-v"); !strings.Contains(v, "Timeline of "+c.ID) {
		t.Fatalf("case view: %s", v)
	}
	if e := last(); e.Kind != conversation.EventViewed {
		t.Fatalf("last access record %s, want viewed", e.Kind)
	}
	v := view(cscMg, "trig-x")
	if e := last(); e.Kind != conversation.EventAccessRefused || e.Fields["attempt"] != "view" {
		t.Fatalf("last access record %s %v, want the refused view", e.Kind, e.Fields)
	}
	if strings.Contains(v, "Timeline of") || strings.Contains(v, c.ChildRef) {
		t.Fatalf("a refused view shows the case: %s", v)
	}
	if !strings.Contains(v, conversation.ErrorMessage(messages.English(), refusal(t, h, c.ID))) {
		t.Fatalf("the refusal is not explained: %s", v)
	}
	// The same modal as for a case that does not exist.
	h.interact(map[string]any{"type": "block_actions", "team": h.team(), "user": h.userJSON(cscMg), "trigger_id": "trig-y",
		"container": map[string]any{"type": "view", "view_id": "VHOME"}, "view": map[string]any{"id": "VHOME", "type": "home"},
		"actions": []any{map[string]any{"type": "button", "action_id": actionView, "block_id": "Xh3k", "value": "CR-2026-0404", "action_ts": "1.3"}}})
	none := jsonString(h.openedView("trig-y"))
	if strings.ReplaceAll(v, c.ID, "ID") != strings.ReplaceAll(none, "CR-2026-0404", "ID") {
		t.Fatalf("a real case and an unknown one get different views:\n%s\n%s", v, none)
	}
}

// refusal returns the error a non-party's view gets, for its wording.
func refusal(t *testing.T, h *harness, id string) error {
	t.Helper()
	_, err := h.env.Engine.View(context.Background(), "nobody@example.org", id)
	if err == nil {
		t.Fatal("a stranger may view the case")
	}
	return err
}
