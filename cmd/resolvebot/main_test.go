package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestCommands(t *testing.T) {
	clearPlatformEnv(t)
	dir := t.TempDir()
	corrupt := filepath.Join(dir, "corrupt.yaml")
	if err := os.WriteFile(corrupt, []byte("partnership: devon\nprotocol:\n  stages: [oops\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	unknownKey := filepath.Join(dir, "typo.yaml")
	if err := os.WriteFile(unknownKey, []byte("partnership: wiltshire\nstorre:\n  driver: bolt\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
		want string // in stdout or stderr
	}{
		{"version", []string{"version"}, 0, "resolvebot "},
		{"config check of the defaults", []string{"config", "check"}, 0, "config ok"},
		{"config check of a corrupt file", []string{"config", "check", "--config", corrupt}, 1, "corrupt.yaml:"},
		{"config check of a typo", []string{"config", "check", "--config", unknownKey}, 1, "typo.yaml:2:1"},
		{"serve with a corrupt file", []string{"serve", "--config", corrupt}, 1, "corrupt.yaml:"},
		{"config without check", []string{"config"}, 2, "config check"},
		{"unknown command", []string{"frobnicate"}, 2, "Unknown command"},
		{"help", []string{"help"}, 0, "Commands:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := run(t, context.Background(), "", tt.args...)
			if code != tt.code {
				t.Errorf("exit code = %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out, errs)
			}
			if !strings.Contains(out+errs, tt.want) {
				t.Errorf("output lacks %q\nstdout: %s\nstderr: %s", tt.want, out, errs)
			}
		})
	}
}

// TestDefaultIsConsoleOnEmbeddedStore: with no credentials, plain
// `resolvebot` runs the console on resolvebot.db in the working directory,
// says how to connect a platform, and what was entered survives a restart.
func TestDefaultIsConsoleOnEmbeddedStore(t *testing.T) {
	clearPlatformEnv(t)
	script, err := os.ReadFile(filepath.Join("..", "..", "adapters", "console", "testdata", "walkthrough.txt"))
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	code, out, errs := run(t, context.Background(), string(script))
	if code != 0 {
		t.Fatalf("exit %d\nstderr: %s", code, errs)
	}
	if !strings.Contains(out, "No Slack or Teams credentials are set") || !strings.Contains(out, "SLACK_BOT_TOKEN") {
		t.Errorf("no hint on connecting a platform:\n%.500s", out)
	}
	if !strings.Contains(out, "CR-2026-0001 is resolved.") {
		t.Errorf("the walkthrough did not resolve the case")
	}
	if _, err := os.Stat("resolvebot.db"); err != nil {
		t.Fatalf("no embedded store in the working directory: %v", err)
	}
	// Logs carry no case text.
	for _, secret := range []string{"SCH-2291", "hungry", "Joint visit"} {
		if strings.Contains(errs, secret) {
			t.Errorf("logs contain case text %q", secret)
		}
	}
	code, out, _ = run(t, context.Background(), "/as sam.patel@school.example.org\nlist\n", "console")
	if code != 0 || !strings.Contains(out, "CR-2026-0001 (SCH-2291)") || !strings.Contains(out, "Resolved") {
		t.Errorf("after restart, list = exit %d:\n%s", code, out)
	}
}

// TestServeHealthAndCleanShutdown: with credentials, serve listens, answers
// health and readiness, and stops cleanly when told to.
func TestServeHealthAndCleanShutdown(t *testing.T) {
	clearPlatformEnv(t)
	t.Setenv("SLACK_BOT_TOKEN", "xoxb-test")
	t.Setenv("SLACK_SIGNING_SECRET", "test-secret")
	s, resp := startServe(t, "/healthz", "--data", filepath.Join(t.TempDir(), "rb.db"))
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("healthz = %d", resp.StatusCode)
	}
	resp, err := s.client.Get(s.adminURL("/readyz"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("readyz = %d", resp.StatusCode)
	}
	if code := s.stop(); code != 0 {
		t.Errorf("exit code after shutdown = %d: %s", code, s.stderr.String())
	}
}

// TestReportAndExport runs the walkthrough, then asks for the report and
// the case record from the command line.
func TestReportAndExport(t *testing.T) {
	clearPlatformEnv(t)
	script, err := os.ReadFile(filepath.Join("..", "..", "adapters", "console", "testdata", "walkthrough.txt"))
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	if code, _, errs := run(t, context.Background(), string(script), "console"); code != 0 {
		t.Fatalf("walkthrough: %s", errs)
	}
	today := time.Now().Format(time.DateOnly)
	tests := []struct {
		name string
		args []string
		code int
		want string // in stdout+stderr
		file string // a file that must exist afterwards
	}{
		{"report as markdown", []string{"report", "--from", today, "--to", today}, 0, "| Raised | 1 |", ""},
		{"report as csv", []string{"report", "--from", today, "--to", today, "--format", "csv"}, 0, "totals,raised,,1", ""},
		{"report chart", []string{"report", "--from", today, "--to", today, "--format", "png", "--out", "chart.png"}, 0, "Wrote chart.png", "chart.png"},
		{"png needs a file", []string{"report", "--format", "png"}, 2, "needs --out", ""},
		{"bad dates", []string{"report", "--from", "yesterday"}, 2, "YYYY-MM-DD", ""},
		{"the annual report", []string{"report", "--year", today[:4]}, 0, "# Annual report " + today[:4] + ": Case Resolution Protocol", ""},
		{"a year and dates", []string{"report", "--year", today[:4], "--from", today}, 2, "not both", ""},
		{"a bad year", []string{"report", "--year", "26"}, 2, "--year as YYYY", ""},
		{"a partnership not hosted", []string{"report", "--partnership", "devon"}, 2, "this deployment hosts one partnership: leave out --partnership", ""},
		{"export by a party", []string{"export", "CR-2026-0001", "--as", "sam.patel@school.example.org"}, 0, "Wrote CR-2026-0001.pdf", "CR-2026-0001.pdf"},
		{"export as markdown to stdout", []string{"export", "CR-2026-0001", "--as", "school.manager@example.org", "--format", "md", "--out", "-"}, 0, "OFFICIAL-SENSITIVE", ""},
		{"export by an outsider", []string{"export", "CR-2026-0001", "--as", "olu.ade@health.example.org"}, 1, "I can't find a case CR-2026-0001 that you're part of", ""},
		{"export of an unknown case", []string{"export", "CR-2026-0999", "--as", "sam.patel@school.example.org"}, 1, "I can't find a case CR-2026-0999 that you're part of", ""},
		{"export without --as", []string{"export", "CR-2026-0001"}, 2, "Usage", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := run(t, context.Background(), "", tt.args...)
			if code != tt.code || !strings.Contains(out+errs, tt.want) {
				t.Errorf("exit %d (want %d), output lacks %q?\nstdout: %.400s\nstderr: %s", code, tt.code, tt.want, out, errs)
			}
			if tt.file != "" {
				if st, err := os.Stat(tt.file); err != nil || st.Size() == 0 {
					t.Errorf("%s not written: %v", tt.file, err)
				}
			}
		})
	}
}

// Every command answers -h with its help and exit 0, and a flag it does
// not know with exit 2, before touching any configuration or store.
func TestFlagsHelpAndMistakes(t *testing.T) {
	clearPlatformEnv(t)
	t.Chdir(t.TempDir())
	for _, cmd := range [][]string{{"serve"}, {"console"}, {"version"}, {"report"}, {"export", "CR-2026-0001"},
		{"purge"}, {"rekey"}, {"loadtest"}, {"healthcheck"}, {"config", "check"}, {"config", "reference"}, {"slack", "manifest"}, {"teams", "package"}} {
		t.Run(strings.Join(cmd, " "), func(t *testing.T) {
			if code, out, errs := run(t, context.Background(), "", append(slices.Clone(cmd), "-h")...); code != 0 {
				t.Errorf("-h: exit %d\n%s%s", code, out, errs)
			}
			if code, out, errs := run(t, context.Background(), "", append(slices.Clone(cmd), "--no-such-flag")...); code != 2 || !strings.Contains(errs, "no-such-flag") {
				t.Errorf("--no-such-flag: exit %d, want 2 naming the flag\n%s%s", code, out, errs)
			}
		})
	}
}
