package boltstore

import (
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/storetest"
)

// writeLegacy stores c as a bolt file did before the event log: its whole
// record in the cases bucket, with its due index entries.
func writeLegacy(tb testing.TB, s conversation.Store, c *conversation.Case) {
	err := s.(*Store).db.Update(func(tx *bolt.Tx) error {
		if err := putState(tx, c, 0); err != nil { // the due index entries
			return err
		}
		return tx.Bucket(bucketCases).Put([]byte(c.ID), storetest.LegacyRecord(tb, c))
	})
	if err != nil {
		tb.Fatal(err)
	}
}

func TestLegacyCases(t *testing.T) {
	storetest.RunLegacy(t, openLegacy, writeLegacy)
}

func TestSummaryBackfill(t *testing.T) {
	storetest.RunSummaryBackfill(t, openLegacy, writeLegacy, storetest.Backfill{
		Migrate: func(tb testing.TB, s conversation.Store) {
			if _, err := s.(*Store).Migrate(); err != nil {
				tb.Fatal(err)
			}
		},
		Unsummarise: func(tb testing.TB, s conversation.Store, id string) {
			err := s.(*Store).db.Update(func(tx *bolt.Tx) error {
				return tx.Bucket(bucketSummaries).Delete([]byte(id))
			})
			if err != nil {
				tb.Fatal(err)
			}
		},
	})
}

// openLegacy opens a store in a new file, and reopens it on the same file.
func openLegacy(tb testing.TB) (conversation.Store, func() conversation.Store) {
	path := filepath.Join(tb.TempDir(), "resolvebot.db")
	s, err := Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	cur := s
	return s, func() conversation.Store {
		if err := cur.Close(); err != nil {
			tb.Fatal(err)
		}
		if cur, err = Open(path); err != nil {
			tb.Fatal(err)
		}
		return cur
	}
}
