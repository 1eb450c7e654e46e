package config

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// fullFile sets every stored section, so exporting loses nothing.
const fullFile = `partnership: devon
protocol:
  partnership: Example Safeguarding Children Partnership
  partnership_short: Example SCP
  action_reminder_days: 0
  routes:
    front_door: "0345 000 0000"
  serious_concern: null
  stages:
    - {key: practitioner, name: Practitioner to practitioner, raiser_tier: professional, days: 5, urgent_days: 1, ack_days: 1}
    - {key: manager, name: Manager to manager, raiser_tier: manager, days: 7, urgent_days: 2, ack_days: 2, guidance: Talk first.}
calendar:
  closure_days: [2026-12-24, 2026-12-29]
  workday_start: "08:30"
scheduler:
  digest: "0 7 * * 1-5"
  reminder_days_before: 2
  quiet_hours: {start: "18:00", end: "08:00"}
directory:
  agencies:
    - key: csc
      name: Children's Social Care
      contacts:
        manager: [{name: Ann Manager, email: ann@csc.example.org}]
        leader: [{name: Lee Leader, email: lee@csc.example.org}]
      safeguarding_leads: [{name: Sue Lead, email: sue@csc.example.org}]
      reference_formats: ['CSC-\d{6}']
      reference_example: CSC-123456
    - key: gp
      name: Riverside Surgery
      reach: [email]
  partnership_roles:
    - {name: Pat Manager, email: pat@scp.example.org, role: partnership manager}
    - {name: Ada Admin, email: ada@scp.example.org, role: partnership admin}
`

// stored is the part of a configuration the stored settings hold.
func stored(c *Config) []any {
	return []any{c.Partnership, c.Protocol, c.Calendar.TimeZone, c.Calendar.ClosureDays, c.Calendar.WorkdayStart, c.Calendar.WorkdayEnd,
		c.Directory, c.Scheduler.ReminderDaysBefore, c.Scheduler.MaxOverdueReminders, c.Scheduler.QuietStart, c.Scheduler.QuietEnd}
}

// TestExportThenCheck: for every preset, the defaults and a file that sets
// every stored section, the exported settings pass config check on their
// own, merged back into the file, and through WithSettings, and read back
// to the same settings.
func TestExportThenCheck(t *testing.T) {
	files := map[string]string{"defaults": "", "full": fullFile}
	for _, k := range PresetKeys() {
		files["preset "+k] = "partnership: " + k + "\n"
	}
	for name, body := range files {
		t.Run(name, func(t *testing.T) {
			opts := Options{Getenv: env(nil)}
			if body != "" {
				opts.Path = writeFile(t, body)
			}
			cfg, _ := mustLoad(t, opts)
			doc, err := ExportSettings(cfg)
			if err != nil {
				t.Fatal(err)
			}
			exported := writeFile(t, string(doc))
			var out bytes.Buffer
			if !Check(Options{Path: exported, Getenv: env(nil)}, &out) || strings.Contains(out.String(), "error: ") {
				t.Fatalf("config check of the export:\n%s\n%s", out.String(), doc)
			}
			again, _ := mustLoad(t, Options{Path: exported, Getenv: env(nil)})
			if !reflect.DeepEqual(stored(again), stored(cfg)) {
				t.Errorf("the export reads back differently:\n got %+v\nwant %+v\n%s", stored(again), stored(cfg), doc)
			}
			with, probs, err := cfg.WithSettings("settings", doc)
			if err != nil {
				t.Fatalf("WithSettings: %v\n%s", err, probs)
			}
			if !reflect.DeepEqual(stored(with), stored(cfg)) {
				t.Errorf("WithSettings differs:\n got %+v\nwant %+v", stored(with), stored(cfg))
			}
			if with.Scheduler.Digest != cfg.Scheduler.Digest || with.Store != cfg.Store {
				t.Errorf("WithSettings changed what is not stored")
			}
			merged, err := MergeSettings([]byte(body), doc)
			if err != nil {
				t.Fatal(err)
			}
			mp := filepath.Join(t.TempDir(), "merged.yaml")
			if err := os.WriteFile(mp, merged, 0o600); err != nil {
				t.Fatal(err)
			}
			m, _ := mustLoad(t, Options{Path: mp, Getenv: env(nil)})
			if !reflect.DeepEqual(stored(m), stored(cfg)) || m.Scheduler.Digest != cfg.Scheduler.Digest {
				t.Errorf("the merged file reads back differently:\n%s", merged)
			}
		})
	}
}

// TestWithSettingsRefuses: a bad settings document is refused with the
// message config check gives for the same thing in the file, placed at its
// line in the document, and sections that are not stored are refused.
func TestWithSettingsRefuses(t *testing.T) {
	base, _ := mustLoad(t, Options{Getenv: env(nil)})
	cases := []struct {
		name, doc, place string
	}{
		{"agency without a name", "directory:\n  agencies:\n    - key: x\n", "settings:3:7 directory.agencies[0]"},
		{"bad email", "directory:\n  agencies:\n    - key: x\n      name: X\n      contacts:\n        manager: [{name: A, email: not-an-email}]\n", "directory.agencies[0].contacts.manager[0].email"},
		{"stage without days", "protocol:\n  stages:\n    - {key: a, name: A, raiser_tier: professional}\n", "protocol.stages[0]"},
		{"bad closure day", "calendar:\n  closure_days: [2026-13-01]\n", "calendar.closure_days[0]"},
		{"bad reference format", "directory:\n  agencies:\n    - {key: x, name: X, reference_formats: ['(']}\n", "directory.agencies[0].reference_formats[0]"},
		{"not stored here", "store:\n  driver: redis\n", "settings:1:1 store"},
		{"cron not stored", "scheduler:\n  digest: '0 7 * * *'\n", "scheduler.digest"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, probs, err := base.WithSettings("settings", []byte(c.doc))
			if err == nil {
				t.Fatalf("accepted:\n%s", c.doc)
			}
			if !hasProblem(probs, SeverityError, c.place) {
				t.Errorf("no error at %q:\n%s", c.place, probs)
			}
			if c.name == "not stored here" || c.name == "cron not stored" {
				return
			}
			// The same text in the file: the same messages.
			_, fileProbs, _ := Load(Options{Path: writeFile(t, c.doc), Getenv: env(nil)})
			for _, p := range probs {
				if p.Severity == SeverityError && !hasMessage(fileProbs, p.Message) {
					t.Errorf("%q is not what config check says:\n%s", p.Message, fileProbs)
				}
			}
		})
	}
}

func hasMessage(ps Problems, msg string) bool {
	for _, p := range ps {
		if p.Message == msg {
			return true
		}
	}
	return false
}
