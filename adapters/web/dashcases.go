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
	PDF      string // the link to the lists as PDF
	PDFText  string
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
// them in proto's words (the dashboard's partnership's); ok is false for a
// measure the report does not have.
func (s *Server) drillOf(r *http.Request, rep *report.Report, proto *conversation.Protocol) (measure, key, label string, ok bool) {
	say := s.opts.Router.Cards
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
	measure, key, label, ok := s.drillOf(r, rep, ru.Protocol)
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
	detail := measure
	if key != "" {
		detail += " " + key
	}
	switch r.URL.Path {
	case "/web/dashboard/cases.csv":
		s.downloadCSV(w, r, sess, in, caseCSV(rows), downloadOf(p, "cases", "csv", detail), "cases-"+measure+"-"+p.From.Format("2006-01-02")+".csv")
		return
	case "/web/dashboard/cases.pdf":
		say := s.opts.Router.Cards
		title := say.Say("dashboard.drill.hint", messages.Args{"n": len(rows), "measure": label, "period": dateRange(p)})
		data, err := rep.ListPDF(label, rep.Title()+". "+s.listNote(in), []report.ListTable{s.listTable(title, rows)})
		s.download(w, r, sess, in, data, err, downloadOf(p, "cases", "pdf", detail), "cases-"+measure+"-"+p.From.Format("2006-01-02")+".pdf")
		return
	}
	cards := s.opts.Router.Cards
	d := listData{T: dashTexts(cards), Scope: s.scopeText(in), Caption: rep.Title(), Heading: label,
		Back: "/web/dashboard?" + periodQuery(p).Encode(),
		Lists: []caseList{{Title: cards.Say("dashboard.drill.hint", messages.Args{"n": len(rows), "measure": label, "period": dateRange(p)}),
			Cases: rows, Download: "/web/dashboard/cases.csv?" + q.Encode()}},
		PDF: "/web/dashboard/cases.pdf?" + q.Encode(), PDFText: cards.Say("dashboard.download.cases_pdf", nil)}
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

// csvOf is rows as a CSV file.
func csvOf(rows [][]string) ([]byte, error) {
	var b bytes.Buffer
	err := csv.NewWriter(&b).WriteAll(rows)
	return b.Bytes(), err
}

// downloadCSV answers with rows as a CSV file to save as name, once the
// download is recorded (see download).
func (s *Server) downloadCSV(w http.ResponseWriter, r *http.Request, sess *session, in *dashInput, rows [][]string, rec conversation.DownloadRecord, name string) {
	data, err := csvOf(rows)
	s.download(w, r, sess, in, data, err, rec, name)
}

// download answers with data as a file to save as name (a PDF or CSV, by
// rec.Format), once the partnership's download log records rec, with the
// person and, for a safeguarding lead, the agencies their dashboard
// covers. When err is set (data could not be made) or the download cannot
// be recorded, the person is shown the error and given nothing.
func (s *Server) download(w http.ResponseWriter, r *http.Request, sess *session, in *dashInput, data []byte, err error, rec conversation.DownloadRecord, name string) {
	if err != nil {
		s.internal(w, r, err)
		return
	}
	rec.Scope = in.scope.Lead
	if err := s.opts.Router.Engine.RecordDownload(r.Context(), sess.Person, rec); err != nil {
		s.internal(w, r, err)
		return
	}
	contentType := "text/csv; charset=utf-8"
	if rec.Format == "pdf" {
		contentType = "application/pdf"
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	_, _ = w.Write(data)
}

// downloadOf is the download log's record of view in format for period p
// (none for a zero p, as for a live list), with detail.
func downloadOf(p report.Period, view, format, detail string) conversation.DownloadRecord {
	rec := conversation.DownloadRecord{View: view, Format: format, Detail: detail}
	if !p.From.IsZero() {
		rec.From, rec.To = p.From.Format(time.DateOnly), p.To.AddDate(0, 0, -1).Format(time.DateOnly)
	}
	return rec
}

// listTable is a list of cases for a PDF, under title: the columns of the
// page's table, no child reference and nothing written about a case.
func (s *Server) listTable(title string, rows []dashCase) report.ListTable {
	t := dashTexts(s.opts.Router.Cards)
	lt := report.ListTable{Title: title, Rows: caseCSV(rows)[1:], Empty: t["noCases"],
		Header: []string{t["colCase"], t["raisedBy"], t["about"], t["colCategory"], t["colStage"], t["colStatus"], t["colRaised"], t["colUpdated"], t["colDue"]}}
	if !slices.ContainsFunc(rows, func(c dashCase) bool { return c.Due != "" }) { // as the page: no column of nothing
		lt.Header = lt.Header[:len(lt.Header)-1]
		for i := range lt.Rows {
			lt.Rows[i] = lt.Rows[i][:len(lt.Header)]
		}
	}
	return lt
}

// listNote is what a list PDF says under its title: whose cases it
// covers, for a safeguarding lead, and what lists never show.
func (s *Server) listNote(in *dashInput) string {
	note := s.opts.Router.Cards.Say("dashboard.cases.privacy", nil)
	if sc := s.scopeText(in); sc != "" {
		note = sc + " " + note
	}
	return note
}
