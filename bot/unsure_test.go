package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// TestNotSureSubmittedIsAnEmergency: an intake form submitted (as Slack's
// and Teams' forms send it) with "Not sure" to the immediate-risk question
// gets the front-door message and opens no case, whatever else it holds.
func TestNotSureSubmittedIsAnEmergency(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	values := intakeValues("Priya Shah")
	values[conversation.FieldImmediateRisk] = conversation.NotSure
	r := f.Router.Handle(ctx, bot.Inbound{Actor: f.sam, FormKey: bot.FormIntake, Values: values})
	if len(r.Messages) != 1 || r.Messages[0].Kind != "route" || !strings.Contains(r.Messages[0].Text, "If you are not sure, contact them now") {
		t.Fatalf("reply = %+v, want the front-door message", r.Messages)
	}
	if all, _ := f.Store.ListCases(ctx, conversation.CaseFilter{}); len(all) != 0 {
		t.Errorf("%d cases opened", len(all))
	}
}
