package redisstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/redisstore/redistest"
	"github.com/resolvebot/resolvebot/conversation/storetest"
)

// fillDue adds n members to the due ZSET of the store under the prefix
// redistest gave it, in pipelines of 10,000 ZADDs of 100 (the cases they
// name need not exist for DueBefore). The members have the store's form:
// 20-digit shifted nanoseconds, "|", the case id.
func fillDue(prefix *string) storetest.DueFiller {
	return func(tb testing.TB, _ conversation.Store, n int, after time.Time) {
		ctx := context.Background()
		c := redistest.Client(tb)
		key := *prefix + ":{rb}:due"
		for start := 0; start < n; start += 10_000 {
			_, err := c.Pipelined(ctx, func(p redis.Pipeliner) error {
				for i := start; i < min(start+10_000, n); i += 100 {
					zs := make([]redis.Z, 0, 100)
					for j := i; j < min(i+100, n); j++ {
						at := after.Add(time.Duration(j) * time.Second)
						zs = append(zs, redis.Z{Score: float64(at.UnixMilli()),
							Member: fmt.Sprintf("%020d|CR-2026-F%07d", uint64(at.UnixNano())^(1<<63), j)})
					}
					p.ZAdd(ctx, key, zs...)
				}
				return nil
			})
			if err != nil {
				tb.Fatal(err)
			}
		}
	}
}

func BenchmarkDuePass(b *testing.B) {
	var prefix string
	storetest.BenchDuePass(b, func(tb testing.TB) (conversation.Store, func() conversation.Store) {
		s, p := redistest.Open(tb)
		prefix = p
		return s, func() conversation.Store { tb.Fatal("no reopen"); return nil }
	}, fillDue(&prefix), redistest.ServerCPU)
}
