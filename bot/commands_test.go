package bot_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
)

func TestSplitCommand(t *testing.T) {
	tests := []struct{ text, word, rest string }{
		{"list", "list", ""},
		{"  STATUS cr-2026-0001 ", "status", "cr-2026-0001"},
		{"accept referral CR-2026-0002", "accept_referral", "CR-2026-0002"},
		{"Accept Referral CR-2026-0002", "accept_referral", "CR-2026-0002"},
		{"accept-referral CR-2026-0002", "accept_referral", "CR-2026-0002"},
		{"accept_referral CR-2026-0002", "accept_referral", "CR-2026-0002"},
		{"offer mediation CR-2026-0002", "offer_mediation", "CR-2026-0002"},
		{"return referral", "return_referral", ""},
		{"hand over CR-2026-0003", "handover", "CR-2026-0003"},
		{"my cases", "list", ""},
		{"accept CR-2026-0002", "accept", "CR-2026-0002"},
		{"report november 2026", "report", "november 2026"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			w, r := bot.SplitCommand(tt.text)
			if w != tt.word || r != tt.rest {
				t.Errorf("SplitCommand(%q) = %q, %q; want %q, %q", tt.text, w, r, tt.word, tt.rest)
			}
		})
	}
}

func TestNearest(t *testing.T) {
	tests := []struct {
		word string
		want []string
	}{
		{"rasie", []string{"raise"}},      // two letters swapped
		{"esclate", []string{"escalate"}}, // one left out
		{"escalte", []string{"escalate"}},
		{"lsit", []string{"list"}},
		{"stauts", []string{"status"}},
		{"Hepl", []string{"help"}},
		{"withdrew", []string{"withdraw"}},
		{"acknowlege", []string{"acknowledge"}},
		{"reprot", []string{"report"}},
		{"ak", nil}, // too short to guess
		{"hello", nil},
		{"banana", nil},
		{"i", nil},
	}
	for _, tt := range tests {
		t.Run(tt.word, func(t *testing.T) {
			if got := bot.Nearest(tt.word); !slices.Equal(got, tt.want) {
				t.Errorf("Nearest(%q) = %q, want %q", tt.word, got, tt.want)
			}
		})
	}
}

func TestGuess(t *testing.T) {
	tests := []struct{ text, want string }{
		{"I want to raise a concern about a school's decision", "raise"},
		{"I disagree with a decision social care made", "raise"},
		{"can I have more time on CR-2026-0004", "extend CR-2026-0004"},
		{"please escalate cr-2026-0001 to managers", "escalate CR-2026-0001"},
		{"we need to esclate this to our managers", "escalate"},
		{"what is happening with CR-2026-0007", "status CR-2026-0007"},
		{"what stage is CR-2026-0007 at", "status CR-2026-0007"},
		{"show me my cases", "list"},
		{"I'd like to withdraw CR-2026-0002", "withdraw CR-2026-0002"},
		{"the figures for last month please", "report"},
		{"what now", ""},
		{"good morning", ""},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			if got := bot.Guess(tt.text); got != tt.want {
				t.Errorf("Guess(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestParseMonth(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, bottest.London)
	tests := []struct {
		text string
		want string // "2006-01", or "" for an error
	}{
		{"2026-10", "2026-10"},
		{"november", "2026-11"},
		{"November", "2026-11"},
		{"nov", "2026-11"},
		{"december", "2025-12"}, // not yet begun this year
		{"nov 2026", "2026-11"},
		{"Sept 2025", "2025-09"},
		{"2026 march", "2026-03"},
		{"10/2026", "2026-10"},
		{"march, 2024", "2024-03"},
		{"octember", ""},
		{"13/2026", ""},
		{"2026", ""},
		{"next month", ""},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got, err := bot.ParseMonth(tt.text, now, bottest.London)
			if tt.want == "" {
				if conversation.ErrorCode(err) != conversation.EINVALID {
					t.Errorf("ParseMonth(%q) = %v, %v; want EINVALID", tt.text, got, err)
				}
				return
			}
			if err != nil || got.Format("2006-01") != tt.want || got.Day() != 1 {
				t.Errorf("ParseMonth(%q) = %v, %v; want %s", tt.text, got, err, tt.want)
			}
		})
	}
}

// TestForgivingCommands checks what a person sees for slips and sentences:
// a slip of a command that only shows something is carried out and says
// so, a slip of a step is offered back with its button and changes nothing,
// and a sentence gets the command it most likely means.
func TestForgivingCommands(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	cs := f.raise(t)
	tests := []struct {
		name    string
		actor   string
		text    string
		kinds   []string // kinds of the messages, in order
		says    string   // in the first message
		buttons []conversation.Verb
	}{
		{"a slip of list runs it", f.sam, "lsit", []string{"notice", "list"}, `I took "lsit" to mean "list".`, nil},
		{"in capitals too", f.sam, "LIST", []string{"list"}, "", nil},
		{"a slip of status runs it", f.priya, "stauts " + cs.ID, []string{"notice", "card", "timeline"}, `to mean "status"`, nil},
		{"a slip of raise is offered", f.sam, "rasie", []string{"notice"}, `Did you mean "raise"? Nothing has changed yet`, nil},
		{"a slip of a step is offered with its button", f.priya, "ackowledge " + strings.ToLower(cs.ID), []string{"notice"},
			`Did you mean "acknowledge ` + cs.ID + `"? Nothing has changed yet: type it like that, or press the button.`, []conversation.Verb{conversation.VerbAcknowledge}},
		{"a slip of a step the raiser may take", f.sam, "esclate " + cs.ID, []string{"notice"}, `Did you mean "escalate ` + cs.ID + `"?`, []conversation.Verb{conversation.VerbEscalate}},
		{"no button for a step the person may not take", f.sam, "ackowledge " + cs.ID, []string{"notice"}, `Did you mean "acknowledge ` + cs.ID + `"?`, nil},
		{"no button on a case the person is not part of", f.olu, "ackowledge " + cs.ID, []string{"notice"}, `Did you mean "acknowledge ` + cs.ID + `"?`, nil},
		{"a sentence gets the likely command", f.sam, "I want to raise a concern about a school's decision", []string{"notice"}, `Did you mean "raise"?`, nil},
		{"a step without a case asks for one", f.sam, "I need more time", []string{"notice"}, `"extend CR-…" with the case id`, nil},
		{"two words for one step", f.sam, "Accept referral " + cs.ID, []string{"error"}, "Only the partnership can decide on a referral.", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.Router.Handle(ctx, bot.Inbound{Actor: tt.actor, Text: tt.text})
			var kinds []string
			for _, m := range r.Messages {
				kinds = append(kinds, m.Kind)
			}
			if !slices.Equal(kinds, tt.kinds) {
				t.Fatalf("kinds = %q, want %q (%+v)", kinds, tt.kinds, r.Messages)
			}
			m := r.Messages[0]
			if !strings.Contains(m.Text, tt.says) {
				t.Errorf("text %q lacks %q", m.Text, tt.says)
			}
			var verbs []conversation.Verb
			for _, b := range m.Buttons {
				verbs = append(verbs, b.Verb)
				if b.CaseID != cs.ID || b.Version != cs.Version || b.Secondary {
					t.Errorf("button %+v, want one for %s version %d", b, cs.ID, cs.Version)
				}
			}
			if !slices.Equal(verbs, tt.buttons) {
				t.Errorf("buttons %v, want %v", verbs, tt.buttons)
			}
			if r.Step != nil || r.Refresh != nil {
				t.Errorf("a slip changed something: %+v", r)
			}
		})
	}
	got, err := f.Store.GetCase(ctx, cs.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != cs.Version {
		t.Errorf("case moved from version %d to %d; an offered step must change nothing", cs.Version, got.Version)
	}
}

func TestNameCommand(t *testing.T) {
	tests := []struct {
		text    string
		offered []string
		want    string
	}{
		{`Did you mean "raise"? Nothing has changed yet: type it like that.`, []string{"raise"}, `Did you mean "/resolve raise"? Nothing has changed yet: type it like that.`},
		{`Did you mean "ack CR-2026-0001" or "acknowledge CR-2026-0001"? Nothing has changed yet.`, []string{"ack CR-2026-0001", "acknowledge CR-2026-0001"},
			`Did you mean "/resolve ack CR-2026-0001" or "/resolve acknowledge CR-2026-0001"? Nothing has changed yet.`},
		{`Meinten Sie "escalate CR-…" mit der Fallnummer?`, []string{"escalate"}, `Meinten Sie "/resolve escalate CR-…" mit der Fallnummer?`},
		{`Your note is on the timeline.`, nil, `Your note is on the timeline.`},
		{`Did you mean "raise it"? Fine.`, nil, `Did you mean "raise it"? Fine.`},
	}
	for _, tt := range tests {
		if got := bot.NameCommand(bot.Message{Text: tt.text, Offered: tt.offered}, "/resolve").Text; got != tt.want {
			t.Errorf("NameCommand(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}
