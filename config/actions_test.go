package config

import (
	"strings"
	"testing"
)

// TestActionReminderDays: owners of agreed actions are reminded two
// working days before by default; a file may choose another number, or 0
// for the day itself only; a number out of range is refused, placed.
func TestActionReminderDays(t *testing.T) {
	for _, tt := range []struct {
		body string
		want int // ActionReminderDaysBefore
	}{
		{"partnership: generic\n", 2},
		{"partnership: generic\nprotocol:\n  action_reminder_days: 5\n", 5},
		{"partnership: generic\nprotocol:\n  action_reminder_days: 0\n", 0},
	} {
		cfg, _ := mustLoad(t, Options{Path: writeFile(t, tt.body)})
		if got := cfg.Protocol.ActionReminderDaysBefore(); got != tt.want {
			t.Errorf("%q: reminded %d working days before, want %d", tt.body, got, tt.want)
		}
	}
	_, problems, err := Load(Options{Path: writeFile(t, "partnership: generic\nprotocol:\n  action_reminder_days: 30\n"), Getenv: func(string) string { return "" }})
	if err == nil || !strings.Contains(problems.String(), "protocol.action_reminder_days") {
		t.Errorf("30 working days accepted: %v\n%s", err, problems.String())
	}
}
