package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// TestCaseExistenceCannotBeProbed: someone outside a case gets exactly the
// same answer for a real case's id as for an id that does not exist, on
// every way in (typed commands, button presses, forms), and the attempt on
// the real case is still recorded.
func TestCaseExistenceCannotBeProbed(t *testing.T) {
	f := newFixture(t)
	cs := f.raise(t)
	ctx := context.Background()
	const unknown = "CR-2026-0404"
	tests := []struct {
		name    string
		in      func(id string) bot.Inbound
		attempt string
	}{
		{"status", func(id string) bot.Inbound { return bot.Inbound{Actor: f.olu, Text: "status " + id} }, "view"},
		{"export", func(id string) bot.Inbound { return bot.Inbound{Actor: f.olu, Text: "export " + id + " pdf"} }, "export"},
		{"audit", func(id string) bot.Inbound { return bot.Inbound{Actor: f.olu, Text: "audit " + id} }, "access log"},
		{"typed verb", func(id string) bot.Inbound { return bot.Inbound{Actor: f.olu, Text: "ack " + strings.ToLower(id)} }, "acknowledge"},
		{"button", func(id string) bot.Inbound {
			return bot.Inbound{Actor: f.olu, Verb: conversation.VerbAcknowledge, CaseID: id, Version: cs.Version}
		}, "acknowledge"},
		{"button opening a form", func(id string) bot.Inbound {
			return bot.Inbound{Actor: f.olu, Verb: conversation.VerbEscalate, CaseID: id, Version: cs.Version}
		}, "escalate"},
		{"button with no form", func(id string) bot.Inbound {
			return bot.Inbound{Actor: f.olu, Verb: conversation.Verb("frobnicate"), CaseID: id, Version: cs.Version}
		}, "damaged button"},
		{"note form", func(id string) bot.Inbound {
			return bot.Inbound{Actor: f.olu, FormKey: bot.ActionFormPrefix + "note", CaseID: id, Version: cs.Version, Values: map[string]string{"text": "hello"}}
		}, "note"},
		{"escalate form", func(id string) bot.Inbound {
			return bot.Inbound{Actor: f.olu, FormKey: bot.ActionFormPrefix + "escalate", CaseID: id, Version: cs.Version, Values: map[string]string{"reason": "Stuck."}}
		}, "escalate"},
		{"propose form", func(id string) bot.Inbound {
			return bot.Inbound{Actor: f.olu, FormKey: bot.ActionFormPrefix + "propose", CaseID: id, Values: map[string]string{"way_forward": "Agree."}}
		}, "propose"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := accessLog(t, f, cs.ID)
			real := f.Router.Handle(ctx, tt.in(cs.ID))
			none := f.Router.Handle(ctx, tt.in(unknown))
			if got, want := answer(real, cs.ID), answer(none, unknown); got != want {
				t.Errorf("a real case and an unknown one get different answers:\nreal:    %s\nunknown: %s", got, want)
			}
			want := "I can't find a case " + cs.ID + " that you're part of"
			if tt.attempt == "damaged button" {
				want = bot.Damaged
			}
			if len(real.Messages) != 1 || !strings.Contains(real.Messages[0].Text, want) {
				t.Errorf("answer %+v", real.Messages)
			}
			changed := accessChanges(before, accessLog(t, f, cs.ID))
			if len(changed) != 1 || changed[0].Kind != conversation.EventAccessRefused || changed[0].Actor != f.olu || changed[0].Fields["attempt"] != tt.attempt {
				t.Errorf("access records changed: %+v, want one refused %q by %s", changed, tt.attempt, f.olu)
			}
		})
	}
}

// answer describes what a reply shows the person, with id written as ID.
func answer(r bot.Reply, id string) string {
	var b strings.Builder
	for _, m := range r.Messages {
		fmt.Fprintf(&b, "%s|%s|%s|%s|%v|%v|%d;", m.Kind, m.CaseID, m.Title, m.Text, m.Fields, m.Errors, len(m.Buttons))
	}
	fmt.Fprintf(&b, "errors=%v step=%v refresh=%v", r.Errors, r.Step != nil, r.Refresh != nil)
	return strings.ReplaceAll(b.String(), id, "ID")
}
