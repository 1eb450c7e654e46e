package boltstore

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/storetest"
)

// fillDue writes n due index entries straight into the bolt file, in
// transactions of 100,000 (the cases they name need not exist for
// DueBefore).
func fillDue(tb testing.TB, s conversation.Store, n int, after time.Time) {
	bs := s.(*Store)
	for start := 0; start < n; start += 100_000 {
		err := bs.db.Update(func(tx *bolt.Tx) error {
			due, rev := tx.Bucket(bucketDue), tx.Bucket(bucketCaseDue)
			due.FillPercent = 0.9
			for i := start; i < min(start+100_000, n); i++ {
				id := fmt.Sprintf("CR-2026-F%07d", i)
				k := dueKey(id, after.Add(time.Duration(i)*time.Second))
				if err := due.Put(k, nil); err != nil {
					return err
				}
				if err := rev.Put([]byte(id), k); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
}

func BenchmarkDuePass(b *testing.B) {
	storetest.BenchDuePass(b, func(tb testing.TB) (conversation.Store, func() conversation.Store) {
		s, err := Open(filepath.Join(tb.TempDir(), "resolvebot.db"))
		if err != nil {
			tb.Fatal(err)
		}
		return s, func() conversation.Store { tb.Fatal("no reopen"); return nil }
	}, fillDue, nil)
}
