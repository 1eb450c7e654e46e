package scheduler

import (
	"context"
	"fmt"
	"time"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// Summary puts in the outbox the partnership's periodic summary for the
// previous calendar month, one effect per recipient holding the month; the
// delivery worker builds it when it sends it (bot.Router.Summary), by the
// same report code as "report" in chat and "resolvebot report": counts and
// themes only, never a child reference or free text. A claim and a key
// remembered in the same write as each effect make it go in the outbox
// once per person and period, even with several replicas or a restart, and
// the worker retries a failed send. It returns how many summaries it
// enqueued, and the store's error.
func (s *Scheduler) Summary(ctx context.Context) (int, error) {
	now := s.now().In(s.engine.Calendar().Location())
	to := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, now.Location())
	month := to.AddDate(0, -1, 0).Format("2006-01")
	// A deployment hosting several partnerships sends each its own report,
	// to its own roles (or to summary_to).
	ids := s.engine.Partnerships()
	if len(ids) == 0 {
		ids = []string{""}
	}
	enqueued := 0
	for _, id := range ids {
		n, err := s.summaryOf(ctx, id, month, now)
		enqueued += n
		if err != nil {
			return enqueued, err
		}
	}
	return enqueued, nil
}

// summaryOf enqueues partnership id's summary of month (every case's, for
// an id of ""), once per recipient and period; see Summary.
func (s *Scheduler) summaryOf(ctx context.Context, id, month string, now time.Time) (int, error) {
	period := bot.SummaryPeriod(id, month)
	key := "summary:" + period
	held, err := s.store.Claim(ctx, key, s.Owner, s.Lease, now)
	if err != nil || !held {
		return 0, err
	}
	defer s.store.Release(context.WithoutCancel(ctx), key, s.Owner)
	recipients := s.SummaryTo
	if len(recipients) == 0 {
		recipients, _ = s.people.PartnershipPeopleOf(ctx, id)
	}
	enqueued := 0
	for _, to := range recipients {
		e := conversation.Effect{Kind: conversation.EffectSummary, Recipient: to, Period: period, CreatedAt: now}
		added, err := s.store.EnqueueOnce(ctx, key+":"+to, 400*24*time.Hour, e, now)
		if err != nil {
			return enqueued, fmt.Errorf("enqueue summary: %w", err)
		}
		if added {
			enqueued++
		}
	}
	return enqueued, nil
}
