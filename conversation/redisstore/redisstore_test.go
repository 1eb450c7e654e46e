package redisstore_test

import (
	"context"
	"testing"

	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/redisstore"
	"github.com/resolvebot/resolvebot/conversation/redisstore/redistest"
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
