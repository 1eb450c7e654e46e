package scheduler

import (
	"context"
	"strings"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/resolvebot/resolvebot/conversation"
)

// startJob starts the trace span of one run of a job ("scheduler
// due_pass"), under which its store calls and sends appear; it is not
// recorded unless tracing is set up.
func startJob(ctx context.Context, name string) (context.Context, trace.Span) {
	return otel.Tracer("github.com/resolvebot/resolvebot/scheduler").Start(ctx, "scheduler "+strings.ReplaceAll(name, " ", "_"))
}

// endJob records how many nudges or messages a job sent, and a failure
// by its class only (an error's text may quote a case), and ends span.
func endJob(span trace.Span, sent int, err error) {
	span.SetAttributes(attribute.Int("resolvebot.sent", sent))
	if err != nil {
		span.SetStatus(codes.Error, "job failed")
	}
	span.End()
}

// PassStats describes one finished due pass, for monitoring.
type PassStats struct {
	Duration time.Duration // how long the pass took
	Err      error         // what went wrong, if anything
	End      time.Time     // when it ended, by the scheduler's clock
	// Backlog is how many due-index entries were due at End and still
	// there: not handled yet (beyond the pass's batch) or held back by
	// quiet hours. -1 when the index could not be read.
	Backlog int
	// Lag is how long the oldest of them had been due at End; 0 when none.
	Lag time.Duration
}

// CaseCounts are the active (open or referred) cases by current stage
// key, and of them those whose stage is past its deadline. Every stage of
// the protocol, and the partnership referral, is present, with 0 when
// no case is there.
type CaseCounts struct {
	Open    map[string]int
	Overdue map[string]int
}

// Observer hears how the scheduler is doing. Implementations must be
// quick and must not block.
type Observer interface {
	// DuePass is called after every scheduled due pass.
	DuePass(PassStats)
	// Cases is called after a due pass at most every CountEvery, with the
	// active cases counted by stage.
	Cases(CaseCounts)
}

// DefaultCountEvery is how often the active cases are counted when
// CountEvery is 0: counting reads every active case, so not every pass.
const DefaultCountEvery = 5 * time.Minute

// observedDuePass runs a due pass and tells Observe how it went: its
// duration, the backlog left and, now and then, the case counts.
func (s *Scheduler) observedDuePass(ctx context.Context) (int, error) {
	start := time.Now()
	n, err := s.DuePass(ctx)
	if s.Observe == nil {
		return n, err
	}
	st := PassStats{Duration: time.Since(start), Err: err, End: s.now(), Backlog: -1}
	if items, derr := s.store.DueBefore(ctx, st.End, 0); derr == nil {
		st.Backlog = len(items)
		if len(items) > 0 {
			st.Lag = st.End.Sub(items[0].DueAt)
		}
	}
	s.Observe.DuePass(st)
	every := s.CountEvery
	if every <= 0 {
		every = DefaultCountEvery
	}
	if s.counted.IsZero() || time.Since(s.counted) >= every {
		if counts, cerr := s.CountCases(ctx); cerr == nil {
			s.counted = time.Now()
			s.Observe.Cases(counts)
		} else {
			s.log.Warn("count cases for metrics failed", "err", cerr)
		}
	}
	return n, err
}

// CountCases counts the active cases by current stage, and the overdue
// ones among them. It reads every active case, so callers should not run
// it often. Returns an error when the store cannot list them.
func (s *Scheduler) CountCases(ctx context.Context) (CaseCounts, error) {
	counts := CaseCounts{Open: map[string]int{}, Overdue: map[string]int{}}
	for _, st := range s.engine.Protocol().Stages {
		counts.Open[st.Key], counts.Overdue[st.Key] = 0, 0
	}
	counts.Open[conversation.ReferralStageKey], counts.Overdue[conversation.ReferralStageKey] = 0, 0
	cases, err := s.store.ListCases(ctx, conversation.CaseFilter{Statuses: []conversation.Status{conversation.StatusOpen, conversation.StatusReferred}})
	if err != nil {
		return counts, err
	}
	for _, c := range cases {
		cur := c.Current()
		if cur == nil {
			continue
		}
		counts.Open[cur.Key]++
		if cur.Overdue {
			counts.Overdue[cur.Key]++
		}
	}
	return counts, nil
}
