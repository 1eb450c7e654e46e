package web_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/config"
	"github.com/resolvebot/resolvebot/internal/pdftext"
)

// TestDashboardDownloadsRecorded: every download from the dashboard (the
// report as PDF and CSV, the trends, the board pack, the cases behind a
// figure and the live lists, as CSV and PDF) is recorded in the
// partnership's download log with who, which view, format, period and
// figure, and nothing about a case; a safeguarding lead's download is
// recorded with the agencies it covered; a refused one is not recorded.
// The log page shows them to a partnership role, newest first, and is
// refused to a safeguarding lead and a practitioner.
func TestDashboardDownloadsRecorded(t *testing.T) {
	w := newWorldWith(t, bottest.Options{Configure: func(cfg *config.Config) {
		for i := range cfg.Directory.Agencies {
			if cfg.Directory.Agencies[i].Key == "police" {
				cfg.Directory.Agencies[i].SafeguardingLeads = []config.Contact{{Name: "Pat Lead", Email: leadEmail}}
			}
		}
	}})
	w.seedFixture()
	ctx := context.Background()
	b := w.browser().signIn(managerEmail)
	b.get("/web/dashboard/downloads").expect(http.StatusOK, "Nobody has downloaded anything from the dashboard yet.")
	downloads := []struct {
		path                       string
		view, format, from, detail string
	}{
		{"/web/dashboard/report.pdf?" + fixtureQuery, "report", "pdf", "2026-05-01", ""},
		{"/web/dashboard/report.csv?" + fixtureQuery, "report", "csv", "2026-05-01", ""},
		{"/web/dashboard/trends.csv?" + fixtureQuery, "trends", "csv", "2026-05-01", ""},
		{"/web/dashboard/board-pack.pdf?" + fixtureQuery, "board-pack", "pdf", "2026-05-01", ""},
		{"/web/dashboard/cases.csv?" + fixtureQuery + "&measure=raised", "cases", "csv", "2026-05-01", "raised"},
		{"/web/dashboard/cases.pdf?" + fixtureQuery + "&measure=category&key=neglect", "cases", "pdf", "2026-05-01", "category neglect"},
		{"/web/dashboard/attention.csv?list=referrals", "attention", "csv", "", "referrals"},
		{"/web/dashboard/attention.pdf", "attention", "pdf", "", "all"},
	}
	for _, d := range downloads {
		b.get(d.path).expect(http.StatusOK)
	}
	log, err := w.env.Store.Downloads(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != len(downloads) {
		t.Fatalf("%d downloads recorded, want %d: %+v", len(log), len(downloads), log)
	}
	for i, d := range downloads {
		r := log[len(log)-1-i]
		if r.Actor != managerEmail || r.View != d.view || r.Format != d.format || r.From != d.from || r.Detail != d.detail || r.Scope != nil || r.At.IsZero() {
			t.Errorf("%s recorded as %+v", d.path, r)
		}
		if d.from != "" && r.To != "2026-06-30" {
			t.Errorf("%s recorded the period's end as %q", d.path, r.To)
		}
	}
	b.get("/web/dashboard/downloads").expect(http.StatusOK, "Downloads made from the dashboard", managerEmail,
		"Board pack (PDF)", "1 May 2026 to 30 June 2026", "Cases behind a figure (CSV)", "Raised", "Referrals awaiting triage",
		"All the live lists", "As things stood then", "The whole partnership")
	if strings.Index(b.body, "All the live lists") > strings.Index(b.body, "Board pack (PDF)") {
		t.Error("the log page does not show the newest first")
	}
	if strings.Contains(b.body, "CR-2026-") || strings.Contains(b.body, "CANARY") {
		t.Error("the download log shows a case")
	}
	b.get("/web/dashboard?"+fixtureQuery).expect(http.StatusOK, `href="/web/dashboard/downloads"`)

	sam := w.browser().signIn(samEmail)
	sam.get("/web/dashboard/board-pack.pdf?"+fixtureQuery).expect(http.StatusForbidden, "You cannot see the partnership dashboard")
	sam.get("/web/dashboard/downloads").expect(http.StatusForbidden)
	w.env.Person(t, leadEmail, "Pat Lead", "police", "")
	lead := w.browser().signIn(leadEmail)
	lead.get("/web/dashboard/downloads").expect(http.StatusForbidden, "You cannot see the download log")
	lead.get("/web/dashboard?" + fixtureQuery).expect(http.StatusOK)
	if strings.Contains(lead.body, "/web/dashboard/downloads") {
		t.Error("a safeguarding lead has a link to the download log")
	}
	lead.get("/web/dashboard/trends.csv?" + fixtureQuery).expect(http.StatusOK)
	log, err = w.env.Store.Downloads(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != len(downloads)+1 || log[0].Actor != leadEmail || !slices.Equal(log[0].Scope, []string{"police"}) {
		t.Fatalf("the lead's download (and none of the refused ones) recorded as %+v", log[:min(2, len(log))])
	}
	b.get("/web/dashboard/downloads").expect(http.StatusOK, leadEmail, "Police Public Protection (example)")
}

// TestDashboardListPDFs: the cases behind a figure and the live lists come
// as PDFs a PDF reader opens, holding the lists' cases and columns and no
// child reference or case text.
func TestDashboardListPDFs(t *testing.T) {
	w := newWorld(t)
	w.seedFixture()
	b := w.browser().signIn(managerEmail)
	b.get("/web/dashboard/cases?"+fixtureQuery+"&measure=raised").expect(http.StatusOK, `href="/web/dashboard/cases.pdf?`, "These cases (PDF)")
	for _, tc := range []struct {
		path string
		want []string
	}{
		{"/web/dashboard/cases.pdf?" + fixtureQuery + "&measure=raised",
			[]string{"40 cases: Raised, 1 May 2026 to 30 June 2026", "Case", "Raised by", "Category", "CR-2026-0001", "CR-2026-0040",
				"Lists show no child reference"}},
		{"/web/dashboard/attention.pdf", []string{"What needs attention now", "Referrals awaiting triage", "Stuck or past their deadline",
			"CR-2026-0010", "Agreed actions overdue"}},
	} {
		b.get(tc.path).expect(http.StatusOK)
		text, err := pdftext.Text([]byte(b.body))
		if err != nil {
			t.Fatalf("%s does not open: %v", tc.path, err)
		}
		for _, s := range tc.want {
			if !strings.Contains(text, s) {
				t.Errorf("%s lacks %q:\n%.800s", tc.path, s, text)
			}
		}
		if strings.Contains(text, "CANARY") {
			t.Errorf("%s holds a child reference or case text", tc.path)
		}
		if strings.HasPrefix(tc.path, "/web/dashboard/cases.pdf") && strings.Contains(text, "CR-2026-0100") {
			t.Errorf("%s holds a case outside the count", tc.path)
		}
	}
	b.get("/web/dashboard/attention").expect(http.StatusOK, `href="/web/dashboard/attention.pdf"`)
	log, err := w.env.Store.Downloads(context.Background(), 0)
	if err != nil || len(log) != 2 {
		t.Fatalf("the two PDF downloads recorded as %+v, %v", log, err)
	}
}
