package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation/report"
)

// countCell is a number of the report and the link to its cases.
type countCell struct {
	N     int
	Href  string
	Label string // the link's accessible name: "40 cases: Raised, this period"
}

// countRow is a labelled count; headRow a measure in each period compared.
type countRow struct {
	Label string
	Cell  countCell
}

type headRow struct {
	Label string
	Cells []countCell
}

// dashSection is a list of counts under a heading.
type dashSection struct {
	Title string
	Rows  []countRow
}

// pairRow is one agency pair of the matrix.
type pairRow struct {
	Raiser, Respondent string
	Cell               countCell
}

// chartView is one trend chart and the table of its figures.
type chartView struct {
	ID, Title, Caption string
	SVG                template.HTML
	Rows               []countRow
}

// dashData is the dashboard page.
type dashData struct {
	T              map[string]string
	Scope          string
	Form           periodForm
	Kinds          []string          // the kinds of period offered
	DateFields     []dateField       // the start and end dates
	Errors         map[string]string // field → what to fix
	Title, Purpose string
	Columns, Dates []string
	Head           []headRow
	Days           string
	Sections       []dashSection
	Pairs          []pairRow
	Actions        []countRow
	Learning       []string
	LowChallenge   string
	TrendTitle     string
	Charts         []chartView
	Query          template.URL // the period's query, for the downloads
	AttentionHref  string
	LogHref        string // the download log, for partnership roles
	// Choices are the partnerships a role holder of several may choose to
	// see alone, each by a button (the one shown alone is left out).
	Choices []partnershipOption
}

// dateRange says a period's days: "1 May 2026 to 31 May 2026".
func dateRange(p report.Period) string {
	day := "2 January 2006"
	return p.From.Format(day) + " to " + p.To.AddDate(0, 0, -1).Format(day)
}

// drillLink is the link to the cases behind measure (of key) in p.
func drillLink(p report.Period, measure, key string) string {
	q := periodQuery(p)
	q.Set("measure", measure)
	if key != "" {
		q.Set("key", key)
	}
	return "/web/dashboard/cases?" + q.Encode()
}

// dashboard shows the standing-item report for the period asked for.
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request, sess *session) {
	in := s.dashboardFor(w, r, sess)
	if in == nil {
		return
	}
	e := s.opts.Router.Engine
	p, form := parsePeriod(r.URL.Query(), s.opts.Now(), e.Calendar().Location())
	st, err := s.dashReport(r.Context(), in, p)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	d := s.dashView(in, st, form)
	pg := s.signedInPage(r, sess, d.T["title"], d)
	for _, f := range []string{"period", "from", "to"} {
		if t, ok := d.Errors[f]; ok {
			if f != "period" {
				f += "-day" // a date's first field
			}
			pg.Errors = append(pg.Errors, fieldError{Field: f, Text: t})
		}
	}
	status := http.StatusOK
	if len(pg.Errors) > 0 {
		status = http.StatusBadRequest
	}
	s.render(w, r, status, "dashboard", pg)
}

// dashView lays the report out for the page.
func (s *Server) dashView(in *dashInput, st report.Standing, form periodForm) dashData {
	say := s.opts.Router.Cards
	rep := st.Report
	p := rep.Period
	periods := []report.Period{p, rep.PreviousPeriod, p.LastYear()}
	d := dashData{T: dashTexts(say), Scope: s.scopeText(in), Form: form, Kinds: periodKinds, Errors: map[string]string{},
		Title: rep.Title(), Purpose: rep.Purpose(), Query: template.URL(periodQuery(p).Encode()), //nolint:gosec // encoded by url.Values
		AttentionHref: "/web/dashboard/attention"}
	if in.scope.Lead == nil {
		d.LogHref = "/web/dashboard/downloads"
	}
	for _, id := range in.scope.Choices {
		if len(in.scope.Partnerships) != 1 || in.scope.Partnerships[0] != id {
			d.Choices = append(d.Choices, partnershipOption{ID: id, Name: s.opts.Router.Engine.PartnershipName(id)})
		}
	}
	for f, code := range form.Errors {
		switch code {
		case errPeriodKind:
			d.Errors[f] = say.Say("dashboard.period.error.kind", nil)
		case errPeriodOrder:
			d.Errors[f] = say.Say("dashboard.period.error.order", nil)
		case errPeriodMissing:
			d.Errors[f] = say.Say("dashboard.period.error.to_missing", nil)
		case errPeriodDate:
			if f == "from" {
				d.Errors[f] = say.Say("dashboard.period.error.from", nil)
			} else {
				d.Errors[f] = say.Say("dashboard.period.error.to", nil)
			}
		}
	}
	for _, f := range []dateField{{Name: "from", Legend: d.T["from"], Hint: d.T["fromHint"], Error: d.Errors["from"], Parts: form.From},
		{Name: "to", Legend: d.T["to"], Hint: d.T["toHint"], Error: d.Errors["to"], Parts: form.To}} {
		f.DayLabel, f.MonthLabel, f.YearLabel = d.T["day"], d.T["monthPart"], d.T["yearPart"]
		d.DateFields = append(d.DateFields, f)
	}
	d.Columns = []string{d.T["now"], d.T["previous"], d.T["lastYear"]}
	for _, pp := range periods {
		d.Dates = append(d.Dates, dateRange(pp))
	}
	totals := []report.Totals{rep.Totals, rep.Previous, st.LastYear}
	for _, m := range []struct {
		key string
		get func(report.Totals) int
	}{
		{report.MeasureRaised, func(t report.Totals) int { return t.Raised }}, {report.MeasureResolved, func(t report.Totals) int { return t.Resolved }},
		{report.MeasureWithdrawn, func(t report.Totals) int { return t.Withdrawn }}, {report.MeasureOpen, func(t report.Totals) int { return t.Open }},
		{report.MeasureDeadlinesMissed, func(t report.Totals) int { return t.DeadlinesMissed }},
		{report.MeasureMediation, func(t report.Totals) int { return t.Mediation }},
		{report.MeasureReferrals, func(t report.Totals) int { return t.Referrals }},
		{report.MeasureSerious, func(t report.Totals) int { return t.SeriousConcerns }},
	} {
		row := headRow{Label: measureLabel(say, m.key)}
		for i, pp := range periods {
			row.Cells = append(row.Cells, s.cell(m.get(totals[i]), pp, m.key, "", row.Label+", "+strings.ToLower(d.Columns[i])))
		}
		d.Head = append(d.Head, row)
	}
	s.dashSections(&d, rep)
	s.dashTrends(&d, in, st.Trend, p)
	return d
}

// cell is a count linked to its cases, named for screen readers.
func (s *Server) cell(n int, p report.Period, measure, key, what string) countCell {
	return countCell{N: n, Href: drillLink(p, measure, key),
		Label: s.opts.Router.Cards.Say("dashboard.drill.hint", messages.Args{"n": n, "measure": what, "period": dateRange(p)})}
}

// dashSections fills the report's lists: days to resolution, categories,
// stages, outcomes, deadlines missed, agency pairs, actions, learning and
// the low-challenge warning.
func (s *Server) dashSections(d *dashData, rep *report.Report) {
	say := s.opts.Router.Cards
	p := rep.Period
	if rd := rep.ResolutionDays; rd.Cases > 0 {
		d.Days = say.Say("dashboard.days", messages.Args{"median": num(rd.Median), "p90": num(rd.P90), "count": rd.Cases})
	} else {
		d.Days = say.Say("dashboard.days.none", nil)
	}
	for _, sec := range []struct {
		title, measure string
		counts         []report.Count
	}{
		{d.T["category"], report.MeasureCategory, rep.ByCategory}, {d.T["stage"], report.MeasureStage, rep.HighestStage},
		{d.T["outcome"], report.MeasureOutcome, rep.Outcomes}, {d.T["missed"], report.MeasureMissedAt, rep.MissedByStage},
	} {
		ds := dashSection{Title: sec.title}
		for _, c := range sec.counts {
			ds.Rows = append(ds.Rows, countRow{Label: c.Label, Cell: s.cell(c.N, p, sec.measure, c.Key, sec.title+": "+c.Label)})
		}
		d.Sections = append(d.Sections, ds)
	}
	for _, pr := range rep.AgencyPairs {
		a, b := rep.AgencyName(pr.Raiser), rep.AgencyName(pr.Respondent)
		d.Pairs = append(d.Pairs, pairRow{Raiser: a, Respondent: b,
			Cell: s.cell(pr.N, p, report.MeasurePair, pr.Raiser+">"+pr.Respondent, a+" → "+b)})
	}
	if a := rep.Actions; a.Any() {
		d.Actions = []countRow{{Label: say.Say("dashboard.actions.agreed", nil), Cell: countCell{N: a.Agreed}},
			{Label: say.Say("dashboard.actions.on_time", nil), Cell: countCell{N: a.DoneOnTime}},
			{Label: say.Say("dashboard.actions.late", nil), Cell: countCell{N: a.DoneLate}},
			{Label: say.Say("dashboard.actions.overdue", nil), Cell: countCell{N: a.Overdue}}}
	}
	for _, l := range rep.Learning {
		d.Learning = append(d.Learning, l.Label+": "+strconv.Itoa(l.Learned+l.Prevention))
		for _, q := range l.Quotes {
			d.Learning = append(d.Learning, "“"+q.Words+"”")
		}
	}
	if len(rep.NoChallengeFrom) > 0 {
		names := make([]string, 0, len(rep.NoChallengeFrom))
		for _, c := range rep.NoChallengeFrom {
			names = append(names, c.Label)
		}
		d.LowChallenge = say.Say("dashboard.low_challenge", messages.Args{"agencies": strings.Join(names, ", ")})
	}
}

// dashTrends fills the trend charts for the months up to the period's end,
// in the wording of the protocol in's figures are read under.
func (s *Server) dashTrends(d *dashData, in *dashInput, tr report.Trend, p report.Period) {
	say := s.opts.Router.Cards
	d.TrendTitle = say.Say("dashboard.trends", messages.Args{"n": trendMonths})
	for _, se := range tr.Series(s.dashRules(in).Protocol.Wording()) {
		cv := chartView{ID: "chart-" + se.Key, Title: se.Title, SVG: template.HTML(tr.SVG(se, "chart-"+se.Key+"-title")), //nolint:gosec // escaped by report.Trend.SVG
			Caption: say.Say("dashboard.trends.table", messages.Args{"title": se.Title})}
		for i, m := range tr.Months {
			month, err := time.ParseInLocation("2006-01", m.Month, p.From.Location())
			if err != nil {
				continue
			}
			name := report.MonthName(m.Month)
			cv.Rows = append(cv.Rows, countRow{Label: name, Cell: s.cell(se.Values[i], report.Month(month), se.Key, "", se.Title)})
		}
		d.Charts = append(d.Charts, cv)
	}
}

// num writes a number of days without needless decimals.
func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
