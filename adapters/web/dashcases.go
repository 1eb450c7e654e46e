package web

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"slices"
	"time"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/report"
)

// dashCase is one case in a dashboard list: never its child reference or
// anything written about it.
type dashCase struct {
	ID, Raiser, Respondent, Category, Stage, Status, Raised, Updated, Due string
}

// listData is a page listing cases: behind a count, or needing attention.
type listData struct {
	T        map[string]string
	Scope    string
	Caption  string
	Heading  string
	Back     string
	Download string
	Lists    []caseList
}

// caseList is one titled list of cases.
type caseList struct {
	Title    string
	Cases    []dashCase
	Download string
}

// dashRow describes c for a list; due, when set, is the date shown as due.
func (s *Server) dashRow(c *conversation.Case, due time.Time) dashCase {
	cards := s.opts.Router.Cards
	people := s.opts.Router.People
	loc := s.opts.Router.Engine.Calendar().Location()
	day := "2 Jan 2006"
	row := dashCase{ID: c.ID, Raiser: people.AgencyName(c.Raiser.Agency), Respondent: people.AgencyName(c.Respondent.Agency),
		Category: cards.For(c).Protocol().CategoryName(c.Category), Status: c.Status.Label(),
		Raised: c.CreatedAt.In(loc).Format(day)}
	last := c.UpdatedAt
	if n := len(c.Events); n > 0 && c.Events[n-1].At.After(last) {
		last = c.Events[n-1].At
	}
	if !last.IsZero() {
		row.Updated = last.In(loc).Format(day)
	}
	if cur := c.Current(); cur != nil {
		row.Stage = cards.For(c).Protocol().StageName(cur.Key)
	}
	if !due.IsZero() {
		row.Due = due.In(loc).Format(day)
	}
	return row
}

// drillOf reads the measure and key of a drill-down request and names
// them; ok is false for a measure the report does not have.
func (s *Server) drillOf(r *http.Request, rep *report.Report) (measure, key, label string, ok bool) {
	say := s.opts.Router.Cards
	proto := s.opts.Router.Engine.Protocol()
	q := r.URL.Query()
	measure, key = q.Get("measure"), q.Get("key")
	if !slices.Contains(report.Measures, measure) {
		return "", "", "", false
	}
	if label = measureLabel(say, measure); label != "" {
		return measure, "", label, true
	}
	if key == "" {
		return "", "", "", false
	}
	switch measure {
	case report.MeasureCategory:
		label = proto.CategoryName(key)
	case report.MeasureStage:
		label = say.Say("dashboard.section.stage", nil) + ": " + proto.StageName(key)
	case report.MeasureMissedAt:
		label = say.Say("dashboard.section.missed", nil) + ": " + proto.StageName(key)
	case report.MeasureOutcome:
		label = conversation.Status(key).Label()
	case report.MeasurePair:
		a, b, _ := cutPair(key)
		label = rep.AgencyName(a) + " → " + rep.AgencyName(b)
	}
	return measure, key, label, true
}

// cutPair splits an agency pair key "a>b".
func cutPair(key string) (string, string, bool) {
	for i := range key {
		if key[i] == '>' {
			return key[:i], key[i+1:], true
		}
	}
	return key, "", false
}

// dashCases lists the cases behind one count of the report, or, as CSV,
// downloads them.
func (s *Server) dashCases(w http.ResponseWriter, r *http.Request, sess *session) {
	in := s.dashboardFor(w, r, sess)
	if in == nil {
		return
	}
	e := s.opts.Router.Engine
	p, form := parsePeriod(r.URL.Query(), s.opts.Now(), e.Calendar().Location())
	ru := s.dashRules(in)
	rep := report.Build(nil, ru.Protocol, ru.Calendar, in.agencies, p)
	measure, key, label, ok := s.drillOf(r, rep)
	if !ok || len(form.Errors) > 0 {
		s.problem(w, r, sess, http.StatusNotFound, s.opts.Router.Cards.Say("dashboard.title", nil),
			s.opts.Router.Cards.Say("dashboard.measure.unknown", nil))
		return
	}
	var rows []dashCase
	for _, c := range report.Drill(in.cases, ru.Protocol, p, measure, key) {
		rows = append(rows, s.dashRow(c, time.Time{}))
	}
	q := periodQuery(p)
	q.Set("measure", measure)
	if key != "" {
		q.Set("key", key)
	}
	if r.URL.Path == "/web/dashboard/cases.csv" {
		s.sendCSV(w, r, "cases-"+measure+"-"+p.From.Format("2006-01-02")+".csv", caseCSV(rows))
		return
	}
	cards := s.opts.Router.Cards
	d := listData{T: dashTexts(cards), Scope: s.scopeText(in), Caption: rep.Title(), Heading: label,
		Back: "/web/dashboard?" + periodQuery(p).Encode(),
		Lists: []caseList{{Title: cards.Say("dashboard.drill.hint", messages.Args{"n": len(rows), "measure": label, "period": dateRange(p)}),
			Cases: rows, Download: "/web/dashboard/cases.csv?" + q.Encode()}}}
	s.render(w, r, http.StatusOK, "dashcases", s.signedInPage(r, sess, label, d))
}

// caseCSV is a list of cases as CSV rows, with a header.
func caseCSV(rows []dashCase) [][]string {
	out := [][]string{{"case", "raised_by", "about", "category", "stage", "status", "raised", "last_change", "due"}}
	for _, c := range rows {
		out = append(out, []string{c.ID, c.Raiser, c.Respondent, c.Category, c.Stage, c.Status, c.Raised, c.Updated, c.Due})
	}
	return out
}

// sendCSV answers with rows as a CSV file to save as name.
func (s *Server) sendCSV(w http.ResponseWriter, r *http.Request, name string, rows [][]string) {
	var b bytes.Buffer
	if err := csv.NewWriter(&b).WriteAll(rows); err != nil {
		s.internal(w, r, err)
		return
	}
	s.sendFile(w, name, "text/csv; charset=utf-8", b.Bytes())
}

// sendFile answers with data as a download named name.
func (s *Server) sendFile(w http.ResponseWriter, name, contentType string, data []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	_, _ = w.Write(data)
}
