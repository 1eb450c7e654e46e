package bot_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// workerFixture has sam, priya and a case sam raised against priya, with
// the outbox delivered; the Inbox takes the "test" handles, and people with
// none (the configured managers) cannot be reached.
func workerFixture(t *testing.T) (*fixture, *conversation.Case) {
	t.Helper()
	f := newFixture(t)
	f.Dispatcher.Fallback = nil
	f.Dispatcher.Register(f.Inbox)
	cs := f.raise(t)
	return f, cs
}

func (f *fixture) ack(t *testing.T, cs *conversation.Case) {
	t.Helper()
	r := f.Router.Record(context.Background(), bot.Inbound{Actor: f.priya, Verb: conversation.VerbAcknowledge, CaseID: cs.ID, Version: cs.Version})
	if r.Step == nil {
		t.Fatalf("acknowledge not recorded: %+v", r.Messages)
	}
}

func TestWorkerRetriesAfterWhatThePlatformAsks(t *testing.T) {
	ctx := context.Background()
	f, cs := workerFixture(t)
	f.Inbox.Fail = map[string]error{f.sam: bot.RetryAfter(errors.New("429"), 90*time.Second)}
	f.ack(t, cs)
	if out := f.Deliver(t); len(out[f.sam]) != 0 || len(out[f.priya]) != 1 {
		t.Fatalf("while Sam's platform is limited: %+v", out)
	}
	pending, err := f.Store.PendingEffects(ctx)
	if err != nil || len(pending) != 1 || pending[0].Recipient != f.sam || !pending[0].NextAt.Equal(f.Clock.Now().Add(90*time.Second)) {
		t.Fatalf("outbox = %+v, %v; want Sam's message waiting 90 s, as asked", pending, err)
	}
	f.Clock.Advance(89 * time.Second)
	if out := f.Deliver(t); len(out) != 0 {
		t.Fatalf("sent %+v before the platform's Retry-After", out)
	}
	f.Inbox.Fail = nil
	f.Clock.Advance(time.Second)
	out := f.Deliver(t)
	if len(out[f.sam]) != 1 || !strings.Contains(out[f.sam][0].Text, "Priya Shah acknowledged") {
		t.Fatalf("after the wait Sam got %+v", out[f.sam])
	}
	if pending, _ := f.Store.PendingEffects(ctx); len(pending) != 0 {
		t.Errorf("outbox still holds %+v", pending)
	}
}

func TestWorkerBacksOffThenNamesWhoWasNotReached(t *testing.T) {
	f, cs := workerFixture(t)
	f.Inbox.Fail = map[string]error{f.sam: errors.New("connection refused")}
	f.Worker.MaxAttempts = 4
	f.ack(t, cs)
	var waits []time.Duration
	var toPriya []bot.Message
	for range 4 {
		toPriya = append(toPriya, f.Deliver(t)[f.priya]...)
		pending, _ := f.Store.PendingEffects(context.Background())
		if len(pending) == 0 {
			break
		}
		wait := pending[0].NextAt.Sub(f.Clock.Now())
		waits = append(waits, wait)
		f.Clock.Advance(wait)
	}
	if len(waits) != 3 || waits[0] != time.Second || waits[1] != 2*time.Second || waits[2] != 4*time.Second {
		t.Errorf("waits between tries = %v, want 1s, 2s, 4s", waits)
	}
	// Priya, who acted, is told Sam was not reached.
	toPriya = append(toPriya, f.Deliver(t)[f.priya]...)
	if len(toPriya) != 2 || !strings.Contains(toPriya[1].Text, "I couldn't reach Sam Patel") || !strings.Contains(toPriya[1].Text, cs.ID) {
		t.Fatalf("Priya got %+v, want her confirmation and then the notice naming Sam", toPriya)
	}
}

func TestWorkerNamesPeopleWithNoHandleAtOnce(t *testing.T) {
	ctx := context.Background()
	f, cs := workerFixture(t)
	f.ack(t, cs)
	f.Deliver(t)
	// Sam escalates: the two managers have no handle anywhere.
	r := f.Router.Record(ctx, bot.Inbound{Actor: f.sam, FormKey: "action:escalate", CaseID: cs.ID, Values: map[string]string{"reason": "We could not agree."}})
	if r.Step == nil {
		t.Fatalf("escalate not recorded: %+v", r.Messages)
	}
	out := f.Deliver(t)
	var notices []string
	for _, m := range out[f.sam] {
		if m.Title == "Some people could not be reached" {
			notices = append(notices, m.Text)
		}
	}
	if len(notices) != 2 || !strings.Contains(strings.Join(notices, " "), "School Manager") || !strings.Contains(strings.Join(notices, " "), "Social Care Manager") {
		t.Fatalf("Sam's notices = %q, want one naming each manager", notices)
	}
}

// A worker that dies between its claim and its sends: after the lease
// another delivers everything once, and a fan-out half done is not redone.
func TestWorkerResumesAfterACrash(t *testing.T) {
	ctx := context.Background()
	f, cs := workerFixture(t)
	f.ack(t, cs)
	claimed, err := f.Store.ClaimEffects(ctx, "crashed", 30*time.Second, f.Clock.Now(), 10)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claim = %+v, %v", claimed, err)
	}
	if out := f.Deliver(t); len(out) != 0 {
		t.Fatalf("delivered %+v while another worker holds the lease", out)
	}
	f.Clock.Advance(30 * time.Second)
	out := f.Deliver(t)
	if len(out[f.sam]) != 1 || len(out[f.priya]) != 1 {
		t.Fatalf("after the lease: %+v, want one message each", out)
	}
	// A fan-out half delivered: only the undelivered half goes again.
	r := f.Router.Record(ctx, bot.Inbound{Actor: f.sam, FormKey: "action:note", CaseID: cs.ID, Values: map[string]string{"text": "Called again."}})
	if r.Step == nil {
		t.Fatal("note not recorded")
	}
	f.Worker.Batch = 1
	if _, err := f.Worker.Pass(ctx); err != nil { // expands the step
		t.Fatal(err)
	}
	if _, err := f.Worker.Pass(ctx); err != nil { // delivers Sam's own confirmation
		t.Fatal(err)
	}
	first := f.Inbox.Take()
	f.Worker.Batch = 16
	rest := f.Deliver(t)
	if len(first[f.sam]) != 1 || len(first[f.priya]) != 0 || len(rest[f.sam]) != 0 || len(rest[f.priya]) != 1 {
		t.Fatalf("first pass %+v, then %+v; want Sam's then Priya's, once each", first, rest)
	}
}

// flakyStore fails GetCase a number of times, as a store that is down.
type flakyStore struct {
	conversation.Store
	fails int
}

func (s *flakyStore) GetCase(ctx context.Context, id string) (*conversation.Case, error) {
	if s.fails > 0 {
		s.fails--
		return nil, conversation.Internal("get case", errors.New("connection refused"))
	}
	return s.Store.GetCase(ctx, id)
}

// A step is never dropped while the store cannot read its case: it is
// tried until it can be, however many tries that takes.
func TestWorkerNeverDropsAStep(t *testing.T) {
	f, cs := workerFixture(t)
	flaky := &flakyStore{Store: f.Store, fails: 5}
	f.Worker.Store = flaky
	f.Worker.MaxAttempts = 2
	f.ack(t, cs)
	var got map[string][]bot.Message
	for range 8 {
		if got = f.Deliver(t); len(got) > 0 {
			break
		}
		pending, _ := f.Store.PendingEffects(context.Background())
		if len(pending) != 1 || pending[0].Kind != conversation.EffectStep {
			t.Fatalf("outbox = %+v, want the step still waiting", pending)
		}
		f.Clock.Advance(pending[0].NextAt.Sub(f.Clock.Now()))
	}
	if flaky.fails != 0 || len(got[f.sam]) != 1 || len(got[f.priya]) != 1 {
		t.Fatalf("after the store came back (%d failures left): %+v", flaky.fails, got)
	}
}
