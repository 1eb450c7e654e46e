package report_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/config"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/report"
)

// totalsAlone counts one period's headline figures the plain way, case by
// case and event by event, as the report counted them before TotalsEach:
// the reference the one pass must agree with.
func totalsAlone(cases []*conversation.Case, p report.Period) report.Totals {
	var t report.Totals
	for _, c := range cases {
		if p.Contains(c.CreatedAt) {
			t.Raised++
		}
		st := conversation.StatusOpen
		for _, e := range c.Events {
			if !e.At.Before(p.To) {
				break
			}
			switch e.Kind {
			case conversation.EventResolutionConfirmed:
				st = conversation.StatusResolved
			case conversation.EventWithdrawn:
				st = conversation.StatusWithdrawn
			case conversation.EventClosed:
				st = conversation.StatusClosed
			case conversation.EventReferred:
				st = conversation.StatusReferred
			case conversation.EventReferralReturned:
				st = conversation.StatusOpen
			}
		}
		if c.CreatedAt.Before(p.To) && (st == conversation.StatusOpen || st == conversation.StatusReferred) {
			t.Open++
		}
		flagged := false
		for _, e := range c.Events {
			flagged = flagged || e.Kind == conversation.EventSeriousConcern
			if !p.Contains(e.At) {
				continue
			}
			switch e.Kind {
			case conversation.EventResolutionConfirmed:
				t.Resolved++
			case conversation.EventWithdrawn:
				t.Withdrawn++
			case conversation.EventDeadlineMissed:
				t.DeadlinesMissed++
			case conversation.EventMediationRequested, conversation.EventMediationOffered:
				t.Mediation++
			case conversation.EventReferred:
				t.Referrals++
			case conversation.EventSeriousConcern:
				t.SeriousConcerns++
			case conversation.EventDeepDiveDecided:
				switch e.Fields["decision"] {
				case conversation.DeepDiveNeeded:
					t.DeepDives++
				case conversation.DeepDiveNotNeeded:
					t.NoDeepDives++
				}
			}
		}
		if c.SeriousConcern && !flagged && p.Contains(c.CreatedAt) {
			t.SeriousConcerns++
		}
	}
	return t
}

// standingCases are the fixture's cases and a few more whose timelines
// hold what the fixture's do not: a referral returned, deep-dive
// decisions, a serious concern flagged with no event, a case closed.
func standingCases(proto *conversation.Protocol) []*conversation.Case {
	cases := fixture(proto)
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 10, 0, 0, 0, london) }
	ev := func(kind conversation.EventKind, at time.Time, fields map[string]string) conversation.Event {
		return conversation.Event{Kind: kind, At: at, Fields: fields}
	}
	return append(cases,
		&conversation.Case{ID: "CR-2026-0201", CreatedAt: day(3, 2), Category: "threshold", Events: []conversation.Event{
			ev(conversation.EventRaised, day(3, 2), nil), ev(conversation.EventReferred, day(4, 20), nil),
			ev(conversation.EventReferralReturned, day(5, 14), nil), ev(conversation.EventSeriousConcern, day(5, 15), nil),
			ev(conversation.EventDeepDiveDecided, day(6, 2), map[string]string{"decision": conversation.DeepDiveNeeded}),
			ev(conversation.EventClosed, day(8, 3), nil)}},
		&conversation.Case{ID: "CR-2026-0202", CreatedAt: day(6, 30), SeriousConcern: true, Events: []conversation.Event{
			ev(conversation.EventRaised, day(6, 30), nil),
			ev(conversation.EventDeepDiveDecided, day(7, 1), map[string]string{"decision": conversation.DeepDiveNotNeeded}),
			ev(conversation.EventMediationRequested, day(7, 2), nil), ev(conversation.EventWithdrawn, day(9, 9), nil)}},
	)
}

// TestTotalsEachAgreesWithEachPeriodAlone: one pass over the cases gives,
// for every period of a dashboard (the period, the previous one, the same
// period last year, 24 months) and for periods given out of order,
// overlapping, empty or before every case, exactly the figures counted
// for each period alone.
func TestTotalsEachAgreesWithEachPeriodAlone(t *testing.T) {
	proto, err := config.Preset("generic")
	if err != nil {
		t.Fatal(err)
	}
	cases := standingCases(&proto)
	may := report.Month(time.Date(2026, 5, 1, 0, 0, 0, 0, london))
	periods := []report.Period{{From: may.From, To: may.To.AddDate(0, 1, 0)}, may.Previous(), may.LastYear(),
		report.Year(may.From), {From: may.From.AddDate(0, 0, 10), To: may.From.AddDate(0, 0, 40)}, {From: may.From, To: may.From},
		report.Month(time.Date(2020, 1, 1, 0, 0, 0, 0, london))}
	for i := range 24 {
		periods = append(periods, report.Month(time.Date(2025, time.Month(i+1), 1, 0, 0, 0, 0, london)))
	}
	got := report.TotalsEach(cases, periods)
	for i, p := range periods {
		if want := totalsAlone(cases, p); got[i] != want {
			t.Errorf("%s to %s: one pass %+v, alone %+v", p.From.Format(time.DateOnly), p.To.Format(time.DateOnly), got[i], want)
		}
	}
	if y := got[3]; y.Raised == 0 || y.Open == 0 || y.SeriousConcerns == 0 || y.DeepDives == 0 || y.NoDeepDives == 0 || y.Withdrawn == 0 {
		t.Fatalf("the cases do not exercise every figure: %+v", y)
	}
}

// TestBuildStandingIsTheDashboardsParts: the standing item is the report
// BuildAsOf makes, the same period last year's figures and the trend
// TrendTo gives, figure for figure.
func TestBuildStandingIsTheDashboardsParts(t *testing.T) {
	proto, err := config.Preset("generic")
	if err != nil {
		t.Fatal(err)
	}
	cases := standingCases(&proto)
	cal := conversation.NewCalendar(london, nil, 0, 0)
	agencies := []report.Agency{{Key: "csc", Name: "Children's Social Care"}, {Key: "police", Name: "Police"}}
	p := report.Period{From: time.Date(2026, 5, 1, 0, 0, 0, 0, london), To: time.Date(2026, 7, 1, 0, 0, 0, 0, london)}
	now := time.Date(2026, 6, 20, 9, 0, 0, 0, london)
	st := report.BuildStanding(cases, &proto, cal, agencies, p, now, 24)
	if want := report.BuildAsOf(cases, &proto, cal, agencies, p, now); !reflect.DeepEqual(st.Report, want) {
		t.Errorf("the standing item's report differs from BuildAsOf's:\n%+v\nwant\n%+v", st.Report, want)
	}
	if want := totalsAlone(cases, p.LastYear()); st.LastYear != want {
		t.Errorf("last year %+v, want %+v", st.LastYear, want)
	}
	want := report.TrendTo(cases, p.To, 24)
	if !reflect.DeepEqual(st.Trend, want) || len(st.Trend.Months) != 24 || st.Trend.Months[23].Month != "2026-06" {
		t.Errorf("the trend differs from TrendTo's: %+v", st.Trend.Months)
	}
	for _, m := range want.Months {
		from, _ := time.ParseInLocation("2006-01", m.Month, london)
		if alone := totalsAlone(cases, report.Month(from)); m.Totals != alone {
			t.Errorf("%s: trend %+v, alone %+v", m.Month, m.Totals, alone)
		}
	}
}
