package redisstore_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/redisstore"
	"github.com/resolvebot/resolvebot/conversation/redisstore/redistest"
	"github.com/resolvebot/resolvebot/conversation/storetest"
)

// writeLegacy stores c under prefix as Redis held it before the event
// log: its whole record at case:<id>, its place in the cases ZSET and its
// due entry.
func writeLegacy(prefix *string) storetest.LegacyWriter {
	return func(tb testing.TB, _ conversation.Store, c *conversation.Case) {
		ctx := context.Background()
		k := *prefix + ":{rb}:"
		_, err := redistest.Client(tb).TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.Set(ctx, k+"case:"+c.ID, storetest.LegacyRecord(tb, c), 0)
			p.ZAdd(ctx, k+"cases", redis.Z{Score: float64(c.CreatedAt.UnixMilli()), Member: c.ID})
			if !c.DueAt.IsZero() {
				p.ZAdd(ctx, k+"due", redis.Z{Score: float64(c.DueAt.UnixMilli()),
					Member: fmt.Sprintf("%020d|%s", uint64(c.DueAt.UnixNano())^(1<<63), c.ID)})
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
}

func TestLegacyCases(t *testing.T) {
	var prefix string
	storetest.RunLegacy(t, func(tb testing.TB) (conversation.Store, func() conversation.Store) {
		s, p := redistest.Open(tb)
		prefix = p
		var cur conversation.Store = s
		return s, func() conversation.Store {
			if err := cur.Close(); err != nil {
				tb.Fatal(err)
			}
			ns, err := redisstore.Open(context.Background(), redistest.URL(), p)
			if err != nil {
				tb.Fatal(err)
			}
			cur = ns
			return ns
		}
	}, writeLegacy(&prefix))
}

func TestSummaryBackfill(t *testing.T) {
	var prefix string
	storetest.RunSummaryBackfill(t, func(tb testing.TB) (conversation.Store, func() conversation.Store) {
		s, p := redistest.Open(tb)
		prefix = p
		var cur conversation.Store = s
		return s, func() conversation.Store {
			if err := cur.Close(); err != nil {
				tb.Fatal(err)
			}
			ns, err := redisstore.Open(context.Background(), redistest.URL(), p)
			if err != nil {
				tb.Fatal(err)
			}
			cur = ns
			return ns
		}
	}, writeLegacy(&prefix), storetest.Backfill{
		Migrate: func(tb testing.TB, s conversation.Store) {
			if _, err := s.(*redisstore.Store).Migrate(context.Background()); err != nil {
				tb.Fatal(err)
			}
		},
		Unsummarise: func(tb testing.TB, _ conversation.Store, id string) {
			k := prefix + ":{rb}:"
			if err := redistest.Client(tb).Del(context.Background(), k+"summary:"+id, k+"sumlog:"+id).Err(); err != nil {
				tb.Fatal(err)
			}
		},
	})
}
