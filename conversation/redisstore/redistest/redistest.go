// Package redistest opens Redis stores for tests in other packages, each
// under its own key prefix that is removed when the test ends.
//
// Which Redis: the real server named by REDIS_URL when it is set; the real
// server at redis://127.0.0.1:6379/15 under CI=true; otherwise an in-memory
// Redis (miniredis) started once per test binary, so `go test ./...` runs
// every store test on a machine without a Redis server. A real server that
// does not answer is probed once, without dial retries: tests then skip with
// a clear message, or fail under CI=true.
package redistest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/redisstore"
)

// ciDefault is the real server tests use under CI=true without REDIS_URL.
const ciDefault = "redis://127.0.0.1:6379/15"

var (
	urlOnce sync.Once
	url     string
	urlErr  error // why no Redis can be used, or nil
	mini    bool  // url is the in-memory Redis
)

// resolve picks the Redis once per test binary and checks it answers.
func resolve() {
	urlOnce.Do(func() {
		switch {
		case os.Getenv("REDIS_URL") != "":
			url = os.Getenv("REDIS_URL")
		case os.Getenv("CI") == "true":
			url = ciDefault
		default:
			m := miniredis.NewMiniRedis()
			if err := m.Start(); err != nil {
				urlErr = fmt.Errorf("start in-memory redis: %w", err)
				return
			}
			// It lives as long as the test binary.
			url, mini = "redis://"+m.Addr()+"/0", true
			return
		}
		urlErr = probe(url)
	})
}

// probe sends one PING with no retries and a short dial timeout, so an
// absent server costs a refused connection, not seconds of retries.
func probe(u string) error {
	opt, err := redis.ParseURL(u)
	if err != nil {
		return fmt.Errorf("parse REDIS_URL: %w", err)
	}
	opt.MaxRetries, opt.DialTimeout = -1, 2*time.Second
	c := redis.NewClient(opt)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	return c.Ping(ctx).Err()
}

// URL returns the Redis URL tests use (see the package comment). It does
// not check that the server answers; Open, Opener and Require do.
func URL() string {
	resolve()
	return url
}

// InMemory reports whether tests run on the in-memory Redis, which keeps
// no data on disk and cannot be restarted or killed.
func InMemory() bool {
	resolve()
	return mini
}

// Require skips tb when no Redis can be used (the reason is in the
// message), or fails it under CI=true.
func Require(tb testing.TB) {
	tb.Helper()
	resolve()
	if urlErr == nil {
		return
	}
	if os.Getenv("CI") == "true" {
		tb.Fatalf("Redis at %s is unreachable in CI: %v", url, urlErr)
	}
	tb.Skipf("skipping: no Redis at %s (unset REDIS_URL to use an in-memory Redis, or start the server): %v", url, urlErr)
}

// Open returns a store on a fresh random prefix. When no Redis can be used
// it skips or fails the test like Require. The prefix's keys are deleted at
// cleanup.
func Open(tb testing.TB) (*redisstore.Store, string) {
	tb.Helper()
	Require(tb)
	prefix := Prefix(tb)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := redisstore.Open(ctx, URL(), prefix)
	if err != nil {
		tb.Fatalf("open redis store at %s: %v", URL(), err)
	}
	return s, prefix
}

// Prefix returns a random key prefix and removes its keys when the test
// ends. It skips or fails like Require first, so no cleanup ever dials a
// Redis that is not there.
func Prefix(tb testing.TB) string {
	tb.Helper()
	Require(tb)
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

// Client returns a plain client on the test Redis, closed at cleanup. It
// skips or fails like Require.
func Client(tb testing.TB) *redis.Client {
	tb.Helper()
	Require(tb)
	opt, err := redis.ParseURL(URL())
	if err != nil {
		tb.Fatalf("parse REDIS_URL: %v", err)
	}
	c := redis.NewClient(opt)
	tb.Cleanup(func() { _ = c.Close() })
	return c
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

var (
	cpuOnce   sync.Once
	cpuClient *redis.Client // ServerCPU's
)

// ServerCPU returns the CPU time (user and system) the test Redis has used
// since it started, from INFO cpu, and false when it cannot tell (the
// in-memory Redis keeps no such count). Benchmarks report it per operation.
func ServerCPU(tb testing.TB) (time.Duration, bool) {
	tb.Helper()
	if InMemory() {
		return 0, false
	}
	cpuOnce.Do(func() {
		if opt, err := redis.ParseURL(URL()); err == nil {
			cpuClient = redis.NewClient(opt) // lives as long as the test binary
		}
	})
	if cpuClient == nil {
		return 0, false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	info, err := cpuClient.Info(ctx, "cpu").Result()
	if err != nil {
		return 0, false
	}
	var total float64
	found := 0
	for line := range strings.SplitSeq(info, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), ":")
		if ok && (k == "used_cpu_sys" || k == "used_cpu_user") {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return 0, false
			}
			total += f
			found++
		}
	}
	return time.Duration(total * float64(time.Second)), found == 2
}
