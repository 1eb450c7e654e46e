package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
)

// testSecrets: a secret is read until it expires, survives a restart,
// can be replaced with a later expiry, and is gone once taken.
func testSecrets(t *testing.T, open Opener) {
	ctx := context.Background()
	h := newHarness(t, open)
	exp := t0.Add(15 * time.Minute)
	must(t, h.s.PutSecret(ctx, "link:a", []byte("alice"), exp, t0), "PutSecret link:a")
	must(t, h.s.PutSecret(ctx, "link:b", []byte("bob"), exp, t0), "PutSecret link:b")
	h.restart()
	steps := []struct {
		name string
		op   string // get or take
		key  string
		at   time.Time
		want string // "" for ENOTFOUND
	}{
		{"read before expiry", "get", "link:a", t0.Add(time.Minute), "alice"},
		{"read again: reading uses nothing up", "get", "link:a", t0.Add(2 * time.Minute), "alice"},
		{"unknown key", "get", "link:c", t0, ""},
		{"read at expiry", "get", "link:a", exp, ""},
		{"take at expiry", "take", "link:a", exp, ""},
		{"take before expiry", "take", "link:b", t0.Add(time.Minute), "bob"},
		{"taken once: gone for a read", "get", "link:b", t0.Add(time.Minute), ""},
		{"taken once: gone for a take", "take", "link:b", t0.Add(time.Minute), ""},
	}
	for _, s := range steps {
		var got []byte
		var err error
		if s.op == "get" {
			got, err = h.s.GetSecret(ctx, s.key, s.at)
		} else {
			got, err = h.s.TakeSecret(ctx, s.key, s.at)
		}
		if s.want == "" {
			if conversation.ErrorCode(err) != conversation.ENOTFOUND {
				t.Fatalf("%s: %s %s = %q, %v; want ENOTFOUND", s.name, s.op, s.key, got, err)
			}
			continue
		}
		if err != nil || string(got) != s.want {
			t.Fatalf("%s: %s %s = %q, %v; want %q", s.name, s.op, s.key, got, err, s.want)
		}
	}
	// Replacing a value moves its expiry on (a session's idle limit).
	must(t, h.s.PutSecret(ctx, "session:x", []byte("v1"), t0.Add(time.Hour), t0), "PutSecret session")
	must(t, h.s.PutSecret(ctx, "session:x", []byte("v2"), t0.Add(3*time.Hour), t0.Add(30*time.Minute)), "PutSecret session again")
	got, err := h.s.GetSecret(ctx, "session:x", t0.Add(2*time.Hour))
	if err != nil || string(got) != "v2" {
		t.Fatalf("replaced secret after the first expiry = %q, %v; want v2", got, err)
	}
	// Another write after everything expired tidies up, and does not
	// bring an expired secret back.
	must(t, h.s.PutSecret(ctx, "other", []byte("o"), t0.Add(5*time.Hour), t0.Add(4*time.Hour)), "PutSecret other")
	if got, err := h.s.GetSecret(ctx, "session:x", t0.Add(4*time.Hour)); conversation.ErrorCode(err) != conversation.ENOTFOUND {
		t.Fatalf("expired secret = %q, %v; want ENOTFOUND", got, err)
	}
}

// testSecretTakenOnce: of many callers taking one secret at once, exactly
// one gets it (a sign-in link is single use across replicas).
func testSecretTakenOnce(t *testing.T, open Opener) {
	ctx := context.Background()
	h := newHarness(t, open)
	must(t, h.s.PutSecret(ctx, "link", []byte("once"), t0.Add(time.Hour), t0), "PutSecret")
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := h.s.TakeSecret(ctx, "link", t0.Add(time.Minute))
			switch {
			case err == nil && string(v) == "once":
				mu.Lock()
				won++
				mu.Unlock()
			case conversation.ErrorCode(err) != conversation.ENOTFOUND:
				t.Errorf("TakeSecret = %q, %v", v, err)
			}
		}()
	}
	wg.Wait()
	if won != 1 {
		t.Fatalf("%d callers took the secret, want exactly 1", won)
	}
}

// testEnqueueEffect: an effect of no case (a sign-in email) waits in the
// outbox across a restart, is claimed with what it says, and is gone once
// completed.
func testEnqueueEffect(t *testing.T, open Opener) {
	ctx := context.Background()
	h := newHarness(t, open)
	e := conversation.Effect{Kind: conversation.EffectSignIn, Recipient: "gp@example.org", Next: "/web/cases/CR-2026-0001", CreatedAt: t0}
	must(t, h.s.EnqueueEffect(ctx, e), "EnqueueEffect")
	must(t, h.s.EnqueueEffect(ctx, conversation.Effect{Kind: conversation.EffectSignIn, Recipient: "other@example.org", CreatedAt: t0}), "EnqueueEffect other")
	h.restart()
	got, err := h.s.ClaimEffects(ctx, "w1", time.Minute, t0, 10)
	must(t, err, "ClaimEffects")
	if len(got) != 2 || got[0].Kind != conversation.EffectSignIn || got[0].Recipient != e.Recipient || got[0].Next != e.Next ||
		got[1].Recipient != "other@example.org" || got[0].ID >= got[1].ID {
		t.Fatalf("claimed %+v, want the two sign-in effects in order", got)
	}
	for _, g := range got {
		must(t, h.s.CompleteEffect(ctx, g.ID, "w1", nil, t0), "CompleteEffect")
	}
	left, err := h.s.PendingEffects(ctx)
	must(t, err, "PendingEffects")
	if len(left) != 0 {
		t.Fatalf("pending after completion: %+v", left)
	}
}
