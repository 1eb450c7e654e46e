package redisstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/redisstore"
	"github.com/resolvebot/resolvebot/conversation/storetest"
)

// redisURL is the Redis the tests use: REDIS_URL, or database 15 locally.
func redisURL() string {
	if u := os.Getenv("REDIS_URL"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379/15"
}

// requireRedis skips the test when Redis is unreachable, except in CI,
// where that is a failure.
func requireRedis(tb testing.TB) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	s, err := redisstore.Open(ctx, redisURL(), "resolvebot-test-ping")
	if err == nil {
		_ = s.Close()
		return
	}
	if os.Getenv("CI") == "true" {
		tb.Fatalf("Redis at REDIS_URL is unreachable in CI: %v", err)
	}
	tb.Skipf("skipping: no Redis at %s (set REDIS_URL to run these tests): %v", redisURL(), err)
}

// open returns a store on a fresh random prefix and deletes its keys when
// the test ends.
func open(tb testing.TB) (conversation.Store, func() conversation.Store) {
	tb.Helper()
	var b [8]byte
	_, _ = rand.Read(b[:])
	prefix := "resolvebot-test-" + hex.EncodeToString(b[:])
	ctx := context.Background()
	s, err := redisstore.Open(ctx, redisURL(), prefix)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { deletePrefix(tb, prefix) })
	var cur conversation.Store = s
	reopen := func() conversation.Store {
		tb.Helper()
		if err := cur.Close(); err != nil {
			tb.Fatalf("Close: %v", err)
		}
		s, err := redisstore.Open(ctx, redisURL(), prefix)
		if err != nil {
			tb.Fatalf("reopen: %v", err)
		}
		cur = s
		return s
	}
	return s, reopen
}

// deletePrefix removes every key under prefix with SCAN and DEL, never
// FLUSHDB: other things may share the server.
func deletePrefix(tb testing.TB, prefix string) {
	tb.Helper()
	opt, err := redis.ParseURL(redisURL())
	if err != nil {
		tb.Errorf("clean up: %v", err)
		return
	}
	c := redis.NewClient(opt)
	defer c.Close()
	ctx := context.Background()
	iter := c.Scan(ctx, 0, prefix+":*", 1000).Iterator()
	var keys []string
	flush := func() {
		if len(keys) > 0 {
			if err := c.Del(ctx, keys...).Err(); err != nil {
				tb.Errorf("clean up: %v", err)
			}
			keys = keys[:0]
		}
	}
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
		if len(keys) == 500 {
			flush()
		}
	}
	flush()
	if err := iter.Err(); err != nil {
		tb.Errorf("clean up: %v", err)
	}
}

func TestStore(t *testing.T) {
	requireRedis(t)
	storetest.Run(t, open)
}

func BenchmarkStore(b *testing.B) {
	requireRedis(b)
	storetest.Bench(b, open)
}

func TestOpenBadAddress(t *testing.T) {
	for _, addr := range []string{"", "redis://host:notaport/x/y"} {
		_, err := redisstore.Open(context.Background(), addr, "p")
		if code := conversation.ErrorCode(err); code != conversation.EINVALID {
			t.Errorf("Open(%q) error %v, want code %s", addr, err, conversation.EINVALID)
		}
	}
}
