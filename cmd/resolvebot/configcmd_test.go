package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConfigCommands(t *testing.T) {
	clearPlatformEnv(t)
	t.Setenv("SLACK_BOT_TOKEN", "xoxb-do-not-print")
	t.Setenv("SLACK_SIGNING_SECRET", "signing-do-not-print")
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "configuration.md"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    []string
		code    int
		want    []string // in stdout
		notWant []string // nowhere in the output
	}{
		{"reference", []string{"config", "reference"}, 0,
			[]string{"| `scheduler.quiet_hours.start` | time of day (HH:MM) | `17:00` |", "`SLACK_BOT_TOKEN` (environment only; secret)"}, nil},
		{"check --print masks secrets", []string{"config", "check", "--print", "--addr", "127.0.0.1:4000"}, 0,
			[]string{"config ok", "addr: 127.0.0.1:4000\n", "slack.bot_token: (set)\n", "scheduler.digest: 0 8 * * 1-5\n"},
			[]string{"xoxb-do-not-print", "signing-do-not-print"}},
		{"check without --print", []string{"config", "check"}, 0, []string{"config ok"}, []string{"slack.bot_token"}},
		{"reference takes no flags of check", []string{"config", "reference", "--print"}, 2, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := run(t, context.Background(), "", tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out, errs)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(out+errs, w) {
					t.Errorf("output shows %q", w)
				}
			}
			if tt.name == "reference" && out != string(doc) {
				t.Error("config reference differs from docs/configuration.md")
			}
		})
	}
}
