package bot

import (
	"strconv"
	"strings"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
)

// monthNames maps the names and usual short forms of months to their number.
var monthNames = map[string]time.Month{}

func init() {
	for m := time.January; m <= time.December; m++ {
		name := strings.ToLower(m.String())
		monthNames[name] = m
		monthNames[name[:3]] = m
	}
	monthNames["sept"] = time.September
}

// ParseMonth reads the month a person asks a report for, in any of the
// ways people write one: "2026-11", "11/2026", "november", "Nov 2026",
// "november 2026", "2026 nov". A month named without a year is the latest
// such month that has begun by now (in November 2026, "november" is
// November 2026 and "december" December 2025). It returns the first day of
// the month in loc, or EINVALID with an example of what is understood
// (worded as the partnership words it where it reaches a person).
func ParseMonth(text string, now time.Time, loc *time.Location) (time.Time, error) {
	bad := conversation.Invalid("report.bad_month", nil)
	fields := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return r == ' ' || r == ',' || r == '/' || r == '-' || r == '.'
	})
	month, year := time.Month(0), 0
	for i, f := range fields {
		if m, ok := monthNames[f]; ok && month == 0 {
			month = m
			continue
		}
		n, err := strconv.Atoi(f)
		switch {
		case err != nil:
			return time.Time{}, bad
		case n >= 2000 && n <= 2999 && year == 0:
			year = n
		case n >= 1 && n <= 12 && month == 0 && len(fields) == 2 && i <= 1:
			month = time.Month(n)
		default:
			return time.Time{}, bad
		}
	}
	if month == 0 {
		return time.Time{}, bad
	}
	now = now.In(loc)
	if year == 0 {
		year = now.Year()
		if month > now.Month() {
			year--
		}
	}
	return time.Date(year, month, 1, 0, 0, 0, 0, loc), nil
}
