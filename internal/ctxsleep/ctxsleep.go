// Package ctxsleep waits for a while unless a context ends first: the one
// sleep used by retries, backoff and pacing, so a shutdown or a caller's
// deadline never waits out a timer.
package ctxsleep

import (
	"context"
	"time"
)

// Sleep waits d, or until ctx ends. It returns ctx's error if ctx ended
// first (or, for d <= 0, had already ended) and nil otherwise.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
