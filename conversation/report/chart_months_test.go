package report

import (
	"fmt"
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
