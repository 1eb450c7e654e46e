package bot_test

import (
	"context"
	"slices"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	c "github.com/resolvebot/resolvebot/conversation"
)

// split returns a card's primary and overflow steps.
func split(bs []bot.Button) (primary, more []c.Verb) {
	for _, b := range bs {
		if b.Secondary {
			more = append(more, b.Verb)
		} else {
			primary = append(primary, b.Verb)
		}
	}
	return primary, more
}

// TestCardButtonsPerViewerAndState: the buttons on a card are the steps
// that viewer most likely takes next in the case's state, and every other
// step they may take is in the overflow.
func TestCardButtonsPerViewerAndState(t *testing.T) {
	ctx := context.Background()
	env := bottest.New(t, bottest.Options{})
	raiser := env.Person(t, "sam.patel@school.example.org", "Sam Patel", "school", "school.manager@example.org")
	respondent := env.Person(t, "priya.shah@csc.example.org", "Priya Shah", "csc", "csc.manager@example.org")
	const (
		schoolMgr   = "school.manager@example.org"
		cscMgr      = "csc.manager@example.org"
		partnership = "partnership.manager@example.org"
	)
	e := env.Engine
	cmd := func(actor, id string) c.Cmd { return c.Cmd{Actor: actor, CaseID: id} }
	must := func(res *c.Result, err error) *c.Case {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return res.Case
	}
	raise := func() *c.Case {
		return must(e.Raise(ctx, raiser, bottest.Intake(respondent, "school", "csc")))
	}

	fresh := raise()
	ackd := must(e.Acknowledge(ctx, cmd(respondent, raise().ID)))
	proposed := must(e.ProposeResolution(ctx, cmd(respondent, ackd.ID), "A joint visit.", nil))
	stage2 := must(e.Escalate(ctx, cmd(raiser, raise().ID), c.EscalateInput{Reason: "No answer."}))
	stage2ackd := must(e.Acknowledge(ctx, cmd(cscMgr, stage2.ID)))
	top := raise()
	for range len(e.Protocol().Stages) - 1 {
		top = must(e.Escalate(ctx, cmd(top.Current().Raiser[0], top.ID), c.EscalateInput{Reason: "Still stuck."}))
	}
	top = must(e.Acknowledge(ctx, cmd(top.Current().Respondent[0], top.ID)))
	referred := must(e.ReferToPartnership(ctx, cmd(raiser, raise().ID), "Every stage tried."))
	accepted := must(e.ReferToPartnership(ctx, cmd(raiser, raise().ID), "Needs the partnership."))
	accepted = must(e.AcceptReferral(ctx, cmd(partnership, accepted.ID), ""))
	resolved := must(e.ConfirmResolution(ctx, cmd(raiser, proposed.ID)))
	closed := must(e.Close(ctx, cmd(partnership, raise().ID), "Dealt with elsewhere."))

	tests := []struct {
		name    string
		c       *c.Case
		viewer  string
		late    bool // after the stage's acknowledgement deadline
		primary []c.Verb
		absent  []c.Verb // not offered at all
	}{
		{"respondent before acknowledging", fresh, respondent, false,
			[]c.Verb{c.VerbAcknowledge, c.VerbRespond}, []c.Verb{c.VerbEscalate, c.VerbRefer}},
		{"raiser while the other side has time to acknowledge", fresh, raiser, false,
			[]c.Verb{c.VerbPropose, c.VerbNote}, nil},
		{"raiser once the acknowledgement is late", fresh, raiser, true,
			[]c.Verb{c.VerbPropose, c.VerbEscalate, c.VerbNote}, nil},
		{"respondent after acknowledging", ackd, respondent, false,
			[]c.Verb{c.VerbRespond, c.VerbPropose, c.VerbEscalate}, nil},
		{"raiser asked to answer a proposal", proposed, raiser, false,
			[]c.Verb{c.VerbConfirm, c.VerbDispute}, nil},
		{"respondent waiting on their proposal", proposed, respondent, false,
			[]c.Verb{c.VerbRespond, c.VerbEscalate, c.VerbNote}, []c.Verb{c.VerbConfirm, c.VerbPropose}},
		{"answering manager at stage 2 before acknowledging", stage2, cscMgr, false,
			[]c.Verb{c.VerbAcknowledge, c.VerbRespond}, []c.Verb{c.VerbEscalate, c.VerbRefer, c.VerbMediation}},
		{"raising manager at stage 2", stage2, schoolMgr, false,
			[]c.Verb{c.VerbPropose, c.VerbNote}, nil},
		{"answering manager at stage 2 after acknowledging", stage2ackd, cscMgr, false,
			[]c.Verb{c.VerbRespond, c.VerbPropose, c.VerbEscalate}, nil},
		{"first practitioner after the managers took over", stage2, respondent, false,
			[]c.Verb{c.VerbNote}, nil},
		{"answering leader at the last stage", top, top.Current().Respondent[0], false,
			[]c.Verb{c.VerbRespond, c.VerbPropose, c.VerbRefer}, []c.Verb{c.VerbEscalate}},
		{"partnership manager on a referral", referred, partnership, false,
			[]c.Verb{c.VerbAcceptReferral, c.VerbReturnReferral, c.VerbOfferMediation}, nil},
		{"raising side once the case is referred", referred, referred.Current().Raiser[0], false,
			[]c.Verb{c.VerbPropose, c.VerbNote}, nil},
		{"partnership manager on an accepted referral", accepted, partnership, false,
			[]c.Verb{c.VerbReturnReferral, c.VerbOfferMediation, c.VerbClose}, []c.Verb{c.VerbAcceptReferral}},
		{"partnership manager on a case at stage 2", stage2, partnership, false,
			[]c.Verb{c.VerbOfferMediation, c.VerbNote}, nil},
		{"resolved case", resolved, raiser, false, []c.Verb{c.VerbLearning, c.VerbNote}, nil},
		{"closed case", closed, raiser, false, nil, c.Verbs},
	}
	start := env.Clock.Now()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env.Clock.Set(start)
			if tc.late {
				env.Clock.Set(tc.c.Current().AckDeadline.Add(time.Minute))
			}
			bs := env.Router.Cards.Buttons(ctx, tc.c, tc.viewer)
			primary, more := split(bs)
			if !slices.Equal(primary, tc.primary) {
				t.Errorf("primary = %v, want %v", primary, tc.primary)
			}
			isP, _ := env.People.IsPartnership(ctx, tc.viewer)
			allowed := e.Protocol().AllowedVerbs(tc.c, c.Actor{ID: tc.viewer, Partnership: isP})
			all := append(slices.Clone(primary), more...)
			slices.Sort(all)
			slices.Sort(allowed)
			if !slices.Equal(all, allowed) {
				t.Errorf("buttons and overflow = %v, want every allowed step %v", all, allowed)
			}
			for _, v := range tc.absent {
				if slices.Contains(all, v) {
					t.Errorf("%s offered", v)
				}
			}
		})
	}
}

// TestEveryCardOffersEveryAllowedStep walks cases through every state and
// checks every card and message sent: at most MaxPrimaryButtons buttons,
// the buttons and the overflow together exactly the steps the engine
// allows that person, "are you sure" steps without a form always buttons,
// and every label short enough to show whole on a phone.
func TestEveryCardOffersEveryAllowedStep(t *testing.T) {
	ctx := context.Background()
	env := bottest.New(t, bottest.Options{})
	shown := bottest.Walk(t, env)
	cards := 0
	for _, s := range shown {
		m := s.Message
		if len(m.Buttons) == 0 {
			continue
		}
		cards++
		primary, more := split(m.Buttons)
		if len(primary) > bot.MaxPrimaryButtons {
			t.Errorf("%s: %s's %q has %d buttons: %v", s.State, s.To, m.Title, len(primary), primary)
		}
		isP, _ := env.People.IsPartnership(ctx, s.To)
		allowed := env.Engine.Protocol().AllowedVerbs(s.Case, c.Actor{ID: s.To, Partnership: isP})
		all := append(slices.Clone(primary), more...)
		slices.Sort(all)
		slices.Sort(allowed)
		if !slices.Equal(all, allowed) {
			t.Errorf("%s: %s's card offers %v, the engine allows %v", s.State, s.To, all, allowed)
		}
		for _, b := range m.Buttons {
			if b.Secondary && b.Confirm != "" && !b.Form {
				t.Errorf("%s: %s needs an \"are you sure\" but is in the overflow", s.State, b.Verb)
			}
			if n := utf8.RuneCountInString(b.Label); n > bot.MaxLabelRunes {
				t.Errorf("label %q is %d characters", b.Label, n)
			}
		}
	}
	if cards < 50 {
		t.Fatalf("only %d cards with buttons in the walk", cards)
	}
}
