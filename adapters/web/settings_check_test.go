package web_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// deadlinesKept is what a check page says of the cases already open when
// a change is to how deadlines are counted.
const deadlinesKept = "Cases already open keep the deadlines they were given."

// TestSettingsCheckDeadlines: the page before a change is saved says cases
// already open keep their deadlines only for a change to how deadlines
// are counted (a stage's or the referral's working days, a closure day);
// adding an agency or a category, or taking a person or an agency out,
// says nothing of deadlines.
func TestSettingsCheckDeadlines(t *testing.T) {
	w, _ := newSettingsWorld(t)
	ada := w.browser().signIn(adaEmail)
	first := w.env.Engine.Protocol().Stages[0]
	ref := w.env.Engine.Protocol().Referral
	cases := []struct {
		name, path string
		form       url.Values // nil: the confirmation page itself (GET)
		deadlines  bool
	}{
		{"a stage's timescale", "/web/settings/stages/" + first.Key, url.Values{"name": {first.Name}, "days": {itoa(first.Days + 1)},
			"urgent_days": {itoa(first.UrgentDays)}, "ack_days": {itoa(first.AckDays)}}, true},
		{"the referral", "/web/settings/referral", url.Values{"name": {ref.Name}, "body": {ref.Body}, "role": {ref.Role},
			"days": {itoa(ref.Days + 1)}, "ack_days": {itoa(ref.AckDays)}, "guidance": {ref.Guidance}}, true},
		{"a closure day", "/web/settings/closures", url.Values{"date": {"2031-12-29"}}, true},
		{"a new category", "/web/settings/categories", url.Values{"key": {"housing"}, "name": {"Housing"}}, false},
		{"a new agency", "/web/settings/agencies", url.Values{"key": {"gp"}, "name": {"Riverside Surgery"}, "reach": {"learned"},
			"manager_name": {"Mo Manager"}, "manager_email": {"mo.manager@riverside.example.nhs.uk"}}, false},
		{"retiring an agency", "/web/settings/agencies/school/retire", nil, false},
		{"taking out a partnership role", "/web/settings/remove/roles/0", nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.form == nil {
				ada.get(c.path).expect(http.StatusOK, "Now save the change", "recorded with your name")
			} else {
				ada.get("/web/settings")
				c.form.Set("version", "1")
				ada.submit(c.path, c.form).expect(http.StatusOK, "Check the change before saving it", "recorded with your name")
			}
			if got := strings.Contains(ada.body, deadlinesKept); got != c.deadlines {
				t.Errorf("the check page of %s says open cases keep their deadlines: %v, want %v:\n%s", c.name, got, c.deadlines, ada.body)
			}
		})
	}
}

// TestSettingsCheckWarnings: a change config check accepts with a warning
// (an agency to be reached by email when there is no email section) shows the warning on the page before it is
// saved, and can still be saved; a change that brings no warning shows
// none, even when the settings already have one.
func TestSettingsCheckWarnings(t *testing.T) {
	w, live := newSettingsWorld(t)
	ada := w.browser().signIn(adaEmail)
	agency := url.Values{"version": {"1"}, "key": {"gp"}, "name": {"Riverside Surgery"}, "reach": {"email"},
		"manager_name": {"Mo Manager"}, "manager_email": {"mo.manager@riverside.example.nhs.uk"}}
	ada.get("/web/settings")
	ada.submit("/web/settings/agencies", agency).expect(http.StatusOK, "Check the change before saving it", "govuk-warning-text",
		"Warning", html.EscapeString("gp's people are to be reached by email, but there is no email section"))
	agency.Set("action", "save")
	ada.submit("/web/settings/agencies", agency).expect(http.StatusOK, "Your change is saved", "Added Riverside Surgery")
	if _, v := live.Current(); v != 2 {
		t.Fatalf("the agency saved with a warning left the settings at version %d, want 2", v)
	}

	// The settings now have gp's warning: a change that leaves it as it
	// was does not repeat it.
	ada.submit("/web/settings/categories", url.Values{"version": {"2"}, "key": {"housing"}, "name": {"Housing"}}).
		expect(http.StatusOK, "Check the change before saving it")
	if strings.Contains(ada.body, "govuk-warning-text") {
		t.Errorf("a new category's check page warns of what it does not change:\n%s", ada.body)
	}

}

// TestSettingsPageIntro: the settings page's opening says what the page
// holds: the protocol's parts and the directory's.
func TestSettingsPageIntro(t *testing.T) {
	w, _ := newSettingsWorld(t)
	ada := w.browser().signIn(adaEmail)
	ada.get("/web/settings").expect(http.StatusOK, "stages, routes, categories, reminders and quiet hours, referral, closure days",
		"agencies, contacts, safeguarding leads, case references, partnership roles")
}
