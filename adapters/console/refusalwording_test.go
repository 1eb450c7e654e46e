package console_test

import (
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/config"
)

// TestRefusalWordingOverride: a partnership's override of an engine
// refusal's key and of a form answer's message changes what a person reads
// in the console, and the catalogue's wording is gone.
func TestRefusalWordingOverride(t *testing.T) {
	tests := []struct {
		name     string
		messages map[string]string
		want     []string
		not      string
	}{
		{"catalogue", nil,
			[]string{"I can't find a case CR-2026-0404 that you're part of."}, "No case CR-2026-0404 is yours"},
		{"overridden", map[string]string{"error.case_not_found": "No case {case} is yours to see here."},
			[]string{"No case CR-2026-0404 is yours to see here."}, "I can't find a case"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := bottest.New(t, bottest.Options{Preset: "plymouth", Configure: func(cfg *config.Config) {
				cfg.Protocol.Messages = tt.messages
			}})
			out := run(t, env, "/as partnership.manager@example.org\nack CR-2026-0404\n")
			inOrder(t, out, tt.want...)
			if strings.Contains(out, tt.not) {
				t.Errorf("transcript says %q:\n%s", tt.not, out)
			}
		})
	}
}
