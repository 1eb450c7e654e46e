package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/adapters/web/webtest"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
)

// emptyField empties the form field matching css, so Fill types into an empty
// one.
func emptyField(b *webtest.Tab, css string) *webtest.Tab {
	webtest.Eval[bool](b, `(document.querySelector("`+css+`").value = "", true)`)
	return b
}

// narrow fails unless the input matching css is drawn less than a third as
// wide as its form group: a number or a time of day gets a box sized for
// it (a govuk-input--width-N class), not one across the page.
func narrow(t *testing.T, b *webtest.Tab, css string) {
	t.Helper()
	js := `(() => { const i = document.querySelector("` + css + `");
		return i.getBoundingClientRect().width / i.closest(".govuk-form-group").getBoundingClientRect().width; })()`
	if r := webtest.Eval[float64](b, js); r >= 1.0/3 {
		t.Errorf("%s is drawn %.0f%% as wide as its form group, want a box sized for what it holds", css, 100*r)
	}
}

// TestSettingsInBrowser: in headless Chromium a partnership admin signs in,
// changes a stage's timescale (meeting config check's refusal first, then
// checking the change before saving it), sees it in the history, and adds
// an agency with a manager, who is then brought into a case; an open case
// keeps its deadline and a new one gets the new timescale. axe-core finds
// no WCAG 2.2 AA violation on any settings page.
func TestSettingsInBrowser(t *testing.T) {
	w, _ := newSettingsWorld(t)
	ctx := context.Background()
	first := w.env.Engine.Protocol().Stages[0]
	open := w.raise()
	b := w.newTab(t)

	b.Open("/web/sign-in").Fill("#f-email", adaEmail).Click("form[action='/web/sign-in'] button")
	w.env.Settle(t)
	msgs := w.smtp.Messages()
	b.Open(linkIn(t, msgs[len(msgs)-1])).Click("form[action='/web/sign-in/link'] button").Says("Your cases")
	b.Click("a[href='/web/settings']").Says("Settings", "Timescales", first.Name, "Agencies", "Partnership roles").Check("settings")
	b.Click("a[href='/web/settings/stages/" + first.Key + "']").Says("Timescales of " + first.Name).Check("stage timescales")
	narrow(t, b, "#f-days")
	emptyField(b, "#f-urgent_days").Fill("#f-urgent_days", itoa(first.Days+1))
	b.Click("form[action^='/web/settings/stages/'] button").
		Says("There is a problem", "the urgent timescale cannot be longer than the standard one").Check("stage timescales refused")
	days := first.Days + 5
	emptyField(b, "#f-days").Fill("#f-days", itoa(days))
	emptyField(b, "#f-urgent_days").Fill("#f-urgent_days", itoa(first.UrgentDays))
	b.Click("form[action^='/web/settings/stages/'] button").Says("Check the change before saving it", itoa(days)).Check("check the timescale")
	b.Click("form[action^='/web/settings/stages/'] button").Says("Your change is saved", itoa(days)+" working days").Check("settings after a change")
	b.Click("a[href='/web/settings/history']").Says("Changes to the settings", "Version 2", "Ada Admin", "days: "+itoa(days)).Check("history")

	if got, _ := w.env.Store.GetCase(ctx, open.ID); !got.Current().Deadline.Equal(open.Current().Deadline) {
		t.Errorf("the open case's deadline moved from %v to %v", open.Current().Deadline, got.Current().Deadline)
	}
	fresh := w.raise()
	if want := w.env.Calendar.AddWorkingDays(fresh.Current().StartedAt, days); !fresh.Current().Deadline.Equal(want) {
		t.Errorf("a new case is due %v, want %v (%d working days)", fresh.Current().Deadline, want, days)
	}

	b.Open("/web/settings").Click("a[href='/web/settings/agencies/new']").Says("Add an agency").Check("add an agency")
	b.Fill("#f-key", "gp").Fill("#f-name", "Riverside Surgery").Fill("#f-manager_name", "Mo Manager").Fill("#f-manager_email", "not-an-email")
	b.Choose("#f-reach-1")
	b.Click("form[action='/web/settings/agencies'] button").Says("There is a problem", "is not an email address").Check("add an agency refused")
	emptyField(b, "#f-manager_email").Fill("#f-manager_email", "mo.manager@riverside.example.nhs.uk")
	b.Click("form[action='/web/settings/agencies'] button").Says("Check the change before saving it", "Riverside Surgery", "By email").Check("check the agency")
	b.Click("form[action='/web/settings/agencies'] button").Says("Your change is saved", "Added Riverside Surgery", "mo.manager@riverside.example.nhs.uk")
	b.Click("a[href='/web/settings/agencies/gp']").Says("Change Riverside Surgery").Check("change an agency")

	res, err := w.env.Engine.Raise(ctx, w.sam, bottest.Intake(w.gp, "school", "gp"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.env.Engine.Acknowledge(ctx, conversation.Cmd{Actor: w.gp, CaseID: res.Case.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.env.Engine.Escalate(ctx, conversation.Cmd{Actor: w.sam, CaseID: res.Case.ID}, conversation.EscalateInput{Reason: "No answer yet."}); err != nil {
		t.Fatal(err)
	}
	w.env.Settle(t)
	emailed := false
	for _, m := range w.smtp.Messages() {
		emailed = emailed || strings.Contains(strings.Join(m.To, ","), "mo.manager@riverside.example.nhs.uk")
	}
	if !emailed {
		t.Error("the new agency's manager was not emailed about the case")
	}
	if b.Checked < 10 {
		t.Fatalf("checked %d pages, want every settings page (10)", b.Checked)
	}
}
