package console_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/adapters/console"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/config"
)

// run runs script in the console and returns the transcript.
func run(t *testing.T, env *bottest.Env, script string) string {
	t.Helper()
	var out bytes.Buffer
	c := console.New(env.Router, env.People, env.Dispatcher, strings.NewReader(script), &out, false)
	if err := c.Run(context.Background()); err != nil {
		t.Fatalf("run: %v", err)
	}
	return out.String()
}

// inOrder checks that each of wants appears in s after the one before.
func inOrder(t *testing.T, s string, wants ...string) {
	t.Helper()
	at := 0
	for _, w := range wants {
		i := strings.Index(s[at:], w)
		if i < 0 {
			t.Errorf("transcript lacks %q after what came before:\n%s", w, s)
			return
		}
		at += i + len(w)
	}
}

// TestPartnershipManagerListsWhatWaitsOnThem: the partnership manager's
// list shows the referral and the serious concern waiting on the
// partnership first, then every other open case; it used to say they had
// no cases.
func TestPartnershipManagerListsWhatWaitsOnThem(t *testing.T) {
	env := bottest.New(t, bottest.Options{})
	rc := env.RoleCases(t)
	out := run(t, env, "/as partnership.manager@example.org\nlist\n")
	if strings.Contains(out, "You have no cases") {
		t.Fatalf("the partnership manager is told they have no cases:\n%s", out)
	}
	inOrder(t, out, "Waiting on the partnership",
		rc.Referred.ID, "Referral to triage",
		rc.Serious.ID, "Serious concern logged",
		"Other open cases", rc.Open.ID)
	if !strings.Contains(out, rc.Elsewhere.ID) {
		t.Errorf("the partnership sees every open case; %s is missing:\n%s", rc.Elsewhere.ID, out)
	}
	waiting := out[:strings.Index(out, "Other open cases")]
	if strings.Contains(waiting, rc.Open.ID) || strings.Contains(waiting, rc.Elsewhere.ID) {
		t.Errorf("cases that wait on nobody in the partnership are listed as waiting:\n%s", out)
	}
}

// TestSafeguardingLeadListsTheirAgencysCases: social care's safeguarding
// lead sees the serious concern and the referral about their agency first,
// then its other open case, and nothing between the police and health
// visiting.
func TestSafeguardingLeadListsTheirAgencysCases(t *testing.T) {
	env := bottest.New(t, bottest.Options{Configure: func(cfg *config.Config) {
		for i := range cfg.Directory.Agencies {
			if cfg.Directory.Agencies[i].Key == "csc" {
				cfg.Directory.Agencies[i].SafeguardingLeads = []config.Contact{{Name: "Dana Lead", Email: "dana.lead@csc.example.org"}}
			}
		}
	}})
	rc := env.RoleCases(t)
	out := run(t, env, "/as dana.lead@csc.example.org\nlist\n")
	inOrder(t, out, "Needs your attention", rc.Referred.ID, "Referral to triage", rc.Serious.ID, "Serious concern logged",
		"Your agency's open cases", rc.Open.ID)
	if strings.Contains(out, rc.Elsewhere.ID) {
		t.Errorf("the lead for social care sees a case between other agencies:\n%s", out)
	}
}

// TestCappedListCountsTheRest: past ten cases, the list says how many more
// there are.
func TestCappedListCountsTheRest(t *testing.T) {
	env := bottest.New(t, bottest.Options{})
	for range 4 {
		env.RoleCases(t)
	}
	out := run(t, env, "/as partnership.manager@example.org\nlist\n")
	// 8 wait on the partnership (4 referrals, 4 serious concerns); 8 others.
	for _, want := range []string{"Waiting on the partnership", "Other open cases"} {
		if !strings.Contains(out, want) {
			t.Errorf("transcript lacks %q:\n%s", want, out)
		}
	}
	for range 2 {
		env.RoleCases(t)
	}
	out = run(t, env, "/as partnership.manager@example.org\nlist\n")
	inOrder(t, out, "Waiting on the partnership", "10 shown, soonest due first; 2 more not shown.",
		"Other open cases", "10 shown, newest first; 2 more not shown.")
}
