package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
)

// DueSizes are the due index sizes BenchDuePass measures; the largest
// only without -short.
var DueSizes = []int{10_000, 100_000, 1_000_000}

// duePerPass is how many entries are due in each benchmarked pass.
const duePerPass = 20

// DueFiller adds n entries to the due index of s directly, as fast as the
// store allows (not through CreateCase), all due after t0, for
// BenchDuePass. It calls tb.Fatal on failure.
type DueFiller func(tb testing.TB, s conversation.Store, n int, after time.Time)

// BenchDuePass benchmarks one due pass of the scheduler's kind with each
// of DueSizes entries in the due index: DueBefore of what is due (20
// cases) and a Claim of each, whose lease the pass would work under. The
// time per due item is ns/op divided by 20; it should not grow with the
// index, which fill builds (see DueFiller). It reports this process's CPU
// time per item and, given server, the store server's (see BenchNote).
func BenchDuePass(b *testing.B, open Opener, fill DueFiller, server ServerCPU) {
	for _, n := range DueSizes {
		b.Run(fmt.Sprintf("index=%d", n), func(b *testing.B) {
			if n > 100_000 && testing.Short() {
				b.Skip("the largest due index only without -short")
			}
			h := newHarness(b, open)
			ctx := context.Background()
			seedDue(b, h.s, 0, duePerPass)
			fill(b, h.s, n-duePerPass, t0.Add(time.Minute))
			owner := 0
			cpu := cpuMeter{b: b, server: server}
			b.ReportAllocs()
			b.StopTimer()
			b.ResetTimer()
			cpu.resume()
			for b.Loop() {
				owner++
				items, err := h.s.DueBefore(ctx, t0, 100)
				if err != nil || len(items) != duePerPass {
					b.Fatalf("DueBefore = %d items, %v", len(items), err)
				}
				for _, it := range items {
					ok, err := h.s.Claim(ctx, "due:"+it.CaseID, fmt.Sprint("worker-", owner), time.Minute, t0.Add(time.Duration(owner)*time.Hour))
					if err != nil || !ok {
						b.Fatalf("Claim = %v, %v", ok, err)
					}
				}
			}
			cpu.stop()
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*duePerPass), "ns/item")
			cpu.report(duePerPass, "item")
		})
	}
}
