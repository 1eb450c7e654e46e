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

// DeletePrefix removes every key under prefix with SCAN and DEL; it never
// flushes the database, which others may share.
func DeletePrefix(tb testing.TB, prefix string) {
	opt, err := redis.ParseURL(URL())
	if err != nil {
		return
	}
	c := redis.NewClient(opt)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	iter := c.Scan(ctx, 0, prefix+":*", 1000).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
		if len(keys) == 500 {
			c.Del(ctx, keys...)
			keys = keys[:0]
		}
	}
	if len(keys) > 0 {
		c.Del(ctx, keys...)
	}
}
