package redisstore_test

import (
	"sync"
	"testing"

	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/redisstore"
	"github.com/resolvebot/resolvebot/conversation/redisstore/redistest"
	"github.com/resolvebot/resolvebot/conversation/storetest"
)

func TestDeleteLeavesNothing(t *testing.T) {
	var mu sync.Mutex
	prefixes := map[conversation.Store]string{}
	open := func(tb testing.TB) (conversation.Store, func() conversation.Store) {
		s, prefix := redistest.Open(tb)
		mu.Lock()
		prefixes[s] = prefix
		mu.Unlock()
		var cur conversation.Store = s
		return s, func() conversation.Store {
			tb.Helper()
			if err := cur.Close(); err != nil {
				tb.Fatalf("Close: %v", err)
			}
			ns, err := redisstore.Open(tb.Context(), redistest.URL(), prefix)
			if err != nil {
				tb.Fatalf("reopen: %v", err)
			}
			mu.Lock()
			prefixes[ns] = prefix
			mu.Unlock()
			cur = ns
			return ns
		}
	}
	scan := func(tb testing.TB, s conversation.Store) [][]byte {
		mu.Lock()
		prefix := prefixes[s]
		mu.Unlock()
		return redistest.Dump(tb, prefix)
	}
	storetest.RunDeleteLeavesNothing(t, open, scan)
}
