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

// TestAgencyInWords: the intake's agency questions take the words of an
// agency's name ("social care", "police"), ask "Did you mean A or B?" when
// the words fit two, and list the agencies when they fit none; the case
// opens with the agencies meant.
func TestAgencyInWords(t *testing.T) {
	env := bottest.New(t, bottest.Options{Configure: func(cfg *config.Config) {
		cfg.Directory.Agencies = append(cfg.Directory.Agencies, config.Agency{Key: "asc", Name: "Adult Social Care (example)"})
	}})
	env.Person(t, "sam.patel@school.example.org", "Sam Patel", "school", "school.manager@example.org")
	env.Person(t, "priya.shah@csc.example.org", "Priya Shah", "csc", "csc.manager@example.org")
	script := strings.Join([]string{"/as sam.patel@school.example.org", "raise", "no", "1", "SCH-2291",
		"riverside school", "priya.shah@csc.example.org",
		"housing", "social care", "childrens social care", // none, then two (children's and adults'), then one
		"1", "The referral was closed with no further action.", "The child arrives hungry.", "1", "Attendance records.",
		"A strategy discussion.", "1", "1,2,3", "no", "", "no", "send", "/quit"}, "\n") + "\n"
	var out bytes.Buffer
	c := console.New(env.Router, env.People, env.Dispatcher, strings.NewReader(script), &out, false)
	if err := c.Run(context.Background()); err != nil {
		t.Fatalf("run: %v", err)
	}
	transcript := out.String()
	for _, want := range []string{
		"> housing\n  ! \"housing\" doesn't match an agency I know. Please choose one of: Children's Social Care (example);",
		"> social care\n  ! Did you mean Children's Social Care (example) or Adult Social Care (example)? Please choose one.",
		"  4) Your agency: Riverside Primary School (example)\n",
		"  6) Their agency: Children's Social Care (example)\n",
		"Case CR-2026-0001 is open",
	} {
		if !strings.Contains(transcript, want) {
			t.Errorf("transcript lacks %q:\n%s", want, transcript)
		}
	}
	cs, err := env.Store.GetCase(context.Background(), "CR-2026-0001")
	if err != nil || cs.Raiser.Agency != "school" || cs.Respondent.Agency != "csc" {
		t.Fatalf("case %+v, %v", cs, err)
	}
}
