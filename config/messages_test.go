package config

import (
	"bytes"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/bot/messages"
)

// TestMessagesOverride: the file's messages change texts on top of the
// preset, wherever the file names the preset.
func TestMessagesOverride(t *testing.T) {
	cfg, probs := mustLoad(t, Options{Path: writeFile(t, `
messages:
  command.unrecognised: "Sorry, I didn't follow that. Nothing has changed."
  access.title: "Who has looked at {case}"
  access.times.other: " · tried {count} times, last {when}"
  email.digest.lead.one: "Good morning. One case is waiting for you."
partnership: rotherham
`)})
	if probs.HasErrors() {
		t.Fatalf("errors:\n%s", probs)
	}
	want := map[string]string{
		"command.unrecognised":  "Sorry, I didn't follow that. Nothing has changed.",
		"access.title":          "Who has looked at {case}",
		"access.times.other":    " · tried {count} times, last {when}",
		"email.digest.lead.one": "Good morning. One case is waiting for you.",
	}
	for k, v := range want {
		if got := cfg.Protocol.Messages[k]; got != v {
			t.Errorf("Messages[%s] = %q, want %q", k, got, v)
		}
	}
	if cfg.Partnership != "rotherham" || !strings.Contains(cfg.Protocol.Name, "Practice Resolution") {
		t.Errorf("the preset was lost: %s, %q", cfg.Partnership, cfg.Protocol.Name)
	}
}

// TestMessagesRefused: config check refuses an unknown key, a text whose
// placeholders differ from the catalogue's and a text that is not one, at
// the line and column of the key.
func TestMessagesRefused(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown key", "messages:\n  command.unrecognized: \"Sorry\"\n",
			`:2:3 messages.command.unrecognized: "command.unrecognized" is not a message key (did you mean command.unrecognised?)`},
		{"placeholder missing", "messages:\n  access.title: \"Who has looked at it\"\n",
			":2:3 messages.access.title: the text's placeholders are none; access.title must have {case}"},
		{"placeholder misspelt", "messages:\n  access.title: \"Who has looked at {caseid}\"\n",
			":2:3 messages.access.title: the text's placeholders are {caseid}; access.title must have {case}"},
		{"plural as one text", "messages:\n  access.times: \" · {count} times\"\n",
			`:2:3 messages.access.times: "access.times" has plural forms`},
		{"not a text", "messages:\n  access.title:\n    - a\n",
			":3:5 messages.access.title: expected the message's text, got a list"},
		{"not a mapping", "messages: hello\n", ":1:11 messages: expected a mapping of message key to text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			if Check(Options{Path: writeFile(t, tt.yaml), Getenv: env(nil)}, &out) {
				t.Fatalf("config check passed:\n%s", out.String())
			}
			if !strings.Contains(out.String(), tt.want) {
				t.Errorf("config check said:\n%s\nwant a line with %q", out.String(), tt.want)
			}
		})
	}
}

// TestPresetMessagesValid: every preset's own messages name keys of the
// catalogue and keep their placeholders.
func TestPresetMessagesValid(t *testing.T) {
	for _, key := range PresetKeys() {
		p, err := Preset(key)
		if err != nil {
			t.Fatal(err)
		}
		for k, prob := range messages.English().Check(p.Messages) {
			t.Errorf("preset %s messages.%s: %s", key, k, prob)
		}
	}
}

// TestPresetMessagesRefused: a bad override from the preset is refused,
// naming the preset.
func TestPresetMessagesRefused(t *testing.T) {
	col := &collector{origin: map[string]string{}}
	cfg := &Config{Partnership: "devon"}
	cfg.Protocol.Messages = map[string]string{"access.title": "Access log"}
	validateMessages(cfg, col)
	if len(col.probs) != 1 || !strings.HasPrefix(col.probs[0].String(), "error: preset devon messages.access.title: ") {
		t.Errorf("problems = %v, want one placed at the preset", col.probs)
	}
}

// TestPresetFileMessages: a preset file's messages mapping is read into
// the protocol, on top of which the deployment's file applies its own.
func TestPresetFileMessages(t *testing.T) {
	data, err := presetFS.ReadFile("presets/plymouth.yaml")
	if err != nil {
		t.Fatal(err)
	}
	data = append(data, "\nmessages:\n  access.title: \"Who has seen {case}\"\n"...)
	p, err := decodePreset("plymouth", data)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Messages["access.title"]; got != "Who has seen {case}" {
		t.Errorf("preset messages = %v", p.Messages)
	}
}
