package slack

import (
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/conversation"
)

// TestNotSureOfImmediateRiskIsAnEmergency: the intake modal offers "Not
// sure" to the immediate-risk question, and choosing it turns the modal into
// the front-door message at once, as "yes" does; no case is opened.
func TestNotSureOfImmediateRiskIsAnEmergency(t *testing.T) {
	h := newHarness(t, false)
	withCase(t, h)
	h.command(sam, "", "trig-raise")
	modal := jsonString(h.openedView("trig-raise"))
	if !strings.Contains(modal, `"value":"not_sure"`) {
		t.Fatalf("the intake modal offers no not-sure answer: %s", modal)
	}
	h.interact(map[string]any{"type": "block_actions", "team": h.team(), "user": h.userJSON(sam), "trigger_id": "trig-u",
		"container": map[string]any{"type": "view", "view_id": "VRAISE"}, "view": map[string]any{"id": "VRAISE", "type": "modal", "hash": "h1"},
		"actions": []any{map[string]any{"type": "radio_buttons", "action_id": conversation.FieldImmediateRisk, "block_id": conversation.FieldImmediateRisk,
			"selected_option": map[string]any{"value": conversation.NotSure, "text": map[string]any{"type": "plain_text", "text": "Not sure"}}, "action_ts": "1.2"}}})
	var updated string
	for _, c := range h.fake.Calls("views.update") {
		updated = jsonString(c.JSON)
	}
	if !strings.Contains(updated, "this is not the route for an emergency") || !strings.Contains(updated, "If you are not sure, contact them now") {
		t.Fatalf("not sure did not turn the modal into the front-door message: %q", updated)
	}
}
