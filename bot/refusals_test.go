package bot_test

import (
	"context"
	"testing"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// TestRefusalsSayWhatToDo: a step a person may not take is refused with
// the steps they may take instead, most likely first, whether typed or
// pressed; people who may not act on the case are told only that.
func TestRefusalsSayWhatToDo(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	cs := f.raise(t)
	partnership := "partnership.manager@example.org"
	tests := []struct {
		name  string
		in    bot.Inbound
		wants string
	}{
		{"the raiser tries to acknowledge", bot.Inbound{Actor: f.sam, Text: "ack " + cs.ID},
			"You raised this case, so the other side acknowledges it and responds. You can propose a resolution, add a note or withdraw it."},
		{"by the button", bot.Inbound{Actor: f.sam, Verb: conversation.VerbAcknowledge, CaseID: cs.ID, Version: cs.Version},
			"You raised this case, so the other side acknowledges it and responds. You can propose a resolution, add a note or withdraw it."},
		{"the raiser opens the respond form", bot.Inbound{Actor: f.sam, Verb: conversation.VerbRespond, CaseID: cs.ID, Version: cs.Version},
			"You raised this case, so the other side acknowledges it and responds. You can propose a resolution, add a note or withdraw it."},
		{"the respondent tries to withdraw", bot.Inbound{Actor: f.priya, Text: "withdraw " + cs.ID},
			"Only the side that raised the case can withdraw it. You can acknowledge it, respond or add a note."},
		{"the respondent escalates before acknowledging", bot.Inbound{Actor: f.priya, Text: "escalate " + cs.ID},
			"Please acknowledge this stage first. You can then take it further if it needs to go further. You can acknowledge it, respond or add a note."},
		{"the partnership accepts a case not referred", bot.Inbound{Actor: partnership, Text: "accept referral " + cs.ID},
			"This case has not been referred to the partnership. You can offer mediation or add a note."},
		{"an outsider is told only that there is no such case", bot.Inbound{Actor: f.olu, Text: "ack " + cs.ID},
			"I can't find a case " + cs.ID + " that you're part of. Check the id, or ask the person who raised it."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.Router.Handle(ctx, tt.in)
			if len(r.Messages) != 1 || r.Messages[0].Kind != "error" {
				t.Fatalf("reply %+v, want one refusal", r.Messages)
			}
			if got := r.Messages[0].Text; got != tt.wants {
				t.Errorf("refusal\n got: %s\nwant: %s", got, tt.wants)
			}
		})
	}
}

// TestRefusalWordedAsThePartnershipSays: a partnership's override of an
// engine refusal's key (Protocol.Messages) is what the person is told,
// with the steps they may take instead after it, and so is an override of
// a form answer's message; the catalogue's wording is gone.
func TestRefusalWordedAsThePartnershipSays(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	cs := f.raise(t)
	k := f.Router.Cards
	msgs := k.Protocol.Messages
	t.Cleanup(func() { k.Protocol.Messages = msgs })
	k.Protocol.Messages = map[string]string{
		"refusal.raiser_withdraws": "Withdrawing is for the side that raised the case.",
		"error.add.note":           "Write the note you want to add.",
	}
	r := f.Router.Handle(ctx, bot.Inbound{Actor: f.priya, Text: "withdraw " + cs.ID})
	want := "Withdrawing is for the side that raised the case. You can acknowledge it, respond or add a note."
	if len(r.Messages) != 1 || r.Messages[0].Text != want {
		t.Errorf("refusal = %+v\nwant %q", r.Messages, want)
	}
	r = f.Router.Handle(ctx, bot.Inbound{Actor: f.sam, FormKey: bot.ActionFormPrefix + "note", CaseID: cs.ID, Version: cs.Version,
		Values: map[string]string{"text": "  "}})
	if got := r.Errors["text"]; got != "Write the note you want to add." {
		t.Errorf("note's field message = %q (reply %+v), want the override", got, r.Messages)
	}
}
