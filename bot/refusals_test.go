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
