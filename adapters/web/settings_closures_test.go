package web_test

import (
	"context"
	"net/http"
	"net/url"
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
	day := w.env.Calendar.AddWorkingDays(open.Current().StartedAt, 1).In(loc).Format(time.DateOnly)

	ada := w.browser().signIn(adaEmail)
	ada.get("/web/settings").expect(http.StatusOK, "Closure days", "No closure days are set", `href="/web/settings/closures/new"`)
	for _, bad := range []string{"29/12/2026", "2026-02-30", ""} {
		ada.submit("/web/settings/closures", url.Values{"version": {"1"}, "date": {bad}, "action": {"save"}}).
			expect(http.StatusUnprocessableEntity, "There is a problem", "Enter the date as year-month-day", `href="#f-date"`)
	}
	form := url.Values{"version": {"1"}, "date": {day}}
	ada.submit("/web/settings/closures", form).expect(http.StatusOK, "Check the change before saving it", day)
	if _, v := live.Current(); v != 1 {
		t.Fatalf("the check page moved the settings to version %d", v)
	}
	form.Set("action", "save")
	ada.submit("/web/settings/closures", form).expect(http.StatusOK, "Your change is saved", "Added the closure day "+day)
	ada.get("/web/settings").expect(http.StatusOK, day, "Remove")
	ada.get("/web/settings/history").expect(http.StatusOK, "Version 2", "Added the closure day "+day, day)
	form.Set("version", "2")
	ada.submit("/web/settings/closures", form).expect(http.StatusUnprocessableEntity, day+" is already a closure day")

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
