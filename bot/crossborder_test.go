package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/caserecord"
)

// Wiltshire (001): "Where you are working cross border with a case the same
// principles as set out in this document should be applied". The intake
// asks for the other partnership in those terms, and the case's card and
// record name it, say the same principles apply and that both partnerships
// are to be told (which the bot does not do for the other one).
func TestCrossBorderCase(t *testing.T) {
	sourceSays(t, "001", "Where you are working cross border with a case the same principles as set out in this document should be applied")
	ctx := context.Background()
	env := bottest.New(t, bottest.Options{Preset: "wiltshire"})
	sam := env.Person(t, "sam.patel@school.example.org", "Sam Patel", "school", "school.manager@example.org")
	env.Person(t, "priya.shah@csc.example.org", "Priya Shah", "csc", "csc.manager@example.org")

	help := env.Router.IntakeForm(ctx, sam).Field(conversation.FieldCrossBorder).Help
	for _, want := range []string{"another safeguarding partnership's area", "same principles apply", "both partnerships are to be told",
		"Wiltshire Safeguarding Children Board"} {
		if !strings.Contains(help, want) {
			t.Errorf("the cross-border question's help lacks %q: %q", want, help)
		}
	}

	values := intakeValues("Priya Shah")
	values["cross_border"] = "Swindon Safeguarding Partnership"
	r := bottest.Raise(ctx, env.Router, bot.Inbound{Actor: sam, FormKey: bot.FormIntake, Values: values})
	if r.Step == nil {
		t.Fatalf("no case was opened: %s", messageText(r.Messages...))
	}
	card := messageText(env.Router.Cards.Card(ctx, r.Step, sam, "Your case is open"))
	rec := caserecord.Build(r.Step, nil, env.Engine.Protocol(), idNamer{}, bottest.London, sam, env.Clock.Now())
	var record string
	for _, l := range rec.Summary {
		record += l.Label + ": " + l.Value + "\n"
	}
	for name, text := range map[string]string{"card": card, "record": record} {
		for _, want := range []string{"Other partnership (cross border): Swindon Safeguarding Partnership", "same principles apply",
			"both partnerships (Wiltshire Safeguarding Children Board (WSCB) and Swindon Safeguarding Partnership) are to be told",
			"this bot does not contact Swindon Safeguarding Partnership"} {
			if !strings.Contains(text, want) {
				t.Errorf("the %s lacks %q:\n%s", name, want, text)
			}
		}
	}
}

// idNamer names people and agencies by their ids, for a record built in a test.
type idNamer struct{}

func (idNamer) PersonName(id string) string  { return id }
func (idNamer) AgencyName(key string) string { return key }
