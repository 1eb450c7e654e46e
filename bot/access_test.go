package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// TestAccessLogCommand: the partnership reads who viewed, exported or was
// refused a case with "audit"; the case's own people and outsiders may not,
// and the case's timeline shows none of it.
func TestAccessLogCommand(t *testing.T) {
	f := newFixture(t)
	cs := f.raise(t)
	ctx := context.Background()
	pm := "partnership.manager@example.org"
	f.Router.Handle(ctx, bot.Inbound{Actor: f.priya, Text: "status " + cs.ID})
	f.Router.Handle(ctx, bot.Inbound{Actor: f.sam, Text: "export " + cs.ID + " md"})
	for range 3 {
		f.Router.Handle(ctx, bot.Inbound{Actor: f.olu, Verb: conversation.VerbAcknowledge, CaseID: cs.ID})
	}
	tests := []struct {
		name, actor, text, kind string
		want                    []string
	}{
		{"partnership", pm, "audit " + strings.ToLower(cs.ID), "timeline", []string{"Access log of " + cs.ID,
			"Viewed by Priya Shah", "Exported as md by Sam Patel", "Access refused to Olu Ade (not part of the case) · tried: acknowledge · 3 times, the last"}},
		{"a party", f.sam, "audit " + cs.ID, "error", []string{"for the partnership team"}},
		{"an outsider", f.olu, "audit " + cs.ID, "error", nil},
		{"no id", pm, "audit", "error", []string{"Which case?"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.Router.Handle(ctx, bot.Inbound{Actor: tt.actor, Text: tt.text})
			if len(r.Messages) != 1 || r.Messages[0].Kind != tt.kind {
				t.Fatalf("reply %+v, want one %s", r.Messages, tt.kind)
			}
			m := r.Messages[0]
			for _, w := range tt.want {
				if shown := m.Title + "\n" + m.Text + "\n" + strings.Join(m.List, "\n"); !strings.Contains(shown, w) {
					t.Errorf("reply lacks %q:\n%s", w, shown)
				}
			}
			if tt.kind == "error" && strings.Contains(m.Text, "Olu") {
				t.Errorf("a refusal shows the log: %s", m.Text)
			}
		})
	}
	// The timeline a party reads holds the practice only.
	r := f.Router.Handle(ctx, bot.Inbound{Actor: f.sam, Text: "status " + cs.ID})
	if tl := r.Messages[len(r.Messages)-1]; tl.Kind != "timeline" || !strings.Contains(strings.Join(tl.List, "\n"), "Raised") ||
		strings.Contains(strings.Join(tl.List, "\n"), "Viewed") || strings.Contains(strings.Join(tl.List, "\n"), "refused") {
		t.Errorf("timeline shows access records:\n%s", strings.Join(tl.List, "\n"))
	}
}

// TestOldAccessEventsStillRead: a case whose timeline holds access events
// written by an earlier version reads as before; those events show in the
// access log and the exported record's access section, not in the
// timeline.
func TestOldAccessEventsStillRead(t *testing.T) {
	f := newFixture(t)
	cs := f.raise(t)
	ctx := context.Background()
	// As older versions wrote them: on the timeline, with the version.
	_, err := f.Store.UpdateCase(ctx, cs.ID, func(c *conversation.Case) error {
		c.Events = append(c.Events,
			conversation.Event{Seq: len(c.Events) + 1, Kind: conversation.EventViewed, At: f.Clock.Now(), Actor: f.priya, Stage: "professional", Fields: map[string]string{"version": "2"}},
			conversation.Event{Seq: len(c.Events) + 2, Kind: conversation.EventAccessRefused, At: f.Clock.Now(), Actor: f.olu, Stage: "professional", Fields: map[string]string{"version": "2", "attempt": "view"}})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	r := f.Router.Handle(ctx, bot.Inbound{Actor: "partnership.manager@example.org", Text: "audit " + cs.ID})
	if shown := strings.Join(r.Messages[0].List, "\n"); !strings.Contains(shown, "Viewed by Priya Shah") || !strings.Contains(shown, "Access refused to Olu Ade") {
		t.Errorf("access log lacks the older events:\n%s", shown)
	}
	r = f.Router.Handle(ctx, bot.Inbound{Actor: f.sam, Text: "status " + cs.ID})
	if tl := strings.Join(r.Messages[len(r.Messages)-1].List, "\n"); len(r.Messages) != 2 || strings.Contains(tl, "Viewed") || strings.Contains(tl, "refused") || !strings.Contains(tl, "Raised") {
		t.Errorf("status of a case with older access events: %+v", r.Messages)
	}
	r = f.Router.Handle(ctx, bot.Inbound{Actor: f.sam, Text: "export " + cs.ID + " md"})
	if len(r.Messages) != 1 || len(r.Messages[0].Attachments) != 1 {
		t.Fatalf("export: %+v", r.Messages)
	}
	md := string(r.Messages[0].Attachments[0].Data)
	timeline := md[strings.Index(md, "## Timeline"):strings.Index(md, "## Access log")]
	access := md[strings.Index(md, "## Access log"):]
	if strings.Contains(timeline, "viewed") || !strings.Contains(access, "Priya Shah — viewed") || !strings.Contains(access, "Olu Ade — refused") || !strings.Contains(access, "Sam Patel — exported as Markdown") {
		t.Errorf("exported record:\n%s", md)
	}
}
