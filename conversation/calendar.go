package conversation

import (
	"sync"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/gb"
)

// Calendar counts working days: Monday to Friday, less the nation's bank
// holidays and the partnership's configured closure days, in one time zone.
type Calendar struct {
	loc      *time.Location
	business *cal.BusinessCalendar
	closures map[dateKey]bool
	start    time.Duration // working day start, from midnight
	end      time.Duration // working day end, from midnight
	years    sync.Map      // year → *yearDays, filled on first use
}

// yearDays says, by day of the year (1–366), which days of one year are
// working days. A calendar never changes once made, so each year is worked
// out once: bank holiday rules (Easter, substitute days) are costly to
// evaluate on every deadline and nudge.
type yearDays [367]bool

// NewCalendar returns a calendar for England and Wales bank holidays in loc
// (Europe/London when nil), with extra closure days and a working day from
// start to end after midnight (9:00 to 17:00 when both are zero).
func NewCalendar(loc *time.Location, closures []time.Time, start, end time.Duration) *Calendar {
	if loc == nil {
		var err error
		if loc, err = time.LoadLocation("Europe/London"); err != nil {
			loc = time.UTC
		}
	}
	if start == 0 && end == 0 {
		start, end = 9*time.Hour, 17*time.Hour
	}
	b := cal.NewBusinessCalendar()
	b.AddHoliday(gb.Holidays...)
	b.SetWorkHours(start, end)
	c := &Calendar{loc: loc, business: b, closures: map[dateKey]bool{}, start: start, end: end}
	for _, d := range closures {
		c.closures[dayOf(d)] = true
	}
	return c
}

// Location returns the calendar's time zone.
func (c *Calendar) Location() *time.Location { return c.loc }

// dateKey is a calendar day, as a map key that costs no allocation (this
// lookup runs for every day the nudge schedule walks over).
type dateKey struct {
	y int
	m time.Month
	d int
}

func dayOf(t time.Time) dateKey {
	y, m, d := t.Date()
	return dateKey{y, m, d}
}

// IsWorkingDay reports whether the day containing t (in the calendar's zone)
// is a working day.
func (c *Calendar) IsWorkingDay(t time.Time) bool {
	d := c.midnight(t)
	return c.year(d.Year())[d.YearDay()]
}

// year returns the working days of year y, working them out on first use.
func (c *Calendar) year(y int) *yearDays {
	if v, ok := c.years.Load(y); ok {
		return v.(*yearDays)
	}
	days := new(yearDays)
	for d := time.Date(y, time.January, 1, 0, 0, 0, 0, c.loc); d.Year() == y; d = d.AddDate(0, 0, 1) {
		days[d.YearDay()] = !c.closures[dayOf(d)] && c.business.IsWorkday(d)
	}
	v, _ := c.years.LoadOrStore(y, days)
	return v.(*yearDays)
}

// IsWorkingTime reports whether t falls within working hours on a working day.
func (c *Calendar) IsWorkingTime(t time.Time) bool {
	if !c.IsWorkingDay(t) {
		return false
	}
	off := t.In(c.loc).Sub(c.midnight(t))
	return off >= c.start && off < c.end
}

// EndOfDay returns the end of the working day on the day containing t.
func (c *Calendar) EndOfDay(t time.Time) time.Time {
	d := c.midnight(t)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, c.loc).Add(c.end)
}

// StartOfDay returns the start of the working day on the day containing t.
func (c *Calendar) StartOfDay(t time.Time) time.Time {
	d := c.midnight(t)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, c.loc).Add(c.start)
}

// AddWorkingDays returns the end of the working day n working days after the
// day containing from. With n = 0 it is the end of that day when it is a
// working day, or of the next working day otherwise.
func (c *Calendar) AddWorkingDays(from time.Time, n int) time.Time {
	d := c.midnight(from)
	if n <= 0 {
		for !c.IsWorkingDay(d) {
			d = d.AddDate(0, 0, 1)
		}
		return c.EndOfDay(d)
	}
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if c.IsWorkingDay(d) {
			n--
		}
	}
	return c.EndOfDay(d)
}

// NextWorkingStart returns t itself when it is working time, otherwise the
// start of the next working period after t.
func (c *Calendar) NextWorkingStart(t time.Time) time.Time {
	if c.IsWorkingTime(t) {
		return t
	}
	d := c.midnight(t)
	if c.IsWorkingDay(d) && t.Before(c.StartOfDay(d)) {
		return c.StartOfDay(d)
	}
	for {
		d = d.AddDate(0, 0, 1)
		if c.IsWorkingDay(d) {
			return c.StartOfDay(d)
		}
	}
}

// WorkingDaysUntil returns how many working days lie after the day of from up
// to and including the day of to; 0 when to is on or before from's day.
func (c *Calendar) WorkingDaysUntil(from, to time.Time) int {
	d, last := c.midnight(from), c.midnight(to)
	n := 0
	for d.Before(last) {
		d = d.AddDate(0, 0, 1)
		if c.IsWorkingDay(d) {
			n++
		}
	}
	return n
}

// midnight returns the start of t's calendar day in the calendar's zone.
func (c *Calendar) midnight(t time.Time) time.Time {
	t = t.In(c.loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, c.loc)
}
