// Package scheduler keeps cases from stalling: a due pass every minute
// records the nudges the protocol's timescales call for, a working-day
// morning digest tells people what awaits them, and a periodic summary gives
// the partnership the counts. Deadlines live in the store's due index, never
// in timers; every nudge is recorded on the case's timeline by a
// compare-and-set write that also puts its delivery in the store's outbox,
// so restarts and replicas neither lose nor double one.
package scheduler

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// Schedules are the cron specs of the jobs, in the calendar's time zone.
type Schedules struct {
	DuePass string // default "@every 1m"
	Digest  string // default "0 8 * * 1-5": working-day mornings
	Summary string // default "0 9 1 * *": the first of each month
}

// Scheduler runs the jobs. Build it with New.
type Scheduler struct {
	engine     *conversation.Engine
	store      conversation.Store
	cards      *bot.Cards
	people     *bot.People
	dispatcher *bot.Dispatcher
	log        *slog.Logger
	now        func() time.Time

	// Owner names this instance in the digest's and summary's claims;
	// replicas must differ.
	Owner string
	// Lease is how long a claim holds before another instance may take over.
	Lease time.Duration
	// Batch is the most due cases one pass takes.
	Batch int
	// Workers is how many due cases a pass handles at once; writes from
	// several workers share the embedded store's fsyncs.
	Workers int
	// SummaryTo are the person ids who receive the partnership summary;
	// empty means the partnership roles.
	SummaryTo []string
	// Observe, when set, hears how each scheduled due pass went and, at
	// most every CountEvery (default DefaultCountEvery), the active cases
	// by stage (stats.go).
	Observe    Observer
	CountEvery time.Duration

	cron    *cron.Cron
	counted time.Time // when the cases were last counted for Observe
}

// New returns a scheduler over the bot's engine, cards, people and
// dispatcher. log may be nil.
func New(engine *conversation.Engine, cards *bot.Cards, people *bot.People, dispatcher *bot.Dispatcher, log *slog.Logger) *Scheduler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := engine.Now
	if now == nil {
		now = time.Now
	}
	var id [6]byte
	_, _ = rand.Read(id[:])
	return &Scheduler{engine: engine, store: engine.Store, cards: cards, people: people, dispatcher: dispatcher,
		log: log, now: now, Owner: "scheduler-" + hex.EncodeToString(id[:]), Lease: 2 * time.Minute, Batch: 200,
		Workers: 4}
}

// Start runs the jobs on their schedules until Stop. It returns an error
// for an unreadable cron spec.
func (s *Scheduler) Start(ctx context.Context, sched Schedules) error {
	if sched.DuePass == "" {
		sched.DuePass = "@every 1m"
	}
	if sched.Digest == "" {
		sched.Digest = "0 8 * * 1-5"
	}
	if sched.Summary == "" {
		sched.Summary = "0 9 1 * *"
	}
	logger := cronLogger{s.log}
	c := cron.New(cron.WithLocation(s.engine.Calendar().Location()), cron.WithLogger(logger),
		cron.WithChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)))
	jobs := []struct {
		name, spec string
		run        func(context.Context) (int, error)
	}{
		{"due pass", sched.DuePass, s.observedDuePass},
		{"digest", sched.Digest, s.Digest},
		{"summary", sched.Summary, s.Summary},
	}
	for _, j := range jobs {
		if _, err := c.AddFunc(j.spec, s.timed(ctx, j.name, j.run)); err != nil {
			return fmt.Errorf("schedule %s %q: %w", j.name, j.spec, err)
		}
	}
	s.cron = c
	c.Start()
	return nil
}

// Stop stops the schedules and waits for running jobs to finish or ctx to end.
func (s *Scheduler) Stop(ctx context.Context) {
	if s.cron == nil {
		return
	}
	select {
	case <-s.cron.Stop().Done():
	case <-ctx.Done():
	}
}

// timed wraps a job to log its duration and outcome; it never logs case text.
func (s *Scheduler) timed(ctx context.Context, name string, run func(context.Context) (int, error)) func() {
	return func() {
		start := time.Now()
		jctx, span := startJob(ctx, name)
		n, err := run(jctx)
		endJob(span, n, err)
		if err != nil {
			s.log.Error("job failed", "job", name, "sent", n, "duration", time.Since(start), "err", err)
			return
		}
		if n > 0 || name != "due pass" {
			s.log.Info("job done", "job", name, "sent", n, "duration", time.Since(start))
		}
	}
}

// cronLogger adapts slog to cron's logger.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) { c.l.Debug("cron: "+msg, kv...) }
func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append(kv, "err", err)...)
}

// DuePass records every nudge that is due now, reading only the due index;
// the outbox's delivery worker sends them. For each due case it re-reads
// the case and does nothing if it has moved on. It returns how many nudges
// it recorded.
func (s *Scheduler) DuePass(ctx context.Context) (int, error) {
	now := s.now()
	items, err := s.store.DueBefore(ctx, now, s.Batch)
	if err != nil {
		return 0, fmt.Errorf("read due index: %w", err)
	}
	var (
		mu   sync.Mutex
		done int
		errs []error
		wg   sync.WaitGroup
	)
	work := make(chan string)
	workers := max(s.Workers, 1)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range work {
				n, err := s.dueCase(ctx, id, now)
				mu.Lock()
				done += n
				if err != nil {
					errs = append(errs, fmt.Errorf("case %s: %w", id, err))
				}
				mu.Unlock()
			}
		}()
	}
	for _, it := range items {
		work <- it.CaseID
	}
	close(work)
	wg.Wait()
	return done, errors.Join(errs...)
}

// dueCase records the nudges one case owes at now. Each is recorded on
// the case's timeline, with the people it goes to, in one compare-and-set
// write that re-checks it is still due; the same write puts in the outbox
// the effect that delivers it (see bot.Worker), so a nudge is sent once it
// is recorded, and never recorded twice.
func (s *Scheduler) dueCase(ctx context.Context, id string, now time.Time) (int, error) {
	c, err := s.store.GetCase(ctx, id)
	if err != nil {
		return 0, fmt.Errorf("load: %w", err)
	}
	done := 0
	for _, n := range s.engine.Nudges().Due(c, s.engine.Protocol(), s.engine.Calendar(), now) {
		var to []string
		reached := conversation.NudgeReached(c, n.Key) // by a partial attempt stored before the outbox
		for _, o := range s.cards.NudgeFor(ctx, c, n, now) {
			if !slices.Contains(reached, o.To) {
				to = append(to, o.To)
			}
		}
		next, recorded, err := s.engine.RecordNudge(ctx, id, n, to)
		if err != nil {
			return done, fmt.Errorf("record nudge: %w", err)
		}
		if next != nil {
			c = next
		}
		if recorded {
			done++
			s.log.Info("nudge", "case", id, "nudge", string(n.Kind), "stage", n.Stage, "to", len(to))
		}
	}
	return done, nil
}
