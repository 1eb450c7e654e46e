package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
)

// NoteSizes are the timeline lengths BenchNote writes a note at.
var NoteSizes = []int{5, 50, 500, 5_000}

// noteText is the free text of every benchmark note: a typical note's
// length.
var noteText = strings.Repeat("We spoke on the phone and agreed to meet. ", 4)

// caseWithEvents returns a case whose timeline holds n events: the raise,
// then notes, every tenth with structured fields, as a long case has.
func caseWithEvents(id string, n int) *conversation.Case {
	c := fullCase(id)
	c.Events = make([]conversation.Event, 0, n)
	for i := range n {
		e := conversation.Event{Seq: i + 1, Kind: conversation.EventNote, At: t0.Add(time.Duration(i) * time.Minute),
			Actor: "ann@school.example", Side: conversation.SideRaiser, Stage: "manager", Text: noteText, Version: int64(i + 1)}
		if i == 0 {
			e.Kind = conversation.EventRaised
		}
		if i%10 == 9 {
			e.Kind, e.Text = conversation.EventNudged, ""
			e.Fields = map[string]string{"key": fmt.Sprintf("k%d", i), "to": "bob@council.example"}
		}
		c.Events = append(c.Events, e)
	}
	return c
}

// addNote is what a note does to a case: the engine's append of one
// event with free text, and a new UpdatedAt.
func addNote(c *conversation.Case) error {
	now := c.UpdatedAt.Add(time.Minute)
	c.Events = append(c.Events, conversation.Event{Seq: len(c.Events) + 1, Kind: conversation.EventNote, At: now,
		Actor: "bob@council.example", Side: conversation.SideRespondent, Stage: "manager", Text: noteText, Version: c.Version + 1})
	c.UpdatedAt = now
	return nil
}

// BenchNote benchmarks a note on a case whose timeline holds each of
// NoteSizes events: one UpdateCase, through wrap (the sealed store, as
// production runs; nil for the store as it is), appending one event with
// free text. A case is replaced by a fresh one of the same size once it
// has grown by a tenth (at least 5 notes), outside the timer, so each size
// is measured at that size. The figures should be close: a write to a case
// costs the same whatever its history. Besides the wall time it reports
// the process's CPU time per note (cpu-ns/op; the store server's is not
// in it) and, given server, the store server's, which a busy shared
// machine disturbs less.
func BenchNote(b *testing.B, open Opener, wrap func(conversation.Store) conversation.Store, server ServerCPU) {
	for _, n := range NoteSizes {
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			h := newHarness(b, open)
			s := h.s
			if wrap != nil {
				s = wrap(s)
			}
			ctx := context.Background()
			grow := max(n/10, 5)
			made := 0
			fresh := func() string {
				made++
				c := caseWithEvents(fmt.Sprintf("CR-2026-%04d", made), n)
				must(b, s.CreateCase(ctx, c), "create case")
				// One read, as the first press on a case makes.
				_, err := s.GetCase(ctx, c.ID)
				must(b, err, "get case")
				return c.ID
			}
			id, notes := fresh(), 0
			cpu := cpuMeter{b: b, server: server}
			b.ReportAllocs()
			b.StopTimer()
			b.ResetTimer()
			cpu.resume()
			for b.Loop() {
				if notes == grow {
					cpu.stop()
					id, notes = fresh(), 0
					cpu.resume()
				}
				if _, err := s.UpdateCase(ctx, id, addNote); err != nil {
					b.Fatalf("UpdateCase: %v", err)
				}
				notes++
			}
			cpu.stop()
			cpu.report(1, "op")
		})
	}
}

// ServerCPU returns the CPU time a store's server (Redis) has used so far,
// and whether it could tell; nil for a store without a server.
type ServerCPU func(tb testing.TB) (time.Duration, bool)

// cpuMeter adds up the CPU time of this process (see processCPU) and of
// the store's server over the timed parts of a benchmark. It stops and
// starts b's timer itself: this process's CPU is read inside the timer's
// bookkeeping (which reads memory statistics), the server's outside it (a
// query that allocates and takes a round trip).
type cpuMeter struct {
	b            *testing.B
	server       ServerCPU
	from, sfrom  time.Duration
	total, stot  time.Duration
	ok, serverOK bool
}

// resume starts b's timer and the meter.
func (m *cpuMeter) resume() {
	if m.server != nil {
		m.sfrom, m.serverOK = m.server(m.b)
	}
	m.b.StartTimer()
	m.from, m.ok = processCPU()
}

// stop stops the meter and b's timer.
func (m *cpuMeter) stop() {
	if now, ok := processCPU(); ok && m.ok {
		m.total += now - m.from
	}
	m.b.StopTimer()
	if m.server != nil && m.serverOK {
		if now, ok := m.server(m.b); ok {
			m.stot += now - m.sfrom
		}
	}
}

// report adds the CPU time per operation (per n units of each) to b's
// results, as cpu-ns/<unit> and server-cpu-ns/<unit>.
func (m *cpuMeter) report(n int, unit string) {
	b := m.b
	if b.N == 0 {
		return
	}
	if m.ok {
		b.ReportMetric(float64(m.total.Nanoseconds())/float64(b.N*n), "cpu-ns/"+unit)
	}
	if m.server != nil && m.serverOK {
		b.ReportMetric(float64(m.stot.Nanoseconds())/float64(b.N*n), "server-cpu-ns/"+unit)
	}
}
