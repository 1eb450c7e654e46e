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
	errPeriodKind  = "kind"
	errPeriodDate  = "date"
	errPeriodOrder = "order"
)

// periodForm is the dashboard's period as asked for: the kind, the dates
// as typed (YYYY-MM-DD), and the problems with them by field.
type periodForm struct {
	Kind, From, To string
	Errors         map[string]string
}

// parsePeriod reads the period of a dashboard request: a month, quarter or
// year containing from, or the custom dates from to to (both days
// included). With no from it is the last whole month, as "resolvebot
// report" gives by default. The problems found are in the form's Errors,
// keyed "period", "from" and "to" (errPeriodKind, errPeriodDate or
// errPeriodOrder); the period is then
// the default.
func parsePeriod(q url.Values, now time.Time, loc *time.Location) (report.Period, periodForm) {
	f := periodForm{Kind: q.Get("period"), From: q.Get("from"), To: q.Get("to"), Errors: map[string]string{}}
	def := report.Month(now.In(loc)).Previous()
	if f.Kind == "" {
		f.Kind = "month"
	}
	if !slices.Contains(periodKinds, f.Kind) {
		f.Errors["period"] = errPeriodKind
	}
	if f.From == "" {
		f.From = def.From.Format(time.DateOnly)
	}
	from, err := time.ParseInLocation(time.DateOnly, f.From, loc)
	if err != nil {
		f.Errors["from"] = errPeriodDate
	}
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
		to, err := time.ParseInLocation(time.DateOnly, f.To, loc)
		switch {
		case err != nil:
			f.Errors["to"] = errPeriodDate
		case to.Before(from):
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
