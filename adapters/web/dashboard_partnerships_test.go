package web_test

import (
	"context"
	"net/http"
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
  - id: devon
    partnership: devon
    protocol: {routes: {front_door: "0345 155 1071"}}
    directory:
      agencies:
        - {key: police, name: Devon Police}
        - {key: devon-csc, name: Devon Children's Social Care}
      partnership_roles:
        - {name: Dev Manager, email: dev.manager@devon.example.org, role: partnership manager}
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
	}
}
