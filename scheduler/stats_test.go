package scheduler_test

import (
	"context"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/bot/bottest"
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

// TestPassStats: a nudge that cannot be delivered stays in the backlog and
// its lag grows; once delivered the backlog is empty. The active cases are
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
	if c.Open["professional"] != 1 || c.Overdue["professional"] != 0 || len(c.Open) != len(f.Engine.Protocol.Stages)+1 {
		t.Errorf("counts after raising = %+v", c)
	}
	if _, ok := c.Open["partnership"]; !ok {
		t.Errorf("the partnership referral stage is not counted: %+v", c.Open)
	}

	f.Clock.Set(time.Date(2026, 12, 18, 9, 5, 0, 0, bottest.London)) // ack_reminder to Priya due at 09:00
	f.rec.fail[f.priya] = true
	if _, err := f.sched.ObservedDuePass(ctx); err != nil {
		t.Fatal(err)
	}
	if s := o.last(); s.Backlog != 1 || s.Lag != 5*time.Minute {
		t.Errorf("failed nudge: backlog %d lag %s, want 1 and 5m", s.Backlog, s.Lag)
	}
	f.rec.fail[f.priya] = false
	f.Clock.Advance(time.Minute)
	if _, err := f.sched.ObservedDuePass(ctx); err != nil {
		t.Fatal(err)
	}
	if s := o.last(); s.Backlog != 0 || s.Lag != 0 {
		t.Errorf("after delivery: backlog %d lag %s, want 0", s.Backlog, s.Lag)
	}

	f.Clock.Set(time.Date(2026, 12, 23, 17, 1, 0, 0, bottest.London)) // the deadline passed at 17:00
	if _, err := f.sched.ObservedDuePass(ctx); err != nil {
		t.Fatal(err)
	}
	if c := o.lastCounts(); c.Open["professional"] != 1 || c.Overdue["professional"] != 1 {
		t.Errorf("counts after the deadline = %+v", c)
	}
	if len(o.passes) != 4 || len(o.counts) != 4 {
		t.Errorf("%d passes and %d counts reported, want 4 each", len(o.passes), len(o.counts))
	}
}
