package main

import (
	"context"
	"sync"
	"time"

	"github.com/resolvebot/resolvebot/adapters/metrics"
	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// drainGrace is how long serve keeps delivering the outbox after it has
// stopped taking requests; what is left waits in the store for the next
// start (or another replica).
const drainGrace = 10 * time.Second

// startOutbox runs the delivery worker until ctx ends, woken by every step
// the router records and polling as a fallback. The returned function
// waits for the batch in hand, then delivers what is still deliverable for
// at most drainGrace. Call it after the HTTP server has stopped taking
// requests and before the platforms stop.
func (a *app) startOutbox(ctx context.Context) (stop func()) {
	w := bot.NewWorker(a.router, a.dispatcher, a.log)
	w.Metrics = metrics.Default
	w.SignIn = a.signIn
	metrics.Default.WatchOutbox(outboxStats(a.store.OutboxStats, time.Second))
	rctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { w.Run(rctx) })
	return func() {
		cancel()
		wg.Wait()
		dctx, done := context.WithTimeout(context.WithoutCancel(ctx), drainGrace)
		defer done()
		n, err := w.Drain(dctx)
		if err != nil {
			a.log.Error("outbox drain failed", "err", err)
		}
		left, _ := a.store.OutboxStats(context.WithoutCancel(ctx))
		a.log.Info("outbox drained", "delivered", n, "left", left.Depth)
	}
}

// outboxStats returns the outbox gauges' reading of stats, which reads the
// whole outbox: one reading serves every scrape within fresh of it, so a
// scrape's two gauges, or a load test polling, read the outbox once.
func outboxStats(stats func(context.Context) (conversation.OutboxStats, error), fresh time.Duration) func() (int, time.Time, error) {
	var (
		mu   sync.Mutex
		at   time.Time
		last conversation.OutboxStats
		err  error
	)
	return func() (int, time.Time, error) {
		mu.Lock()
		defer mu.Unlock()
		if at.IsZero() || time.Since(at) >= fresh {
			sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			last, err = stats(sctx)
			at = time.Now()
		}
		return last.Depth, last.Oldest, err
	}
}
