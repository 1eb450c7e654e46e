package slack

import (
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/conversation"
)

// TestCommandTypedAsAnAnswer: "cancel" or "status CR-2026-0001" typed as
// the whole of an answer in the intake modal is refused on its question.
func TestCommandTypedAsAnAnswer(t *testing.T) {
	for _, typed := range []string{"cancel", "status CR-2026-0001"} {
		h := newHarness(t, false)
		h.env.Person(t, sam.Email, sam.Name, "school", schoolMg.Email)
		h.command(sam, "", "trig-c")
		answers := copyAnswers(intakeAnswers)
		answers[conversation.FieldDecision] = typed
		r := h.submit(sam, "Vtrig-c", h.openedView("trig-c"), answers)
		errs, _ := r.Body["errors"].(map[string]any)
		if r.Body["response_action"] != "errors" || !strings.Contains(errs[conversation.FieldDecision].(string), "not an answer") {
			t.Fatalf("%q as the decision: %s", typed, r.Raw)
		}
	}
}
