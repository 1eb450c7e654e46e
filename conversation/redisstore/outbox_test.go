package redisstore_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/redisstore/redistest"
)

// TestOutboxOfAnOlderRelease: effects an older resolvebot left in the
// outbox, their claim state inside their JSON and indexed by that
// release's keys or by none, are delivered after an upgrade as they
// would have been, indexed by the first claim or by Migrate; the older
// indexes are deleted, and effects enqueued afterwards follow them.
func TestOutboxOfAnOlderRelease(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	effects := map[string]conversation.Effect{
		// A step an old worker holds until t0+1m.
		"00000000000000000001": {Kind: conversation.EffectStep, CaseID: "CR-2026-0001", Version: 1, ToSeq: 1, CreatedAt: t0,
			Attempts: 1, Owner: "old-worker", LeaseUntil: t0.Add(time.Minute)},
		// Ann's message, failed twice, to be tried again at t0+1h.
		"00000000000000000002": {Kind: conversation.EffectMessage, CaseID: "CR-2026-0002", Version: 1, Recipient: "ann", CreatedAt: t0,
			Attempts: 2, NextAt: t0.Add(time.Hour)},
		// Bob's, never tried, expanded from a step that is gone.
		"00000000000000000000.0001": {Kind: conversation.EffectMessage, CaseID: "CR-2026-0002", Version: 1, Recipient: "bob", CreatedAt: t0},
		// The case's refresh waits for Bob's message.
		"00000000000000000000.0002": {Kind: conversation.EffectRefresh, CaseID: "CR-2026-0002", Version: 1, CreatedAt: t0},
		"00000000000000000003":      {Kind: conversation.EffectDigest, Recipient: "cat", Period: "2026-03-02", CreatedAt: t0},
	}
	for _, tt := range []struct {
		name       string
		oldIndexes bool // the keys of the release before this one
		migrate    bool // resolvebot migrate runs before the first claim
	}{
		{"last release's indexes, first claim", true, false},
		{"last release's indexes, migrate", true, true},
		{"no indexes, first claim", false, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			s, prefix := redistest.Open(t)
			k := prefix + ":{rb}:"
			rc := redistest.Client(t)
			_, err := rc.TxPipelined(ctx, func(p redis.Pipeliner) error {
				for id, e := range effects {
					b, err := json.Marshal(e)
					if err != nil {
						return err
					}
					p.HSet(ctx, k+"outbox", id, b)
				}
				p.Set(ctx, k+"outbox:seq", 3, 0)
				if tt.oldIndexes {
					p.Set(ctx, k+"outbox:indexed", 3, 0)
					p.ZAdd(ctx, k+"outbox:ready", redis.Z{Member: "00000000000000000000.0001"}, redis.Z{Member: "00000000000000000003"})
					p.ZAdd(ctx, k+"outbox:case:CR-2026-0002", redis.Z{Member: "00000000000000000002"}, redis.Z{Member: "00000000000000000000.0001"})
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			before, err := s.PendingEffects(ctx)
			if err != nil || len(before) != len(effects) || before[3].Attempts != 2 || !before[3].NextAt.Equal(t0.Add(time.Hour)) {
				t.Fatalf("PendingEffects before the upgrade = %+v, %v; want the %d effects with their state", before, err, len(effects))
			}
			if tt.migrate {
				if _, err := s.Migrate(ctx); err != nil {
					t.Fatal(err)
				}
			}
			claim := func(owner string, at time.Time, want ...string) []conversation.Effect {
				t.Helper()
				got, err := s.ClaimEffects(ctx, owner, time.Minute, at, 10)
				if err != nil {
					t.Fatal(err)
				}
				var ids []string
				for _, e := range got {
					ids = append(ids, e.ID)
				}
				if len(ids) != len(want) {
					t.Fatalf("claim at %s = %v, want %v", at.Sub(t0), ids, want)
				}
				for i := range ids {
					if ids[i] != want[i] {
						t.Fatalf("claim at %s = %v, want %v", at.Sub(t0), ids, want)
					}
				}
				return got
			}
			got := claim("w", t0, "00000000000000000000.0001", "00000000000000000003")
			if got[0].Attempts != 1 || got[0].Recipient != "bob" || got[1].Period != "2026-03-02" {
				t.Errorf("claimed %+v", got)
			}
			for _, key := range []string{"outbox:indexed", "outbox:ready", "outbox:case:CR-2026-0002"} {
				if n, _ := rc.Exists(ctx, k+key).Result(); n != 0 {
					t.Errorf("the older index %s is still there after the upgrade", key)
				}
			}
			// The old worker's lease is kept: its step is not handed out
			// before the lease runs out.
			claim("w", t0.Add(30*time.Second))
			for _, e := range got {
				if err := s.CompleteEffect(ctx, e.ID, "w", nil, t0.Add(30*time.Second)); err != nil {
					t.Fatal(err)
				}
			}
			// Bob's message is delivered: the refresh behind it comes.
			refresh := claim("w", t0.Add(40*time.Second), "00000000000000000000.0002")
			again := claim("w2", t0.Add(time.Minute), "00000000000000000001")
			if again[0].Attempts != 2 {
				t.Errorf("the step's claim after the old lease = %+v, want its second attempt", again[0])
			}
			if err := s.CompleteEffect(ctx, refresh[0].ID, "w", nil, t0.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
			if err := s.CompleteEffect(ctx, again[0].ID, "w2", nil, t0.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
			// A step enqueued after the upgrade is indexed by a later claim.
			if err := s.EnqueueEffect(ctx, conversation.Effect{Kind: conversation.EffectMessage, CaseID: "CR-2026-0003", Recipient: "dan", CreatedAt: t0}); err != nil {
				t.Fatal(err)
			}
			late := claim("w", t0.Add(time.Hour), "00000000000000000002", "00000000000000000004")
			if late[0].Attempts != 3 {
				t.Errorf("Ann's message after its backoff = %+v, want its third attempt", late[0])
			}
		})
	}
}
