package web_test

import "testing"

// TestSettingsKeyboard: with the keyboard only (Tab, typing, Enter) a
// partnership admin changes a stage's timescale through check your
// answers, and a new case uses it. axe-core finds no WCAG 2.2 AA violation
// on the settings pages added since the first ones: the closure days, the
// form of a closure day and its check, and the page that retires an agency.
func TestSettingsKeyboard(t *testing.T) {
	w, live := newSettingsWorld(t)
	first := w.env.Engine.Protocol().Stages[0]
	b := w.newTab(t)
	b.Open("/web/sign-in").Fill("#f-email", adaEmail).Click("form[action='/web/sign-in'] button")
	w.env.Settle(t)
	msgs := w.smtp.Messages()
	b.Open(linkIn(t, msgs[len(msgs)-1])).Click("form[action='/web/sign-in/link'] button").Says("Your cases")

	b.Open("/web/settings").Says("Timescales", "Closure days").Check("settings with closure days")
	b.TabTo("Change").Enter().Says("Timescales of " + first.Name)
	days := first.Days + 3
	b.TabTo("Working days to resolve it").Keys("\b\b\b\b").Keys(itoa(days)).Enter().
		Says("Check the change before saving it", itoa(days))
	b.TabTo("Save the change").Enter().Says("Your change is saved", itoa(days)+" working days")
	if _, v := live.Current(); v != 2 {
		t.Fatalf("the settings are at version %d after the keyboard change, want 2", v)
	}
	fresh := w.raise()
	if want := w.env.Calendar.AddWorkingDays(fresh.Current().StartedAt, days); !fresh.Current().Deadline.Equal(want) {
		t.Errorf("a new case is due %v, want %v (%d working days)", fresh.Current().Deadline, want, days)
	}

	b.Open("/web/settings/closures/new").Says("Add a closure day").Check("add a closure day")
	b.Fill("#f-date", "someday").Click("form[action='/web/settings/closures'] button").Says("There is a problem").Check("closure day refused")
	emptyField(b, "#f-date").Fill("#f-date", "2031-12-29").Click("form[action='/web/settings/closures'] button").
		Says("Check the change before saving it", "2031-12-29").Check("check the closure day")
	b.Click("form[action='/web/settings/closures'] button").Says("Your change is saved", "2031-12-29", "Remove").Check("settings with a closure day")
	b.Click("form[action='/web/settings/closures'] button").Says("Check the change before saving it", "Closure day taken out", "2031-12-29").Check("check a closure day's removal")
	b.Click("form[action='/web/settings/closures'] button").Says("Your change is saved", "Removed the closure day 2031-12-29", "No closure days are set")
	b.Open("/web/settings/agencies/" + fresh.Respondent.Agency + "/retire").Says("Retire the agency").Check("retire an agency")
	b.Click("form[action$='/retire'] button").Says("There is a problem", fresh.ID).Check("retire refused")
	if b.Checked < 8 {
		t.Fatalf("axe checked %d pages, want 8", b.Checked)
	}
}
