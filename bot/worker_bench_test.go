package bot_test

import (
	"bytes"
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/boltstore"
	"github.com/resolvebot/resolvebot/conversation/sealed"
)

// countingStore counts the case reads that reach the store.
type countingStore struct {
	conversation.Store
	reads atomic.Int64
}

func (s *countingStore) GetCase(ctx context.Context, id string) (*conversation.Case, error) {
	s.reads.Add(1)
	return s.Store.GetCase(ctx, id)
}

// BenchmarkWorkerStep measures delivering one step, a note on a case at
// the managers' stage told to both sides and copied onto every sent card, on the bolt store
// sealed as production runs it; reads/op is the case reads it costs.
func BenchmarkWorkerStep(b *testing.B) {
	s, err := boltstore.Open(filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	keys, err := sealed.NewKeyring([]sealed.Key{{ID: "k1", Secret: bytes.Repeat([]byte{7}, sealed.KeySize)}})
	if err != nil {
		b.Fatal(err)
	}
	cs := &countingStore{Store: sealed.Wrap(s, keys)}
	b.Cleanup(func() { _ = cs.Close() })
	env := bottest.New(b, bottest.Options{Store: cs})
	env.Dispatcher.Fallback = env.Inbox
	sam := env.Person(b, "sam.patel@school.example.org", "Sam Patel", "school", "school.manager@example.org")
	env.Person(b, "priya.shah@csc.example.org", "Priya Shah", "csc", "csc.manager@example.org")
	r := bottest.Raise(context.Background(), env.Router, bot.Inbound{Actor: sam, FormKey: bot.FormIntake, Values: intakeValues("Priya Shah")})
	if r.Step == nil {
		b.Fatalf("raise failed: %+v", r.Messages)
	}
	env.Deliver(b)
	ctx := context.Background()
	// At the managers' stage a note is told to both sides, four people.
	esc := env.Router.Handle(ctx, bot.Inbound{Actor: sam, FormKey: bot.ActionFormPrefix + string(conversation.VerbEscalate), CaseID: r.Step.ID,
		Version: r.Step.Version, Values: map[string]string{"reason": "We could not agree on the threshold."}})
	if esc.Step == nil {
		b.Fatalf("escalate not recorded: %+v", esc)
	}
	env.Deliver(b)
	b.ReportAllocs()
	cs.reads.Store(0)
	b.ResetTimer()
	for b.Loop() {
		r := env.Router.Handle(ctx, bot.Inbound{Actor: sam, FormKey: bot.ActionFormPrefix + string(conversation.VerbNote), CaseID: r.Step.ID,
			Values: map[string]string{"text": "Attendance has dropped again this week."}})
		if r.Step == nil {
			b.Fatalf("note not recorded: %+v", r)
		}
		if n, err := env.Worker.Drain(ctx); err != nil || n == 0 {
			b.Fatalf("Drain = %d, %v", n, err)
		}
		env.Inbox.Take()
	}
	b.ReportMetric(float64(cs.reads.Load())/float64(b.N), "reads/op")
}
