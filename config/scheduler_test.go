package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSchedulerSection(t *testing.T) {
	tests := []struct {
		name    string
		yaml    string
		place   string // "" when the file is fine
		message string
		check   func(t *testing.T, s Scheduler)
	}{
		{"defaults", "", "", "", func(t *testing.T, s Scheduler) {
			if s.DuePass != "@every 1m" || s.ReminderDaysBefore != 1 || s.MaxOverdueReminders != 3 || s.QuietStart != 17*time.Hour || s.QuietEnd != 9*time.Hour {
				t.Errorf("defaults = %+v", s)
			}
		}},
		{"set", "scheduler:\n  digest: \"30 7 * * 1-5\"\n  reminder_days_before: 2\n  quiet_hours: {start: \"18:30\", end: \"08:00\"}\n  summary_to: [chair@example.org]\n", "", "", func(t *testing.T, s Scheduler) {
			if s.Digest != "30 7 * * 1-5" || s.ReminderDaysBefore != 2 || s.QuietStart != 18*time.Hour+30*time.Minute || s.QuietEnd != 8*time.Hour || len(s.SummaryTo) != 1 {
				t.Errorf("scheduler = %+v", s)
			}
		}},
		{"bad cron", "scheduler:\n  digest: every morning\n", ":2:11 scheduler.digest", "not a cron schedule", nil},
		{"bad quiet hours", "scheduler:\n  quiet_hours:\n    start: late\n", ":3:12 scheduler.quiet_hours.start", "HH:MM", nil},
		{"too many reminders", "scheduler:\n  max_overdue_reminders: 99\n", ":2:26 scheduler.max_overdue_reminders", "between 0 and 20", nil},
		{"bad summary address", "scheduler:\n  summary_to: [nobody]\n", ":2:16 scheduler.summary_to[0]", "not an email", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "resolvebot.yaml")
			if err := os.WriteFile(path, []byte(tt.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			cfg, probs, err := Load(Options{Path: path, Getenv: func(string) string { return "" }})
			if tt.place == "" {
				if err != nil {
					t.Fatalf("load: %v\n%s", err, probs.String())
				}
				tt.check(t, cfg.Scheduler)
				return
			}
			if err == nil {
				t.Fatalf("no error for %q", tt.yaml)
			}
			out := probs.String()
			if !strings.Contains(out, tt.place) || !strings.Contains(out, tt.message) {
				t.Errorf("problems lack %q / %q:\n%s", tt.place, tt.message, out)
			}
		})
	}
}
