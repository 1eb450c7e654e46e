package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
)

// TestRenderGolden: the neutral messages the chat card, timeline and
// notices are made of, rendered as HTML, match the golden files in
// testdata (go test ./adapters/web -run TestRenderGolden -update rewrites
// them). Text people typed is escaped.
func TestRenderGolden(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	in := bottest.Intake(w.gp, "school", "health-visiting")
	in.Concern = "Attendance has fallen <script>alert(1)</script> & the child arrives hungry.\nTwo welfare notes since."
	res, err := w.env.Engine.Raise(ctx, w.sam, in)
	if err != nil {
		t.Fatal(err)
	}
	c := res.Case
	cards := w.env.Router.Cards
	tests := []struct {
		name string
		m    bot.Message
	}{
		{"card-respondent", cards.Card(ctx, c, w.gp, "Sam Patel has raised a disagreement with you.")},
		{"card-raiser", cards.Card(ctx, c, w.sam, "")},
		{"timeline", cards.Timeline(ctx, c)},
		{"notice", bot.Message{Kind: "notice", CaseID: c.ID, Title: c.ID + " · Professional to Professional", Tone: bot.ToneSuccess,
			Text: "Dr Jones responded.\n\nPlease read it.", Fields: []bot.Field{{Label: "Their words", Value: "We <b>closed</b> it."}},
			Buttons: cards.Buttons(ctx, c, w.sam)}},
		{"error", bot.Message{Kind: "error", Tone: bot.ToneWarning, Text: "There is no case CR-2026-9999 you can see."}},
		{"route", cards.Route(conversation.RouteImmediateRisk)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := w.web.RenderMessage(tc.m, "CSRF-TOKEN")
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(got), "<script>") || strings.Contains(string(got), "<b>closed") {
				t.Fatalf("typed text is not escaped:\n%s", got)
			}
			path := filepath.Join("testdata", tc.name+".html")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to write it)", err)
			}
			if string(got) != string(want) {
				t.Fatalf("%s differs from the golden file (run with -update if the change is meant):\n%s", path, got)
			}
		})
	}
}
