package teams

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/config"
	"github.com/resolvebot/resolvebot/conversation"
)

// TestOverridesReachRenderedCards: a partnership's messages overrides of a
// step's button and a form's submit label reach the Adaptive Cards Teams
// shows, not only the bot's messages.
func TestOverridesReachRenderedCards(t *testing.T) {
	env := bottest.New(t, bottest.Options{Configure: func(cfg *config.Config) {
		cfg.Protocol.Messages = map[string]string{
			"verb.label.acknowledge": "Got it",
			"form.submit.send":       "Submit it",
		}
	}})
	ctx := context.Background()
	raiser := env.Person(t, "sam.teacher@example.org", "Sam Teacher", "school", "school.manager@example.org")
	respondent := env.Person(t, "alex.worker@example.org", "Alex Worker", "csc", "")
	res, err := env.Engine.Raise(ctx, raiser, bottest.Intake(respondent, "school", "csc"))
	if err != nil {
		t.Fatal(err)
	}
	rendered := func(m bot.Message) string {
		b, err := json.Marshal(Render(env.Router.Cards, m))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	note := bot.ActionForm(env.Engine.Protocol, conversation.VerbNote)
	tests := []struct {
		name, card, want, gone string
	}{
		{"button", rendered(env.Router.Cards.Card(ctx, res.Case, respondent, "")), `"Got it"`, `"Acknowledge"`},
		{"submit", rendered(bot.Message{Kind: "form", Title: note.Title, Form: note, FormCase: res.Case.ID, FormVersion: res.Case.Version}), `"Submit it"`, `"Send"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(tt.card, tt.want) {
				t.Errorf("the card does not show %s:\n%s", tt.want, tt.card)
			}
			if strings.Contains(tt.card, tt.gone) {
				t.Errorf("the card still shows %s:\n%s", tt.gone, tt.card)
			}
		})
	}
}
