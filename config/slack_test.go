package config

import (
	"strings"
	"testing"
)

func TestSlackPace(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		pace    bool
		problem string
	}{
		{name: "on by default", pace: true},
		{name: "turned off", file: "slack:\n  pace: false\n", pace: false},
		{name: "not a boolean", file: "slack:\n  pace: sometimes\n", problem: "slack.pace"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := Options{Getenv: env(nil)}
			if tc.file != "" {
				opts.Path = writeFile(t, tc.file)
			}
			cfg, probs, err := Load(opts)
			if tc.problem != "" {
				if err == nil || !strings.Contains(probs.String(), tc.problem) {
					t.Fatalf("want a problem at %q, got err %v:\n%s", tc.problem, err, probs)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v\n%s", err, probs)
			}
			if cfg.Slack.Pace != tc.pace {
				t.Errorf("pace %v, want %v", cfg.Slack.Pace, tc.pace)
			}
		})
	}
}
