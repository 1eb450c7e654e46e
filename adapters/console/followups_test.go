package console_test

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/adapters/console"
	"github.com/resolvebot/resolvebot/bot/bottest"
)

// TestFollowUpMessages renders every message of the follow-through of
// agreed actions and of learning, as the console shows them, against
// testdata/followups.golden.
func TestFollowUpMessages(t *testing.T) {
	env := bottest.New(t, bottest.Options{})
	msgs := bottest.FollowUps(t, env)
	var b strings.Builder
	for _, name := range slices.Sorted(maps.Keys(msgs)) {
		b.WriteString("### " + name + "\n" + console.Render(env.Router.Cards, msgs[name]) + "\n")
	}
	priya, _ := env.Store.GetPerson(context.Background(), "priya.shah@csc.example.org")
	cs, _ := env.Engine.List(context.Background(), priya.ID)
	b.WriteString("### list\n" + console.Render(env.Router.Cards, env.Router.Cards.List(context.Background(), cs, priya.ID)))
	out := b.String()
	golden(t, "followups.golden", []byte(out))
	for _, want := range []string{
		"The action you agreed on CR-2026-0001, “Book the joint visit”, is due today. When it is done, press Mark done.",
		"An action agreed to resolve CR-2026-0001 is overdue: “Share the early help assessment”, owned by Priya Shah, was due on Mon 30 Nov and is not marked done.",
		"Action 1: Book the joint visit — Priya Shah, by Fri 27 Nov 2026. Done on time, Thu 26 Nov",
		"Action 2: Share the early help assessment — Priya Shah, by Mon 30 Nov 2026. Overdue",
		"Resolved · Children's Social Care (example) · your action 2: overdue",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("follow-ups lack %q", want)
		}
	}
}
