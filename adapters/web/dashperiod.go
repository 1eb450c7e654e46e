package web

import (
	"net/url"
	"slices"
	"time"

	"github.com/resolvebot/resolvebot/conversation/report"
)

// The kinds of period the dashboard offers.
var periodKinds = []string{"month", "quarter", "year", "custom"}

// The problems a period can have.
const (
	errPeriodKind    = "kind"
	errPeriodDate    = "date"
	errPeriodMissing = "missing"
	errPeriodOrder   = "order"
)

// periodForm is the dashboard's period as asked for: the kind, the dates
// as typed, and the problems with them by field.
type periodForm struct {
	Kind     string
	From, To dateParts
	Errors   map[string]string
}

// parsePeriod reads the period of a dashboard request: a month, quarter or
// year containing the start date, or the custom dates from the start to
// the end date (both days included), each given as GOV.UK's date input
// sends it or as YYYY-MM-DD (see dateOf). With no start date it is the
// last whole month, as "resolvebot report" gives by default. The problems
// found are in the form's Errors, keyed "period", "from" and "to"
// (errPeriodKind, errPeriodDate, errPeriodMissing or errPeriodOrder); the
// period is then the default.
func parsePeriod(q url.Values, now time.Time, loc *time.Location) (report.Period, periodForm) {
	f := periodForm{Kind: q.Get("period"), Errors: map[string]string{}}
	def := report.Month(now.In(loc)).Previous()
	if f.Kind == "" {
		f.Kind = "month"
	}
	if !slices.Contains(periodKinds, f.Kind) {
		f.Errors["period"] = errPeriodKind
	}
	var from, to time.Time
	var ok bool
	if f.From, from, ok = dateOf(q, "from", loc); !ok {
		f.Errors["from"] = errPeriodDate
	} else if from.IsZero() {
		from, f.From = def.From, partsOf(def.From)
	}
	f.To, to, ok = dateOf(q, "to", loc)
	var p report.Period
	switch f.Kind {
	case "month":
		p = report.Month(from)
	case "quarter":
		start := time.Date(from.Year(), from.Month()-(from.Month()-1)%3, 1, 0, 0, 0, 0, loc)
		p = report.Period{From: start, To: start.AddDate(0, 3, 0)}
	case "year":
		p = report.Year(from)
	case "custom":
		switch {
		case !ok:
			f.Errors["to"] = errPeriodDate
		case to.IsZero():
			f.Errors["to"] = errPeriodMissing
		case f.Errors["from"] == "" && to.Before(from):
			f.Errors["to"] = errPeriodOrder
		}
		p = report.Period{From: from, To: to.AddDate(0, 0, 1)}
	}
	if len(f.Errors) > 0 {
		return def, f
	}
	return p, f
}

// periodQuery is the query that asks for exactly p.
func periodQuery(p report.Period) url.Values {
	return url.Values{"period": {"custom"}, "from": {p.From.Format(time.DateOnly)},
		"to": {p.To.AddDate(0, 0, -1).Format(time.DateOnly)}}
}
