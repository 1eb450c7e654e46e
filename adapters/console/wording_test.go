package console_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/config"
)

// TestWordingOverride: a partnership's messages, from its configuration on
// top of its preset, change what a person reads in the console, and the
// catalogue's wording is gone.
func TestWordingOverride(t *testing.T) {
	path := filepath.Join(t.TempDir(), "resolvebot.yaml")
	file := `partnership: plymouth
messages:
  command.unrecognised: "Sorry, I didn't follow that, and nothing has changed."
  access.which_case: "Please name the case, for example: audit CR-2026-0001"
`
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	loaded, probs, err := config.Load(config.Options{Path: path, Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatalf("load: %v\n%s", err, probs)
	}
	tests := []struct {
		name     string
		messages map[string]string
		want     []string
		not      []string
	}{
		{"catalogue", nil,
			[]string{"I couldn't match that to something I do, so nothing has changed.", "Which case? For example: audit CR-2026-0001"},
			[]string{"Sorry, I didn't follow that"}},
		{"overridden", loaded.Protocol.Messages,
			[]string{"Sorry, I didn't follow that, and nothing has changed.", "Please name the case, for example: audit CR-2026-0001"},
			[]string{"I couldn't match that", "Which case?"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := bottest.New(t, bottest.Options{Preset: "plymouth", Configure: func(cfg *config.Config) {
				cfg.Protocol.Messages = tt.messages
			}})
			out := run(t, env, "/as partnership.manager@example.org\nplugh xyzzy\naudit\n")
			inOrder(t, out, tt.want...)
			for _, n := range tt.not {
				if strings.Contains(out, n) {
					t.Errorf("transcript still says %q:\n%s", n, out)
				}
			}
		})
	}
}
