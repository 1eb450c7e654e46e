package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
)

// downloadLogLimit is how many of the latest downloads the log page shows.
const downloadLogLimit = 500

// logRow is one download in the log page's table.
type logRow struct {
	When, Who, What, Period, Detail, Scope string
}

// logData is the download log page.
type logData struct {
	T       map[string]string
	Heading string
	Intro   string
	Back    string
	Rows    []logRow
}

// dashDownloadLog shows the partnership's roles every download from the
// dashboard, newest first: who, when, which view, period and figure.
// Safeguarding leads and anyone else are refused.
func (s *Server) dashDownloadLog(w http.ResponseWriter, r *http.Request, sess *session) {
	say := s.opts.Router.Cards
	sc, err := s.dashAccess(r.Context(), sess.Person, sess.Partnership)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	if !sc.ok || sc.Lead != nil {
		s.problem(w, r, sess, http.StatusForbidden, say.Say("dashboard.log.forbidden.title", nil), say.Say("dashboard.log.forbidden.text", nil))
		return
	}
	recs, err := s.opts.Store.Downloads(r.Context(), downloadLogLimit)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	d := logData{T: dashTexts(say), Heading: say.Say("dashboard.log.title", nil), Intro: say.Say("dashboard.log.intro", nil), Back: "/web/dashboard"}
	for _, rec := range recs {
		d.Rows = append(d.Rows, s.logRow(rec))
	}
	s.render(w, r, http.StatusOK, "dashlog", s.signedInPage(r, sess, d.Heading, d))
}

// logRow describes one download for the log page.
func (s *Server) logRow(rec conversation.DownloadRecord) logRow {
	say := s.opts.Router.Cards
	people := s.opts.Router.People
	loc := s.opts.Router.Engine.Calendar().Location()
	row := logRow{When: rec.At.In(loc).Format("2 Jan 2006 15:04"), Who: rec.Actor,
		What:   s.viewName(rec.View) + " (" + strings.ToUpper(rec.Format) + ")",
		Detail: s.detailText(rec), Scope: say.Say("dashboard.log.scope.partnership", nil)}
	if rec.From != "" {
		row.Period = dayText(rec.From, loc) + " to " + dayText(rec.To, loc)
	} else {
		row.Period = say.Say("dashboard.log.live", nil)
	}
	if len(rec.Scope) > 0 {
		names := make([]string, 0, len(rec.Scope))
		for _, a := range rec.Scope {
			names = append(names, people.AgencyName(a))
		}
		row.Scope = strings.Join(names, ", ")
	}
	return row
}

// viewName names a view of the download log; a view this version does
// not know (written by a newer one) is "another view".
func (s *Server) viewName(view string) string {
	say := s.opts.Router.Cards
	switch view {
	case "report":
		return say.Say("dashboard.log.view.report", nil)
	case "board-pack":
		return say.Say("dashboard.log.view.board_pack", nil)
	case "trends":
		return say.Say("dashboard.log.view.trends", nil)
	case "cases":
		return say.Say("dashboard.log.view.cases", nil)
	case "attention":
		return say.Say("dashboard.log.view.attention", nil)
	}
	return say.Say("dashboard.log.view.unknown", nil)
}

// detailText names the figure or live list a download was of: a headline
// measure by its label, a live list by its title, any other figure as
// recorded (a measure and the key of a category, stage, outcome or
// agency pair).
func (s *Server) detailText(rec conversation.DownloadRecord) string {
	switch {
	case rec.View == "attention" && rec.Detail == "all":
		return s.opts.Router.Cards.Say("dashboard.log.all_lists", nil)
	case rec.View == "attention" && rec.Detail != "":
		return s.attentionTitle(rec.Detail)
	}
	if l := measureLabel(s.opts.Router.Cards, rec.Detail); l != "" {
		return l
	}
	return rec.Detail
}

// dayText writes a YYYY-MM-DD day as the dashboard does: 1 May 2026.
func dayText(day string, loc *time.Location) string {
	t, err := time.ParseInLocation(time.DateOnly, day, loc)
	if err != nil {
		return day
	}
	return t.Format("2 January 2006")
}
