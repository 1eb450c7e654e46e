package boltstore

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/storetest"
	bolt "go.etcd.io/bbolt"
)

// rawOpen opens a store on a new file, for tests that read its buckets.
func rawOpen(tb testing.TB) (conversation.Store, func() conversation.Store) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "resolvebot.db")
	s, err := Open(path)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	cur := s
	return s, func() conversation.Store {
		tb.Helper()
		if err := cur.Close(); err != nil {
			tb.Fatalf("Close: %v", err)
		}
		if cur, err = Open(path); err != nil {
			tb.Fatalf("reopen: %v", err)
		}
		return cur
	}
}

// scanAll returns every key and value of every bucket, nested buckets
// included.
func scanAll(tb testing.TB, cs conversation.Store) [][]byte {
	tb.Helper()
	s := cs.(*Store)
	var out [][]byte
	var walk func(b *bolt.Bucket) error
	walk = func(b *bolt.Bucket) error {
		return b.ForEach(func(k, v []byte) error {
			out = append(out, bytes.Clone(k))
			if v == nil {
				if nb := b.Bucket(k); nb != nil {
					return walk(nb)
				}
				return nil
			}
			out = append(out, bytes.Clone(v))
			return nil
		})
	}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error { return walk(b) })
	})
	if err != nil {
		tb.Fatalf("scan buckets: %v", err)
	}
	return out
}

func TestDeleteLeavesNothing(t *testing.T) { storetest.RunDeleteLeavesNothing(t, rawOpen, scanAll) }
