package boltstore_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/boltstore"
	bolt "go.etcd.io/bbolt"
)

// TestOutboxFromBeforeItsIndexes opens a data file whose outbox was
// written before the claim indexes existed: what waits in it is still
// delivered.
func TestOutboxFromBeforeItsIndexes(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	s, err := boltstore.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	for _, id := range []string{"CR-2026-0001", "CR-2026-0002"} {
		c := &conversation.Case{ID: id, Partnership: "test", ChildRef: "REF-" + id, Status: conversation.StatusOpen,
			Raiser:     conversation.Party{PersonID: "raiser@example.org", Name: "Raiser", Agency: "school"},
			Respondent: conversation.Party{PersonID: "respondent@example.org", Name: "Respondent", Agency: "council"},
			Category:   "threshold", Urgency: conversation.UrgencyStandard, CreatedAt: t0, UpdatedAt: t0,
			Events: []conversation.Event{{Seq: 1, Kind: conversation.EventRaised, At: t0, Actor: "raiser@example.org", Stage: "s1"}}}
		if err := s.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range []string{"outbox-case", "outbox-ready"} {
			if err := tx.DeleteBucket([]byte(b)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil || db.Close() != nil {
		t.Fatalf("remove the indexes: %v", err)
	}

	s, err = boltstore.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.ClaimEffects(ctx, "w", time.Minute, t0, 10)
	if err != nil || len(got) != 2 || got[0].CaseID != "CR-2026-0001" || got[1].CaseID != "CR-2026-0002" {
		t.Fatalf("claim after reopening = %+v, %v; want both cases' raise steps", got, err)
	}
}
