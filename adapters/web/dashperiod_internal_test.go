package web

import (
	"net/url"
	"testing"
	"time"
)

// TestParsePeriod: the period form's dates are read from GOV.UK's date
// input (day, month, year; a month by name too) or from YYYY-MM-DD in a
// link; an impossible date, a missing end date for custom dates and an end
// before the start are each named on their field, and the last whole month
// is shown instead.
func TestParsePeriod(t *testing.T) {
	loc := time.UTC
	now := time.Date(2026, 7, 15, 12, 0, 0, 0, loc)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, loc) }
	june := [2]time.Time{day(2026, 6, 1), day(2026, 7, 1)}
	for _, tc := range []struct {
		name   string
		query  string
		want   [2]time.Time
		errors map[string]string
	}{
		{"nothing: last month", "", june, nil},
		{"a month by its parts", "period=month&from-day=27&from-month=3&from-year=2026", [2]time.Time{day(2026, 3, 1), day(2026, 4, 1)}, nil},
		{"a month by name", "period=quarter&from-day=5&from-month=Feb&from-year=2026", [2]time.Time{day(2026, 1, 1), day(2026, 4, 1)}, nil},
		{"custom by parts, spaces trimmed", "period=custom&from-day=1&from-month=5&from-year=2026&to-day=+30&to-month=06&to-year=2026",
			[2]time.Time{day(2026, 5, 1), day(2026, 7, 1)}, nil},
		{"custom from a link", "period=custom&from=2026-05-01&to=2026-06-30", [2]time.Time{day(2026, 5, 1), day(2026, 7, 1)}, nil},
		{"31 February", "period=month&from-day=31&from-month=2&from-year=2026", june, map[string]string{"from": errPeriodDate}},
		{"month 13", "period=month&from-day=1&from-month=13&from-year=2026", june, map[string]string{"from": errPeriodDate}},
		{"a two-digit year", "period=month&from-day=1&from-month=3&from-year=26", june, map[string]string{"from": errPeriodDate}},
		{"no day", "period=month&from-month=3&from-year=2026", june, map[string]string{"from": errPeriodDate}},
		{"a bad link date", "period=month&from=2026-13-01", june, map[string]string{"from": errPeriodDate}},
		{"custom with no end", "period=custom&from-day=1&from-month=5&from-year=2026", june, map[string]string{"to": errPeriodMissing}},
		{"an impossible end", "period=custom&from-day=1&from-month=5&from-year=2026&to-day=31&to-month=6&to-year=2026", june,
			map[string]string{"to": errPeriodDate}},
		{"the end before the start", "period=custom&from-day=30&from-month=6&from-year=2026&to-day=1&to-month=5&to-year=2026", june,
			map[string]string{"to": errPeriodOrder}},
		{"an unknown kind", "period=fortnight", june, map[string]string{"period": errPeriodKind}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, err := url.ParseQuery(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			p, f := parsePeriod(q, now, loc)
			if !p.From.Equal(tc.want[0]) || !p.To.Equal(tc.want[1]) {
				t.Errorf("period %s to %s, want %s to %s", p.From, p.To, tc.want[0], tc.want[1])
			}
			if len(f.Errors) != len(tc.errors) {
				t.Errorf("errors %v, want %v", f.Errors, tc.errors)
			}
			for k, v := range tc.errors {
				if f.Errors[k] != v {
					t.Errorf("errors %v, want %v", f.Errors, tc.errors)
				}
			}
		})
	}
	_, f := parsePeriod(url.Values{"period": {"month"}, "from-day": {"31"}, "from-month": {"2"}, "from-year": {"2026"}}, now, loc)
	if f.From != (dateParts{Day: "31", Month: "2", Year: "2026"}) {
		t.Errorf("the impossible date is shown as %+v, not as typed", f.From)
	}
	_, f = parsePeriod(url.Values{"period": {"custom"}, "from": {"2026-05-01"}, "to": {"2026-06-30"}}, now, loc)
	if f.From != (dateParts{Day: "1", Month: "5", Year: "2026"}) || f.To != (dateParts{Day: "30", Month: "6", Year: "2026"}) {
		t.Errorf("a link's dates are shown as %+v and %+v", f.From, f.To)
	}
}
