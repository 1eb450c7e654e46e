package web

import (
	"net/url"
	"strconv"
	"strings"
	"time"
)

// GOV.UK's date input, shared by the dashboard's custom period and the
// settings' closure day: a date typed as day, month and year in fields of
// their own (name-day, name-month, name-year), read with dateOf and shown
// with the "dateinput" template (templates/dateinput.html) from a
// dateField.

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

// dateField is one date input, as the "dateinput" template shows it: a
// fieldset named by its legend, with a hint, the problem with it, and
// the day, month and year as typed, each under its label. Its fields are
// named Name-day, Name-month and Name-year, with ids of "f-" and those.
type dateField struct {
	Name, Legend, Hint, Error string
	Parts                     dateParts
	// DayLabel, MonthLabel and YearLabel are the labels of the three fields.
	DayLabel, MonthLabel, YearLabel string
}

// readDate fills a date field from q: its parts as typed (or its key as
// YYYY-MM-DD, as the check page and its Change link carry it), and its
// Value, the date as YYYY-MM-DD, or "" when none was typed or it is not a
// real one.
func (fl *settingsField) readDate(q url.Values) {
	d, t, ok := dateOf(q, fl.Key, time.UTC)
	fl.Date.Parts, fl.Value = d, ""
	if ok && !d.empty() {
		fl.Value = t.Format(time.DateOnly)
	}
}
