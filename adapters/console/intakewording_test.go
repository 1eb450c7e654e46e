package console_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/config"
)

// TestIntakeWordingOverride: a partnership that rewords the intake's
// questions and answers in its configuration (messages, on top of its
// preset) has a person raising a case read its words in the console, and
// the catalogue's are gone.
func TestIntakeWordingOverride(t *testing.T) {
	path := filepath.Join(t.TempDir(), "resolvebot.yaml")
	file := `partnership: wiltshire
messages:
  intake.immediate_risk: "Could a child come to significant harm today?"
  intake.about: "Whose decision worries you?"
  intake.about.other_agency: "A professional or agency outside mine"
`
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	loaded, probs, err := config.Load(config.Options{Path: path, Getenv: func(string) string { return "" }})
	if err != nil || probs.HasErrors() {
		t.Fatalf("load: %v\n%s", err, probs)
	}
	tests := []struct {
		name      string
		messages  map[string]string
		want, not []string
	}{
		{"catalogue", nil,
			[]string{"Is a child at immediate risk of significant harm?", "What is the disagreement about?", "A decision or action by another professional or agency"},
			[]string{"Could a child come to significant harm today?", "Whose decision worries you?"}},
		{"overridden", loaded.Protocol.Messages,
			[]string{"Could a child come to significant harm today?", "Whose decision worries you?", "A professional or agency outside mine"},
			[]string{"Is a child at immediate risk", "What is the disagreement about?", "A decision or action by another professional"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := bottest.New(t, bottest.Options{Preset: "wiltshire", Configure: func(cfg *config.Config) {
				cfg.Protocol.Messages = tt.messages
			}})
			env.Person(t, "sam.patel@school.example.org", "Sam Patel", "school", "school.manager@example.org")
			out := run(t, env, "/as sam.patel@school.example.org\nraise\nno\n")
			inOrder(t, out, tt.want...)
			for _, n := range tt.not {
				if strings.Contains(out, n) {
					t.Errorf("the console still says %q:\n%s", n, out)
				}
			}
		})
	}
}
