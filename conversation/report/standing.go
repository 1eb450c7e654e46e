package report

import (
	"slices"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
)

// TotalsEach counts the headline figures of each period, in the periods'
// order, in one pass over the cases and their timelines: the figures
// TotalsFor gives for each period alone. A case's status at the end of
// every period comes from one walk of its timeline, and an event is
// matched against the periods only when it is of a kind the figures count.
func TotalsEach(cases []*conversation.Case, periods []Period) []Totals {
	out := make([]Totals, len(periods))
	byEnd := make([]int, len(periods)) // the periods' indexes, earliest end first
	for i := range byEnd {
		byEnd[i] = i
	}
	slices.SortStableFunc(byEnd, func(a, b int) int { return periods[a].To.Compare(periods[b].To) })
	for _, c := range cases {
		flaggedOnly := c.SeriousConcern && !hasEvent(c, conversation.EventSeriousConcern)
		for i, p := range periods {
			if p.Contains(c.CreatedAt) {
				out[i].Raised++
				if c.CrossBorderPartnership != "" {
					out[i].CrossBorder++
				}
				if flaggedOnly {
					out[i].SeriousConcerns++ // flagged with no event on its timeline: count it when raised
				}
			}
		}
		countOpen(c, periods, byEnd, out)
		for _, e := range c.Events {
			count := counter(e)
			if count == nil {
				continue
			}
			for i, p := range periods {
				if p.Contains(e.At) {
					count(&out[i])
				}
			}
		}
	}
	return out
}

// countOpen counts c as open (open or referred) at the end of each period
// it was raised before, working out its status at each end (as statusAt
// does) in one walk of its timeline, the ends taken earliest first.
func countOpen(c *conversation.Case, periods []Period, byEnd []int, out []Totals) {
	st, next := conversation.StatusOpen, 0
	for _, i := range byEnd {
		end := periods[i].To
		for ; next < len(c.Events) && c.Events[next].At.Before(end); next++ {
			st = statusAfter(st, c.Events[next].Kind)
		}
		if !c.CreatedAt.Before(end) {
			continue
		}
		if st == conversation.StatusOpen || st == conversation.StatusReferred {
			out[i].Open++
		}
	}
}

// statusAfter is a case's status after an event of kind, from st before it.
func statusAfter(st conversation.Status, kind conversation.EventKind) conversation.Status {
	switch kind {
	case conversation.EventResolutionConfirmed:
		return conversation.StatusResolved
	case conversation.EventWithdrawn:
		return conversation.StatusWithdrawn
	case conversation.EventClosed:
		return conversation.StatusClosed
	case conversation.EventReferred:
		return conversation.StatusReferred
	case conversation.EventReferralReturned:
		return conversation.StatusOpen
	}
	return st
}

// counter is how event e adds to a period's figures when it happened in
// the period, or nil when the figures do not count it.
func counter(e conversation.Event) func(*Totals) {
	switch e.Kind {
	case conversation.EventResolutionConfirmed:
		return func(t *Totals) { t.Resolved++ }
	case conversation.EventWithdrawn:
		return func(t *Totals) { t.Withdrawn++ }
	case conversation.EventDeadlineMissed:
		return func(t *Totals) { t.DeadlinesMissed++ }
	case conversation.EventMediationRequested, conversation.EventMediationOffered:
		return func(t *Totals) { t.Mediation++ }
	case conversation.EventReferred:
		return func(t *Totals) { t.Referrals++ }
	case conversation.EventSeriousConcern:
		return func(t *Totals) { t.SeriousConcerns++ }
	case conversation.EventDeepDiveDecided:
		switch e.Fields["decision"] {
		case conversation.DeepDiveNeeded:
			return func(t *Totals) { t.DeepDives++ }
		case conversation.DeepDiveNotNeeded:
			return func(t *Totals) { t.NoDeepDives++ }
		}
	}
	return nil
}

// Standing is the dashboard's standing item for a period: the report (as
// BuildAsOf makes it), the same period last year's headline figures, and
// the trend of the months to the period's end (as TrendTo gives it).
type Standing struct {
	Report   *Report
	LastYear Totals
	Trend    Trend
}

// BuildStanding makes the standing item for period, made at now, with a
// trend of the months calendar months to the period's end, counting the
// headline figures of the period, the previous period, the same period
// last year and every month of the trend in one pass over the cases (see
// TotalsEach).
func BuildStanding(cases []*conversation.Case, proto *conversation.Protocol, cal *conversation.Calendar, agencies []Agency, period Period, now time.Time, months int) Standing {
	trend := trendMonths(period.To, months)
	r, extra := build(cases, proto, cal, agencies, period, asOf(period, now), append([]Period{period.LastYear()}, trend...))
	return Standing{Report: r, LastYear: extra[0], Trend: trendOf(trend, extra[1:])}
}
