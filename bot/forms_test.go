package bot_test

import (
	"context"
	"testing"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	c "github.com/resolvebot/resolvebot/conversation"
)

// TestActionFormShowsEveryProblemAtOnce: a form sent with several problems
// comes back with a message for each of them, not the first only, and
// changes nothing.
func TestActionFormShowsEveryProblemAtOnce(t *testing.T) {
	ctx := context.Background()
	env := bottest.New(t, bottest.Options{})
	raiser := env.Person(t, "sam.patel@school.example.org", "Sam Patel", "school", "school.manager@example.org")
	respondent := env.Person(t, "priya.shah@csc.example.org", "Priya Shah", "csc", "csc.manager@example.org")
	res, err := env.Engine.Raise(ctx, raiser, bottest.Intake(respondent, "school", "csc"))
	if err != nil {
		t.Fatal(err)
	}
	cs := res.Case
	tests := []struct {
		verb   c.Verb
		actor  string
		values map[string]string
		want   []string
	}{
		{c.VerbExtend, respondent, map[string]string{"days": "lots", "reason": ""}, []string{"days", "reason"}},
		{c.VerbReassign, respondent, map[string]string{"from": "nobody at all", "to": "", "reason": ""}, []string{"from", "to", "reason"}},
		{c.VerbPropose, raiser, map[string]string{"way_forward": "", "actions": "Visit | Priya | next week"}, []string{"way_forward", "actions"}},
		{c.VerbEscalate, raiser, map[string]string{"reason": "", "raiser_side": "nobody at all"}, []string{"reason", "raiser_side"}},
	}
	for _, tc := range tests {
		t.Run(string(tc.verb), func(t *testing.T) {
			reply := env.Router.Handle(ctx, bot.Inbound{Actor: tc.actor, FormKey: bot.ActionFormPrefix + string(tc.verb),
				CaseID: cs.ID, Version: cs.Version, Values: tc.values})
			for _, k := range tc.want {
				if reply.Errors[k] == "" {
					t.Errorf("no message for %s; errors %v", k, reply.Errors)
				}
			}
			if got, _ := env.Store.GetCase(ctx, cs.ID); got.Version != cs.Version {
				t.Errorf("a refused form changed the case")
			}
		})
	}
}
