package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// TestDamagedButtons: a press whose value an adapter could not read, with
// a version no card ever showed, or with a step that does not exist, is
// answered plainly, with the case as it stands when the person may see
// it, and changes nothing.
func TestDamagedButtons(t *testing.T) {
	f := newFixture(t)
	cs := f.raise(t)
	ctx := context.Background()
	tests := []struct {
		name     string
		in       bot.Inbound
		wantCard bool
	}{
		{"unreadable value naming a case", bot.Inbound{Actor: f.priya, Damaged: true, CaseID: cs.ID}, true},
		{"unreadable value naming nothing", bot.Inbound{Actor: f.priya, Damaged: true}, false},
		{"unreadable value naming garbage", bot.Inbound{Actor: f.priya, Damaged: true, CaseID: strings.Repeat("\u202e<x>", 50)}, false},
		{"negative version", bot.Inbound{Actor: f.priya, Verb: conversation.VerbAcknowledge, CaseID: cs.ID, Version: -5}, true},
		{"version from the future", bot.Inbound{Actor: f.priya, Verb: conversation.VerbAcknowledge, CaseID: cs.ID, Version: 1 << 62}, true},
		{"future version on a form button", bot.Inbound{Actor: f.sam, Verb: conversation.VerbEscalate, CaseID: cs.ID, Version: 1 << 62}, true},
		{"step that does not exist", bot.Inbound{Actor: f.priya, Verb: conversation.Verb("frobnicate"), CaseID: cs.ID, Version: cs.Version}, true},
		{"someone outside the case", bot.Inbound{Actor: f.olu, Damaged: true, CaseID: cs.ID}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := f.Store.GetCase(ctx, cs.ID)
			r := f.Router.Handle(ctx, tt.in)
			if len(r.Messages) != 1 || !strings.HasPrefix(r.Messages[0].Text, bot.Damaged) {
				t.Fatalf("reply %+v, want one message saying the button is damaged", r.Messages)
			}
			m := r.Messages[0]
			if isCard := m.Kind == "card" && len(m.Fields) > 0; isCard != tt.wantCard {
				t.Errorf("reply is a case card: %v, want %v", isCard, tt.wantCard)
			}
			if !tt.wantCard && strings.Contains(m.Text, cs.ChildRef) {
				t.Errorf("reply shows the case: %s", m.Text)
			}
			if after, _ := f.Store.GetCase(ctx, cs.ID); after.Version != before.Version {
				t.Error("a damaged button changed the case")
			}
		})
	}
}
