package conversation

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// TestReadyAtAgreesWithClaimable checks the index stores keep against
// Claimable on random outboxes: at any time, the effects ReadyAt says are
// ready by then are exactly those Claimable hands out. If they differed, a
// store would hand out an effect out of its turn, or never hand one out.
func TestReadyAtAgreesWithClaimable(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	kinds := []EffectKind{EffectStep, EffectMessage, EffectMessage, EffectRefresh, EffectUnreached}
	r := rand.New(rand.NewPCG(1, 2))
	minute := func() time.Time { return t0.Add(time.Duration(r.IntN(5)-2) * time.Minute) }
	for round := range 2000 {
		pending := make([]Effect, 1+r.IntN(8))
		for i := range pending {
			e := Effect{ID: fmt.Sprintf("%020d", i), Kind: kinds[r.IntN(len(kinds))], CaseID: "CR-2026-0001",
				Recipient: []string{"ann", "bob"}[r.IntN(2)]}
			if r.IntN(2) == 0 {
				e.Attempts = 1 + r.IntN(3)
				if r.IntN(2) == 0 {
					e.Owner, e.LeaseUntil = "w", minute()
				}
			}
			if r.IntN(3) == 0 {
				e.NextAt = minute()
			}
			pending[i] = e
		}
		at, ok := ReadyAt(pending)
		for _, now := range []time.Time{t0.Add(-3 * time.Minute), t0.Add(-time.Minute), t0, t0.Add(time.Minute), t0.Add(3 * time.Minute)} {
			want := map[int]bool{}
			for _, i := range Claimable(pending, now, 0) {
				want[i] = true
			}
			for i := range pending {
				if got := ok[i] && !at[i].After(now); got != want[i] {
					t.Fatalf("round %d at %s: effect %d %+v ready=%v, Claimable says %v; outbox %+v",
						round, now.Format("15:04"), i, pending[i], got, want[i], pending)
				}
			}
		}
	}
}
