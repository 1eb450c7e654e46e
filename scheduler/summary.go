package scheduler

import (
	"context"
	"fmt"
	"time"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation/report"
)

// Summary sends the partnership its periodic summary for the previous
// calendar month, made by the same report code as "report" in chat and
// "resolvebot report": counts and themes only, never a child reference or
// free text. A claim and a remembered key make it go out once per period. It
// returns how many people it reached.
func (s *Scheduler) Summary(ctx context.Context) (int, error) {
	now := s.now().In(s.engine.Calendar.Location())
	to := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, now.Location())
	from := to.AddDate(0, -1, 0)
	key := "summary:" + from.Format("2006-01")
	held, err := s.store.Claim(ctx, key, s.Owner, s.Lease, now)
	if err != nil || !held {
		return 0, err
	}
	defer s.store.Release(context.WithoutCancel(ctx), key, s.Owner)
	rep, err := bot.BuildReport(ctx, s.store, s.engine, s.people, report.Period{From: from, To: to})
	if err != nil {
		return 0, fmt.Errorf("build report: %w", err)
	}
	m := bot.ReportMessage(rep, "report", s.log)
	m.Title = fmt.Sprintf("Case resolution summary, %s", from.Format("January 2006"))
	recipients := s.SummaryTo
	if len(recipients) == 0 {
		recipients, _ = s.people.PartnershipPeople(ctx)
	}
	reached := 0
	for _, id := range recipients {
		first, err := s.store.Remember(ctx, key+":"+id, 400*24*time.Hour, now)
		if err != nil {
			return reached, err
		}
		if !first {
			continue
		}
		if unreached := s.dispatcher.Deliver(ctx, []bot.Outbound{{To: id, Message: m}}); len(unreached) == 0 {
			reached++
		}
	}
	return reached, nil
}
