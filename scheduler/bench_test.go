package scheduler_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/redisstore/redistest"
)

// benchSizes are the numbers of open, not-due cases to measure against. The
// largest take long to load, so RESOLVEBOT_BENCH_MAX_OPEN caps them
// (default 100,000; set 1000000 for the full run).
func benchSizes() []int {
	max := 100_000
	if v, err := strconv.Atoi(os.Getenv("RESOLVEBOT_BENCH_MAX_OPEN")); err == nil {
		max = v
	}
	var out []int
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		if n <= max {
			out = append(out, n)
		}
	}
	return out
}

// load creates n copies of tmpl with fresh ids and the given DueAt, from
// several goroutines so the stores can batch.
func load(b *testing.B, store conversation.Store, tmpl *conversation.Case, prefix string, n int, due time.Time) {
	b.Helper()
	ctx := context.Background()
	var wg sync.WaitGroup
	const workers = 32
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				c := tmpl.Clone()
				c.ID = fmt.Sprintf("%s-%07d", prefix, i)
				c.DueAt = due
				if err := store.CreateCase(ctx, c); err != nil {
					b.Errorf("create: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// BenchmarkDuePass measures one due pass over 1,000 due cases among many
// open cases that are not due, on both stores. Report ns/op ÷ 1,000 as the
// time per due item; it should not grow with the number of open cases.
func BenchmarkDuePass(b *testing.B) {
	stores := []struct {
		name string
		open func(b *testing.B) conversation.Store
	}{
		{"bolt", func(b *testing.B) conversation.Store { return nil }},
		{"redis", func(b *testing.B) conversation.Store {
			s, _ := redistest.Open(b)
			b.Cleanup(func() { s.Close() })
			return s
		}},
	}
	for _, st := range stores {
		for _, open := range benchSizes() {
			b.Run(fmt.Sprintf("%s/open=%d", st.name, open), func(b *testing.B) {
				f := newFixture(b, bottest.Options{Store: st.open(b), Start: time.Date(2026, 12, 16, 10, 0, 0, 0, bottest.London)})
				tmpl := f.raise(b)
				load(b, f.Store, tmpl, "OPEN", open, time.Date(2027, 6, 1, 9, 0, 0, 0, bottest.London))
				f.Clock.Set(time.Date(2026, 12, 18, 9, 0, 0, 0, bottest.London)) // the ack reminder is due
				f.sched.Batch = 1000
				ctx := context.Background()
				b.ResetTimer()
				for i := range b.N {
					b.StopTimer()
					load(b, f.Store, tmpl, fmt.Sprintf("DUE%d", i), 1000, tmpl.DueAt)
					b.StartTimer()
					n, err := f.sched.DuePass(ctx)
					if err != nil || n != 1000 {
						b.Fatalf("pass sent %d (%v), want 1000", n, err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*1000), "ns/due-item")
			})
		}
	}
}
