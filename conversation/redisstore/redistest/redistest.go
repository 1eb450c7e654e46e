// Package redistest opens Redis stores for tests in other packages, on the
// real server named by REDIS_URL (default redis://127.0.0.1:6379/15), each
// under its own key prefix that is removed when the test ends.
package redistest

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
)

// URL returns the Redis URL tests use: REDIS_URL, or database 15 locally.
func URL() string {
	if u := os.Getenv("REDIS_URL"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379/15"
}

// Open returns a store on a fresh random prefix. When Redis is unreachable
// it skips the test with a clear message, except under CI=true, where it
// fails it. The prefix's keys are deleted at cleanup.
func Open(tb testing.TB) (*redisstore.Store, string) {
	tb.Helper()
	prefix := Prefix(tb)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := redisstore.Open(ctx, URL(), prefix)
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("Redis at %s is unreachable in CI: %v", URL(), err)
		}
		tb.Skipf("skipping: no Redis at %s (set REDIS_URL to run this test): %v", URL(), err)
	}
	return s, prefix
}

// Prefix returns a random key prefix and removes its keys when the test ends.
func Prefix(tb testing.TB) string {
	tb.Helper()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		tb.Fatalf("random prefix: %v", err)
	}
	prefix := "rbtest-" + hex.EncodeToString(b[:])
	tb.Cleanup(func() { DeletePrefix(tb, prefix) })
	return prefix
}

// Opener is a storetest.Opener on the test Redis: a store on a fresh
// prefix, and a reopen that closes it and opens a new client on the same
// prefix, as a restart would. It skips or fails like Open.
func Opener(tb testing.TB) (conversation.Store, func() conversation.Store) {
	tb.Helper()
	s, prefix := Open(tb)
	var cur conversation.Store = s
	reopen := func() conversation.Store {
		tb.Helper()
		if err := cur.Close(); err != nil {
			tb.Fatalf("close: %v", err)
		}
		s, err := redisstore.Open(context.Background(), URL(), prefix)
		if err != nil {
			tb.Fatalf("reopen: %v", err)
		}
		cur = s
		return s
	}
	return s, reopen
}

// DeletePrefix removes every key under prefix with SCAN and DEL; it never
// flushes the database, which others may share. Failures are test errors.
func DeletePrefix(tb testing.TB, prefix string) {
	tb.Helper()
	opt, err := redis.ParseURL(URL())
	if err != nil {
		tb.Errorf("clean up: %v", err)
		return
	}
	c := redis.NewClient(opt)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
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
