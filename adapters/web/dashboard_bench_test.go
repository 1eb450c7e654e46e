//go:build unix

package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/redisstore/redistest"
	"github.com/resolvebot/resolvebot/conversation/report"
)

// yearCase is case i of a partnership's busy year (2025): raised on a
// working day, acknowledged, answered and noted in words, often escalated,
// nudged, and resolved with agreed actions or withdrawn, as a real case's
// timeline runs.
func yearCase(i int, proto *conversation.Protocol) *conversation.Case {
	agencies := []string{"school", "health-visiting", "police", "csc"}
	created := time.Date(2025, time.January, 2, 10, 0, 0, 0, bottest.London).Add(time.Duration(i) * 4 * time.Hour)
	c := &conversation.Case{ID: fmt.Sprintf("CR-2025-%04d", i+1), Partnership: "bench", ChildRef: fmt.Sprintf("QZX-%06d", 100000+i),
		Raiser:     conversation.Party{PersonID: "raiser@school.example.org", Name: "Raiser", Agency: agencies[i%4]},
		Respondent: conversation.Party{PersonID: "respondent@csc.example.org", Name: "Respondent", Agency: agencies[(i+1)%4]},
		Category:   proto.Categories[i%len(proto.Categories)].Key, Status: conversation.StatusOpen, Urgency: conversation.UrgencyStandard,
		Decision: strings.Repeat("The referral was closed without an assessment. ", 4), Concern: strings.Repeat("Three missed appointments and a new injury. ", 8),
		Evidence: strings.Repeat("Clinic letters and the school's log. ", 6), OutcomeSought: "A strategy discussion this week.",
		CreatedAt: created, UpdatedAt: created}
	at := created
	ev := func(kind conversation.EventKind, stage, text string, fields map[string]string) {
		at = at.Add(20 * time.Hour)
		c.Events = append(c.Events, conversation.Event{Seq: len(c.Events) + 1, Kind: kind, At: at, Stage: stage, Text: text, Fields: fields, Actor: "someone@example.org"})
	}
	ev(conversation.EventRaised, "professional", "", nil)
	c.Stages = []conversation.StageRecord{{Key: "professional", Raiser: []string{"a"}, Respondent: []string{"b"}, StartedAt: created, Deadline: created.AddDate(0, 0, 7)}}
	ev(conversation.EventAcknowledged, "professional", "", nil)
	ev(conversation.EventResponse, "professional", strings.Repeat("We closed it because the threshold was not met; happy to talk. ", 5), nil)
	ev(conversation.EventNote, "professional", strings.Repeat("Spoke on the phone; no change yet. ", 5), nil)
	for s := 1; s <= i%4; s++ {
		key := proto.Stages[s].Key
		ev(conversation.EventNudged, proto.Stages[s-1].Key, "", map[string]string{"nudge": "due"})
		ev(conversation.EventDeadlineMissed, proto.Stages[s-1].Key, "", nil)
		ev(conversation.EventEscalated, key, strings.Repeat("The stage did not resolve it. ", 4), map[string]string{"to_stage": key})
		c.Stages = append(c.Stages, conversation.StageRecord{Key: key, Raiser: []string{"c"}, Respondent: []string{"d"}, StartedAt: at, Deadline: at.AddDate(0, 0, 7)})
		ev(conversation.EventResponse, key, strings.Repeat("Our view at this stage is unchanged, for these reasons. ", 4), nil)
	}
	switch i % 5 {
	case 0, 1, 2:
		ev(conversation.EventResolutionProposed, c.Current().Key, "", nil)
		ev(conversation.EventResolutionConfirmed, c.Current().Key, "", nil)
		c.Status = conversation.StatusResolved
		c.Resolution = &conversation.Resolution{WayForward: strings.Repeat("An early help assessment led by the school. ", 3), Confirmed: true, ConfirmedAt: at,
			Actions: []conversation.ResolutionAction{{Description: "Start the assessment", Owner: "Sam", Due: at.AddDate(0, 0, 10), DoneAt: at.AddDate(0, 0, 5*(i%3))}}}
	case 3:
		ev(conversation.EventWithdrawn, c.Current().Key, "Withdrawn after a conversation.", nil)
		c.Status = conversation.StatusWithdrawn
	}
	c.UpdatedAt = at
	return c
}

// cpuLoop runs fn b.N times and reports, besides the wall time, the
// process's CPU time (user and system) per run as cpu-ms/op: the wall time
// of a machine shared with other work says more about that work than
// about this code. On Redis (onRedis) it reports the server's CPU time per
// run too, as redis-cpu-ms/op.
func cpuLoop(b *testing.B, onRedis bool, fn func()) {
	var before, after syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	var redisBefore time.Duration
	redisOK := false
	if onRedis {
		redisBefore, redisOK = redistest.ServerCPU(b)
	}
	n := 0
	for b.Loop() {
		fn()
		n++
	}
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	cpu := time.Duration(after.Utime.Nano() + after.Stime.Nano() - before.Utime.Nano() - before.Stime.Nano())
	b.ReportMetric(float64(cpu.Nanoseconds())/1e6/float64(max(n, 1)), "cpu-ms/op")
	if redisAfter, ok := redistest.ServerCPU(b); redisOK && ok {
		b.ReportMetric(float64((redisAfter-redisBefore).Nanoseconds())/1e6/float64(max(n, 1)), "redis-cpu-ms/op")
	}
}

// BenchmarkDashboardYear measures the partnership dashboard for a year of
// 2,000 cases, as a signed-in partnership manager's browser asks for it
// (report, previous year, same period last year, 24 months of trends, the
// whole page rendered), against, in the same run, what "resolvebot
// report" does for the same year (bot.BuildReport: every case loaded with
// its timeline, then counted), and the two store reads beneath them
// (ListCases and CaseSummaries): on a bolt file, and on the Redis server
// REDIS_URL names when it is set (not on the in-memory Redis, whose costs
// are not a server's), where it also reports the server's CPU time per
// run as redis-cpu-ms/op.
func BenchmarkDashboardYear(b *testing.B) {
	b.Run("store=bolt", func(b *testing.B) { benchDashboardYear(b, nil) })
	b.Run("store=redis", func(b *testing.B) {
		if redistest.InMemory() {
			b.Skip("set REDIS_URL to a Redis server to measure the dashboard on it")
		}
		s, _ := redistest.Open(b)
		benchDashboardYear(b, s)
	})
}

// benchDashboardYear is BenchmarkDashboardYear on store (nil for a fresh
// bolt file).
func benchDashboardYear(b *testing.B, store conversation.Store) {
	w := newWorldWith(b, bottest.Options{Store: store})
	ctx := context.Background()
	proto := w.env.Engine.Protocol()
	var wg sync.WaitGroup
	errs := make(chan error, 2000)
	sem := make(chan struct{}, 64) // concurrent writes share bolt's batches
	for i := range 2000 {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := w.env.Store.CreateCase(ctx, yearCase(i, proto)); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	br := w.browser().signIn(managerEmail)
	year := report.Period{From: time.Date(2025, 1, 1, 0, 0, 0, 0, bottest.London), To: time.Date(2026, 1, 1, 0, 0, 0, 0, bottest.London)}
	br.get("/web/dashboard?period=year&from=2025-01-01").expect(http.StatusOK, `aria-label="2000 cases: Raised, this period`)
	b.Run("page", func(b *testing.B) {
		cpuLoop(b, store != nil, func() {
			br.get("/web/dashboard?period=year&from=2025-01-01")
			if br.status != http.StatusOK {
				b.Fatalf("status %d", br.status)
			}
		})
	})
	b.Run("baseline=resolvebot-report", func(b *testing.B) {
		cpuLoop(b, store != nil, func() {
			if _, err := bot.BuildReport(ctx, w.env.Store, w.env.Engine, w.env.People, year); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("store=ListCases", func(b *testing.B) {
		cpuLoop(b, store != nil, func() {
			if _, err := w.env.Store.ListCases(ctx, conversation.CaseFilter{}); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("store=CaseSummaries", func(b *testing.B) {
		cpuLoop(b, store != nil, func() {
			if _, err := w.env.Store.CaseSummaries(ctx); err != nil {
				b.Fatal(err)
			}
		})
	})
}
