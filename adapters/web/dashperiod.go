package web

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
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

// dateParts is a date as typed in GOV.UK's date input: day, month and
// year in fields of their own.
type dateParts struct {
	Day, Month, Year string
}

// partsOf is t's date as the date input shows it: 27 3 2026.
func partsOf(t time.Time) dateParts {
	return dateParts{Day: strconv.Itoa(t.Day()), Month: strconv.Itoa(int(t.Month())), Year: strconv.Itoa(t.Year())}
}

// empty reports whether nothing was typed.
func (d dateParts) empty() bool { return d.Day == "" && d.Month == "" && d.Year == "" }

// monthNames are the month names and their first three letters, which the
// month field takes besides its number, as GOV.UK's pattern advises.
var monthNames = func() map[string]time.Month {
	m := map[string]time.Month{}
	for mo := time.January; mo <= time.December; mo++ {
		name := strings.ToLower(mo.String())
		m[name], m[name[:3]] = mo, mo
	}
	m["sept"] = time.September
	return m
}()

// date is the real date typed, in loc; ok is false for an impossible one
// (31 2 2026), a part missing or not a number, or a year not of 4 digits.
func (d dateParts) date(loc *time.Location) (time.Time, bool) {
	day, err1 := strconv.Atoi(d.Day)
	year, err2 := strconv.Atoi(d.Year)
	month, ok := monthNames[strings.ToLower(d.Month)]
	if n, err := strconv.Atoi(d.Month); err == nil {
		month, ok = time.Month(n), n >= 1 && n <= 12
	}
	if err1 != nil || err2 != nil || !ok || len(d.Year) != 4 {
		return time.Time{}, false
	}
	t := time.Date(year, month, day, 0, 0, 0, 0, loc)
	if t.Day() != day || t.Month() != month {
		return time.Time{}, false
	}
	return t, true
}

// periodForm is the dashboard's period as asked for: the kind, the dates
// as typed, and the problems with them by field.
type periodForm struct {
	Kind     string
	From, To dateParts
	Errors   map[string]string
}

// dateOf reads the date named name ("from" or "to") of a request: its
// day, month and year fields (name-day, name-month, name-year) as the
// form sends them, or else name as YYYY-MM-DD, as links to a period
// carry it. ok is false when a date is given but is not a real one.
func dateOf(q url.Values, name string, loc *time.Location) (dateParts, time.Time, bool) {
	d := dateParts{Day: strings.TrimSpace(q.Get(name + "-day")), Month: strings.TrimSpace(q.Get(name + "-month")),
		Year: strings.TrimSpace(q.Get(name + "-year"))}
	if d.empty() {
		iso := q.Get(name)
		if iso == "" {
			return d, time.Time{}, true
		}
		t, err := time.ParseInLocation(time.DateOnly, iso, loc)
		if err != nil {
			return dateParts{Day: iso}, time.Time{}, false
		}
		return partsOf(t), t, true
	}
	t, ok := d.date(loc)
	return d, t, ok
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
