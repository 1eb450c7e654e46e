// Package scheduler keeps cases from stalling: a due pass every minute sends
// the nudges the protocol's timescales call for, a working-day morning digest
// tells people what awaits them, and a periodic summary gives the
// partnership the counts. Deadlines live in the store's due index, never in
// timers; every nudge is claimed with a lease and recorded on the case's
// timeline, so restarts and replicas neither lose nor double one.
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
	"github.com/resolvebot/resolvebot/internal/ctxsleep"
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

	// Owner names this instance in claims; replicas must differ.
	Owner string
	// Lease is how long a claim holds before another instance may take over.
	Lease time.Duration
	// Batch is the most due cases one pass takes.
	Batch int
	// Pace is the pause between two sends by one worker, to respect
	// platform rate limits.
	Pace time.Duration
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
		Pace: 50 * time.Millisecond, Workers: 4}
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
	c := cron.New(cron.WithLocation(s.engine.Calendar.Location()), cron.WithLogger(logger),
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

// DuePass sends every nudge that is due now, reading only the due index. For
// each due case it re-reads the case and does nothing if it has moved on. It
// returns how many nudges it recorded.
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

// dueCase sends the nudges one case owes at now.
func (s *Scheduler) dueCase(ctx context.Context, id string, now time.Time) (int, error) {
	c, err := s.store.GetCase(ctx, id)
	if err != nil {
		return 0, fmt.Errorf("load: %w", err)
	}
	policy := s.engine.Nudges
	due := policy.Due(c, s.engine.Protocol, s.engine.Calendar, now)
	done := 0
	for _, n := range due {
		ok, err := s.nudge(ctx, id, n, now)
		if err != nil {
			return done, err
		}
		if ok {
			done++
		}
	}
	return done, nil
}

// nudge claims one nudge, re-reads the case, sends it to each recipient not
// yet reached, and records it. A send that fails leaves the nudge due, so it
// is tried again on a later pass; people already reached are not sent it twice.
func (s *Scheduler) nudge(ctx context.Context, id string, n conversation.Nudge, now time.Time) (bool, error) {
	claim := "nudge:" + n.Key
	held, err := s.store.Claim(ctx, claim, s.Owner, s.Lease, now)
	if err != nil || !held {
		return false, err
	}
	defer func() {
		if err := s.store.Release(context.WithoutCancel(ctx), claim, s.Owner); err != nil {
			s.log.Warn("release claim failed", "case", id, "err", err)
		}
	}()
	c, err := s.store.GetCase(ctx, id)
	if err != nil {
		return false, fmt.Errorf("re-read: %w", err)
	}
	if conversation.NudgeSent(c, n.Key) || !slices.ContainsFunc(s.engine.Nudges.Due(c, s.engine.Protocol, s.engine.Calendar, now),
		func(m conversation.Nudge) bool { return m.Key == n.Key }) {
		return false, nil // the case moved on, or another instance sent it
	}
	reached := conversation.NudgeReached(c, n.Key)
	var delivered []string
	failed := 0
	for _, o := range s.messages(ctx, c, n) {
		if slices.Contains(reached, o.To) {
			continue // reached on an earlier, partly failed, attempt
		}
		if unreached := s.dispatcher.Deliver(ctx, []bot.Outbound{o}); len(unreached) > 0 {
			failed++
			continue
		}
		delivered = append(delivered, o.To)
		if s.Pace > 0 {
			if err := ctxsleep.Sleep(ctx, s.Pace); err != nil {
				return false, err
			}
		}
	}
	if failed > 0 {
		s.log.Warn("nudge not delivered to everyone; will retry", "case", id, "nudge", string(n.Kind), "failed", failed)
		if len(delivered) > 0 {
			if _, _, err := s.engine.RecordNudge(ctx, id, n, delivered, false); err != nil {
				return false, fmt.Errorf("record partial nudge: %w", err)
			}
		}
		return false, nil
	}
	_, recorded, err := s.engine.RecordNudge(ctx, id, n, delivered, true)
	if err != nil {
		return false, fmt.Errorf("record nudge: %w", err)
	}
	if recorded {
		s.log.Info("nudge", "case", id, "nudge", string(n.Kind), "stage", n.Stage, "to", len(delivered))
	}
	return recorded, nil
}
