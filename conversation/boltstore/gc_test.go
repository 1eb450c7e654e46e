package boltstore

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// TestExpiredEntriesCollected checks that remembered keys and claims whose
// time has passed are deleted by later calls, and live ones kept.
func TestExpiredEntriesCollected(t *testing.T) {
	ctx := context.Background()
	s, err := Open(filepath.Join(t.TempDir(), "gc.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for i := range 100 {
		if _, err := s.Remember(ctx, fmt.Sprintf("evt-%d", i), time.Minute, t0); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Claim(ctx, fmt.Sprintf("job-%d", i), "a", time.Minute, t0); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Remember(ctx, "live", 10*time.Hour, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Claim(ctx, "live-job", "a", 10*time.Hour, t0); err != nil {
		t.Fatal(err)
	}
	later := t0.Add(time.Hour)
	for i := range 10 { // each call collects a batch
		if _, err := s.Remember(ctx, fmt.Sprintf("new-%d", i), time.Minute, later); err != nil {
			t.Fatal(err)
		}
	}
	count := func(bucket []byte) (n int) {
		_ = s.db.View(func(tx *bolt.Tx) error { n = tx.Bucket(bucket).Stats().KeyN; return nil })
		return n
	}
	if n := count(bucketRemember); n != 11 {
		t.Errorf("%d remembered keys left, want 11 (live and the 10 new)", n)
	}
	if n := count(bucketClaims); n != 1 {
		t.Errorf("%d claims left, want 1 (live-job)", n)
	}
	if n := count(bucketExpiry); n != 12 {
		t.Errorf("%d expiry index entries left, want 12", n)
	}
	if fresh, _ := s.Remember(ctx, "live", time.Hour, later); fresh {
		t.Error("a live remembered key was collected")
	}
	if won, _ := s.Claim(ctx, "live-job", "b", time.Hour, later); won {
		t.Error("a live claim was collected")
	}
}
