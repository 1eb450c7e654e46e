// Package cpustat reads the CPU time this process has used, so benchmarks
// can report CPU per operation beside wall time (a request that waits on
// Redis costs wall time but little CPU, and the targets are in
// CPU), and the CPU time and resident memory of another process, a server
// under load, from /proc.
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

// Meter adds up the process CPU time spent inside the intervals between
// its Start and Stop calls, for benchmarks that time only part of each
// operation (b.StopTimer and b.StartTimer around the rest). The rest must
// have finished before the next Start, or its CPU time is counted too. A
// Meter is not safe for concurrent use.
type Meter struct {
	total, since time.Duration
}

// Start begins an interval.
func (m *Meter) Start() { m.since = process() }

// Stop ends the interval begun by Start and adds its CPU time.
func (m *Meter) Stop() { m.total += process() - m.since }

// Report adds the CPU time of all intervals divided by b.N as the
// "cpu-ns/op" metric. On platforms where the CPU time cannot be read it
// reports nothing.
func (m *Meter) Report(b *testing.B) {
	if m.total <= 0 || b.N == 0 {
		return
	}
	b.ReportMetric(float64(m.total)/float64(b.N), "cpu-ns/op")
}
