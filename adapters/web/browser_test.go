package web_test

import (
	"flag"
	"testing"

	"github.com/resolvebot/resolvebot/adapters/web/webtest"
)

var screenshots = flag.String("screenshots", "", "write a PNG of every page the browser tests check to this directory")

// newTab starts headless Chromium on the world's web page (skipping the
// test outside CI when Chromium or axe-core is missing).
func (w *world) newTab(t *testing.T) *webtest.Tab {
	t.Helper()
	b := webtest.New(t, w.srv.URL)
	b.Screenshots = *screenshots
	return b
}

// TestEveryPageAccessible walks every page of the web page in headless
// Chromium, signing in by emailed link, acting on a case, raising one and
// meeting every refusal, and runs axe-core (WCAG 2.2 AA) on each: any
// violation fails.
func TestEveryPageAccessible(t *testing.T) {
	w := newWorld(t)
	c := w.raise()
	b := w.newTab(t)

	b.Open("/web/cases/"+c.ID).Says("Sign in", "Work email address").Check("sign in")
	b.Click("form[action='/web/sign-in'] button").Says("There is a problem", "Enter your work email address").Check("sign in with an error")
	b.Fill("#f-email", gpEmail).Click("form[action='/web/sign-in'] button").Says("Check your email").Check("check your email")
	w.env.Settle(t)
	msgs := w.smtp.Messages()
	link := linkIn(t, msgs[len(msgs)-1])
	b.Open(link).Says("Continue", gpEmail).Check("sign-in link")
	b.Click("form[action='/web/sign-in/link'] button").Says(c.ID, "CSC-204913", "Acknowledge").Check("case page")
	b.Click("form[action$='/acknowledge'] button").Says("You acknowledged " + c.ID).Check("case page after a step")
	b.Open("/web/").Says("Waiting on you", "Your cases", c.ID).Check("your cases")
	b.Open("/web/cases/" + c.ID + "/respond?version=2").Says("Your response").Check("respond form")
	b.Click("form[action$='/respond'] button").Says("There is a problem").Check("respond form with an error")
	b.Fill("#f-text", "We closed it because the threshold for a statutory assessment was not met; happy to talk it through.").
		Click("form[action$='/respond'] button").Says("Your response is recorded")
	b.Open("/web/cases/" + c.ID + "/propose?version=3").Says("Agreed way forward").Check("propose form")
	b.Fill("#f-way_forward", "An early help assessment led by the school, with health visiting.").
		Fill("#f-actions", "Start the early help assessment | Sam Patel | 2026-12-04").
		Click("form[action$='/propose'] button").Says("Your proposal has been sent")
	b.Open("/web/profile").Says("Your profile", "Your agency").Check("profile")
	b.Open("/web/cases/CR-2026-9999").Says("You cannot see this case").Check("refused case")
	b.Open("/web/no-such-page").Says("Page not found").Check("not found")
	b.Click("form[action='/web/sign-out'] button").Says("You have signed out").Check("signed out")

	// Sam confirms the proposal and raises another disagreement.
	b.Open("/web/sign-in").Fill("#f-email", samEmail).Click("form[action='/web/sign-in'] button")
	w.env.Settle(t)
	msgs = w.smtp.Messages()
	b.Open(linkIn(t, msgs[len(msgs)-1])).Click("form[action='/web/sign-in/link'] button").Says("Waiting on you", c.ID)
	b.Open("/web/cases/" + c.ID).Says("Confirm").Check("case page with a proposal")
	b.Click("a[href^='/web/cases/" + c.ID + "/confirm']").Says("The case will be marked resolved").Check("are you sure")
	b.Click("form[action$='/confirm'] button").Says(c.ID + " is resolved")
	b.Open("/web/raise").Says("Raise").Check("raise a disagreement")
	b.Click("form[action='/web/raise'] button").Says("There is a problem").Check("raise with errors")
	b.Choose("#f-immediate_risk").Click("form[action='/web/raise'] button").Says("Please act now").Check("immediate risk")
	b.Open("/web/raise")
	for _, css := range []string{"input[name='immediate_risk'][value='no']", "input[name='about'][value='other_agency']",
		"input[name='respondent_agency'][value='health-visiting']", "input[name='category'][value='threshold']",
		"input[name='evidence_kind'][value='evidence']", "input[name='urgency'][value='standard']", "#f-reflection", "#f-reflection-1",
		"input[name='family_informed'][value='no']", "input[name='serious_concern'][value='no']"} {
		b.Choose(css)
	}
	b.Fill("#f-child_ref", "CSC-77110").Fill("#f-respondent", gpEmail).Fill("#f-decision", "The referral was closed.").
		Fill("#f-concern", "The child has missed three appointments.").Fill("#f-evidence", "Clinic letters.").
		Fill("#f-outcome_sought", "A review of the decision.")
	b.Click("form[action='/web/raise'] button").Says("Check your answers before sending", "CSC-77110", "Dr Jones").Check("check your answers")
	b.Click("a[href='/web/raise?change=child_ref']").Says("Change your answer").Check("change an answer")
	b.Click("form[action='/web/raise'] button").Says("Check your answers before sending")
	b.Click("form[action='/web/raise/send'] button").Says("Your disagreement is raised as case CR-2026-0002", "CSC-77110")
	b.Open(link).Says("This sign-in link does not work").Check("used link")
	if b.Checked < 22 {
		t.Fatalf("checked %d pages, want every page (22)", b.Checked)
	}
}

// TestKeyboardOnly signs in and acknowledges a case with the keyboard
// alone (Tab and Enter), checking that each control is reached in a
// sensible order and shows where the focus is.
func TestKeyboardOnly(t *testing.T) {
	w := newWorld(t)
	c := w.raise()
	b := w.newTab(t)
	b.Open("/web/cases/" + c.ID)
	b.TabTo("Skip to main content")
	b.TabTo("Work email address")
	b.Keys(gpEmail)
	b.TabTo("Email me a link")
	b.Enter().Says("Check your email")
	w.env.Settle(t)
	msgs := w.smtp.Messages()
	b.Open(linkIn(t, msgs[len(msgs)-1]))
	b.TabTo("Continue")
	b.Enter().Says(c.ID, "Acknowledge")
	b.TabTo("Acknowledge")
	b.Enter().Says("You acknowledged " + c.ID)
	b.TabTo("Respond")
	b.Enter().Says("Your response")
	b.TabTo("Your response")
	b.Keys("Closed under threshold; glad to meet.")
	b.TabTo("Respond")
	b.Enter().Says("Your response is recorded")
}

// TestOIDCPagesAccessible: signing in with the organisation's provider in
// headless Chromium, the sign-in page with its button and the page the
// provider sends the browser back to pass axe-core, and Continue lands on
// the case.
func TestOIDCPagesAccessible(t *testing.T) {
	w := newWorld(t)
	c := w.raise()
	p := newIdP(t)
	p.email = gpEmail
	w.withIdP(p)
	b := w.newTab(t)
	b.Open("/web/cases/" + c.ID).Says("Sign in with Exampleshire NHS").Check("sign in with a provider")
	b.Click("form[action='/web/sign-in/oidc'] button").Says("Your organisation has confirmed who you are").Check("back from the provider")
	b.Click("form[action='/web/sign-in/oidc/callback'] button").Says(c.ID, "Acknowledge")
	if b.Checked != 2 {
		t.Fatalf("checked %d pages, want 2", b.Checked)
	}
}
