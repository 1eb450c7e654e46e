package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestSettingsClosureDay: an admin adds a closure day through check your
// answers; a new case's deadline moves a working day past it while a case
// already open keeps its own; the change is in the history; a date that is
// not one, or one already set, is refused and changes nothing; Remove takes
// the day out again, through check your answers.
func TestSettingsClosureDay(t *testing.T) {
	w, live := newSettingsWorld(t)
	ctx := context.Background()
	days := w.env.Engine.Protocol().Stages[0].Days
	open := w.raise()
	openDeadline := open.Current().Deadline
	loc := w.env.Config.Calendar.Location
	next := w.env.Calendar.AddWorkingDays(open.Current().StartedAt, 1).In(loc)
	day, readable := next.Format(time.DateOnly), next.Format("2 January 2006")

	ada := w.browser().signIn(adaEmail)
	ada.get("/web/settings").expect(http.StatusOK, "Closure days", "No closure days are set", `href="/web/settings/closures/new"`)
	ada.get("/web/settings/closures/new").expect(http.StatusOK, "Add a closure day", `class="govuk-fieldset" role="group"`,
		"For example, 25 12 2026", `class="govuk-date-input"`, `name="date-day"`, `name="date-month"`, `name="date-year"`)
	for _, bad := range []struct{ day, month, year, says string }{
		{"29", "12", "26", "must be a real date"},
		{"30", "2", "2026", "must be a real date"},
		{"", "", "", "Enter the date of the closure day"},
	} {
		ada.submit("/web/settings/closures", url.Values{"version": {"1"}, "date-day": {bad.day}, "date-month": {bad.month},
			"date-year": {bad.year}, "action": {"save"}}).
			expect(http.StatusUnprocessableEntity, "There is a problem", bad.says, `href="#f-date-day"`, `id="f-date-error"`,
				`value="`+bad.day+`"`, "govuk-input--error")
	}
	if _, v := live.Current(); v != 1 {
		t.Fatalf("a bad date moved the settings to version %d", v)
	}
	form := url.Values{"version": {"1"}, "date-day": {strconv.Itoa(next.Day())}, "date-month": {strconv.Itoa(int(next.Month()))},
		"date-year": {strconv.Itoa(next.Year())}}
	ada.submit("/web/settings/closures", form).expect(http.StatusOK, "Check the change before saving it", readable,
		`name="date" value="`+day+`"`)
	if _, v := live.Current(); v != 1 {
		t.Fatalf("the check page moved the settings to version %d", v)
	}
	// Save posts what the check page carries: the date as YYYY-MM-DD.
	ada.submit("/web/settings/closures", url.Values{"version": {"1"}, "date": {day}, "action": {"save"}}).
		expect(http.StatusOK, "Your change is saved", "Added the closure day "+day)
	ada.get("/web/settings").expect(http.StatusOK, day, "Remove")
	ada.get("/web/settings/history").expect(http.StatusOK, "Version 2", "Added the closure day "+day, day)
	form.Set("version", "2")
	ada.submit("/web/settings/closures", form).expect(http.StatusUnprocessableEntity, readable+" is already a closure day",
		`href="#f-date-day"`)
	if _, v := live.Current(); v != 2 {
		t.Fatalf("a day already set moved the settings to version %d", v)
	}

	again, err := w.env.Store.GetCase(ctx, open.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Current().Deadline.Equal(openDeadline) {
		t.Errorf("the open case's deadline moved from %v to %v", openDeadline, again.Current().Deadline)
	}
	fresh := w.raise().Current()
	if want := w.env.Calendar.AddWorkingDays(fresh.StartedAt, days+1); !fresh.Deadline.Equal(want) {
		t.Errorf("a new case is due %v, want %v: a working day later for the closure day %s", fresh.Deadline, want, day)
	}

	remove := url.Values{"version": {"2"}, "remove": {day}}
	ada.submit("/web/settings/closures", remove).expect(http.StatusOK, "Check the change before saving it", "Closure day taken out", day)
	if _, v := live.Current(); v != 2 {
		t.Fatalf("the check page of a removal moved the settings to version %d", v)
	}
	remove.Set("action", "save")
	ada.submit("/web/settings/closures", remove).expect(http.StatusOK, "Your change is saved", "Removed the closure day "+day)
	if _, v := live.Current(); v != 3 {
		t.Fatalf("the removal left the settings at version %d, want 3", v)
	}
	later := w.raise().Current()
	if want := w.env.Calendar.AddWorkingDays(later.StartedAt, days); !later.Deadline.Equal(want) {
		t.Errorf("after the removal a new case is due %v, want %v", later.Deadline, want)
	}
}

// TestSettingsClosureImpossibleDates: a closure day that is not a real
// date is refused beside the day, month and year fields (as typed) and in
// the error summary, and nothing is saved; a real one, with the month as a
// number or a name, goes on to the check page, which shows it readably,
// and whose Change link fills the three fields again.
func TestSettingsClosureImpossibleDates(t *testing.T) {
	w, live := newSettingsWorld(t)
	ada := w.browser().signIn(adaEmail)
	for _, c := range []struct {
		name, day, month, year, says string
	}{
		{"31 April", "31", "4", "2027", "must be a real date"},
		{"29 February, not a leap year", "29", "2", "2027", "must be a real date"},
		{"day 0", "0", "1", "2027", "must be a real date"},
		{"day 32", "32", "1", "2027", "must be a real date"},
		{"month 13", "1", "13", "2027", "must be a real date"},
		{"month 0", "1", "0", "2027", "must be a real date"},
		{"a two-digit year", "1", "1", "27", "must be a real date"},
		{"a word for the day", "first", "1", "2027", "must be a real date"},
		{"no year", "1", "1", "", "must be a real date"},
		{"no month", "1", "", "2027", "must be a real date"},
		{"the whole date in the day field", "2027-01-04", "", "", "must be a real date"},
		{"nothing", "", "", "", "Enter the date of the closure day"},
		{"spaces only", " ", " ", " ", "Enter the date of the closure day"},
	} {
		ada.submit("/web/settings/closures", url.Values{"version": {"1"}, "date-day": {c.day}, "date-month": {c.month},
			"date-year": {c.year}, "action": {"save"}}).
			expect(http.StatusUnprocessableEntity, "There is a problem", c.says, `href="#f-date-day"`, `id="f-date-error"`,
				`aria-describedby="f-date-hint f-date-error"`, `name="date-day" type="text" inputmode="numeric" value="`+strings.TrimSpace(c.day)+`"`,
				`name="date-year" type="text" inputmode="numeric" value="`+strings.TrimSpace(c.year)+`"`)
		if _, v := live.Current(); v != 1 {
			t.Fatalf("%s moved the settings to version %d", c.name, v)
		}
	}
	for _, c := range []struct{ day, month, year, shows, stored string }{
		{"29", "2", "2028", "29 February 2028", "2028-02-29"},
		{"04", "jan", "2027", "4 January 2027", "2027-01-04"},
		{"25", "December", "2026", "25 December 2026", "2026-12-25"},
	} {
		ada.submit("/web/settings/closures", url.Values{"version": {"1"}, "date-day": {c.day}, "date-month": {c.month}, "date-year": {c.year}}).
			expect(http.StatusOK, "Check the change before saving it", c.shows, `name="date" value="`+c.stored+`"`,
				`href="/web/settings/closures/new?date=`+c.stored+`"`)
	}
	// Change goes back to the form with the date in its three fields.
	ada.get("/web/settings/closures/new?date=2026-12-25").expect(http.StatusOK, `name="date-day" type="text" inputmode="numeric" value="25"`,
		`name="date-month" type="text" inputmode="numeric" value="12"`, `name="date-year" type="text" inputmode="numeric" value="2026"`)
}
