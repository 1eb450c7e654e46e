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

// TestConsoleOwnWordingOverride: a partnership's override of one of the
// console's own texts (its prompts and replies, not the bot's) is what the
// console prints, in place of the catalogue's.
func TestConsoleOwnWordingOverride(t *testing.T) {
	tests := []struct {
		key, text, input string
		want, was        string
	}{
		{"console.as.now", "Acting as {name} <{id}>.", "/as partnership.manager@example.org\n",
			"Acting as", "You are now"},
		{"console.unknown_command", "{command}? Try /help.", "/as partnership.manager@example.org\n/frobnicate\n",
			"/frobnicate? Try /help.", "Unknown console command"},
		{"console.inbox.empty", "Your inbox is empty.", "/as partnership.manager@example.org\n/inbox\n",
			"Your inbox is empty.", "Nothing received yet."},
		{"console.wait.real_clock", "No time travel here.", "/wait 2\n",
			"No time travel here.", "runs on the real clock"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			env := bottest.New(t, bottest.Options{Preset: "plymouth", Configure: func(cfg *config.Config) {
				cfg.Protocol.Messages = map[string]string{tt.key: tt.text}
			}})
			out := run(t, env, tt.input)
			if !strings.Contains(out, tt.want) || strings.Contains(out, tt.was) {
				t.Errorf("transcript should say %q, not %q:\n%s", tt.want, tt.was, out)
			}
		})
	}
}
