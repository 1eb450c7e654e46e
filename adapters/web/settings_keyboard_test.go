package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp/kb"

	"github.com/resolvebot/resolvebot/adapters/web/webtest"
)

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

	b.Open("/web/settings/closures/new").Says("Add a closure day", "For example, 25 12 2026", "Day", "Month", "Year").
		Check("add a closure day")
	b.TabTo("Day").Keys("31").TabTo("Month").Keys("2").TabTo("Year").Keys("2031").Enter().
		Says("There is a problem", "The closure day must be a real date").Check("closure day refused")
	if got := webtest.Eval[string](b, `document.querySelector("#f-date-day").value`); got != "31" {
		t.Errorf("the refused form lost the day typed: %q", got)
	}
	// The error summary's link goes to the day field (a link within the
	// page: nothing loads, so it is clicked rather than pressed, whose
	// Enter would go on to send the form from the field).
	webtest.Eval[bool](b, `(document.querySelector(".govuk-error-summary a[href='#f-date-day']").click(), true)`)
	if got := webtest.Eval[string](b, `document.activeElement.id`); got != "f-date-day" {
		t.Errorf("the error summary's link took the focus to %q, want the day field f-date-day", got)
	}
	emptyField(b, "#f-date-day").Fill("#f-date-day", "29")
	emptyField(b, "#f-date-month").Fill("#f-date-month", "12").Click("form[action='/web/settings/closures'] button").
		Says("Check the change before saving it", "29 December 2031").Check("check the closure day")
	b.Click("form[action='/web/settings/closures'] button").Says("Your change is saved", "2031-12-29", "Remove").Check("settings with a closure day")
	b.Click("form[action='/web/settings/closures'] button").Says("Check the change before saving it", "Closure day taken out", "2031-12-29").Check("check a closure day's removal")
	b.Click("form[action='/web/settings/closures'] button").Says("Your change is saved", "Removed the closure day 2031-12-29", "No closure days are set")
	b.Open("/web/settings/agencies/" + fresh.Respondent.Agency + "/retire").Says("Retire the agency").Check("retire an agency")
	b.Click("form[action$='/retire'] button").Says("There is a problem", fresh.ID).Check("retire refused")
	if b.Checked < 8 {
		t.Fatalf("axe checked %d pages, want 8", b.Checked)
	}
}

// TestSettingsKeyboardWalk: on every settings page a partnership admin
// reaches each link, button and field with Tab, in the page's order, and
// sees where the focus is; a form refused puts the focus on its error
// summary, from which Tab goes on through the form; an arrow key chooses
// a radio and Enter sends the form. axe-core finds no WCAG 2.2 AA violation on any
// of the pages.
func TestSettingsKeyboardWalk(t *testing.T) {
	w, _ := newSettingsWorldWith(t, withDissentRoute)
	p := w.env.Engine.Protocol()
	b := signInTab(t, w)
	agency := "/web/settings/agencies/" + hvKey
	pages := []struct{ name, path string }{
		{"settings", "/web/settings"},
		{"history", "/web/settings/history"},
		{"a stage's timescales", "/web/settings/stages/" + p.Stages[0].Key},
		{"the referral", "/web/settings/referral"},
		{"a closure day", "/web/settings/closures/new"},
		{"the routes", "/web/settings/routes"},
		{"a new category", "/web/settings/categories/new"},
		{"a category", "/web/settings/categories/" + p.Categories[0].Key},
		{"a category's removal", "/web/settings/categories/" + p.Categories[0].Key + "/remove"},
		{"reminders and quiet hours", "/web/settings/nudges"},
		{"a new agency", "/web/settings/agencies/new"},
		{"an agency", agency},
		{"an agency's retirement", agency + "/retire"},
		{"an agency's contacts", agency + "/people"},
		{"a new senior manager", hvSeniorsAt + "new"},
		{"a senior manager", hvSeniorsAt + "0"},
		{"a senior manager's removal", "/web/settings/remove/agencies/" + hvKey + "/senior_manager/0"},
		{"an agency's case references", agency + "/references"},
		{"an agency's reach", agency + "/reach"},
		{"a new partnership role", "/web/settings/people/roles/new"},
		{"a partnership role", "/web/settings/people/roles/0"},
		{"a partnership role's removal", "/web/settings/remove/roles/0"},
	}
	for _, pg := range pages {
		b.Open(pg.path).Check("keys: " + pg.name).CheckKeyboard(pg.name)
	}

	b.Open("/web/settings/agencies/new").TabTo("Short name").Keys("gp").TabTo("Name").Keys("Riverside Surgery").
		TabTo("Manager: work email").Keys("mo at riverside").Enter().Says("There is a problem", "is not an email address")
	if got := b.Focused(); !strings.Contains(got, "There is a problem") {
		t.Errorf("a refused form leaves the focus on %q, want the error summary", got)
	}
	b.Check("keys: an agency refused").CheckKeyboard("an agency refused")
	b.Open("/web/settings/agencies/new").TabTo("Short name").Keys("gp").TabTo("Name").Keys("Riverside Surgery").
		TabTo("The way each person uses").Keys(kb.ArrowDown)
	if got := webtest.Eval[string](b, `document.activeElement.checked ? document.activeElement.labels[0].innerText : ""`); got != "By email" {
		t.Fatalf("the arrow key chose %q, want By email", got)
	}
	b.TabTo("Manager: name").Keys("Mo Manager").TabTo("Manager: work email").Keys("mo.manager@riverside.example.nhs.uk").Enter().
		Says("Check the change before saving it", "By email").Check("keys: check the agency").CheckKeyboard("check the agency")
	if b.Checked < len(pages)+2 {
		t.Fatalf("axe checked %d pages, want %d", b.Checked, len(pages)+2)
	}
}
