package teams

import (
	"net/http"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/adapters/teams/teamstest"
	"github.com/resolvebot/resolvebot/conversation"
)

// TestCommandTypedAsAnAnswer: "cancel" typed as the whole of an answer on
// the intake card brings the card back with the problem on its question;
// nothing is opened.
func TestCommandTypedAsAnAnswer(t *testing.T) {
	h := newHarness(t)
	h.env.Person(t, "sam.teacher@example.org", "Sam Teacher", "school", "school.manager@example.org")
	h.env.Person(t, "alex.worker@example.org", "Alex Worker", "csc", "")
	sam := h.user("Sam Teacher", "sam.teacher@example.org")
	h.post(t, h.client.Install(sam), http.StatusOK)
	h.post(t, h.client.Message(sam, "raise"), http.StatusOK)
	formID := h.activityIDOf(t, h.lastSent(t, sam))
	values := intakeValues("alex.worker@example.org")
	values["decision"] = "cancel"
	card := cardOf(t, h.post(t, h.client.Execute(sam, formID, verbSubmit, values), http.StatusOK))
	if text := teamstest.Text(card); !strings.Contains(text, "reads as a way to stop, not an answer") || !strings.Contains(text, "Continue") {
		t.Errorf("the card does not refuse the command on its question:\n%s", text)
	}
	if cs, _ := h.env.Store.ListCases(t.Context(), conversation.CaseFilter{}); len(cs) != 0 {
		t.Errorf("a case was opened")
	}
}
