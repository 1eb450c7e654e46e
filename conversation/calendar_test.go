package conversation

import (
	"testing"
	"time"
)

func london(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatalf("load zone: %v", err)
	}
	return loc
}

func TestAddWorkingDays(t *testing.T) {
	loc := london(t)
	closure := time.Date(2026, 12, 29, 0, 0, 0, 0, loc) // a partnership closure day
	c := NewCalendar(loc, []time.Time{closure}, 0, 0)
	at := func(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, loc) }
	tests := []struct {
		name string
		from time.Time
		n    int
		want time.Time
	}{
		{"same week", at(2026, 11, 23, 10), 2, at(2026, 11, 25, 17)},
		{"over a weekend", at(2026, 11, 27, 10), 1, at(2026, 11, 30, 17)},
		{"raised on a Saturday", at(2026, 11, 28, 10), 1, at(2026, 11, 30, 17)},
		{"five days spans a weekend", at(2026, 11, 23, 16), 5, at(2026, 11, 30, 17)},
		// Good Friday 3 Apr and Easter Monday 6 Apr 2026 are bank holidays.
		{"easter bank holiday weekend", at(2026, 4, 2, 9), 1, at(2026, 4, 7, 17)},
		// Christmas Day Fri 25, Boxing Day Sat 26 observed Mon 28, closure Tue 29.
		{"christmas and a closure day", at(2026, 12, 24, 12), 2, at(2026, 12, 31, 17)},
		{"zero days on a working day", at(2026, 11, 23, 10), 0, at(2026, 11, 23, 17)},
		{"zero days on a Sunday", at(2026, 11, 29, 10), 0, at(2026, 11, 30, 17)},
		// 29 March 2026 is when clocks go forward: the result stays 17:00 local.
		{"across the clock change", at(2026, 3, 27, 10), 1, at(2026, 3, 30, 17)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.AddWorkingDays(tt.from, tt.n)
			if !got.Equal(tt.want) {
				t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", tt.from, tt.n, got, tt.want)
			}
		})
	}
}

func TestWorkingTime(t *testing.T) {
	loc := london(t)
	c := NewCalendar(loc, nil, 0, 0)
	at := func(m time.Month, d, h, min int) time.Time { return time.Date(2026, m, d, h, min, 0, 0, loc) }
	tests := []struct {
		name      string
		t         time.Time
		working   bool
		nextStart time.Time
	}{
		{"monday morning", at(11, 23, 10, 0), true, at(11, 23, 10, 0)},
		{"before nine", at(11, 23, 8, 30), false, at(11, 23, 9, 0)},
		{"after five", at(11, 23, 17, 0), false, at(11, 24, 9, 0)},
		{"friday evening", at(11, 27, 18, 0), false, at(11, 30, 9, 0)},
		{"boxing day observed", at(12, 28, 10, 0), false, at(12, 29, 9, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.IsWorkingTime(tt.t); got != tt.working {
				t.Errorf("IsWorkingTime = %v, want %v", got, tt.working)
			}
			if got := c.NextWorkingStart(tt.t); !got.Equal(tt.nextStart) {
				t.Errorf("NextWorkingStart = %s, want %s", got, tt.nextStart)
			}
		})
	}
}

func TestWorkingDaysUntil(t *testing.T) {
	loc := london(t)
	c := NewCalendar(loc, nil, 0, 0)
	from := time.Date(2026, 12, 23, 10, 0, 0, 0, loc) // Wednesday
	to := time.Date(2026, 12, 31, 17, 0, 0, 0, loc)   // Thursday after Christmas
	// 24, 29, 30, 31 are working days; 25 and 28 (Boxing Day observed) are not.
	if got := c.WorkingDaysUntil(from, to); got != 4 {
		t.Errorf("WorkingDaysUntil = %d, want 4", got)
	}
	if got := c.WorkingDaysUntil(to, from); got != 0 {
		t.Errorf("WorkingDaysUntil backwards = %d, want 0", got)
	}
}

// The working days worked out once per year agree with asking the bank
// holiday rules and the closures day by day, across leap years, substitute
// days and concurrent first use.
func TestWorkingDaysMemoMatchesRules(t *testing.T) {
	loc := london(t)
	closure := time.Date(2028, 2, 29, 0, 0, 0, 0, loc)
	c := NewCalendar(loc, []time.Time{closure}, 0, 0)
	done := make(chan struct{})
	for range 4 {
		go func() { c.IsWorkingDay(time.Date(2027, 6, 1, 12, 0, 0, 0, loc)); done <- struct{}{} }()
	}
	for range 4 {
		<-done
	}
	for d := time.Date(2024, 1, 1, 0, 0, 0, 0, loc); d.Year() < 2031; d = d.AddDate(0, 0, 1) {
		want := !c.closures[dayOf(d)] && c.business.IsWorkday(d)
		late := time.Date(d.Year(), d.Month(), d.Day(), 23, 59, 0, 0, loc)
		for _, at := range []time.Time{d, late, late.UTC()} {
			if got := c.IsWorkingDay(at); got != want {
				t.Fatalf("IsWorkingDay(%v) = %v, want %v", at, got, want)
			}
		}
	}
	if c.IsWorkingDay(closure) || c.IsWorkingDay(time.Date(2027, 12, 28, 10, 0, 0, 0, loc)) {
		t.Error("a closure day or Boxing Day's substitute (Tue 28 Dec 2027) counted as a working day")
	}
}
