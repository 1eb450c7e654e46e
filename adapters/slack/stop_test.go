package slack

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// TestStopCutsShortQueuedWork: Stop lets finished work be, and after its
// grace period cancels work still waiting (a paced or retried call), so
// serve can stop.
func TestStopCutsShortQueuedWork(t *testing.T) {
	h := newHarness(t, false)
	var quick, stuck atomic.Bool
	h.ad.background(context.Background(), func(ctx context.Context) {
		quick.Store(ctx.Err() == nil)
	})
	h.ad.background(context.Background(), func(ctx context.Context) {
		<-ctx.Done() // waits for a turn that never comes
		stuck.Store(true)
	})
	h.ad.Stop(20 * time.Millisecond)
	if !quick.Load() {
		t.Error("work that finished in time saw its context cancelled")
	}
	if !stuck.Load() {
		t.Error("Stop returned while work was still waiting")
	}
}
