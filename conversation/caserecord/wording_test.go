package caserecord_test

import (
	"context"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/config"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/caserecord"
)

// TestWordingOverride: a partnership's messages reword the record's fixed
// words (a heading, a summary label, a status, the page footer) in the PDF
// and the Markdown, and the catalogue's words are gone.
func TestWordingOverride(t *testing.T) {
	over := map[string]string{
		"caserecord.heading.timeline": "Chronology",
		"caserecord.concern":          "What worries the raiser",
		"label.status.open":           "Still being worked on",
		"caserecord.page":             "Sheet {page} of {pages}",
	}
	tests := []struct {
		name      string
		messages  map[string]string
		want, not []string
	}{
		{"catalogue", nil, []string{"Timeline", "Concern", "Open", "Page 1 of"}, []string{"Chronology", "What worries the raiser", "Sheet 1"}},
		{"overridden", over, []string{"Chronology", "What worries the raiser", "Still being worked on", "Sheet 1 of"}, []string{"Timeline", "Concern", "Page 1 of"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			env := bottest.New(t, bottest.Options{Configure: func(cfg *config.Config) { cfg.Protocol.Messages = tt.messages }})
			sam := env.Person(t, "sam.patel@school.example.org", "Sam Patel", "school", "school.manager@example.org")
			priya := env.Person(t, "priya.shah@csc.example.org", "Priya Shah", "csc", "csc.manager@example.org")
			res, err := env.Engine.Raise(ctx, sam, bottest.Intake(priya, "school", "csc"))
			if err != nil {
				t.Fatal(err)
			}
			r := caserecord.Build(res.Case, nil, env.Engine.Protocol, namer{env}, bottest.London, sam, env.Clock.Now())
			text, md := pdfText(t, r), r.Markdown()
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("the record PDF lacks %q:\n%s", w, text)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(text, n) {
					t.Errorf("the record PDF still says %q", n)
				}
			}
			if w := tt.want[0]; !strings.Contains(md, "## "+w+"\n") {
				t.Errorf("the Markdown has no %q heading:\n%s", w, md)
			}
			if got := r.Summary[1]; got.Value != tt.want[2] {
				t.Errorf("status line = %+v, want %q", got, tt.want[2])
			}
		})
	}
	if probs := (&conversation.Protocol{}).Wording().Check(over); len(probs) > 0 {
		t.Errorf("the override is refused: %v", probs)
	}
}
