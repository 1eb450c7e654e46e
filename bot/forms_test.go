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

// TestActionFormSaysThePartnershipsWords: a partnership's wording
// (Protocol.Messages) reaches the step forms, placeholders filled in, and
// the catalogue's words stand where it changes nothing.
func TestActionFormSaysThePartnershipsWords(t *testing.T) {
	overrides := map[string]string{
		"form.refer.intro":           "Our {role} looks at the stages first.",
		"form.mediation.supervision": "Has this case been to supervision?",
		"form.deep_dive.intro":       "Decide on a wider review.",
	}
	tests := []struct {
		name     string
		messages map[string]string
		verb     c.Verb
		got      func(f *c.Form) string
		want     string
	}{
		{"refer intro, default", nil, c.VerbRefer, func(f *c.Form) string { return f.Intro },
			"The partnership manager will check which stages have been followed before taking it further."},
		{"refer intro, overridden", overrides, c.VerbRefer, func(f *c.Form) string { return f.Intro },
			"Our partnership manager looks at the stages first."},
		{"supervision question, default", nil, c.VerbMediation, func(f *c.Form) string { return f.Fields[1].Label },
			"Have you talked this case through in supervision?"},
		{"supervision question, overridden", overrides, c.VerbMediation, func(f *c.Form) string { return f.Fields[1].Label },
			"Has this case been to supervision?"},
		{"deep dive intro, overridden", overrides, c.VerbDeepDive, func(f *c.Form) string { return f.Intro },
			"Decide on a wider review."},
		{"withdraw question, untouched by overrides", overrides, c.VerbWithdraw, func(f *c.Form) string { return f.Fields[0].Label },
			"Why are you withdrawing it?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := bot.ActionForm(&c.Protocol{Messages: tt.messages}, tt.verb)
			if f == nil {
				t.Fatalf("no form for %s", tt.verb)
			}
			if got := tt.got(f); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
