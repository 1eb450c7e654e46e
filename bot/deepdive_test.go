package bot_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
)

// Wiltshire (001, 4.1a): a serious concern is "automatically logged with
// the Chair of the WSCB QA&P Sub Group", who "will make a decision about
// whether the issues require a broader deep dive and investigation". The
// chair is told at once through the outbox, with a button for that
// decision; typed "deep dive CR-…" opens the same form; anyone else is
// refused, told who can; the decision reaches the case's people, its
// timeline and the partnership report.
func TestSeriousConcernGoesToTheQAPChair(t *testing.T) {
	sourceSays(t, "001", "they should be automatically logged with the Chair of the WSCB QA&P Sub Group. He/she will make a decision about whether the issues require a broader deep dive and investigation")
	ctx := context.Background()
	env := bottest.New(t, bottest.Options{Preset: "wiltshire"})
	sam := env.Person(t, "sam.patel@school.example.org", "Sam Patel", "school", "school.manager@example.org")
	priya := env.Person(t, "priya.shah@csc.example.org", "Priya Shah", "csc", "csc.manager@example.org")
	const chair, manager = "serious.concern.chair@example.org", "partnership.manager@example.org"
	env.Dispatcher.Fallback = env.Inbox // configured people have no handle: see what they would get

	values := intakeValues("Priya Shah")
	values["serious_concern"] = "yes"
	r := env.Router.Handle(ctx, bot.Inbound{Actor: sam, FormKey: bot.FormIntake, Values: values})
	if check := bot.CheckOf(r.Messages); check != nil {
		r = env.Router.Handle(ctx, bot.SendChecked(sam, check.Check))
	}
	if r.Step == nil {
		t.Fatalf("raise failed: %s", messageText(r.Messages...))
	}
	id := r.Step.ID
	if self := messageText(r.Messages...); !strings.Contains(self, "logged with the Chair of the WSCB QA&P Sub Group, who will decide whether a broader deep dive is needed") {
		t.Errorf("the raiser is not told where the serious concern went:\n%s", self)
	}
	got := env.Deliver(t)
	told := got[chair]
	if len(told) != 1 || !strings.Contains(told[0].Text, "logged with you as Chair of the WSCB QA&P Sub Group") {
		t.Fatalf("the chair was told %+v", told)
	}
	if !slices.ContainsFunc(told[0].Buttons, func(b bot.Button) bool {
		return b.Verb == conversation.VerbDeepDive && !b.Secondary && b.Label == "Deep dive"
	}) {
		t.Errorf("the chair's card has no deep-dive button: %+v", told[0].Buttons)
	}
	if _, ok := got[manager]; ok {
		t.Errorf("the serious concern went to the partnership manager too, not just the chair")
	}
	for _, m := range got[priya] {
		if slices.ContainsFunc(m.Buttons, func(b bot.Button) bool { return b.Verb == conversation.VerbDeepDive }) {
			t.Errorf("the respondent was offered the deep-dive decision")
		}
	}

	for _, who := range []string{manager, sam} {
		refused := env.Router.Handle(ctx, bot.Inbound{Actor: who, Text: "deep dive " + id})
		if text := messageText(refused.Messages...); !strings.Contains(text, "Only the Chair of the WSCB QA&P Sub Group can record whether a deep dive is needed.") {
			t.Errorf("%s typing deep dive got:\n%s", who, text)
		}
	}
	opened := env.Router.Handle(ctx, bot.Inbound{Actor: chair, Text: "deep dive " + id})
	if len(opened.Messages) == 0 || opened.Messages[0].Form == nil || opened.Messages[0].Form.Key != bot.ActionFormPrefix+string(conversation.VerbDeepDive) {
		t.Fatalf("the chair's typed command opened no form: %+v", opened.Messages)
	}
	if intro := opened.Messages[0].Form.Intro; !strings.Contains(intro, "broader deep dive and") {
		t.Errorf("form intro: %q", intro)
	}
	c, _ := env.Store.GetCase(ctx, id)
	done := env.Router.Handle(ctx, bot.Inbound{Actor: chair, FormKey: bot.ActionFormPrefix + string(conversation.VerbDeepDive), CaseID: id, Version: c.Version,
		Values: map[string]string{conversation.FieldDeepDive: conversation.DeepDiveNeeded, "reason": "Three schools have raised the same closures this term."}})
	if text := messageText(done.Messages...); !strings.Contains(text, "a broader deep dive is needed") {
		t.Fatalf("the chair's decision: %s", text)
	}
	got = env.Deliver(t)
	for _, who := range []string{sam, priya} {
		if text := messageText(got[who]...); !strings.Contains(text, "Chair of the WSCB QA&P Sub Group, recorded the serious concern's deep-dive decision: a broader deep dive is needed.") {
			t.Errorf("%s was told:\n%s", who, text)
		}
	}
	c, _ = env.Store.GetCase(ctx, id)
	timeline := messageText(env.Router.Cards.Timeline(ctx, c))
	if !strings.Contains(timeline, "Deep-dive decision recorded by Serious Concern Chair (example): a broader deep dive is needed: “Three schools have raised the same closures this term.”") {
		t.Errorf("timeline:\n%s", timeline)
	}
	card := messageText(env.Router.Cards.Card(ctx, c, sam, ""))
	if !strings.Contains(card, "Serious concern: Logged with the Chair of the WSCB QA&P Sub Group. A broader deep dive is needed.") {
		t.Errorf("card:\n%s", card)
	}
	again := env.Router.Handle(ctx, bot.Inbound{Actor: chair, Verb: conversation.VerbDeepDive, CaseID: id})
	if text := messageText(again.Messages...); !strings.Contains(text, "already recorded") {
		t.Errorf("a second decision: %s", text)
	}

	rep := env.Router.Handle(ctx, bot.Inbound{Actor: manager, Text: "report 2026-11"})
	if text := messageText(rep.Messages...); !strings.Contains(text, "Serious concerns logged: 1") || !strings.Contains(text, "Serious concerns: deep dive needed: 1") {
		t.Errorf("report:\n%s", text)
	}
}
