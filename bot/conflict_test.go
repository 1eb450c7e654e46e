package bot_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// TestConflictingPresses: of 20 acknowledgements pressed at once, one is
// recorded and the other 19 are each told in one short line that it is
// already done; of two escalations pressed at once by both sides, the
// loser is told who escalated it and when, not that they may not.
func TestConflictingPresses(t *testing.T) {
	ctx := context.Background()
	t.Run("acknowledge", func(t *testing.T) {
		f := newFixture(t)
		cs := f.raise(t)
		replies := parallel(20, func(int) bot.Reply {
			return f.Router.Handle(ctx, bot.Inbound{Actor: f.priya, Verb: conversation.VerbAcknowledge, CaseID: cs.ID, Version: cs.Version})
		})
		won, lost := 0, 0
		for _, r := range replies {
			switch {
			case len(r.Messages) == 1 && strings.HasPrefix(r.Messages[0].Text, "You acknowledged"):
				won++
			case len(r.Messages) == 1 && r.Messages[0].Text == "Already acknowledged by you at 10:00." && shortLine(r):
				lost++
			default:
				t.Errorf("reply %+v", r.Messages)
			}
		}
		if won != 1 || lost != 19 {
			t.Errorf("%d recorded and %d told it was done, want 1 and 19", won, lost)
		}
		got, _ := f.Store.GetCase(ctx, cs.ID)
		if n := countKind(got, conversation.EventAcknowledged); n != 1 {
			t.Errorf("%d acknowledgements on the timeline, want 1", n)
		}
	})
	t.Run("escalate", func(t *testing.T) {
		f := newFixture(t)
		cs := f.raise(t)
		// The answering side acknowledges before taking it further.
		ack := f.Router.Handle(ctx, bot.Inbound{Actor: f.priya, Verb: conversation.VerbAcknowledge, CaseID: cs.ID, Version: cs.Version})
		if len(ack.Messages) != 1 || !strings.HasPrefix(ack.Messages[0].Text, "You acknowledged") {
			t.Fatalf("acknowledge: %+v", ack.Messages)
		}
		cs, _ = f.Store.GetCase(ctx, cs.ID)
		f.Clock.Advance(42 * time.Minute) // 10:42
		actors := []string{f.sam, f.priya}
		replies := parallel(2, func(i int) bot.Reply {
			return f.Router.Handle(ctx, bot.Inbound{Actor: actors[i], FormKey: bot.ActionFormPrefix + "escalate", CaseID: cs.ID, Version: cs.Version,
				Values: map[string]string{"reason": "We cannot agree."}})
		})
		got, _ := f.Store.GetCase(ctx, cs.ID)
		if n := countKind(got, conversation.EventEscalated); n != 1 {
			t.Fatalf("%d escalations on the timeline, want 1", n)
		}
		winner := f.People.Name(ctx, got.Events[len(got.Events)-1].Actor)
		want := "Already escalated to Manager to Manager by " + winner + " at 10:42."
		lost := 0
		for _, r := range replies {
			if len(r.Messages) == 1 && r.Messages[0].Text == want && shortLine(r) {
				lost++
			} else if len(r.Messages) != 1 || !strings.Contains(r.Messages[0].Text, "is now at Manager to Manager") {
				t.Errorf("reply %+v", r.Messages)
			}
		}
		if lost != 1 {
			t.Errorf("%d losers told %q, want 1", lost, want)
		}
		// The escalate button on a card from before, pressed afterwards.
		r := f.Router.Handle(ctx, bot.Inbound{Actor: f.sam, Verb: conversation.VerbEscalate, CaseID: cs.ID, Version: cs.Version})
		if len(r.Messages) != 1 || !strings.HasPrefix(r.Messages[0].Text, "Already escalated to Manager to Manager by ") {
			t.Errorf("escalate pressed on an old card: %+v", r.Messages)
		}
	})
}

// shortLine reports whether r is one line and nothing more: no card, no
// buttons, no step recorded (so nothing for others in the outbox) and no
// cards refreshed.
func shortLine(r bot.Reply) bool {
	m := r.Messages[0]
	return m.Kind == "notice" && len(m.Fields) == 0 && len(m.Buttons) == 0 && !strings.Contains(m.Text, "\n") &&
		r.Step == nil && r.Refresh == nil
}

func countKind(c *conversation.Case, k conversation.EventKind) int {
	n := 0
	for _, e := range c.Events {
		if e.Kind == k {
			n++
		}
	}
	return n
}

// parallel runs n calls of fn at once and returns their replies.
func parallel(n int, fn func(i int) bot.Reply) []bot.Reply {
	out := make([]bot.Reply, n)
	var start, wg sync.WaitGroup
	start.Add(1)
	for i := range n {
		wg.Go(func() {
			start.Wait()
			out[i] = fn(i)
		})
	}
	start.Done()
	wg.Wait()
	return out
}
