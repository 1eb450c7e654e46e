package bottest

import (
	"context"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// FollowUps resolves a case between Sam (school) and Priya (social care)
// with two agreed actions for Priya, and returns every new kind of message
// the follow-through sends, by name, for the renderers' golden files:
//
//	action_before      Priya's reminder two working days before action 1 is due
//	action_due         her reminder on the day
//	action_overdue     her message the working day after action 2 was due
//	action_overdue_raiser, action_overdue_manager  what Sam and her line manager are told
//	action_done        what Sam is told when she marks action 1 done
//	action_done_self   her own confirmation
//	card_actions       the resolved case's card, as Priya sees it, with each action's state
//	form_action_done   the question which action is done (she owns two)
//	form_learning      the learning form
//	learning_self      the thanks for recording learning
//
// The messages are built as the bot builds them; nothing is sent.
func FollowUps(tb testing.TB, e *Env) map[string]bot.Message {
	tb.Helper()
	ctx := context.Background()
	e.Clock.Set(time.Date(2026, 11, 23, 10, 0, 0, 0, London))
	sam := e.Person(tb, "sam.patel@school.example.org", "Sam Patel", "school", "school.manager@example.org")
	priya := e.Person(tb, "priya.shah@csc.example.org", "Priya Shah", "csc", "csc.manager@example.org")
	res, err := e.Engine.Raise(ctx, sam, Intake(priya, "school", "csc"))
	if err != nil {
		tb.Fatalf("raise: %v", err)
	}
	id := res.Case.ID
	if _, err := e.Engine.Acknowledge(ctx, conversation.Cmd{Actor: priya, CaseID: id}); err != nil {
		tb.Fatal(err)
	}
	r := e.Router.Handle(ctx, bot.Inbound{Actor: priya, FormKey: bot.ActionFormPrefix + string(conversation.VerbPropose), CaseID: id,
		Values: map[string]string{"way_forward": "A joint visit, then early help.",
			"actions": "Book the joint visit | Priya Shah | 2026-11-27\nShare the early help assessment | Priya Shah | 5"}})
	if r.Step == nil {
		tb.Fatalf("propose: %+v", r.Messages)
	}
	if _, err := e.Engine.ConfirmResolution(ctx, conversation.Cmd{Actor: sam, CaseID: id}); err != nil {
		tb.Fatal(err)
	}
	e.Discard(tb)
	c, err := e.Store.GetCase(ctx, id)
	if err != nil {
		tb.Fatal(err)
	}
	k := e.Router.Cards
	out := map[string]bot.Message{}
	one := func(name string, msgs []bot.Outbound, to string) {
		for _, o := range msgs {
			if o.To == to {
				out[name] = o.Message
				return
			}
		}
		tb.Fatalf("%s: nothing for %s in %+v", name, to, msgs)
	}
	one("action_before", k.ActionNudgeMessages(ctx, c, conversation.NudgeActionBefore, 1, time.Date(2026, 11, 25, 9, 0, 0, 0, London)), priya)
	one("action_due", k.ActionNudgeMessages(ctx, c, conversation.NudgeActionDue, 1, time.Date(2026, 11, 27, 9, 0, 0, 0, London)), priya)
	overdue := k.ActionNudgeMessages(ctx, c, conversation.NudgeActionOverdue, 2, time.Date(2026, 12, 1, 9, 0, 0, 0, London))
	one("action_overdue", overdue, priya)
	one("action_overdue_raiser", overdue, sam)
	one("action_overdue_manager", overdue, "csc.manager@example.org")
	pressed := e.Router.Handle(ctx, bot.Inbound{Actor: priya, Verb: conversation.VerbActionDone, CaseID: id, Version: c.Version})
	if len(pressed.Messages) != 1 || pressed.Messages[0].Form == nil {
		tb.Fatalf("Mark done with two actions: %+v", pressed.Messages)
	}
	out["form_action_done"] = pressed.Messages[0]
	e.Clock.Set(time.Date(2026, 11, 26, 14, 0, 0, 0, London))
	done := e.Router.Handle(ctx, bot.Inbound{Actor: priya, FormKey: bot.ActionFormPrefix + string(conversation.VerbActionDone), CaseID: id,
		Values: map[string]string{conversation.FieldAction: "1"}})
	if done.Step == nil || len(done.Messages) != 1 {
		tb.Fatalf("mark done: %+v", done.Messages)
	}
	out["action_done_self"] = done.Messages[0]
	e.Dispatcher.Register(e.Inbox) // the people here have test handles
	e.Inbox.Take()
	sent := e.Deliver(tb)
	if len(sent[sam]) != 1 {
		tb.Fatalf("Sam was sent %+v when the action was done", sent[sam])
	}
	out["action_done"] = sent[sam][0]
	e.Clock.Set(time.Date(2026, 12, 1, 10, 0, 0, 0, London))
	c, _ = e.Store.GetCase(ctx, id)
	out["card_actions"] = k.Card(ctx, c, priya, "")
	learn := e.Router.Handle(ctx, bot.Inbound{Actor: sam, Verb: conversation.VerbLearning, CaseID: id, Version: c.Version})
	if len(learn.Messages) != 1 || learn.Messages[0].Form == nil {
		tb.Fatalf("Record learning: %+v", learn.Messages)
	}
	out["form_learning"] = learn.Messages[0]
	learned := e.Router.Handle(ctx, bot.Inbound{Actor: sam, FormKey: bot.ActionFormPrefix + string(conversation.VerbLearning), CaseID: id,
		Values: map[string]string{conversation.FieldLearned: "Talking on the phone early saves weeks of emails.",
			conversation.FieldPrevention: "A joint visit before the strategy discussion."}})
	if learned.Step == nil || len(learned.Messages) != 1 {
		tb.Fatalf("record learning: %+v", learned.Messages)
	}
	out["learning_self"] = learned.Messages[0]
	e.Discard(tb)
	return out
}
