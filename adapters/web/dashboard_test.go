package web_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/config"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/report"
	"github.com/resolvebot/resolvebot/conversation/report/reporttest"
	"github.com/resolvebot/resolvebot/internal/pdftext"
)

const (
	managerEmail = "partnership.manager@example.org"
	leadEmail    = "lead@police.example.org"
	// fixtureQuery asks for the period the report fixture's figures are
	// worked out for: May and June 2026.
	fixtureQuery = "period=custom&from=2026-05-01&to=2026-06-30"
)

// seedFixture stores the report fixture's cases (the same cases the
// report's tests work every figure out from).
func (w *world) seedFixture() []*conversation.Case {
	w.t.Helper()
	cases := reporttest.Fixture(w.env.Engine.Protocol())
	for _, c := range cases {
		if err := w.env.Store.CreateCase(context.Background(), c); err != nil {
			w.t.Fatal(err)
		}
	}
	return cases
}

var drillRE = regexp.MustCompile(`href="(/web/dashboard/cases\?[^"]+)" aria-label="40 cases: Raised, this period`)

// TestDashboardFiguresMatchTheReport: a partnership manager's dashboard for
// the fixture's period shows the fixture's hand-worked figures, its CSV is
// the report "resolvebot report" writes (plus the same period last year),
// a count opens the list of exactly the cases behind it with no child
// reference, and the live list of referrals holds the referred cases.
func TestDashboardFiguresMatchTheReport(t *testing.T) {
	w := newWorld(t)
	w.seedFixture()
	b := w.browser().signIn(managerEmail)
	b.get("/web/").expect(http.StatusOK, `href="/web/dashboard">Partnership dashboard</a>`)
	b.get("/web/dashboard?"+fixtureQuery).expect(http.StatusOK,
		"Case resolution report: 1 May 2026 to 31 May 2026"[:0]+"Case resolution report: 1 May 2026 to 30 Jun 2026",
		`aria-label="40 cases: Raised, this period`, `aria-label="6 cases: Raised, previous period`,
		`aria-label="24 cases: Resolved, this period`, `aria-label="12 cases: Open at the end, this period`,
		`aria-label="14 cases: Deadlines missed, this period`, `aria-label="4 cases: Serious concerns logged, this period`,
		`aria-label="0 cases: Raised, same period last year`,
		"Median 4.5, 90th percentile 8, over 24 cases.", `aria-label="16 cases: Riverside Primary School (example) → Children`,
		"Trends over the last 24 months", "Disagreements raised each month", `<svg`)
	if strings.Contains(b.body, "CANARY") {
		t.Fatal("the dashboard shows case text")
	}
	m := drillRE.FindStringSubmatch(b.body)
	if m == nil {
		t.Fatal("no link from Raised to its cases")
	}
	b.get(htmlUnescape(m[1])).expect(http.StatusOK, "40 cases: Raised", `href="/web/cases/CR-2026-0001"`, `href="/web/cases/CR-2026-0040"`)
	if strings.Contains(b.body, "CANARY") || strings.Contains(b.body, "CR-2026-0100") {
		t.Fatal("the list shows case text or a case outside the count")
	}
	// The CSV is the command line's report, and the same period last year.
	b.get("/web/dashboard/report.csv?" + fixtureQuery).expect(http.StatusOK)
	period := report.Period{From: reporttest.From, To: reporttest.To}
	rep, err := bot.BuildReport(context.Background(), w.env.Store, w.env.Engine, w.env.People, period)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := rep.CSV()
	if !strings.HasPrefix(b.body, string(want)) || !strings.Contains(b.body, "same_period_last_year,raised,,0") {
		t.Fatalf("the dashboard's CSV is not the report's:\n%s\nwant it to start:\n%s", b.body, want)
	}
	if _, err := csv.NewReader(strings.NewReader(b.body)).ReadAll(); err != nil {
		t.Fatalf("the CSV does not read: %v", err)
	}
	b.get("/web/dashboard/attention").expect(http.StatusOK, "Referrals awaiting triage", `href="/web/cases/CR-2026-0010"`)
	b.get("/web/dashboard/attention.csv?list=referrals").expect(http.StatusOK, "CR-2026-0010,", "CR-2026-0040,")
	b.get("/web/dashboard/board-pack.pdf?" + fixtureQuery).expect(http.StatusOK)
	text, err := pdftext.Text([]byte(b.body))
	if err != nil {
		t.Fatalf("the board pack does not open: %v", err)
	}
	for _, s := range []string{"Median 4.5, 90th percentile 8, over 24 cases", "Trends over the last 24 months", "Themes"} {
		if !strings.Contains(text, s) {
			t.Errorf("the board pack lacks %q", s)
		}
	}
}

// TestDashboardRights: someone who is neither a partnership role nor a
// safeguarding lead is refused every dashboard page and download and has
// no link to it; a safeguarding lead sees the same report limited to
// their agency's cases; a bad period is refused with the problem named.
func TestDashboardRights(t *testing.T) {
	w := newWorldWith(t, bottest.Options{Configure: func(cfg *config.Config) {
		for i := range cfg.Directory.Agencies {
			if cfg.Directory.Agencies[i].Key == "police" {
				cfg.Directory.Agencies[i].SafeguardingLeads = []config.Contact{{Name: "Pat Lead", Email: leadEmail}}
			}
		}
	}})
	w.seedFixture()
	sam := w.browser().signIn(samEmail)
	if strings.Contains(sam.body, "/web/dashboard") {
		t.Fatal("a practitioner has a link to the dashboard")
	}
	for _, path := range []string{"/web/dashboard", "/web/dashboard/cases?measure=raised", "/web/dashboard/attention",
		"/web/dashboard/report.pdf", "/web/dashboard/board-pack.pdf", "/web/dashboard/attention.csv?list=stuck"} {
		sam.get(path).expect(http.StatusForbidden, "You cannot see the partnership dashboard")
	}
	w.env.Person(t, leadEmail, "Pat Lead", "police", "")
	lead := w.browser().signIn(leadEmail)
	lead.get("/web/dashboard?"+fixtureQuery).expect(http.StatusOK, "you see only disagreements involving Police Public Protection (example)",
		`aria-label="8 cases: Raised, this period`)
	if strings.Contains(lead.body, "Riverside Primary School (example) →") {
		t.Fatal("a lead sees other agencies' pairs")
	}
	lead.get("/web/dashboard?period=custom&from=2026-06-30&to=2026-05-01").expect(http.StatusBadRequest,
		"There is a problem", `href="#f-to-day"`, "The end date must be on or after the start date")
	lead.get("/web/dashboard/cases?"+fixtureQuery+"&measure=nonsense").expect(http.StatusNotFound, "not a figure of the report")
}
