package sealed_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/boltstore"
	"github.com/resolvebot/resolvebot/conversation/redisstore/redistest"
	"github.com/resolvebot/resolvebot/conversation/sealed"
)

// rawObservations is a store that keeps observations, read without the
// sealing layer.
type rawObservations interface {
	conversation.Store
	conversation.ObservationStore
}

// TestRekeyReSealsObservations: observed differences logged in plain text,
// under an old key and under the new one all read back after a rekey with
// the old key retired, on both stores, and none is left sealed with it.
func TestRekeyReSealsObservations(t *testing.T) {
	for _, tc := range []struct {
		name string
		open func(t *testing.T) rawObservations
	}{
		{"bolt", func(t *testing.T) rawObservations {
			bs, err := boltstore.Open(filepath.Join(t.TempDir(), "resolvebot.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { bs.Close() })
			return bs
		}},
		{"redis", func(t *testing.T) rawObservations {
			rs, _ := redistest.Open(t)
			t.Cleanup(func() { rs.Close() })
			return rs
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
			raw := tc.open(t)
			k1, k2 := key("k1", 1), key("k2", 2)
			want := map[string]string{} // id → description
			logAs := func(s *sealed.Store, i int) {
				t.Helper()
				o := &conversation.Observation{At: now.Add(time.Duration(i) * time.Minute), By: "chair@example.org", AgencyA: "csc", AgencyB: "police",
					Meeting: conversation.MeetingConference, Category: "threshold", Description: fmt.Sprintf("Difference %d on the level of risk.", i)}
				if err := s.AddObservation(ctx, o); err != nil {
					t.Fatalf("AddObservation %d: %v", i, err)
				}
				want[o.ID] = o.Description
			}
			logAs(sealed.Wrap(raw, nil), 0) // before encryption
			logAs(sealed.Wrap(raw, ring(t, k1)), 1)
			logAs(sealed.Wrap(raw, ring(t, k1)), 2)
			rotated := sealed.Wrap(raw, ring(t, k2, k1))
			logAs(rotated, 3)

			rep, err := rotated.Rekey(ctx, now)
			if err != nil {
				t.Fatalf("Rekey: %v", err)
			}
			if rep.Observations != 4 || rep.ObservationsRekeyed != 3 {
				t.Errorf("Rekey re-sealed %d of %d observations, want 3 of 4", rep.ObservationsRekeyed, rep.Observations)
			}
			stored, err := raw.Observations(ctx, now, now.Add(time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range stored {
				if id, ok := sealed.KeyID(o.Description); !ok || id != "k2" || strings.Contains(o.Description, "risk") {
					t.Errorf("observation %s is stored as %.20q… after rekey, want sealed with k2", o.ID, o.Description)
				}
			}

			// The old key retired: every observation still reads.
			retired := sealed.Wrap(raw, ring(t, k2))
			got, err := retired.Observations(ctx, now, now.Add(time.Hour))
			if err != nil {
				t.Fatalf("Observations with the old key retired: %v", err)
			}
			if len(got) != len(want) {
				t.Fatalf("read %d observations, want %d", len(got), len(want))
			}
			for _, o := range got {
				if o.Description != want[o.ID] {
					t.Errorf("observation %s reads %q, want %q", o.ID, o.Description, want[o.ID])
				}
			}
			if rep, err := retired.Rekey(ctx, now); err != nil || rep.ObservationsRekeyed != 0 {
				t.Errorf("a second rekey re-sealed %d observations (%v), want none", rep.ObservationsRekeyed, err)
			}
		})
	}
}
