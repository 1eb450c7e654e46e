package storetest

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
)

// digestEffect is a morning digest for to on the suite's day.
func digestEffect(to string) conversation.Effect {
	return conversation.Effect{Kind: conversation.EffectDigest, Recipient: to, Period: "2026-03-02",
		Cases: []string{"CR-2026-0001", "CR-2026-0002"}, CreatedAt: t0}
}

// testEnqueueOnce: a scheduled message enqueued under a key is in the
// outbox once, however often it is enqueued again, across a restart and
// after it has been delivered; it is delivered like any effect; a key
// Remember recorded is not enqueued; a key whose time has passed is.
func testEnqueueOnce(t *testing.T, open Opener) {
	ctx := context.Background()
	h := newHarness(t, open)
	const key = "digest:2026-03-02:gp@example.org"
	added, err := h.s.EnqueueOnce(ctx, key, 24*time.Hour, digestEffect("gp@example.org"), t0)
	must(t, err, "EnqueueOnce")
	if !added {
		t.Fatalf("the first EnqueueOnce did not enqueue")
	}
	// The replica that enqueued it dies; another tries the same key.
	h.restart()
	added, err = h.s.EnqueueOnce(ctx, key, 24*time.Hour, digestEffect("gp@example.org"), t0.Add(time.Minute))
	must(t, err, "EnqueueOnce again")
	if added {
		t.Errorf("EnqueueOnce enqueued a key already enqueued")
	}
	all := pendingOf(t, h.s)
	if len(all) != 1 {
		t.Fatalf("the outbox holds %d effects, want the digest once", len(all))
	}
	e := all[0]
	if e.Kind != conversation.EffectDigest || e.Recipient != "gp@example.org" || e.Period != "2026-03-02" ||
		!slices.Equal(e.Cases, []string{"CR-2026-0001", "CR-2026-0002"}) || !e.CreatedAt.Equal(t0) || e.ID == "" || e.Owner != "" {
		t.Errorf("enqueued effect = %+v", e)
	}

	// It is claimed, fails once, is retried and delivered; after that the
	// key still keeps it from being enqueued again.
	got, err := h.s.ClaimEffects(ctx, "w", time.Minute, t0, 10)
	must(t, err, "ClaimEffects")
	if len(got) != 1 || got[0].ID != e.ID {
		t.Fatalf("claim = %+v, want the digest", got)
	}
	must(t, h.s.RetryEffect(ctx, e.ID, "w", t0.Add(time.Second), t0), "RetryEffect")
	got, err = h.s.ClaimEffects(ctx, "w", time.Minute, t0.Add(time.Second), 10)
	must(t, err, "ClaimEffects")
	if len(got) != 1 || got[0].Attempts != 2 {
		t.Fatalf("claim after the retry = %+v, want the digest, second attempt", got)
	}
	must(t, h.s.CompleteEffect(ctx, e.ID, "w", nil, t0.Add(time.Second)), "CompleteEffect")
	if added, err := h.s.EnqueueOnce(ctx, key, 24*time.Hour, digestEffect("gp@example.org"), t0.Add(time.Hour)); err != nil || added {
		t.Errorf("EnqueueOnce after delivery = %v, %v; want not enqueued", added, err)
	}

	// Another person's key is their own; a key Remember holds is taken;
	// a key past its time is free again.
	if added, err := h.s.EnqueueOnce(ctx, "digest:2026-03-02:sam@example.org", 24*time.Hour, digestEffect("sam@example.org"), t0); err != nil || !added {
		t.Errorf("EnqueueOnce for another person = %v, %v; want enqueued", added, err)
	}
	_, err = h.s.Remember(ctx, "digest:2026-03-02:lee@example.org", 24*time.Hour, t0)
	must(t, err, "Remember")
	if added, err := h.s.EnqueueOnce(ctx, "digest:2026-03-02:lee@example.org", 24*time.Hour, digestEffect("lee@example.org"), t0); err != nil || added {
		t.Errorf("EnqueueOnce of a remembered key = %v, %v; want not enqueued", added, err)
	}
	if added, err := h.s.EnqueueOnce(ctx, key, 24*time.Hour, digestEffect("gp@example.org"), t0.Add(25*time.Hour)); err != nil || !added {
		t.Errorf("EnqueueOnce after the key's time = %v, %v; want enqueued", added, err)
	}
	if n := len(pendingOf(t, h.s)); n != 2 {
		t.Errorf("the outbox holds %d effects, want Sam's digest and the GP's next", n)
	}
}

// testEnqueueOnceRace: replicas enqueueing the same people's digests at
// once put each in the outbox exactly once.
func testEnqueueOnceRace(t *testing.T, open Opener) {
	ctx := context.Background()
	h := newHarness(t, open)
	people := []string{"a@example.org", "b@example.org", "c@example.org", "d@example.org"}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		added int
	)
	for range 4 {
		wg.Go(func() {
			for _, p := range people {
				ok, err := h.s.EnqueueOnce(ctx, "digest:2026-03-02:"+p, time.Hour, digestEffect(p), t0)
				if err != nil {
					t.Errorf("EnqueueOnce: %v", err)
					return
				}
				if ok {
					mu.Lock()
					added++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	all := pendingOf(t, h.s)
	var to []string
	for _, e := range all {
		to = append(to, e.Recipient)
	}
	slices.Sort(to)
	if added != len(people) || !slices.Equal(to, people) {
		t.Errorf("four replicas enqueued %d, outbox for %v; want each person once", added, to)
	}
}
