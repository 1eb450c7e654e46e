// Package cpustat reads the CPU time this process has used, so benchmarks
// can report CPU per operation beside wall time: a request that waits on
// Redis costs wall time but little CPU, and the targets are in CPU.
package cpustat

import (
	"testing"
	"time"
)

// Start returns a reading to pass to Report at the end of a benchmark.
func Start() time.Duration { return process() }

// Report adds the process CPU time (user + system) spent since start,
// divided by b.N, as the "cpu-ns/op" metric. On platforms where the CPU
// time cannot be read it reports nothing.
func Report(b *testing.B, start time.Duration) {
	end := process()
	if end == 0 || b.N == 0 {
		return
	}
	b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
}
