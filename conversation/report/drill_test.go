package report_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/config"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/report"
	"github.com/resolvebot/resolvebot/internal/pdftext"
)

// TestDrillListsTheCasesBehindEachCount: for every count of the fixture's
// report, Drill lists exactly that many cases (each of the fixture's
// cases has at most one event of each kind counted).
func TestDrillListsTheCasesBehindEachCount(t *testing.T) {
	proto, err := config.Preset("generic")
	if err != nil {
		t.Fatal(err)
	}
	cases := fixture(&proto)
	r := build(t)
	p := r.Period
	tests := []struct {
		measure, key string
		want         int
	}{
		{report.MeasureRaised, "", r.Totals.Raised}, {report.MeasureResolved, "", r.Totals.Resolved},
		{report.MeasureWithdrawn, "", r.Totals.Withdrawn}, {report.MeasureOpen, "", r.Totals.Open},
		{report.MeasureDeadlinesMissed, "", r.Totals.DeadlinesMissed}, {report.MeasureMediation, "", r.Totals.Mediation},
		{report.MeasureReferrals, "", r.Totals.Referrals}, {report.MeasureSerious, "", r.Totals.SeriousConcerns},
		{"no-such-measure", "", 0},
	}
	for _, c := range r.ByCategory {
		tests = append(tests, struct {
			measure, key string
			want         int
		}{report.MeasureCategory, c.Key, c.N})
	}
	for _, c := range r.HighestStage {
		tests = append(tests, struct {
			measure, key string
			want         int
		}{report.MeasureStage, c.Key, c.N})
	}
	for _, c := range r.Outcomes {
		tests = append(tests, struct {
			measure, key string
			want         int
		}{report.MeasureOutcome, c.Key, c.N})
	}
	for _, c := range r.MissedByStage {
		tests = append(tests, struct {
			measure, key string
			want         int
		}{report.MeasureMissedAt, c.Key, c.N})
	}
	for _, pr := range r.AgencyPairs {
		tests = append(tests, struct {
			measure, key string
			want         int
		}{report.MeasurePair, pr.Raiser + ">" + pr.Respondent, pr.N})
	}
	if len(tests) < 25 {
		t.Fatalf("only %d counts to drill into", len(tests))
	}
	for _, tt := range tests {
		if got := report.Drill(cases, &proto, p, tt.measure, tt.key); len(got) != tt.want {
			t.Errorf("Drill(%s, %s) = %d cases, want %d", tt.measure, tt.key, len(got), tt.want)
		}
	}
	// The previous period: six raised, six resolved.
	if got := report.Drill(cases, &proto, r.PreviousPeriod, report.MeasureResolved, ""); len(got) != 6 {
		t.Errorf("previous period resolved = %d cases, want 6", len(got))
	}
}

// TestSummariesGiveTheSameReport: the report built from the cases'
// summaries (what the stores keep) is the report built from the cases,
// except the learning themes' words, which a summary does not hold.
func TestSummariesGiveTheSameReport(t *testing.T) {
	proto, err := config.Preset("generic")
	if err != nil {
		t.Fatal(err)
	}
	full := build(t)
	var sums []*conversation.Case
	for _, c := range fixture(&proto) {
		sums = append(sums, conversation.SummaryOf(c))
	}
	cal := conversation.NewCalendar(london, nil, 0, 0)
	agencies := []report.Agency{{"csc", "Children's Social Care"}, {"school", "Riverside Primary"}, {"health-visiting", "Health Visiting"},
		{"police", "Police"}, {"youth-justice", "Youth Justice Service"}}
	fromSums := report.Build(sums, &proto, cal, agencies, full.Period)
	full.Learning, fromSums.Learning = nil, nil
	a, _ := json.Marshal(full)
	b, _ := json.Marshal(fromSums)
	if string(a) != string(b) {
		t.Errorf("the report from summaries differs:\n%s\n%s", a, b)
	}
}

// TestTrendAndBoardPack: the trend counts the fixture's months as the
// report does, and the board pack holds the report, the trends with their
// figures and the themes, and no case text.
func TestTrendAndBoardPack(t *testing.T) {
	proto, err := config.Preset("generic")
	if err != nil {
		t.Fatal(err)
	}
	r := build(t)
	tr := report.TrendTo(fixture(&proto), r.Period.To, 24)
	if len(tr.Months) != 24 || tr.Months[23].Month != "2026-06" || tr.Months[0].Month != "2024-07" {
		t.Fatalf("months %s to %s (%d)", tr.Months[0].Month, tr.Months[len(tr.Months)-1].Month, len(tr.Months))
	}
	may := tr.Months[22].Totals
	if may.Raised != 40 || tr.Months[20].Totals.Raised != 2 || tr.Months[21].Totals.Raised != 4 {
		t.Errorf("raised March, April, May = %d, %d, %d; want 2, 4, 40", tr.Months[20].Totals.Raised, tr.Months[21].Totals.Raised, may.Raised)
	}
	svg := string(tr.SVG(tr.Series(nil)[0], "chart-raised"))
	for _, want := range []string{`role="img"`, `aria-labelledby="chart-raised"`, "Disagreements raised each month", "<rect"} {
		if !strings.Contains(svg, want) {
			t.Errorf("svg lacks %q", want)
		}
	}
	if strings.Contains(svg, "style=") {
		t.Error("the svg has style attributes, which the page's CSP refuses")
	}
	pack, err := r.BoardPack(tr)
	if err != nil {
		t.Fatal(err)
	}
	text, err := pdftext.Text(pack)
	if err != nil {
		t.Fatalf("the board pack does not open: %v", err)
	}
	for _, want := range []string{"Case resolution report: 1 May 2026 to 30 Jun 2026", "Median 4.5, 90th percentile 8, over 24 cases",
		"Trends over the last 24 months", "Disagreements raised each month", "Stage deadlines missed each month",
		"Trends in figures", "May 2026", "Themes", "Youth Justice Service raised no disagreements"} {
		if !strings.Contains(text, want) {
			t.Errorf("board pack lacks %q", want)
		}
	}
	for _, secret := range []string{"CANARY", "CR-2026-"} {
		if strings.Contains(text, secret) {
			t.Errorf("board pack holds %q", secret)
		}
	}
}
