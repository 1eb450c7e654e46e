package web

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/report"
)

// The live lists of what needs attention now.
var attentionLists = []string{"stuck", "referrals", "mediation", "actions"}

// attentionOf returns the cases of one live list as they stand at now:
// stuck (past every reminder) or past their stage deadline; referrals not
// yet accepted; mediation asked for and not yet offered; agreed actions
// past their due date and not done (one row each).
func (s *Server) attentionOf(in *dashInput, list string) []dashCase {
	e := s.opts.Router.Engine
	now := s.opts.Now()
	var out []dashCase
	for _, c := range in.cases {
		cur := c.Current()
		switch list {
		case "stuck":
			if c.Status.Active() && cur != nil && (conversation.PartnershipAttention(c) == conversation.AttentionStuck ||
				(!cur.Deadline.IsZero() && now.After(cur.Deadline))) {
				out = append(out, s.dashRow(c, cur.Deadline))
			}
		case "referrals":
			if conversation.PartnershipAttention(c) == conversation.AttentionReferral {
				out = append(out, s.dashRow(c, time.Time{}))
			}
		case "mediation":
			if c.Status.Active() && c.Mediation && !slices.ContainsFunc(c.Events, func(ev conversation.Event) bool {
				return ev.Kind == conversation.EventMediationOffered
			}) {
				out = append(out, s.dashRow(c, time.Time{}))
			}
		case "actions":
			if c.Resolution == nil || !c.Resolution.Confirmed {
				continue
			}
			for i, a := range c.Resolution.Actions {
				if !a.Done() && !a.Due.IsZero() && now.After(a.DueBy(e.Calendar())) {
					row := s.dashRow(c, a.Due)
					row.Due = s.opts.Router.Cards.Say("dashboard.attention.action_due", messages.Args{"n": strconv.Itoa(i + 1), "due": row.Due})
					out = append(out, row)
				}
			}
		}
	}
	return out
}

// attentionTitle names a live list.
func (s *Server) attentionTitle(list string) string {
	say := s.opts.Router.Cards
	switch list {
	case "stuck":
		return say.Say("dashboard.attention.stuck", nil)
	case "referrals":
		return say.Say("dashboard.attention.referrals", nil)
	case "mediation":
		return say.Say("dashboard.attention.mediation", nil)
	}
	return say.Say("dashboard.attention.actions", nil)
}

// dashAttention shows the live lists, or downloads one (?list=) as CSV.
func (s *Server) dashAttention(w http.ResponseWriter, r *http.Request, sess *session) {
	in := s.dashboardFor(w, r, sess)
	if in == nil {
		return
	}
	cards := s.opts.Router.Cards
	loc := s.opts.Router.Engine.Calendar().Location()
	switch r.URL.Path {
	case "/web/dashboard/attention.csv":
		list := r.URL.Query().Get("list")
		if !slices.Contains(attentionLists, list) {
			s.notFound(w, r)
			return
		}
		s.downloadCSV(w, r, sess, in, caseCSV(s.attentionOf(in, list)), downloadOf(report.Period{}, "attention", "csv", list), "attention-"+list+".csv")
		return
	case "/web/dashboard/attention.pdf":
		ru := s.dashRules(in)
		rep := report.Build(nil, ru.Protocol, ru.Calendar, in.agencies, report.Period{})
		var tables []report.ListTable
		for _, l := range attentionLists {
			tables = append(tables, s.listTable(s.attentionTitle(l), s.attentionOf(in, l)))
		}
		title := cards.Say("dashboard.attention.title", nil)
		note := cards.Say("dashboard.attention.intro", messages.Args{"time": s.opts.Now().In(loc).Format("15:04 on 2 January 2006")}) + " " + s.listNote(in)
		data, err := rep.ListPDF(title, note, tables)
		s.download(w, r, sess, in, data, err, downloadOf(report.Period{}, "attention", "pdf", "all"),
			"attention-"+s.opts.Now().In(loc).Format("2006-01-02")+".pdf")
		return
	}
	d := listData{T: dashTexts(cards), Scope: s.scopeText(in), Heading: cards.Say("dashboard.attention.title", nil),
		Caption: cards.Say("dashboard.attention.intro", messages.Args{"time": s.opts.Now().In(loc).Format("15:04 on 2 January 2006")}),
		Back:    "/web/dashboard", PDF: "/web/dashboard/attention.pdf", PDFText: cards.Say("dashboard.download.attention_pdf", nil)}
	for _, l := range attentionLists {
		d.Lists = append(d.Lists, caseList{Title: s.attentionTitle(l), Cases: s.attentionOf(in, l), Download: "/web/dashboard/attention.csv?list=" + l})
	}
	s.render(w, r, http.StatusOK, "dashcases", s.signedInPage(r, sess, d.Heading, d))
}

// dashDownload answers the report's downloads for the period asked for:
// report.pdf, report.csv (with the same period last year), trends.csv and
// board-pack.pdf.
func (s *Server) dashDownload(w http.ResponseWriter, r *http.Request, sess *session) {
	in := s.dashboardFor(w, r, sess)
	if in == nil {
		return
	}
	e := s.opts.Router.Engine
	p, _ := parsePeriod(r.URL.Query(), s.opts.Now(), e.Calendar().Location())
	st, err := s.dashReport(r.Context(), in, p)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	rep := st.Report
	stamp := p.From.Format("2006-01-02")
	var data []byte
	switch what := r.PathValue("file"); what {
	case "report.pdf":
		data, err = rep.PDF()
		s.download(w, r, sess, in, data, err, downloadOf(p, "report", "pdf", ""), "case-resolution-report-"+stamp+".pdf")
	case "board-pack.pdf":
		data, err = rep.BoardPack(st.Trend)
		s.download(w, r, sess, in, data, err, downloadOf(p, "board-pack", "pdf", ""), "board-pack-"+stamp+".pdf")
	case "report.csv":
		data, err = rep.CSV()
		data = append(data, lastYearCSV(st.LastYear)...)
		s.download(w, r, sess, in, data, err, downloadOf(p, "report", "csv", ""), "case-resolution-report-"+stamp+".csv")
	case "trends.csv":
		s.downloadCSV(w, r, sess, in, st.Trend.CSV(), downloadOf(p, "trends", "csv", ""),
			"trends-to-"+p.To.AddDate(0, 0, -1).Format("2006-01")+".csv")
	default:
		s.notFound(w, r)
	}
}

// lastYearCSV is the report CSV's rows for the same period last year.
func lastYearCSV(t report.Totals) []byte {
	rows := []struct {
		k string
		n int
	}{{"raised", t.Raised}, {"resolved", t.Resolved}, {"withdrawn", t.Withdrawn}, {"open", t.Open},
		{"deadlines_missed", t.DeadlinesMissed}, {"mediation", t.Mediation}, {"referrals", t.Referrals}, {"serious_concerns", t.SeriousConcerns}}
	var b []byte
	for _, r := range rows {
		b = append(b, "same_period_last_year,"+r.k+",,"+strconv.Itoa(r.n)+"\n"...)
	}
	return b
}
