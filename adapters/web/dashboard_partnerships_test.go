package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/bot/bottest"
)

// hostedWeb is a deployment hosting two partnerships, with the agencies
// the web world's people work at.
const hostedWeb = `partnerships:
  - id: wiltshire
    partnership: wiltshire
    protocol: {routes: {front_door: "0300 456 0108"}}
    directory:
      agencies:
        - {key: school, name: Riverside School}
        - {key: health-visiting, name: Health Visiting}
      partnership_roles:
        - {name: Wil Manager, email: wil.manager@wiltshire.example.org, role: partnership manager}
        - {name: Bo Both, email: bo.both@example.org, role: partnership manager}
  - id: devon
    partnership: devon
    protocol: {routes: {front_door: "0345 155 1071"}}
    directory:
      agencies:
        - {key: police, name: Devon Police}
        - {key: devon-csc, name: Devon Children's Social Care}
      partnership_roles:
        - {name: Dev Manager, email: dev.manager@devon.example.org, role: partnership manager}
        - {name: Bo Both, email: bo.both@example.org, role: partnership manager}
`

// TestDashboardOfEachPartnership: on a deployment hosting two
// partnerships, each partnership role's dashboard is its own partnership's:
// it counts its own cases and the cross-border case, never the other's
// own, with its own partnership's stage names.
func TestDashboardOfEachPartnership(t *testing.T) {
	w := newWorldWith(t, bottest.Options{File: hostedWeb})
	ctx := context.Background()
	csc := w.env.Person(t, "dan.oak@devon-csc.example.org", "Dan Oak", "devon-csc", "")
	for _, c := range []struct{ raiser, raiserAgency, respondent, respondentAgency string }{
		{w.sam, "school", w.gp, "health-visiting"}, // Wiltshire's own
		{w.robin, "police", csc, "devon-csc"},      // Devon's own
		{w.robin, "police", csc, "devon-csc"},      // Devon's own
		{w.sam, "school", w.robin, "police"},       // Wiltshire into Devon
	} {
		if _, err := w.env.Engine.Raise(ctx, c.raiser, bottest.Intake(c.respondent, c.raiserAgency, c.respondentAgency)); err != nil {
			t.Fatal(err)
		}
	}
	w.env.Settle(t)
	for _, tc := range []struct{ email, raised, partnership string }{
		{"wil.manager@wiltshire.example.org", `aria-label="2 cases: Raised, this period`, ">Professional to Professional<"},
		{"dev.manager@devon.example.org", `aria-label="3 cases: Raised, this period`, ">Stage 1: Practitioner to practitioner<"},
	} {
		b := w.browser().signIn(tc.email)
		b.get("/web/dashboard?period=custom&from=2026-11-01&to=2026-11-30").expect(http.StatusOK, tc.raised, tc.partnership)
		if strings.Contains(tc.email, "wil") && strings.Contains(b.body, "Devon Children's Social Care") {
			t.Errorf("Wiltshire's dashboard shows Devon's own agency pair")
		}
		if strings.Contains(b.body, "/web/dashboard/partnership") {
			t.Errorf("%s, a role holder of one partnership, is offered a choice of partnership", tc.email)
		}
		b.submit("/web/dashboard/partnership", url.Values{"partnership": {"devon"}}).expect(http.StatusForbidden)
	}

	// Drilling into a stage names it in the viewer's partnership's words.
	devFirst := w.env.Engine.RulesFor("devon").Protocol.Stages[0]
	w.browser().signIn("dev.manager@devon.example.org").
		get("/web/dashboard/cases?measure=highest_stage&key="+devFirst.Key+"&period=custom&from=2026-11-01&to=2026-11-30").
		expect(http.StatusOK, ": "+devFirst.Name)

	// A partnership manager of both sees both together until they choose
	// one; then that one's figures alone, with the way back to the other.
	const period = "/web/dashboard?period=custom&from=2026-11-01&to=2026-11-30"
	bo := w.browser().signIn("bo.both@example.org")
	bo.get(period).expect(http.StatusOK, `aria-label="4 cases: Raised, this period`, "all of them together",
		">See the figures of "+w.env.Engine.PartnershipName("wiltshire")+"<", ">See the figures of "+w.env.Engine.PartnershipName("devon")+"<")
	bo.submit("/web/dashboard/partnership", url.Values{"partnership": {"devon"}}).
		expect(http.StatusOK, "These figures are for "+w.env.Engine.PartnershipName("devon"))
	bo.get(period).expect(http.StatusOK, `aria-label="3 cases: Raised, this period`, ">Stage 1: Practitioner to practitioner<",
		">See the figures of "+w.env.Engine.PartnershipName("wiltshire")+"<")
	if strings.Contains(bo.body, ">See the figures of "+w.env.Engine.PartnershipName("devon")+"<") {
		t.Errorf("the dashboard offers the partnership already shown")
	}
	for _, forged := range []string{"cornwall", "", "devon "} {
		bo.submit("/web/dashboard/partnership", url.Values{"partnership": {forged}}).expect(http.StatusForbidden)
	}
	bo.get(period).expect(http.StatusOK, `aria-label="3 cases: Raised, this period`)
	bo.submit("/web/dashboard/partnership", url.Values{"partnership": {"wiltshire"}})
	bo.get(period).expect(http.StatusOK, `aria-label="2 cases: Raised, this period`, ">Professional to Professional<")
}

// TestDashboardChoiceInBrowser: in headless Chromium a partnership manager
// of two hosted partnerships sees both together with a button for each,
// presses Devon's and sees Devon's figures alone. axe-core finds no WCAG
// 2.2 AA violation on either page.
func TestDashboardChoiceInBrowser(t *testing.T) {
	w := newWorldWith(t, bottest.Options{File: hostedWeb})
	b := w.newTab(t)
	b.Open("/web/sign-in").Fill("#f-email", "bo.both@example.org").Click("form[action='/web/sign-in'] button")
	w.env.Settle(t)
	msgs := w.smtp.Messages()
	b.Open(linkIn(t, msgs[len(msgs)-1])).Click("form[action='/web/sign-in/link'] button").Says("Your cases")
	devon := w.env.Engine.PartnershipName("devon")
	b.Open("/web/dashboard").Says("all of them together", "See the figures of "+devon).Check("both partnerships' dashboard")
	b.Click("input[value='devon'] ~ button").Says("These figures are for " + devon).Check("Devon's dashboard")
	if b.Checked != 2 {
		t.Fatalf("axe checked %d pages, want 2", b.Checked)
	}
}
