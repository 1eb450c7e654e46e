package slack

import (
	"strings"
	"testing"
)

// TestAppHomeOfThePartnershipManager: the partnership manager's App Home
// shows the referral and the serious concern waiting on the partnership
// first, then the other open cases; it used to say nothing waited on them.
func TestAppHomeOfThePartnershipManager(t *testing.T) {
	h := newHarness(t, false)
	rc := h.env.RoleCases(t)
	h.appHome(pm, "EvPM1", nil)
	pubs := h.fake.Calls("views.publish")
	if len(pubs) != 1 || pubs[0].JSON["user_id"] != pm.ID {
		t.Fatalf("views.publish: %v", pubs)
	}
	s := jsonString(pubs[0].JSON)
	at := 0
	for _, want := range []string{"Waiting on the partnership", rc.Referred.ID, "Referral to triage", rc.Serious.ID, "Serious concern logged",
		"Other open cases", rc.Open.ID} {
		i := strings.Index(s[at:], want)
		if i < 0 {
			t.Fatalf("home lacks %q after what came before: %s", want, s)
		}
		at += i + len(want)
	}
	if !strings.Contains(s, rc.Elsewhere.ID) {
		t.Errorf("home lacks the open case %s between other agencies: %s", rc.Elsewhere.ID, s)
	}
	if strings.Contains(s, "Nothing is waiting on you") {
		t.Errorf("home says nothing waits on the partnership manager: %s", s)
	}
}
