package scheduler_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/redisstore/redistest"
	"github.com/resolvebot/resolvebot/scheduler"
)

// resolveWithActions takes a fresh case to a confirmed resolution with
// agreed actions given as "what | who | by when" lines, through the bot as
// people would, and discards what that sends.
func (f *fixture) resolveWithActions(t testing.TB, actions string) *conversation.Case {
	t.Helper()
	ctx := context.Background()
	cs := f.raise(t)
	if _, err := f.Engine.Acknowledge(ctx, conversation.Cmd{Actor: f.priya, CaseID: cs.ID}); err != nil {
		t.Fatal(err)
	}
	r := f.Router.Handle(ctx, bot.Inbound{Actor: f.priya, FormKey: bot.ActionFormPrefix + string(conversation.VerbPropose), CaseID: cs.ID,
		Values: map[string]string{"way_forward": "A joint visit and early help.", "actions": actions}})
	if len(r.Errors) > 0 || r.Step == nil {
		t.Fatalf("propose: %+v", r)
	}
	if _, err := f.Engine.ConfirmResolution(ctx, conversation.Cmd{Actor: f.sam, CaseID: cs.ID}); err != nil {
		t.Fatal(err)
	}
	f.Discard(t)
	got, err := f.Store.GetCase(ctx, cs.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// TestAgreedActionsFollowedUp resolves a case with two agreed actions for
// Priya and leaves it three weeks with a due pass every 15 minutes: she is
// reminded two working days before each is due and on the morning it is
// due; the one she marks done is followed up no further; the other, not
// done, is shown the next working day to her, to Sam who raised the case
// and to her line manager — once each.
func TestAgreedActionsFollowedUp(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, bottest.Options{Start: time.Date(2026, 11, 23, 10, 0, 0, 0, bottest.London)})
	cs := f.resolveWithActions(t, "Book the joint visit | Priya Shah | 2026-11-27\nShare the assessment | priya.shah@csc.example.org | 5 working days")
	if got := cs.Resolution.Actions; got[0].OwnerID != f.priya || got[1].OwnerID != f.priya ||
		!got[1].Due.Equal(time.Date(2026, 11, 30, 0, 0, 0, 0, bottest.London)) {
		t.Fatalf("actions = %+v; want both Priya's, the second due Mon 30 Nov", got)
	}
	if cs.DueAt.IsZero() {
		t.Fatal("a resolved case with actions is not in the due index")
	}
	doneAt := time.Date(2026, 11, 27, 14, 0, 0, 0, bottest.London)
	end := time.Date(2026, 12, 11, 18, 0, 0, 0, bottest.London)
	var doneMsgs []bot.Message
	for f.Clock.Now().Before(end) {
		f.Clock.Advance(15 * time.Minute)
		if f.Clock.Now().Equal(doneAt) {
			before := f.rec.count()
			r := f.Router.Handle(ctx, bot.Inbound{Actor: f.priya, Verb: conversation.VerbActionDone, CaseID: cs.ID})
			if len(r.Messages) == 0 || r.Messages[0].Kind != "form" {
				t.Fatalf("Mark done with two open actions = %+v; want the question which", r.Messages)
			}
			r = f.Router.Handle(ctx, bot.Inbound{Actor: f.priya, Text: "done " + cs.ID + " 1"})
			if r.Step == nil {
				t.Fatalf("done %s 1 = %+v", cs.ID, r.Messages)
			}
			f.Settle(t)
			f.rec.mu.Lock()
			for _, s := range f.rec.sent[before:] {
				if s.to == f.sam {
					doneMsgs = append(doneMsgs, s.msg)
				}
			}
			f.rec.mu.Unlock()
		}
		f.pass(t)
	}
	got, err := f.Store.GetCase(ctx, cs.ID)
	if err != nil {
		t.Fatal(err)
	}
	manager := "csc.manager@example.org"
	want := []string{
		"Wed 25 Nov 09:00 action_before → " + f.priya, // action 1: two working days before Fri 27
		"Thu 26 Nov 09:00 action_before → " + f.priya, // action 2: two working days before Mon 30
		"Fri 27 Nov 09:00 action_due → " + f.priya,
		"Mon 30 Nov 09:00 action_due → " + f.priya, // action 1 was done on Friday: nothing more for it
		"Tue 01 Dec 09:00 action_overdue → " + f.priya + "," + f.sam + "," + manager,
	}
	if log := nudgeLog(got); !slices.Equal(log, want) {
		t.Errorf("follow-ups:\n  %s\nwant:\n  %s", strings.Join(log, "\n  "), strings.Join(want, "\n  "))
	}
	if !got.DueAt.IsZero() {
		t.Errorf("case still due at %s after every follow-up", got.DueAt)
	}
	if st := got.Resolution.Actions[0].State(f.Calendar, f.Clock.Now()); st != conversation.ActionDoneOnTime {
		t.Errorf("action 1 is %s, want done on time", st)
	}
	if st := got.Resolution.Actions[1].State(f.Calendar, f.Clock.Now()); st != conversation.ActionOverdue {
		t.Errorf("action 2 is %s, want overdue", st)
	}
	if len(doneMsgs) != 1 || !strings.Contains(doneMsgs[0].Text, "Priya Shah marked an agreed action done: 1. Book the joint visit") {
		t.Errorf("Sam was told of the done action by %+v", doneMsgs)
	}
	// The reminders carry a Mark done button for the owner; the overdue
	// message names the owner to the raiser and the manager.
	nudges := f.rec.nudges()
	for _, m := range nudges[f.priya] {
		if !slices.ContainsFunc(m.Buttons, func(b bot.Button) bool { return b.Verb == conversation.VerbActionDone }) {
			t.Errorf("Priya's reminder %q has no Mark done button", m.Text)
		}
	}
	for _, to := range []string{f.sam, manager} {
		if len(nudges[to]) != 1 || !strings.Contains(nudges[to][0].Text, "Share the assessment") || !strings.Contains(nudges[to][0].Text, "overdue") {
			t.Errorf("%s got %+v, want the one overdue message", to, nudges[to])
		}
	}
	for _, ms := range nudges {
		for _, m := range ms {
			if strings.Contains(m.Text+m.Title, cs.ChildRef) {
				t.Errorf("a follow-up names the child reference: %q", m.Text)
			}
		}
	}
}

// TestOnlyTheOwnerMarksDone: the raiser, the other side and an outsider
// cannot mark Priya's action done, and are told why; a second press by
// Priya says it is done already.
func TestOnlyTheOwnerMarksDone(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, bottest.Options{})
	cs := f.resolveWithActions(t, "Book the joint visit | Priya Shah | 3")
	olu := f.Person(t, "olu.ade@police.example.org", "Olu Ade", "police", "")
	for _, tc := range []struct {
		who, want string
	}{
		{f.sam, "Only the owner of an agreed action can mark it done."},
		{olu, "I can't find a case " + cs.ID},
	} {
		r := f.Router.Handle(ctx, bot.Inbound{Actor: tc.who, Text: "done " + cs.ID + " 1"})
		if r.Step != nil || len(r.Messages) != 1 || !strings.Contains(r.Messages[0].Text, tc.want) {
			t.Errorf("done by %s = %+v, want a refusal saying %q", tc.who, r.Messages, tc.want)
		}
		r = f.Router.Handle(ctx, bot.Inbound{Actor: tc.who, Verb: conversation.VerbActionDone, CaseID: cs.ID})
		if r.Step != nil {
			t.Errorf("Mark done pressed by %s was recorded", tc.who)
		}
	}
	if r := f.Router.Handle(ctx, bot.Inbound{Actor: f.priya, Verb: conversation.VerbActionDone, CaseID: cs.ID}); r.Step == nil {
		t.Fatalf("Priya's Mark done = %+v", r.Messages)
	}
	r := f.Router.Handle(ctx, bot.Inbound{Actor: f.priya, Text: "done " + cs.ID + " 1"})
	if r.Step != nil || len(r.Messages) != 1 || !strings.Contains(r.Messages[0].Text, "all marked done") {
		t.Errorf("second done = %+v", r.Messages)
	}
	got, _ := f.Store.GetCase(ctx, cs.ID)
	if a := got.Resolution.Actions[0]; a.DoneBy != f.priya || !got.DueAt.IsZero() {
		t.Errorf("action %+v, due at %s", a, got.DueAt)
	}
}

// TestActionFollowUpsTwoReplicasOnRedis: two schedulers and two delivery
// workers on one Redis store, as two replicas, send each follow-up once;
// a scheduler started afresh (a restart) finds what is due in the store.
func TestActionFollowUpsTwoReplicasOnRedis(t *testing.T) {
	ctx := context.Background()
	store, _ := redistest.Open(t)
	t.Cleanup(func() { store.Close() })
	f := newFixture(t, bottest.Options{Store: store})
	const n = 20
	for range n {
		f.resolveWithActions(t, "Book the joint visit | Priya Shah | 2026-12-01")
	}
	f.Clock.Set(time.Date(2026, 12, 2, 9, 30, 0, 0, bottest.London)) // every action is overdue
	a := scheduler.New(f.Engine, f.Router.Cards, f.People, f.Dispatcher, nil)
	b := scheduler.New(f.Engine, f.Router.Cards, f.People, f.Dispatcher, nil)
	workers := []*bot.Worker{bot.NewWorker(f.Router, f.Dispatcher, nil), bot.NewWorker(f.Router, f.Dispatcher, nil)}
	for round := 0; round < 3; round++ {
		var wg sync.WaitGroup
		for i, s := range []*scheduler.Scheduler{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := s.DuePass(ctx); err != nil {
					t.Errorf("due pass: %v", err)
				}
				if _, err := workers[i].Drain(ctx); err != nil {
					t.Errorf("deliver: %v", err)
				}
			}()
		}
		wg.Wait()
	}
	per := map[string]int{}
	for _, m := range f.rec.nudges()[f.sam] {
		per[m.CaseID]++
	}
	if len(per) != n {
		t.Errorf("Sam was told of %d overdue cases, want %d", len(per), n)
	}
	for id, c := range per {
		if c != 1 {
			t.Errorf("%s: Sam told %d times", id, c)
		}
	}
	if again, err := scheduler.New(f.Engine, f.Router.Cards, f.People, f.Dispatcher, nil).DuePass(ctx); err != nil || again != 0 {
		t.Errorf("a restarted scheduler recorded %d more (%v)", again, err)
	}
}
