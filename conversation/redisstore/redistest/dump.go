package redistest

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Dump returns every key under prefix and every value it holds, whatever
// its type (strings, lists, sets, sorted set members, hash fields and
// values), as raw bytes, so tests can check what is really stored.
func Dump(tb testing.TB, prefix string) [][]byte {
	tb.Helper()
	opt, err := redis.ParseURL(URL())
	if err != nil {
		tb.Fatalf("parse REDIS_URL: %v", err)
	}
	c := redis.NewClient(opt)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out [][]byte
	add := func(ss ...string) {
		for _, s := range ss {
			out = append(out, []byte(s))
		}
	}
	iter := c.Scan(ctx, 0, prefix+":*", 1000).Iterator()
	for iter.Next(ctx) {
		key := iter.Val()
		add(key)
		typ, err := c.Type(ctx, key).Result()
		if err != nil {
			tb.Fatalf("TYPE %s: %v", key, err)
		}
		switch typ {
		case "string":
			v, err := c.Get(ctx, key).Result()
			if err != nil && err != redis.Nil {
				tb.Fatalf("GET %s: %v", key, err)
			}
			add(v)
		case "list":
			vs, err := c.LRange(ctx, key, 0, -1).Result()
			if err != nil {
				tb.Fatalf("LRANGE %s: %v", key, err)
			}
			add(vs...)
		case "set":
			vs, err := c.SMembers(ctx, key).Result()
			if err != nil {
				tb.Fatalf("SMEMBERS %s: %v", key, err)
			}
			add(vs...)
		case "zset":
			vs, err := c.ZRange(ctx, key, 0, -1).Result()
			if err != nil {
				tb.Fatalf("ZRANGE %s: %v", key, err)
			}
			add(vs...)
		case "hash":
			m, err := c.HGetAll(ctx, key).Result()
			if err != nil {
				tb.Fatalf("HGETALL %s: %v", key, err)
			}
			for k, v := range m {
				add(k, v)
			}
		}
	}
	if err := iter.Err(); err != nil {
		tb.Fatalf("SCAN %s: %v", prefix, err)
	}
	return out
}
