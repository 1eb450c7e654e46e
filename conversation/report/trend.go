package report

import (
	"bytes"
	"fmt"
	"github.com/resolvebot/resolvebot/bot/messages"
	"html"
	"strconv"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
)

// MonthTotals is one month's headline counts.
type MonthTotals struct {
	Month  string `json:"month"` // YYYY-MM
	Totals Totals `json:"totals"`
}

// Trend is the headline counts month by month, oldest first.
type Trend struct {
	Months []MonthTotals `json:"months"`
}

// TrendTo returns the n calendar months before the month containing end
// (in end's zone), ending with that month when to the end of it, counted
// by the same rules as the report's totals.
func TrendTo(cases []*conversation.Case, end time.Time, n int) Trend {
	months := trendMonths(end, n)
	return trendOf(months, TotalsEach(cases, months))
}

// trendMonths are the n calendar months of TrendTo(_, end, n), oldest
// first.
func trendMonths(end time.Time, n int) []Period {
	last := Month(end)
	if end.Equal(last.From) { // end is the first moment of a month: that month is not in it
		last = last.Previous()
	}
	months := make([]Period, 0, n)
	for i := n - 1; i >= 0; i-- {
		from := last.From.AddDate(0, -i, 0)
		months = append(months, Period{From: from, To: from.AddDate(0, 1, 0)})
	}
	return months
}

// trendOf is the trend of months whose figures are totals, in order.
func trendOf(months []Period, totals []Totals) Trend {
	t := Trend{Months: make([]MonthTotals, 0, len(months))}
	for i, m := range months {
		t.Months = append(t.Months, MonthTotals{Month: m.From.Format("2006-01"), Totals: totals[i]})
	}
	return t
}

// Series is one measure of a trend, month by month.
type Series struct {
	Key    string // the measure (see Drill)
	Title  string // e.g. "Disagreements raised each month"
	Values []int
}

// Series returns the trend's charts: raised, resolved, open at each
// month's end, and stage deadlines missed, titled in w's words (the
// catalogue as it is when w is nil).
func (t Trend) Series(w *messages.Catalogue) []Series {
	if w == nil {
		w = messages.English()
	}
	pick := []struct {
		key, title string
		get        func(Totals) int
	}{
		{MeasureRaised, w.Text("reportdoc.trend.raised", nil), func(t Totals) int { return t.Raised }},
		{MeasureResolved, w.Text("reportdoc.trend.resolved", nil), func(t Totals) int { return t.Resolved }},
		{MeasureOpen, w.Text("reportdoc.trend.open", nil), func(t Totals) int { return t.Open }},
		{MeasureDeadlinesMissed, w.Text("reportdoc.trend.deadlines_missed", nil), func(t Totals) int { return t.DeadlinesMissed }},
	}
	out := make([]Series, 0, len(pick))
	for _, p := range pick {
		s := Series{Key: p.key, Title: p.title}
		for _, m := range t.Months {
			s.Values = append(s.Values, p.get(m.Totals))
		}
		out = append(out, s)
	}
	return out
}

// MonthName names a YYYY-MM month for people: "Mar 2026".
func MonthName(key string) string { return monthLabel(key, true) }

// bar is one bar of a chart, in the chart's own units (see layoutBars).
type bar struct {
	x, y, w, h float64
	label      string // the month's axis label, or "" when not labelled
}

// The trend chart's size in its own units (SVG pixels; millimetres × 0.4
// in the PDF).
const (
	trendW, trendH             = 640.0, 220.0
	trendLeft, trendBottom     = 40.0, 28.0
	trendTop, trendRight       = 12.0, 8.0
	trendBarShare, trendLabelN = 0.7, 3 // every third month labelled, counted back from the newest
)

// layoutBars places one bar per month and the axis ticks.
func layoutBars(months []string, values []int) (bars []bar, ticks []int, top float64) {
	tallest := 0
	for _, v := range values {
		tallest = max(tallest, v)
	}
	top = wholeTicks{}.top(float64(tallest))
	for _, tk := range (wholeTicks{}).Ticks(0, top) {
		ticks = append(ticks, int(tk.Value))
	}
	plotW, plotH := trendW-trendLeft-trendRight, trendH-trendTop-trendBottom
	slot := plotW / float64(max(1, len(values)))
	for i, v := range values {
		h := plotH * float64(v) / top
		b := bar{x: trendLeft + slot*float64(i) + slot*(1-trendBarShare)/2, w: slot * trendBarShare, y: trendTop + plotH - h, h: h}
		if (len(values)-1-i)%trendLabelN == 0 {
			b.label = monthLabel(months[i], i < trendLabelN || months[i][5:] == "01")
		}
		bars = append(bars, b)
	}
	return bars, ticks, top
}

// months returns the trend's month keys.
func (t Trend) months() []string {
	out := make([]string, len(t.Months))
	for i, m := range t.Months {
		out[i] = m.Month
	}
	return out
}

// SVG draws s as a bar chart, one bar a month, for a web page: SVG with
// presentation attributes only (no style), its title as its accessible
// name under id. The data table beside it carries the figures.
func (t Trend) SVG(s Series, id string) []byte {
	bars, ticks, top := layoutBars(t.months(), s.Values)
	plotH := trendH - trendTop - trendBottom
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %g %g" width="100%%" role="img" aria-labelledby="%s" class="app-chart">`, trendW, trendH, html.EscapeString(id))
	fmt.Fprintf(&b, `<title id="%s">%s</title>`, html.EscapeString(id), html.EscapeString(s.Title))
	for _, tk := range ticks {
		y := trendTop + plotH - plotH*float64(tk)/top
		fmt.Fprintf(&b, `<line x1="%g" x2="%g" y1="%.1f" y2="%.1f" stroke="#b1b4b6" stroke-width="1"/>`, trendLeft, trendW-trendRight, y, y)
		fmt.Fprintf(&b, `<text x="%g" y="%.1f" text-anchor="end" font-size="12" fill="#0b0c0c" font-family="Arial, sans-serif">%d</text>`, trendLeft-6, y+4, tk)
	}
	for _, br := range bars {
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#1d70b8"/>`, br.x, br.y, br.w, br.h)
		if br.label != "" {
			fmt.Fprintf(&b, `<text x="%.1f" y="%g" text-anchor="middle" font-size="12" fill="#0b0c0c" font-family="Arial, sans-serif">%s</text>`, br.x+br.w/2, trendH-10, html.EscapeString(br.label))
		}
	}
	b.WriteString(`</svg>`)
	return b.Bytes()
}

// CSV returns the trend as rows of month and each series' value.
func (t Trend) CSV() [][]string {
	series := t.Series(nil) // only the keys are used
	head := []string{"month"}
	for _, s := range series {
		head = append(head, s.Key)
	}
	rows := [][]string{head}
	for i, m := range t.Months {
		row := []string{m.Month}
		for _, s := range series {
			row = append(row, strconv.Itoa(s.Values[i]))
		}
		rows = append(rows, row)
	}
	return rows
}
