package report

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// months returns a report whose chart covers n months from January 2026,
// with a different mix of stages each month.
func months(n int) *Report {
	r := &Report{}
	labels := []string{"Professional to Professional", "Manager to Manager", "Senior Manager to Senior Manager", "Leader to Leader",
		"Referral to the partnership"}
	for i := range n {
		m := MonthStages{Month: time.Date(2026, time.Month(1+i), 1, 0, 0, 0, 0, time.UTC).Format("2006-01")}
		for s, l := range labels {
			m.Stages = append(m.Stages, Count{Key: fmt.Sprint(s), Label: l, N: max(0, (i*7+s*3)%9+1-s)})
		}
		r.ByMonth = append(r.ByMonth, m)
	}
	return r
}

// TestRenderCharts writes the chart for 1, 6, 12 and 24 months to
// CHART_OUT, when set, to look at.
func TestRenderCharts(t *testing.T) {
	dir := os.Getenv("CHART_OUT")
	if dir == "" {
		t.Skip("CHART_OUT is not set")
	}
	for _, n := range []int{1, 6, 12, 24} {
		b, err := months(n).PNG()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("chart-%02d.png", n)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
