package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/adapters/web/webtest"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/internal/pdftext"
)

// TestDashboardInChromium: in headless Chromium, a partnership manager
// signs in by emailed link, opens the dashboard for the fixture's period,
// drills from the Raised count to its cases, opens one (the normal case
// page, and the view is recorded in its access log), sees the live lists,
// types an end date before the start and then an impossible date into the
// period's date inputs and meets each error beside its fields and in the
// error summary, downloads the board pack, whose text a PDF reader checks,
// and finds the download in the partnership's download log, recorded and
// shown on its page. axe-core finds nothing on any page.
func TestDashboardInChromium(t *testing.T) {
	w := newWorld(t)
	w.seedFixture()
	b := w.newTab(t)
	b.Open("/web/dashboard?"+fixtureQuery).Fill("#f-email", managerEmail).Click("form[action='/web/sign-in'] button")
	w.env.Settle(t)
	msgs := w.smtp.Messages()
	b.Open(linkIn(t, msgs[len(msgs)-1])).Click("form[action='/web/sign-in/link'] button")
	b.Says("Partnership dashboard", "Case resolution report: 1 May 2026 to 30 Jun 2026", "Median 4.5, 90th percentile 8, over 24 cases.",
		"Trends over the last 24 months").Check("dashboard")
	b.Click("a[aria-label^='40 cases: Raised, this period']").Says("40 cases: Raised", "CR-2026-0001", "CR-2026-0040").Check("dashboard cases")
	if strings.Contains(b.Text(), "CANARY") {
		t.Fatal("the list shows case text")
	}
	b.Click("a[href='/web/cases/CR-2026-0007']").Says("CR-2026-0007")
	log, err := w.env.Store.AuditLog(context.Background(), "CR-2026-0007")
	if err != nil {
		t.Fatal(err)
	}
	if len(log) == 0 || log[len(log)-1].Kind != conversation.EventViewed {
		t.Fatalf("opening the case from the dashboard was not recorded: %+v", log)
	}
	b.Open("/web/dashboard/attention").Says("What needs attention now", "Referrals awaiting triage", "CR-2026-0010").Check("dashboard attention")
	b.Open("/web/dashboard?" + fixtureQuery).Choose("#f-period-3")
	typeDate(b, "from", "30", "6", "2026")
	typeDate(b, "to", "1", "5", "2026")
	b.Click("form.app-period button").Says("There is a problem", "The end date must be on or after the start date").Check("dashboard with an error")
	typeDate(b, "from", "31", "2", "2026")
	b.Click("form.app-period button").Says("The start date must be a real date").Check("dashboard with an impossible date")
	typeDate(b, "from", "1", "5", "2026")
	typeDate(b, "to", "30", "6", "2026")
	b.Click("form.app-period button").
		Says("Case resolution report: 1 May 2026 to 30 Jun 2026")
	b.Open("/web/dashboard?" + fixtureQuery).Says("Case resolution report: 1 May 2026 to 30 Jun 2026")
	pack := b.Download(".govuk-button-group a[href^='/web/dashboard/board-pack.pdf']")
	text, err := pdftext.Text(pack)
	if err != nil {
		t.Fatalf("the board pack does not open: %v", err)
	}
	for _, s := range []string{"Case resolution report: 1 May 2026 to 30 Jun 2026", "Raised", "Median 4.5, 90th percentile 8, over 24 cases",
		"Trends over the last 24 months", "Disagreements raised each month", "Trends in figures", "Themes"} {
		if !strings.Contains(text, s) {
			t.Errorf("the board pack lacks %q:\n%.600s", s, text)
		}
	}
	if strings.Contains(text, "CANARY") || strings.Contains(text, "CR-2026-") {
		t.Error("the board pack holds case text or case ids")
	}
	downloads, err := w.env.Store.Downloads(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(downloads) != 1 || downloads[0].Actor != managerEmail || downloads[0].View != "board-pack" || downloads[0].From != "2026-05-01" {
		t.Fatalf("downloading the board pack was recorded as %+v", downloads)
	}
	b.Click("a[href='/web/dashboard/downloads']").Says("Downloads made from the dashboard", managerEmail, "Board pack (PDF)",
		"1 May 2026 to 30 June 2026").Check("dashboard downloads")
	if b.Checked != 6 {
		t.Fatalf("checked %d pages, want 6", b.Checked)
	}
}

// TestDashboardKeyboard: from the dashboard, the keyboard alone reaches
// the Raised count and opens its cases.
func TestDashboardKeyboard(t *testing.T) {
	w := newWorld(t)
	w.seedFixture()
	b := w.newTab(t)
	b.Open("/web/dashboard?"+fixtureQuery).Fill("#f-email", managerEmail).Click("form[action='/web/sign-in'] button")
	w.env.Settle(t)
	msgs := w.smtp.Messages()
	b.Open(linkIn(t, msgs[len(msgs)-1])).Click("form[action='/web/sign-in/link'] button").Says("Partnership dashboard")
	b.TabTo("Download the board pack")
	b.TabTo("40")
	b.Enter().Says("40 cases: Raised")
}

// typeDate types a date into the dashboard's date input name ("from" or
// "to"), over what its day, month and year fields held.
func typeDate(b *webtest.Tab, name, day, month, year string) {
	for part, v := range map[string]string{"day": day, "month": month, "year": year} {
		css := "#f-" + name + "-" + part
		webtest.Eval[bool](b, "(document.querySelector('"+css+"').value = '', true)")
		b.Fill(css, v)
	}
}
