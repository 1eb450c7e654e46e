package teams

import (
	"net/http"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/adapters/teams/teamstest"
)

// TestListOfThePartnershipManager: "list" in Teams shows the partnership
// manager the referral and the serious concern waiting on the partnership
// first, then the other open cases; it used to say they had no cases.
func TestListOfThePartnershipManager(t *testing.T) {
	h := newHarness(t)
	rc := h.env.RoleCases(t)
	pm := h.user("Partnership Manager (example)", "partnership.manager@example.org")
	h.post(t, h.client.Install(pm), http.StatusOK)
	h.connector.Reset()
	h.post(t, h.client.Message(pm, "list"), http.StatusOK)
	var text string
	for _, call := range h.connector.Sent(pm.Conversation()) {
		text += teamstest.Text(call.Card()) + "\n"
	}
	if strings.Contains(text, "You have no cases") {
		t.Fatalf("the partnership manager is told they have no cases:\n%s", text)
	}
	at := 0
	for _, want := range []string{"Waiting on the partnership", rc.Referred.ID, "Referral to triage", rc.Serious.ID, "Serious concern logged",
		"Other open cases", rc.Open.ID} {
		i := strings.Index(text[at:], want)
		if i < 0 {
			t.Fatalf("the list lacks %q after what came before:\n%s", want, text)
		}
		at += i + len(want)
	}
	if !strings.Contains(text, rc.Elsewhere.ID) {
		t.Errorf("the list lacks the open case %s between other agencies:\n%s", rc.Elsewhere.ID, text)
	}
}
