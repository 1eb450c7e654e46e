package redisstore_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/redisstore"
	"github.com/resolvebot/resolvebot/conversation/redisstore/redistest"
	"github.com/resolvebot/resolvebot/conversation/sealed"
	"github.com/resolvebot/resolvebot/conversation/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, redistest.Opener)
}

func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, redistest.Opener)
}

func TestOpenBadAddress(t *testing.T) {
	for _, addr := range []string{"", "redis://host:notaport/x/y"} {
		_, err := redisstore.Open(context.Background(), addr, "p")
		if code := conversation.ErrorCode(err); code != conversation.EINVALID {
			t.Errorf("Open(%q) error %v, want code %s", addr, err, conversation.EINVALID)
		}
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

func BenchmarkNote(b *testing.B) {
	storetest.BenchNote(b, redistest.Opener, benchKeys(b), redistest.ServerCPU)
}
