package boltstore_test

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/boltstore"
	"github.com/resolvebot/resolvebot/conversation/sealed"
	"github.com/resolvebot/resolvebot/conversation/storetest"
)

// open opens a store on a new file in a temporary directory.
func open(tb testing.TB) (conversation.Store, func() conversation.Store) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "resolvebot.db")
	s, err := boltstore.Open(path)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	var cur conversation.Store = s
	reopen := func() conversation.Store {
		tb.Helper()
		if err := cur.Close(); err != nil {
			tb.Fatalf("Close: %v", err)
		}
		s, err := boltstore.Open(path)
		if err != nil {
			tb.Fatalf("reopen: %v", err)
		}
		cur = s
		return s
	}
	return s, reopen
}

func TestStore(t *testing.T) { storetest.Run(t, open) }

func BenchmarkStore(b *testing.B) { storetest.Bench(b, open) }

func TestOpenInUse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "resolvebot.db")
	s, err := boltstore.Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s.Close()

	_, err = boltstore.Open(path, boltstore.WithTimeout(50*time.Millisecond))
	if err == nil {
		t.Fatal("a second Open of a file in use succeeded")
	}
	if !strings.Contains(err.Error(), "in use by another resolvebot") || !strings.Contains(err.Error(), path) {
		t.Fatalf("second Open error = %q, want it to say the file is in use", err)
	}
	if code := conversation.ErrorCode(err); code != conversation.EINTERNAL {
		t.Fatalf("second Open error code = %q, want %q", code, conversation.EINTERNAL)
	}
}

// benchKeys seals as production does, with encryption keys set.
func benchKeys(b *testing.B) func(conversation.Store) conversation.Store {
	keys, err := sealed.NewKeyring([]sealed.Key{{ID: "k1", Secret: bytes.Repeat([]byte{7}, sealed.KeySize)}})
	if err != nil {
		b.Fatal(err)
	}
	return func(s conversation.Store) conversation.Store { return sealed.Wrap(s, keys) }
}

func BenchmarkNote(b *testing.B) { storetest.BenchNote(b, open, benchKeys(b), nil) }
