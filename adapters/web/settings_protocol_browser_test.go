package web_test

import (
	"testing"
	"time"
)

// TestSettingsProtocolInBrowser: in headless Chromium, with the keyboard
// only (Tab, typing, Enter), a partnership admin goes from the settings to
// the reminders and quiet hours, meets config check's refusal of a quiet
// hour that is not a time, changes them through check your answers, and
// the engine uses them. axe-core finds no WCAG 2.2 AA violation on any page
// of the protocol's settings: the settings page, each form, its refusal
// and its check page, and the removal of a category and its refusal.
func TestSettingsProtocolInBrowser(t *testing.T) {
	w, live := newSettingsWorldWith(t, withDissentRoute)
	open := w.raise()
	b := w.newTab(t)
	b.Open("/web/sign-in").Fill("#f-email", adaEmail).Click("form[action='/web/sign-in'] button")
	w.env.Settle(t)
	msgs := w.smtp.Messages()
	b.Open(linkIn(t, msgs[len(msgs)-1])).Click("form[action='/web/sign-in/link'] button").Says("Your cases")

	b.Open("/web/settings").Says("Routes out of the ladder", "Categories", "Reminders and quiet hours", "Referral to the partnership").
		Check("settings with the protocol")
	b.TabTo("Change the reminders and quiet hours").Enter().Says("Reminders and quiet hours", "Quiet hours start").Check("reminders and quiet hours")
	narrow(t, b, "#f-reminder_days_before")
	narrow(t, b, "#f-quiet_start")
	b.TabTo("Quiet hours start").Keys("\b\b\b\b\b").Keys("7pm").Enter().
		Says("There is a problem", `expected a time of day as HH:MM, for example "09:00", got "7pm"`).Check("reminders refused")
	b.TabTo("Quiet hours start").Keys("\b\b\b\b\b").Keys("19:00").Enter().
		Says("Check the change before saving it", "19:00").Check("check the reminders")
	if _, v := live.Current(); v != 1 {
		t.Fatalf("the check page moved the settings to version %d", v)
	}
	b.TabTo("Save the change").Enter().Says("Your change is saved", "quiet hours 19:00 to 09:00")
	if got := w.env.Engine.Nudges().QuietStart; got != 19*time.Hour {
		t.Fatalf("the engine's quiet hours start at %v after the change, want 19:00", got)
	}

	b.Open("/web/settings/routes").Says("Routes out of the ladder", "Police").Check("routes")
	emptyField(b, "#f-dissent_procedure").Click("form[action='/web/settings/routes'] button").
		Says("There is a problem", "conference decisions lead out to the dissent procedure").Check("routes refused")
	b.Fill("#f-dissent_procedure", "Dissent procedure, section 7 of the CP manual").Click("form[action='/web/settings/routes'] button").
		Says("Check the change before saving it", "section 7").Check("check the routes")

	b.Open("/web/settings/categories/new").Says("Add a category").Check("add a category")
	b.Fill("#f-key", "housing").Click("form[action='/web/settings/categories'] button").Says("There is a problem", "a category needs a name").
		Check("add a category refused")
	b.Fill("#f-name", "Housing and homelessness").Click("form[action='/web/settings/categories'] button").
		Says("Check the change before saving it", "Housing and homelessness").Check("check a category")
	b.Open("/web/settings/categories/"+open.Category).Says("Rename", "Remove this category").Check("rename a category")
	b.Click("a[href$='/remove']").Says("Remove the category").Check("remove a category")
	b.Click("form[action$='/remove'] button").Says("There is a problem", open.ID).Check("remove a category refused")

	b.Open("/web/settings/referral").Says("Referral to the partnership", "Working days to consider it").Check("referral")
	emptyField(b, "#f-days").Fill("#f-days", "0").Click("form[action='/web/settings/referral'] button").
		Says("There is a problem", "days and ack_days must each be at least 1").Check("referral refused")
	emptyField(b, "#f-days").Fill("#f-days", "12").Click("form[action='/web/settings/referral'] button").
		Says("Check the change before saving it", "12").Check("check the referral")
	if b.Checked < 16 {
		t.Fatalf("axe checked %d pages, want every protocol settings page (16)", b.Checked)
	}
}
