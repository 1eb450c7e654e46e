package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
)

func TestParseExtension(t *testing.T) {
	env := bottest.New(t, bottest.Options{})
	base := time.Date(2026, 11, 30, 17, 0, 0, 0, bottest.London) // a Monday's deadline
	tests := []struct {
		text string
		want int
		says string // in the field's message when refused
	}{
		{"3", 3, ""},
		{"3 working days", 3, ""},
		{"3 days", 3, ""},
		{"three", 3, ""},
		{"2026-12-04", 4, ""},
		{"4 Dec", 4, ""},
		{"4th December", 4, ""},
		{"Dec 4", 4, ""},
		{"4/12", 4, ""},
		{"4/12/2026", 4, ""},
		{"friday", 4, ""},
		{"next friday", 4, ""},
		{"Next Friday.", 4, ""},
		{"by Wed", 2, ""},
		{"5 Dec", 0, "Sat 5 Dec 2026 is not a working day"},
		{"25 December", 0, "Fri 25 Dec 2026 is not a working day"},
		{"30 Nov", 0, "The deadline is already Mon 30 Nov"},
		{"2027-03-01", 0, "an extension can be at most 20"},
		{"31 Nov", 0, "I couldn't read that."},
		{"soon", 0, "I couldn't read that. Give a date such as 4 Dec"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got, err := env.Router.Cards.ParseExtension(tt.text, base)
			if tt.says == "" {
				if err != nil || got != tt.want {
					t.Errorf("ParseExtension(%q) = %d, %v; want %d", tt.text, got, err, tt.want)
				}
				return
			}
			if msg := env.Router.Cards.ErrorFields(err)["days"]; !strings.Contains(msg, tt.says) {
				t.Errorf("ParseExtension(%q) = %d, %v; want a message on days with %q", tt.text, got, err, tt.says)
			}
		})
	}
}

// TestExtendByDate: the extend form takes a date and moves the deadline to
// it; the date is counted from the stage deadline.
func TestExtendByDate(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	cs := f.raise(t)
	r := f.Router.Handle(ctx, bot.Inbound{Actor: f.priya, Verb: conversation.VerbAcknowledge, CaseID: cs.ID})
	if r.Step == nil {
		t.Fatalf("ack: %+v", r.Messages)
	}
	deadline := r.Step.Current().Deadline
	target := deadline.AddDate(0, 0, 7) // a week on: the same weekday
	r = f.Router.Handle(ctx, bot.Inbound{Actor: f.priya, FormKey: "action:extend", CaseID: cs.ID,
		Values: map[string]string{"days": target.Format("2 Jan"), "reason": "Waiting for a report."}})
	if r.Step == nil {
		t.Fatalf("extend by date: %+v %v", r.Messages, r.Errors)
	}
	if got := r.Step.Current().Deadline; got.Format("2006-01-02") != target.Format("2006-01-02") {
		t.Errorf("deadline %s, want %s", got, target.Format("Mon 2 Jan"))
	}
}
