package scheduler_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation/boltstore"
	"github.com/resolvebot/resolvebot/internal/storeobs"
	"github.com/resolvebot/resolvebot/scheduler"
)

// observer keeps what the scheduler reported.
type observer struct {
	passes []scheduler.PassStats
	counts []scheduler.CaseCounts
}

func (o *observer) DuePass(s scheduler.PassStats)    { o.passes = append(o.passes, s) }
func (o *observer) Cases(c scheduler.CaseCounts)     { o.counts = append(o.counts, c) }
func (o *observer) last() scheduler.PassStats        { return o.passes[len(o.passes)-1] }
func (o *observer) lastCounts() scheduler.CaseCounts { return o.counts[len(o.counts)-1] }

// TestPassStats: a due case a pass could not take (its batch was full)
// stays in the backlog with its lag; once taken the backlog is empty. The active cases are
// counted by stage, every stage present, and a missed deadline shows as
// overdue.
func TestPassStats(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, bottest.Options{Start: time.Date(2026, 12, 16, 10, 0, 0, 0, bottest.London)})
	var o observer
	f.sched.Observe, f.sched.CountEvery = &o, time.Nanosecond
	f.raise(t)
	if _, err := f.sched.ObservedDuePass(ctx); err != nil {
		t.Fatal(err)
	}
	if s := o.last(); s.Backlog != 0 || s.Lag != 0 || s.Err != nil {
		t.Errorf("nothing due yet: %+v", s)
	}
	c := o.lastCounts()
	if c.Open["professional"] != 1 || c.Overdue["professional"] != 0 || len(c.Open) != len(f.Engine.Protocol().Stages)+1 {
		t.Errorf("counts after raising = %+v", c)
	}
	if _, ok := c.Open["partnership"]; !ok {
		t.Errorf("the partnership referral stage is not counted: %+v", c.Open)
	}

	f.raise(t)                                                       // a second case, due at the same moment
	f.sched.Batch = 1                                                // a pass takes one due case, so the other waits
	f.Clock.Set(time.Date(2026, 12, 18, 9, 5, 0, 0, bottest.London)) // both ack reminders due at 09:00
	if _, err := f.sched.ObservedDuePass(ctx); err != nil {
		t.Fatal(err)
	}
	if s := o.last(); s.Backlog != 1 || s.Lag != 5*time.Minute {
		t.Errorf("one case left: backlog %d lag %s, want 1 and 5m", s.Backlog, s.Lag)
	}
	f.Clock.Advance(time.Minute)
	if _, err := f.sched.ObservedDuePass(ctx); err != nil {
		t.Fatal(err)
	}
	if s := o.last(); s.Backlog != 0 || s.Lag != 0 {
		t.Errorf("after the second pass: backlog %d lag %s, want 0", s.Backlog, s.Lag)
	}

	f.sched.Batch = 200
	f.Clock.Set(time.Date(2026, 12, 23, 17, 1, 0, 0, bottest.London)) // the deadline passed at 17:00
	if _, err := f.sched.ObservedDuePass(ctx); err != nil {
		t.Fatal(err)
	}
	if c := o.lastCounts(); c.Open["professional"] != 2 || c.Overdue["professional"] != 2 {
		t.Errorf("counts after the deadline = %+v", c)
	}
	if len(o.passes) != 4 || len(o.counts) != 4 {
		t.Errorf("%d passes and %d counts reported, want 4 each", len(o.passes), len(o.counts))
	}
}

// TestJobSpans: a scheduled due pass is one trace, its store calls inside
// it, and none of its spans holds the case's text or child reference.
func TestJobSpans(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	prev := otel.GetTracerProvider()
	otel.SetTracerProvider(tp)
	t.Cleanup(func() { otel.SetTracerProvider(prev) })
	ctx := context.Background()
	bs, err := boltstore.Open(filepath.Join(t.TempDir(), "resolvebot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bs.Close() })
	f := newFixture(t, bottest.Options{Start: time.Date(2026, 12, 16, 10, 0, 0, 0, bottest.London), Store: storeobs.Wrap(bs, nil)})
	cs := f.raise(t)
	f.Clock.Set(time.Date(2026, 12, 18, 9, 5, 0, 0, bottest.London)) // the ack reminder is due
	if err := f.sched.Start(ctx, scheduler.Schedules{DuePass: "@every 1s"}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	var pass tracetest.SpanStub
	for time.Now().Before(deadline) && !pass.SpanContext.IsValid() {
		time.Sleep(100 * time.Millisecond)
		for _, s := range exp.GetSpans() {
			if s.Name == "scheduler due_pass" {
				pass = s
			}
		}
	}
	f.sched.Stop(ctx)
	if !pass.SpanContext.IsValid() {
		t.Fatal("no scheduler due_pass span")
	}
	inside := 0
	for _, s := range exp.GetSpans() {
		if s.Parent.TraceID() == pass.SpanContext.TraceID() && strings.HasPrefix(s.Name, "store ") {
			inside++
		}
		for _, kv := range s.Attributes {
			if v := kv.Value.Emit(); strings.Contains(v, cs.ChildRef) || strings.Contains(v, "hungry") {
				t.Errorf("span %q holds case text: %s=%s", s.Name, kv.Key, v)
			}
		}
	}
	if inside == 0 {
		t.Errorf("no store call inside the due pass's trace")
	}
}
