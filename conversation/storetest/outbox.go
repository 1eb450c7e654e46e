package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
)

// testOutbox checks the outbox: effects written with the step and only
// with it, claims, leases, order, retries, races and purge.
func testOutbox(t *testing.T, open Opener) {
	t.Run("WrittenWithTheStep", func(t *testing.T) { testEffectsWithStep(t, open) })
	t.Run("ClaimCompleteRetry", func(t *testing.T) { testEffectLifecycle(t, open) })
	t.Run("LeaseExpiryRedelivers", func(t *testing.T) { testEffectLeaseExpiry(t, open) })
	t.Run("OrderPerRecipient", func(t *testing.T) { testEffectOrder(t, open) })
	t.Run("OtherCasesDoNotWait", func(t *testing.T) { testEffectOtherCases(t, open) })
	t.Run("TwoWorkers", func(t *testing.T) { testEffectRace(t, open) })
	t.Run("PurgedWithTheCase", func(t *testing.T) { testEffectPurge(t, open) })
	t.Run("EnqueueOnce", func(t *testing.T) { testEnqueueOnce(t, open) })
	t.Run("EnqueueOnceRace", func(t *testing.T) { testEnqueueOnceRace(t, open) })
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprintf("FollowsClaimable/seed=%d", seed), func(t *testing.T) { testEffectRules(t, open, seed) })
	}
}

// withEvent returns fn that appends an event of kind by actor.
func withEvent(kind conversation.EventKind, actor string) func(*conversation.Case) error {
	return func(c *conversation.Case) error {
		c.Events = append(c.Events, conversation.Event{Seq: len(c.Events) + 1, Kind: kind, At: t0, Actor: actor, Stage: "s1", Text: "typed words"})
		return nil
	}
}

// raised returns a new case with its raised event.
func raised(id string) *conversation.Case {
	c := minimalCase(id, t0)
	c.Events = []conversation.Event{{Seq: 1, Kind: conversation.EventRaised, At: t0, Actor: "raiser@example.org", Stage: "s1"}}
	return c
}

func pendingOf(t *testing.T, s conversation.Store) []conversation.Effect {
	t.Helper()
	all, err := s.PendingEffects(context.Background())
	must(t, err, "PendingEffects")
	return all
}

func testEffectsWithStep(t *testing.T, open Opener) {
	ctx := context.Background()
	h := newHarness(t, open)
	must(t, h.s.CreateCase(ctx, raised("CR-2026-0001")), "CreateCase")
	all := pendingOf(t, h.s)
	if len(all) != 1 {
		t.Fatalf("after CreateCase the outbox holds %d effects, want the raise's one", len(all))
	}
	e := all[0]
	if e.Kind != conversation.EffectStep || e.CaseID != "CR-2026-0001" || e.Version != 1 || e.FromSeq != 0 || e.ToSeq != 1 ||
		e.Actor != "raiser@example.org" || !e.TellActor || !e.CreatedAt.Equal(t0) || e.ID == "" {
		t.Errorf("raise effect = %+v", e)
	}

	// A failed step writes nothing, nor does a write with no new event or
	// with only an audit record.
	_, err := h.s.UpdateCase(ctx, "CR-2026-0001", func(c *conversation.Case) error {
		_ = withEvent(conversation.EventResponse, "respondent@example.org")(c)
		return conversation.Invalid("refusal.case_closed", nil)
	})
	wantCode(t, err, conversation.EINVALID, "UpdateCase whose fn fails")
	_, err = h.s.UpdateCase(ctx, "CR-2026-0001", func(c *conversation.Case) error { c.Urgency = conversation.UrgencyUrgent; return nil })
	must(t, err, "UpdateCase without events")
	_, err = h.s.UpdateCase(ctx, "CR-2026-0001", withEvent(conversation.EventViewed, "respondent@example.org"))
	must(t, err, "UpdateCase with an audit event")
	if n := len(pendingOf(t, h.s)); n != 1 {
		t.Fatalf("after a failed step, a write without events and a view, the outbox holds %d effects, want still 1", n)
	}

	// A step's effect carries its version and events; one answered in the
	// reply does not tell the actor again.
	_, err = h.s.UpdateCase(conversation.AnsweredInReply(ctx), "CR-2026-0001", withEvent(conversation.EventResponse, "respondent@example.org"))
	must(t, err, "UpdateCase with a response")
	h.restart()
	all = pendingOf(t, h.s)
	if len(all) != 2 {
		t.Fatalf("after a step and a restart the outbox holds %d effects, want 2", len(all))
	}
	e = all[1]
	if e.ID <= all[0].ID || e.Version != 4 || e.FromSeq != 2 || e.ToSeq != 3 || e.Actor != "respondent@example.org" || e.TellActor {
		t.Errorf("response effect = %+v (first %s)", e, all[0].ID)
	}
	for _, e := range all {
		if b := fmt.Sprintf("%+v", e); strings.Contains(b, "typed words") || strings.Contains(b, "REF-") {
			t.Errorf("an effect holds case text: %s", b)
		}
	}
	st, err := h.s.OutboxStats(ctx)
	must(t, err, "OutboxStats")
	if st.Depth != 2 || !st.Oldest.Equal(t0) {
		t.Errorf("OutboxStats = %+v, want depth 2, oldest %v", st, t0)
	}
}

func testEffectLifecycle(t *testing.T, open Opener) {
	ctx := context.Background()
	h := newHarness(t, open)
	must(t, h.s.CreateCase(ctx, raised("CR-2026-0001")), "CreateCase")
	got, err := h.s.ClaimEffects(ctx, "w1", time.Minute, t0, 10)
	must(t, err, "ClaimEffects")
	if len(got) != 1 || got[0].Owner != "w1" || got[0].Attempts != 1 || !got[0].LeaseUntil.Equal(t0.Add(time.Minute)) {
		t.Fatalf("claim = %+v, want the step leased to w1 for a minute", got)
	}
	step := got[0]
	if again, err := h.s.ClaimEffects(ctx, "w2", time.Minute, t0.Add(time.Second), 10); err != nil || len(again) != 0 {
		t.Fatalf("a second worker claimed %+v (err %v) while w1 holds the lease", again, err)
	}
	wantCode(t, h.s.CompleteEffect(ctx, step.ID, "w2", nil, t0), conversation.ECONFLICT, "CompleteEffect by another owner")
	wantCode(t, h.s.RetryEffect(ctx, step.ID, "w2", t0, t0), conversation.ECONFLICT, "RetryEffect by another owner")

	// Expanding the step: it goes, its messages come, atomically and in place.
	follow := []conversation.Effect{
		{Kind: conversation.EffectMessage, CaseID: step.CaseID, Version: 1, Recipient: "raiser@example.org", ToSeq: 1, CreatedAt: t0},
		{Kind: conversation.EffectMessage, CaseID: step.CaseID, Version: 1, Recipient: "respondent@example.org", ToSeq: 1, CreatedAt: t0},
		{Kind: conversation.EffectRefresh, CaseID: step.CaseID, Version: 1, CreatedAt: t0},
	}
	must(t, h.s.CompleteEffect(ctx, step.ID, "w1", follow, t0.Add(time.Second)), "CompleteEffect with follow-ups")
	all := pendingOf(t, h.s)
	if len(all) != 3 {
		t.Fatalf("after expanding, the outbox holds %d effects, want 3", len(all))
	}
	for i, e := range all {
		if e.Recipient != follow[i].Recipient || e.Kind != follow[i].Kind || !strings.HasPrefix(e.ID, step.ID) || e.Owner != "" || e.Attempts != 0 {
			t.Errorf("follow-up %d = %+v, want %+v under %s", i, e, follow[i], step.ID)
		}
	}

	// A failed send is retried after its backoff, not before.
	got, err = h.s.ClaimEffects(ctx, "w1", time.Minute, t0.Add(2*time.Second), 1)
	must(t, err, "ClaimEffects")
	if len(got) != 1 || got[0].ID != all[0].ID {
		t.Fatalf("claim with limit 1 = %+v, want the first follow-up", got)
	}
	must(t, h.s.RetryEffect(ctx, got[0].ID, "w1", t0.Add(time.Hour), t0.Add(3*time.Second)), "RetryEffect")
	got, err = h.s.ClaimEffects(ctx, "w2", time.Minute, t0.Add(time.Minute), 10)
	must(t, err, "ClaimEffects")
	if len(got) != 1 || got[0].ID != all[1].ID {
		t.Fatalf("claim during the backoff = %+v, want the other message only (the refresh waits for it)", got)
	}
	must(t, h.s.CompleteEffect(ctx, got[0].ID, "w2", nil, t0.Add(time.Minute)), "CompleteEffect")
	// The message that failed once does not hold the refresh back.
	got, err = h.s.ClaimEffects(ctx, "w2", time.Minute, t0.Add(time.Minute), 10)
	must(t, err, "ClaimEffects")
	if len(got) != 1 || got[0].ID != all[2].ID {
		t.Fatalf("claim after the message = %+v, want the refresh", got)
	}
	must(t, h.s.CompleteEffect(ctx, got[0].ID, "w2", nil, t0.Add(time.Minute)), "CompleteEffect")
	got, err = h.s.ClaimEffects(ctx, "w3", time.Minute, t0.Add(time.Hour), 10)
	must(t, err, "ClaimEffects")
	if len(got) != 1 || got[0].ID != all[0].ID || got[0].Attempts != 2 {
		t.Fatalf("claim after the backoff = %+v, want the retried one on its second attempt", got)
	}
	must(t, h.s.CompleteEffect(ctx, got[0].ID, "w3", nil, t0.Add(time.Hour)), "CompleteEffect")
	if st, err := h.s.OutboxStats(ctx); err != nil || st.Depth != 0 || !st.Oldest.IsZero() {
		t.Errorf("OutboxStats = %+v, %v; want an empty outbox", st, err)
	}
}

func testEffectLeaseExpiry(t *testing.T, open Opener) {
	ctx := context.Background()
	h := newHarness(t, open)
	must(t, h.s.CreateCase(ctx, raised("CR-2026-0001")), "CreateCase")
	got, err := h.s.ClaimEffects(ctx, "crashed", time.Minute, t0, 10)
	must(t, err, "ClaimEffects")
	if len(got) != 1 {
		t.Fatalf("claim = %+v", got)
	}
	// The worker dies between its claim and its send; a restart comes.
	h.restart()
	if again, _ := h.s.ClaimEffects(ctx, "next", time.Minute, t0.Add(59*time.Second), 10); len(again) != 0 {
		t.Fatalf("claimed %+v before the lease ran out", again)
	}
	again, err := h.s.ClaimEffects(ctx, "next", time.Minute, t0.Add(time.Minute), 10)
	must(t, err, "ClaimEffects")
	if len(again) != 1 || again[0].ID != got[0].ID || again[0].Attempts != 2 {
		t.Fatalf("claim after the lease ran out = %+v, want the same effect, second attempt", again)
	}
	wantCode(t, h.s.CompleteEffect(ctx, got[0].ID, "crashed", nil, t0.Add(time.Minute)), conversation.ECONFLICT, "CompleteEffect by the old owner")
	must(t, h.s.CompleteEffect(ctx, again[0].ID, "next", nil, t0.Add(time.Minute)), "CompleteEffect by the new owner")
	if n := len(pendingOf(t, h.s)); n != 0 {
		t.Errorf("outbox holds %d effects after completion, want 0", n)
	}
}

func testEffectOrder(t *testing.T, open Opener) {
	ctx := context.Background()
	h := newHarness(t, open)
	must(t, h.s.CreateCase(ctx, raised("CR-2026-0001")), "CreateCase")
	_, err := h.s.UpdateCase(ctx, "CR-2026-0001", withEvent(conversation.EventAcknowledged, "respondent@example.org"))
	must(t, err, "UpdateCase")
	// Only the first step of a case may be expanded: the second waits.
	got, err := h.s.ClaimEffects(ctx, "w", time.Minute, t0, 10)
	must(t, err, "ClaimEffects")
	if len(got) != 1 || got[0].Version != 1 {
		t.Fatalf("claim = %+v, want the first step only", got)
	}
	first := got[0]
	to := func(who string, v int64) conversation.Effect {
		return conversation.Effect{Kind: conversation.EffectMessage, CaseID: "CR-2026-0001", Version: v, Recipient: who, CreatedAt: t0}
	}
	must(t, h.s.CompleteEffect(ctx, first.ID, "w", []conversation.Effect{to("ann", 1), to("bob", 1)}, t0), "expand first")
	got, err = h.s.ClaimEffects(ctx, "w", time.Minute, t0, 10)
	must(t, err, "ClaimEffects")
	if len(got) != 3 || got[0].Recipient != "ann" || got[1].Recipient != "bob" || got[2].Kind != conversation.EffectStep {
		t.Fatalf("claim = %+v, want ann's and bob's messages and the second step", got)
	}
	must(t, h.s.CompleteEffect(ctx, got[2].ID, "w", []conversation.Effect{to("ann", 2)}, t0), "expand second")
	// Ann's second message waits behind her first, which is still out.
	if more, _ := h.s.ClaimEffects(ctx, "w2", time.Minute, t0, 10); len(more) != 0 {
		t.Fatalf("claimed %+v while ann's first message is out", more)
	}
	must(t, h.s.RetryEffect(ctx, got[0].ID, "w", t0.Add(time.Minute), t0), "retry ann's first")
	must(t, h.s.CompleteEffect(ctx, got[1].ID, "w", nil, t0), "complete bob's")
	if more, _ := h.s.ClaimEffects(ctx, "w2", time.Minute, t0.Add(time.Second), 10); len(more) != 0 {
		t.Fatalf("claimed %+v while ann's first message waits for its retry", more)
	}
	more, err := h.s.ClaimEffects(ctx, "w2", time.Minute, t0.Add(time.Minute), 10)
	must(t, err, "ClaimEffects")
	if len(more) != 1 || more[0].Version != 1 || more[0].Recipient != "ann" {
		t.Fatalf("claim after the retry time = %+v, want ann's first message", more)
	}
	must(t, h.s.CompleteEffect(ctx, more[0].ID, "w2", nil, t0.Add(time.Minute)), "complete ann's first")
	last, err := h.s.ClaimEffects(ctx, "w2", time.Minute, t0.Add(time.Minute), 10)
	must(t, err, "ClaimEffects")
	if len(last) != 1 || last[0].Version != 2 || last[0].Recipient != "ann" {
		t.Fatalf("claim = %+v, want ann's second message now", last)
	}
}

func testEffectRace(t *testing.T, open Opener) {
	ctx := context.Background()
	h := newHarness(t, open)
	const cases = 40
	for i := range cases {
		must(t, h.s.CreateCase(ctx, raised(fmt.Sprintf("CR-2026-%04d", i+1))), "CreateCase")
	}
	var mu sync.Mutex
	delivered := map[string]int{}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			owner := fmt.Sprintf("replica-%d", w)
			for {
				got, err := h.s.ClaimEffects(ctx, owner, time.Hour, t0, 3)
				if err != nil {
					errs <- err
					return
				}
				if len(got) == 0 {
					return
				}
				for _, e := range got {
					mu.Lock()
					delivered[e.ID]++
					mu.Unlock()
					if err := h.s.CompleteEffect(ctx, e.ID, owner, nil, t0); err != nil {
						errs <- err
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("worker: %v", err)
		}
	}
	if len(delivered) != cases {
		t.Errorf("%d effects delivered, want %d", len(delivered), cases)
	}
	for id, n := range delivered {
		if n != 1 {
			t.Errorf("effect %s delivered %d times", id, n)
		}
	}
}

func testEffectPurge(t *testing.T, open Opener) {
	ctx := context.Background()
	h := newHarness(t, open)
	must(t, h.s.CreateCase(ctx, raised("CR-2026-0001")), "CreateCase")
	must(t, h.s.CreateCase(ctx, raised("CR-2026-0002")), "CreateCase")
	got, err := h.s.ClaimEffects(ctx, "w", time.Minute, t0, 1)
	must(t, err, "ClaimEffects")
	must(t, h.s.CompleteEffect(ctx, got[0].ID, "w", []conversation.Effect{
		{Kind: conversation.EffectMessage, CaseID: "CR-2026-0001", Recipient: "ann", CreatedAt: t0},
	}, t0), "CompleteEffect")
	must(t, h.s.DeleteCase(ctx, "CR-2026-0001"), "DeleteCase")
	all := pendingOf(t, h.s)
	if len(all) != 1 || all[0].CaseID != "CR-2026-0002" {
		t.Errorf("after DeleteCase the outbox holds %+v, want only the other case's effect", all)
	}
}

// A person's message about one case that keeps failing holds back nothing
// about another case.
func testEffectOtherCases(t *testing.T, open Opener) {
	ctx := context.Background()
	h := newHarness(t, open)
	must(t, h.s.CreateCase(ctx, raised("CR-2026-0001")), "CreateCase")
	must(t, h.s.CreateCase(ctx, raised("CR-2026-0002")), "CreateCase")
	steps, err := h.s.ClaimEffects(ctx, "w", time.Minute, t0, 10)
	must(t, err, "ClaimEffects")
	if len(steps) != 2 {
		t.Fatalf("claim = %+v, want both steps", steps)
	}
	for _, st := range steps {
		must(t, h.s.CompleteEffect(ctx, st.ID, "w", []conversation.Effect{
			{Kind: conversation.EffectMessage, CaseID: st.CaseID, Recipient: "ann", CreatedAt: t0},
		}, t0), "expand")
	}
	got, err := h.s.ClaimEffects(ctx, "w", time.Minute, t0, 10)
	must(t, err, "ClaimEffects")
	if len(got) != 2 || got[0].CaseID == got[1].CaseID {
		t.Fatalf("claim = %+v, want ann's message about each case", got)
	}
	must(t, h.s.RetryEffect(ctx, got[0].ID, "w", t0.Add(time.Hour), t0), "RetryEffect")
	must(t, h.s.CompleteEffect(ctx, got[1].ID, "w", nil, t0), "CompleteEffect")
}

// BenchOutbox benchmarks one delivery's store work, ClaimEffects of one
// effect and its CompleteEffect, with 100, 1,000 and 10,000 other effects
// waiting (each the step of its own case, so all are deliverable). The
// three figures should be close: a claim's cost depends on what it claims,
// not on the queue's depth. It seeds depth+b.N+1 effects, so run it with a
// fixed count (-benchtime=500x). OneCase/waiting=N runs benchOneCase: a
// backlog on one case.
func BenchOutbox(b *testing.B, open Opener) {
	for _, depth := range []int{100, 1_000, 10_000} {
		b.Run(fmt.Sprintf("ClaimComplete/waiting=%d", depth), func(b *testing.B) {
			h := newHarness(b, open)
			ctx := context.Background()
			cases := make([]*conversation.Case, 0, depth+b.N)
			for i := range depth + b.N + 1 {
				cases = append(cases, raised(fmt.Sprintf("CR-2026-Q%06d", i)))
			}
			createAll(b, h.s, cases)
			// One delivery first, so a store that indexes what was
			// enqueued on its next claim has done so: the figures are
			// of the steady state.
			got, err := h.s.ClaimEffects(ctx, "bench", time.Minute, t0, 1)
			if err != nil || len(got) != 1 {
				b.Fatalf("ClaimEffects = %d effects, %v; want 1", len(got), err)
			}
			must(b, h.s.CompleteEffect(ctx, got[0].ID, "bench", nil, t0), "CompleteEffect")
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				got, err := h.s.ClaimEffects(ctx, "bench", time.Minute, t0, 1)
				if err != nil || len(got) != 1 {
					b.Fatalf("ClaimEffects = %d effects, %v; want 1", len(got), err)
				}
				if err := h.s.CompleteEffect(ctx, got[0].ID, "bench", nil, t0); err != nil {
					b.Fatalf("CompleteEffect: %v", err)
				}
			}
		})
	}
	for _, depth := range []int{10, 100, 1_000} {
		b.Run(fmt.Sprintf("OneCase/waiting=%d", depth), func(b *testing.B) { benchOneCase(b, open, depth) })
	}
}

// benchOneCase benchmarks the store work of delivering four messages of
// one case, with depth messages of that case waiting, each to its own
// person, as a busy case's backlog is: four new messages enqueued, the
// earliest four claimed in one claim and each completed. The figures
// (wall time, which fsyncs dominate on bolt, and the process's CPU time,
// cpu-ns/op) should grow far slower than depth.
func benchOneCase(b *testing.B, open Opener, depth int) {
	h := newHarness(b, open)
	ctx := context.Background()
	c := raised("CR-2026-B000001")
	createAll(b, h.s, []*conversation.Case{c})
	msg := func(i int) conversation.Effect {
		return conversation.Effect{Kind: conversation.EffectMessage, CaseID: c.ID, Version: 1, Actor: "raiser@example.org",
			Recipient: fmt.Sprintf("person%07d@example.org", i), FromSeq: 0, ToSeq: 1, CreatedAt: t0}
	}
	// The case's own step first, so every later claim is of messages.
	got, err := h.s.ClaimEffects(ctx, "bench", time.Minute, t0, 1)
	if err != nil || len(got) != 1 || got[0].Kind != conversation.EffectStep {
		b.Fatalf("ClaimEffects = %+v, %v; want the case's step", got, err)
	}
	must(b, h.s.CompleteEffect(ctx, got[0].ID, "bench", nil, t0), "CompleteEffect")
	for i := range depth {
		must(b, h.s.EnqueueEffect(ctx, msg(i)), "EnqueueEffect")
	}
	const batch = 4
	next := depth
	b.ReportAllocs()
	b.ResetTimer()
	b.StopTimer()
	cpu := cpuMeter{b: b}
	cpu.resume()
	defer cpu.report(1, "op")
	defer cpu.stop()
	for range b.N {
		for range batch {
			must(b, h.s.EnqueueEffect(ctx, msg(next)), "EnqueueEffect")
			next++
		}
		got, err := h.s.ClaimEffects(ctx, "bench", time.Minute, t0, batch)
		if err != nil || len(got) != batch {
			b.Fatalf("ClaimEffects = %d effects, %v; want %d", len(got), err, batch)
		}
		for _, e := range got {
			if err := h.s.CompleteEffect(ctx, e.ID, "bench", nil, t0); err != nil {
				b.Fatalf("CompleteEffect: %v", err)
			}
		}
	}
}

// testEffectRules drives the outbox through a random run of steps,
// enqueues, claims, completions with follow-ups, retries, expired leases
// and restarts, and checks every claim against conversation.Claimable on
// what was pending just before it: a store hands out only what Claimable
// allows, in ID order with the claim's lease and attempt, and something
// whenever Claimable allows anything. Completions and retries succeed
// exactly when the owner still holds the effect. At the end everything is
// delivered. seed picks the run.
func testEffectRules(t *testing.T, open Opener, seed uint64) {
	ctx := context.Background()
	h := newHarness(t, open)
	rng := rand.New(rand.NewPCG(seed, 4))
	cases := []string{"CR-2026-0001", "CR-2026-0002", "CR-2026-0003"}
	for _, id := range cases {
		must(t, h.s.CreateCase(ctx, raised(id)), "CreateCase")
	}
	people := []string{"ann", "bob", "cat"}
	owners := []string{"w1", "w2"}
	now := t0
	var held []conversation.Effect // claimed in this run, maybe since taken by another
	for round := range 400 {
		switch op := rng.IntN(20); {
		case op < 2: // a step on a case
			_, err := h.s.UpdateCase(ctx, cases[rng.IntN(len(cases))], withEvent(conversation.EventNote, people[rng.IntN(len(people))]))
			must(t, err, "UpdateCase")
		case op < 3: // an effect no step causes
			kind := []conversation.EffectKind{conversation.EffectMessage, conversation.EffectRefresh, conversation.EffectDigest}[rng.IntN(3)]
			e := conversation.Effect{Kind: kind, CaseID: cases[rng.IntN(len(cases))], Recipient: people[rng.IntN(len(people))], CreatedAt: now}
			if kind == conversation.EffectDigest {
				e.CaseID = ""
			}
			must(t, h.s.EnqueueEffect(ctx, e), "EnqueueEffect")
		case op < 9:
			held = append(held, checkClaim(t, h.s, owners[rng.IntN(2)], now, 1+rng.IntN(4), round)...)
		case op < 15 && len(held) > 0:
			i := rng.IntN(len(held))
			e := held[i]
			held = slices.Delete(held, i, i+1)
			settleChecked(t, h.s, e, followOf(e, rng, people, now), rng.IntN(3) == 0, now, round)
		case op < 17:
			now = now.Add(time.Duration(rng.IntN(50)) * time.Second)
		case op < 18:
			h.restart()
		}
	}
	// Everything left is delivered in the end, steps expanded to nothing.
	for range 200 {
		now = now.Add(time.Hour)
		got := checkClaim(t, h.s, "last", now, 10, -1)
		for _, e := range got {
			must(t, h.s.CompleteEffect(ctx, e.ID, "last", nil, now), "CompleteEffect")
		}
		if len(got) == 0 {
			break
		}
	}
	if left := pendingOf(t, h.s); len(left) != 0 {
		t.Errorf("%d effects were never delivered: %+v", len(left), left)
	}
}

// checkClaim claims up to limit effects for owner at now and checks them
// against Claimable on what was pending before.
func checkClaim(t *testing.T, s conversation.Store, owner string, now time.Time, limit, round int) []conversation.Effect {
	t.Helper()
	before := pendingOf(t, s)
	allowed := map[string]conversation.Effect{}
	for _, i := range conversation.Claimable(before, now, 0) {
		allowed[before[i].ID] = before[i]
	}
	got, err := s.ClaimEffects(context.Background(), owner, time.Minute, now, limit)
	must(t, err, "ClaimEffects")
	if len(allowed) > 0 && len(got) == 0 {
		t.Fatalf("round %d: claimed nothing though Claimable allows %d of %+v", round, len(allowed), before)
	}
	if len(got) > limit {
		t.Fatalf("round %d: claimed %d effects, limit %d", round, len(got), limit)
	}
	for i, e := range got {
		was, ok := allowed[e.ID]
		if !ok {
			t.Fatalf("round %d: claimed %+v, which Claimable does not allow in %+v", round, e, before)
		}
		if i > 0 && got[i-1].ID >= e.ID {
			t.Errorf("round %d: claim not in ID order: %s before %s", round, got[i-1].ID, e.ID)
		}
		if e.Owner != owner || !e.LeaseUntil.Equal(now.Add(time.Minute)) || e.Attempts != was.Attempts+1 || e.Kind != was.Kind || e.Recipient != was.Recipient {
			t.Errorf("round %d: claimed %+v, was %+v", round, e, was)
		}
	}
	return got
}

// followOf returns what a worker might add on completing e: a step's
// messages and refresh, now and then a notice that a message's recipient
// was not reached.
func followOf(e conversation.Effect, rng *rand.Rand, people []string, now time.Time) []conversation.Effect {
	var out []conversation.Effect
	switch {
	case e.Kind == conversation.EffectStep:
		for _, p := range people[:1+rng.IntN(len(people))] {
			out = append(out, conversation.Effect{Kind: conversation.EffectMessage, CaseID: e.CaseID, Version: e.Version, Recipient: p, CreatedAt: now})
		}
		out = append(out, conversation.Effect{Kind: conversation.EffectRefresh, CaseID: e.CaseID, Version: e.Version, CreatedAt: now})
	case e.Kind == conversation.EffectMessage && rng.IntN(4) == 0:
		out = append(out, conversation.Effect{Kind: conversation.EffectUnreached, CaseID: e.CaseID, Recipient: people[0], Unreached: []string{e.Recipient}, CreatedAt: now})
	}
	return out
}

// settleChecked completes e with follow (or retries it a little later) and
// checks it succeeds exactly when its owner still holds it.
func settleChecked(t *testing.T, s conversation.Store, e conversation.Effect, follow []conversation.Effect, retry bool, now time.Time, round int) {
	t.Helper()
	holds := false
	for _, p := range pendingOf(t, s) {
		holds = holds || (p.ID == e.ID && p.Owner == e.Owner && p.LeaseUntil.After(now))
	}
	var err error
	if retry {
		err = s.RetryEffect(context.Background(), e.ID, e.Owner, now.Add(30*time.Second), now)
	} else {
		err = s.CompleteEffect(context.Background(), e.ID, e.Owner, follow, now)
	}
	switch {
	case holds && err != nil:
		t.Fatalf("round %d: settling %s held by %s: %v", round, e.ID, e.Owner, err)
	case !holds && conversation.ErrorCode(err) != conversation.ECONFLICT:
		t.Fatalf("round %d: settling %s no longer held by %s = %v, want ECONFLICT", round, e.ID, e.Owner, err)
	}
}
