package storeobs_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/adapters/metrics"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/internal/storeobs"
)

// BenchmarkGetCase compares a bolt GetCase bare (the baseline) with the
// same call measured into a Prometheus histogram and traced with no
// tracer provider set, as serve runs it with tracing off.
func BenchmarkGetCase(b *testing.B) {
	ctx := context.Background()
	bs := openBolt(b, filepath.Join(b.TempDir(), "resolvebot.db"))
	defer bs.Close()
	now := time.Now()
	c := &conversation.Case{ID: "CR-2026-0001", Status: conversation.StatusOpen, CreatedAt: now, UpdatedAt: now}
	if err := bs.CreateCase(ctx, c); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name  string
		store conversation.Store
	}{
		{"bare", bs},
		{"observed", storeobs.Wrap(bs, metrics.New().StoreOp)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := bc.store.GetCase(ctx, c.ID); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
