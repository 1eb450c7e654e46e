package console_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/adapters/console"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
)

// intakeScript answers the intake against Priya with concern as the
// concern; the answers are checked, and sent, after any warning about them.
func intakeScript(concern string) string {
	return strings.Join([]string{"raise", "no", "1", "SCH-2291", "", "priya.shah@csc.example.org", "1", "1",
		"The referral was closed with no further action.", concern, "1", "Attendance records.",
		"A strategy discussion.", "1", "1,2,3", "no", "", "no"}, "\n") + "\n"
}

// TestIdentifierWarning: a concern holding an NHS number is re-asked, its
// warning naming the question, not the field's key; kept, a yes/no
// confirmation follows and it is saved; taken out, the case opens without
// it and the confirmation, now stale, is not asked.
func TestIdentifierWarning(t *testing.T) {
	tests := []struct {
		name        string
		answers     string // to the re-asked concern and the confirmation
		wantConcern string
		wantAsked   bool // whether the confirmation is asked
	}{
		{"kept and confirmed", "\nyes\n", "Seen by the GP, NHS 943 476 5919, no follow-up.", true},
		{"taken out", "Seen by the GP, no follow-up.\n", "Seen by the GP, no follow-up.", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := bottest.New(t, bottest.Options{})
			env.Person(t, "sam.patel@school.example.org", "Sam Patel", "school", "school.manager@example.org")
			env.Person(t, "priya.shah@csc.example.org", "Priya Shah", "csc", "csc.manager@example.org")
			script := "/as sam.patel@school.example.org\n" + intakeScript("Seen by the GP, NHS 943 476 5919, no follow-up.") + tt.answers + "send\n"
			var out bytes.Buffer
			c := console.New(env.Router, env.People, env.Dispatcher, strings.NewReader(script), &out, false)
			if err := c.Run(context.Background()); err != nil {
				t.Fatalf("run: %v", err)
			}
			transcript := out.String()
			for _, want := range []string{"! What worries you about it for the child?: This looks like it contains an NHS number", "Case CR-2026-0001 is open"} {
				if !strings.Contains(transcript, want) {
					t.Errorf("transcript lacks %q:\n%s", want, transcript)
				}
			}
			if asked := strings.Contains(transcript, "Are these identifying details needed on the record?"); asked != tt.wantAsked {
				t.Errorf("confirmation asked = %v, want %v:\n%s", asked, tt.wantAsked, transcript)
			}
			for _, key := range []string{"concern:", "confirm_identifiers", "Confirm here"} {
				if strings.Contains(transcript, key) {
					t.Errorf("transcript shows %q:\n%s", key, transcript)
				}
			}
			cs, err := env.Store.GetCase(context.Background(), "CR-2026-0001")
			if err != nil {
				t.Fatalf("GetCase: %v", err)
			}
			if cs.Concern != tt.wantConcern {
				t.Errorf("concern %q, want %q", cs.Concern, tt.wantConcern)
			}
			if _, err := env.Store.GetDraft(context.Background(), "sam.patel@school.example.org", env.Clock.Now()); conversation.ErrorCode(err) != conversation.ENOTFOUND {
				t.Errorf("draft left behind: %v", err)
			}
		})
	}
}
