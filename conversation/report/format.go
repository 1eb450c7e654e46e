package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/resolvebot/resolvebot/bot/messages"
)

// Formats lists the output formats Render accepts.
var Formats = []string{"md", "csv", "json", "png", "pdf"}

// Render writes the report in format ("md", "csv", "json" or "png").
// Returns an error for an unknown format or a chart that cannot be drawn.
func (r *Report) Render(format string) ([]byte, error) {
	switch format {
	case "md", "markdown":
		return []byte(r.Markdown()), nil
	case "csv":
		return r.CSV()
	case "json":
		return r.JSON()
	case "png":
		return r.PNG()
	case "pdf":
		return r.PDF()
	}
	return nil, fmt.Errorf("unknown report format %q; choose one of %s", format, strings.Join(Formats, ", "))
}

// JSON returns the report as indented JSON.
func (r *Report) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode report: %w", err)
	}
	return append(b, '\n'), nil
}

// delta says how a count moved: "+2", "-1" or, in w's words, "no change".
func delta(w *messages.Catalogue, now, before int) string {
	switch d := now - before; {
	case d > 0:
		return fmt.Sprintf("+%d", d)
	case d < 0:
		return strconv.Itoa(d)
	}
	return w.Text("reportdoc.no_change", nil)
}

// Title names the report: "Annual report 2026: Case Resolution Protocol"
// for a calendar year, otherwise "Case resolution report: 1 May 2026 to 30
// June 2026".
func (r *Report) Title() string {
	w := r.words()
	if r.Period.IsYear() {
		year := r.Period.From.Format("2006")
		if r.Protocol != "" {
			return w.Text("reportdoc.title.annual.of", messages.Args{"year": year, "protocol": r.Protocol})
		}
		return w.Text("reportdoc.title.annual", messages.Args{"year": year})
	}
	day := "2 Jan 2006"
	return w.Text("reportdoc.title", messages.Args{"from": r.Period.From.Format(day), "to": r.Period.To.AddDate(0, 0, -1).Format(day)})
}

// columns names the two periods compared: "2026" and "2025" for an annual
// report, "this period" and "previous period" otherwise.
func (r *Report) columns() (now, before string) {
	if r.Period.IsYear() {
		return r.Period.From.Format("2006"), r.PreviousPeriod.From.Format("2006")
	}
	return r.words().Text("reportdoc.column.now", nil), r.words().Text("reportdoc.column.before", nil)
}

// Purpose says, for an annual report, who it is for and what it covers, in
// the protocols' own words ("tabled with the Partnership Executive Group";
// "the detail of conflicts raised and resolved"); "" for other periods.
func (r *Report) Purpose() string {
	if !r.Period.IsYear() {
		return ""
	}
	day := "2 January 2006"
	w := r.words()
	s := w.Text("reportdoc.purpose", messages.Args{"from": r.Period.From.Format(day), "to": r.Period.To.AddDate(0, 0, -1).Format(day)})
	if r.TabledWith != "" {
		s = w.Text("reportdoc.purpose.tabled", messages.Args{"who": r.TabledWith, "purpose": s})
	}
	return s
}

// Text returns the report as plain lines for a chat message, which may not
// render Markdown tables: the headline counts with the previous period, the
// working days to resolution, the largest categories and agency pairs, and
// the low-challenge warning. The files carry the rest.
func (r *Report) Text() string {
	var b strings.Builder
	w := r.words()
	day := "2 Jan 2006"
	if r.Period.IsYear() {
		fmt.Fprintf(&b, "%s\n%s\n%s\n", r.Title(), r.Purpose(), w.Text("reportdoc.text.in_brackets", messages.Args{"year": r.PreviousPeriod.From.Format("2006")}))
	} else {
		fmt.Fprintf(&b, "%s\n", w.Text("reportdoc.text.period", messages.Args{"from": r.Period.From.Format(day), "to": r.Period.To.AddDate(0, 0, -1).Format(day)}))
	}
	for _, row := range r.totalRows() {
		fmt.Fprintf(&b, "• %s: %d (%d)\n", row.label, row.now, row.then)
	}
	if rd := r.ResolutionDays; rd.Cases > 0 {
		fmt.Fprintf(&b, "• %s\n", w.Text("reportdoc.text.resolution_days", messages.Args{"median": num(rd.Median), "p90": num(rd.P90), "cases": r.cases(rd.Cases)}))
	}
	top := func(title string, cs []Count) {
		var parts []string
		for _, c := range cs {
			if c.N > 0 && len(parts) < 3 {
				parts = append(parts, fmt.Sprintf("%s %d", c.Label, c.N))
			}
		}
		if len(parts) > 0 {
			fmt.Fprintf(&b, "• %s: %s\n", title, strings.Join(parts, "; "))
		}
	}
	top(w.Text("reportdoc.text.top_categories", nil), sortedCounts(r.ByCategory))
	top(w.Text("reportdoc.highest_stage", nil), r.HighestStage)
	var pairs []string
	for i, p := range r.AgencyPairs {
		if i == 3 {
			break
		}
		pairs = append(pairs, fmt.Sprintf("%s %d", r.about(p), p.N))
	}
	if len(pairs) > 0 {
		fmt.Fprintf(&b, "• %s: %s\n", w.Text("reportdoc.text.most_disagreements", nil), strings.Join(pairs, "; "))
	}
	if r.Actions.Any() {
		fmt.Fprintf(&b, "• %s: %s\n", w.Text("reportdoc.actions", nil), r.Actions.line(w))
	}
	if len(r.Learning) > 0 {
		fmt.Fprintf(&b, "• %s\n", w.Text("reportdoc.text.learning", nil))
		for _, l := range r.learningLines() {
			fmt.Fprintf(&b, "  %s\n", l)
		}
	}
	if ob := r.Observed; ob != nil {
		fmt.Fprintf(&b, "• %s: %s\n", ob.title(w), strings.Join(r.observedLines(), ". "))
	}
	if len(r.NoChallengeFrom) > 0 {
		fmt.Fprintf(&b, "%s\n", w.Text("reportdoc.text.low_challenge", messages.Args{"agencies": r.noChallenge()}))
	}
	return strings.TrimRight(b.String(), "\n")
}

// sortedCounts returns cs largest first, keeping the order of ties.
func sortedCounts(cs []Count) []Count {
	out := slices.Clone(cs)
	slices.SortStableFunc(out, func(a, b Count) int { return b.N - a.N })
	return out
}

type totalRow struct {
	label     string
	now, then int
}

// totalRows pairs each headline count with the previous period's.
func (r *Report) totalRows() []totalRow {
	t, p, w := r.Totals, r.Previous, r.words()
	rows := []totalRow{
		{w.Text("reportdoc.total.raised", nil), t.Raised, p.Raised},
		{w.Text("reportdoc.total.resolved", nil), t.Resolved, p.Resolved},
		{w.Text("reportdoc.total.withdrawn", nil), t.Withdrawn, p.Withdrawn},
		{w.Text("reportdoc.total.open", nil), t.Open, p.Open},
		{w.Text("reportdoc.total.deadlines_missed", nil), t.DeadlinesMissed, p.DeadlinesMissed},
		{w.Text("reportdoc.total.mediation", nil), t.Mediation, p.Mediation},
		{w.Text("reportdoc.total.referrals", nil), t.Referrals, p.Referrals},
		{w.Text("reportdoc.total.serious_concerns", nil), t.SeriousConcerns, p.SeriousConcerns},
	}
	if t.CrossBorder+p.CrossBorder > 0 { // on a deployment hosting several partnerships
		rows = append(rows, totalRow{w.Text("partnerships.report.cross_border", nil), t.CrossBorder, p.CrossBorder})
	}
	// Deep-dive decisions, under a protocol whose serious-concern role
	// makes them (or where some were made).
	if r.DeepDiveRole != "" || t.DeepDives+t.NoDeepDives+p.DeepDives+p.NoDeepDives > 0 {
		rows = append(rows, totalRow{w.Text("reportdoc.total.deep_dives", nil), t.DeepDives, p.DeepDives},
			totalRow{w.Text("reportdoc.total.no_deep_dives", nil), t.NoDeepDives, p.NoDeepDives})
	}
	return rows
}

// Headlines returns the report's totals as lines, "Raised: 4 (previous
// period 2)", one per count: numbers only, never a case or an agency, for
// an email that says the report is ready.
func (r *Report) Headlines() []string {
	rows := r.totalRows()
	out := make([]string, 0, len(rows))
	for _, row := range rows {
		out = append(out, r.words().Text("reportdoc.headline", messages.Args{"label": row.label, "now": row.now, "then": row.then}))
	}
	return out
}

// Markdown returns the report as a Markdown document with tables.
func (r *Report) Markdown() string {
	var b strings.Builder
	w := r.words()
	fmt.Fprintf(&b, "# %s\n\n", r.Title())
	if r.Partnership != "" {
		fmt.Fprintf(&b, "%s\n\n", r.Partnership)
	}
	if p := r.Purpose(); p != "" {
		fmt.Fprintf(&b, "%s\n\n", p)
	}
	now, before := r.columns()
	fmt.Fprintf(&b, "| | %s | %s | %s |\n|---|---:|---:|---|\n", now, before, w.Text("reportdoc.column.change", nil))
	for _, row := range r.totalRows() {
		fmt.Fprintf(&b, "| %s | %d | %d | %s |\n", row.label, row.now, row.then, delta(w, row.now, row.then))
	}
	if rd := r.ResolutionDays; rd.Cases > 0 {
		fmt.Fprintf(&b, "\n%s\n", w.Text("reportdoc.md.resolution_days", messages.Args{"cases": r.cases(rd.Cases), "median": num(rd.Median), "p90": num(rd.P90)}))
	}
	counts := func(title string, cs []Count) {
		if len(cs) == 0 {
			return
		}
		fmt.Fprintf(&b, "\n## %s\n\n", title)
		for _, c := range cs {
			fmt.Fprintf(&b, "- %s: %d\n", c.Label, c.N)
		}
	}
	counts(w.Text("reportdoc.by_category", nil), r.ByCategory)
	counts(w.Text("reportdoc.highest_stage", nil), r.HighestStage)
	counts(w.Text("reportdoc.outcomes", nil), r.Outcomes)
	counts(w.Text("reportdoc.missed_by_stage", nil), r.MissedByStage)
	if r.Actions.Any() {
		fmt.Fprintf(&b, "\n## %s\n\n", w.Text("reportdoc.actions", nil))
		for _, l := range r.Actions.lines(w) {
			fmt.Fprintf(&b, "- %s\n", l)
		}
	}
	if len(r.Learning) > 0 {
		fmt.Fprintf(&b, "\n## %s\n\n", w.Text("reportdoc.learning", nil))
		for _, l := range r.learningLines() {
			if strings.HasPrefix(l, "    ") {
				fmt.Fprintf(&b, "  - %s\n", strings.TrimSpace(l))
			} else {
				fmt.Fprintf(&b, "- %s\n", l)
			}
		}
	}
	if len(r.AgencyPairs) > 0 {
		fmt.Fprintf(&b, "\n## %s\n\n%s\n|---|---|---:|\n", w.Text("reportdoc.pairs", nil), w.Text("reportdoc.md.pairs.columns", nil))
		for _, pr := range r.AgencyPairs {
			fmt.Fprintf(&b, "| %s | %s | %d |\n", r.AgencyName(pr.Raiser), r.AgencyName(pr.Respondent), pr.N)
		}
	}
	if ob := r.Observed; ob != nil {
		fmt.Fprintf(&b, "\n## %s\n\n", ob.title(w))
		for _, l := range r.observedLines() {
			fmt.Fprintf(&b, "- %s\n", l)
		}
	}
	if len(r.NoChallengeFrom) > 0 {
		fmt.Fprintf(&b, "\n**%s:** %s\n", w.Text("reportdoc.low_challenge", nil), w.Text("reportdoc.low_challenge.text", messages.Args{"agencies": r.noChallenge()}))
	}
	return b.String()
}

// cases counts cases in the report's words: "1 case", "2 cases".
func (r *Report) cases(n int) string {
	return r.words().Text("reportdoc.cases", messages.Args{"count": n})
}

// about names an agency pair: "School about Health".
func (r *Report) about(p Pair) string {
	return r.words().Text("reportdoc.pair", messages.Args{"raiser": r.AgencyName(p.Raiser), "respondent": r.AgencyName(p.Respondent)})
}

// noChallenge lists the agencies that raised no disagreements.
func (r *Report) noChallenge() string {
	names := make([]string, 0, len(r.NoChallengeFrom))
	for _, c := range r.NoChallengeFrom {
		names = append(names, c.Label)
	}
	return strings.Join(names, ", ")
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// CSV returns the report as rows of section, key, label, value, so it can
// be loaded into a spreadsheet.
func (r *Report) CSV() ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	rows := [][]string{{"section", "key", "label", "value"},
		{"period", "from", "", r.Period.From.Format("2006-01-02")},
		{"period", "to", "", r.Period.To.Format("2006-01-02")}}
	add := func(section string, t Totals) {
		for _, kv := range []struct {
			k string
			n int
		}{{"raised", t.Raised}, {"resolved", t.Resolved}, {"withdrawn", t.Withdrawn}, {"open", t.Open},
			{"deadlines_missed", t.DeadlinesMissed}, {"mediation", t.Mediation}, {"referrals", t.Referrals},
			{"serious_concerns", t.SeriousConcerns}, {"deep_dives_needed", t.DeepDives}, {"deep_dives_not_needed", t.NoDeepDives}} {
			rows = append(rows, []string{section, kv.k, "", strconv.Itoa(kv.n)})
		}
		if r.Totals.CrossBorder+r.Previous.CrossBorder > 0 {
			rows = append(rows, []string{section, "cross_border", "", strconv.Itoa(t.CrossBorder)})
		}
	}
	add("totals", r.Totals)
	add("previous", r.Previous)
	rows = append(rows,
		[]string{"resolution_working_days", "cases", "", strconv.Itoa(r.ResolutionDays.Cases)},
		[]string{"resolution_working_days", "median", "", num(r.ResolutionDays.Median)},
		[]string{"resolution_working_days", "p90", "", num(r.ResolutionDays.P90)})
	for _, s := range []struct {
		name string
		cs   []Count
	}{{"category", r.ByCategory}, {"highest_stage", r.HighestStage}, {"outcome", r.Outcomes},
		{"deadlines_missed_by_stage", r.MissedByStage}, {"no_challenge_from", r.NoChallengeFrom}} {
		for _, c := range s.cs {
			rows = append(rows, []string{s.name, c.Key, c.Label, strconv.Itoa(c.N)})
		}
	}
	rows = append(rows,
		[]string{"actions", "agreed", "", strconv.Itoa(r.Actions.Agreed)},
		[]string{"actions", "done_on_time", "", strconv.Itoa(r.Actions.DoneOnTime)},
		[]string{"actions", "done_late", "", strconv.Itoa(r.Actions.DoneLate)},
		[]string{"actions", "overdue", "", strconv.Itoa(r.Actions.Overdue)})
	for _, l := range r.Learning {
		rows = append(rows,
			[]string{"learning_learned", l.Category, l.Label, strconv.Itoa(l.Learned)},
			[]string{"learning_prevention", l.Category, l.Label, strconv.Itoa(l.Prevention)},
			[]string{"learning_withheld", l.Category, l.Label, strconv.Itoa(l.Withheld)})
		for _, q := range l.Quotes {
			rows = append(rows, []string{"learning_theme", l.Category + ":" + q.Kind, q.Words, ""})
		}
	}
	for _, p := range r.AgencyPairs {
		rows = append(rows, []string{"agency_pair", p.Raiser + ">" + p.Respondent,
			r.AgencyName(p.Raiser) + " → " + r.AgencyName(p.Respondent), strconv.Itoa(p.N)})
	}
	for _, m := range r.ByMonth {
		for _, c := range m.Stages {
			rows = append(rows, []string{"month_highest_stage", m.Month + ":" + c.Key, c.Label, strconv.Itoa(c.N)})
		}
	}
	rows = append(rows, r.observedCSV()...)
	if err := w.WriteAll(rows); err != nil {
		return nil, fmt.Errorf("write csv: %w", err)
	}
	return buf.Bytes(), nil
}
