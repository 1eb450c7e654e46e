package web

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/report"
)

// trendMonths is how many months the dashboard's trends cover.
const trendMonths = 24

// dashScope is what a person's dashboard covers: every case for a
// partnership role; for a safeguarding lead, the cases involving their
// agencies (Lead). ok is false for anyone else.
type dashScope struct {
	ok   bool
	Lead []string // agency keys; nil for the whole partnership
	// Partnerships are the hosted partnerships whose cases (and the
	// cross-border cases reaching them) a partnership role's dashboard
	// covers, on a deployment of several; nil on a deployment of one.
	Partnerships []string
	// Choices are every hosted partnership a role holder of several holds
	// roles in, nil for one: their dashboard covers the one they chose
	// (Partnerships) or, until they choose, all of them together.
	Choices []string
}

// dashAccess works out person's dashboard scope; chosen is the
// partnership they chose among theirs, if any (see chooseDashPartnership).
// Returns EINTERNAL if the directory cannot say.
func (s *Server) dashAccess(ctx context.Context, person, chosen string) (dashScope, error) {
	people := s.opts.Router.People
	if ok, err := people.IsPartnership(ctx, person); err != nil {
		return dashScope{}, conversation.Internal("check partnership role", err)
	} else if ok {
		ids, err := people.RolePartnerships(ctx, person)
		if err != nil {
			return dashScope{}, conversation.Internal("check partnership roles", err)
		}
		if len(ids) < 2 {
			return dashScope{ok: true, Partnerships: ids}, nil
		}
		if slices.Contains(ids, chosen) {
			return dashScope{ok: true, Partnerships: []string{chosen}, Choices: ids}, nil
		}
		return dashScope{ok: true, Partnerships: ids, Choices: ids}, nil
	}
	leads, err := people.LeadAgencies(ctx, person)
	if err != nil {
		return dashScope{}, conversation.Internal("check safeguarding lead", err)
	}
	return dashScope{ok: len(leads) > 0, Lead: leads}, nil
}

// covers reports whether the scope includes case c.
func (sc dashScope) covers(c *conversation.Case) bool {
	if sc.Partnerships != nil && !slices.Contains(sc.Partnerships, c.Partnership) &&
		(c.CrossBorderPartnership == "" || !slices.Contains(sc.Partnerships, c.CrossBorderPartnership)) {
		return false
	}
	return sc.Lead == nil || slices.Contains(sc.Lead, c.Raiser.Agency) || slices.Contains(sc.Lead, c.Respondent.Agency)
}

// dashInput is what every dashboard view counts from: the summaries of
// the cases in scope, and the directory's agencies in scope.
type dashInput struct {
	scope    dashScope
	cases    []*conversation.Case
	agencies []report.Agency
}

// dashLoad reads the case summaries the store keeps and keeps those in
// scope. Returns EINTERNAL on store failure.
func (s *Server) dashLoad(ctx context.Context, sc dashScope) (*dashInput, error) {
	sums, err := s.opts.Store.CaseSummaries(ctx)
	if err != nil {
		return nil, err
	}
	in := &dashInput{scope: sc, cases: sums[:0]}
	for _, c := range sums {
		if sc.covers(c) {
			in.cases = append(in.cases, c)
		}
	}
	people := s.opts.Router.People
	for _, a := range people.Agencies() {
		if sc.Lead == nil && (sc.Partnerships == nil || slices.Contains(sc.Partnerships, people.AgencyPartnership(a.Value))) ||
			slices.Contains(sc.Lead, a.Value) {
			in.agencies = append(in.agencies, report.Agency{Key: a.Value, Name: a.Label})
		}
	}
	return in, nil
}

// dashRules returns the rules a dashboard's figures are read under: its
// viewer's partnership's, on a deployment hosting several, else the
// engine's.
func (s *Server) dashRules(in *dashInput) conversation.Rules {
	e := s.opts.Router.Engine
	if ids := in.scope.Partnerships; len(ids) > 0 {
		return e.RulesFor(ids[0])
	}
	return e.Rules()
}

// dashReport builds the standing item for p from the summaries: the
// report as "resolvebot report" builds it from the cases (the same code,
// the same figures), the same period last year and the trend of the
// months to p's end, in one pass over the summaries' figures. The
// learning themes' words are read from the few cases that recorded
// learning in the period (a summary holds no words), and the differences
// observed in conferences and reviews are for the whole partnership only.
// Returns EINTERNAL on store failure.
func (s *Server) dashReport(ctx context.Context, in *dashInput, p report.Period) (report.Standing, error) {
	e, ru := s.opts.Router.Engine, s.dashRules(in)
	now := s.opts.Now()
	st := report.BuildStanding(in.cases, ru.Protocol, ru.Calendar, in.agencies, p, now, trendMonths)
	rep := st.Report
	if in.scope.Lead == nil {
		id := ""
		if ids := in.scope.Partnerships; len(ids) > 0 {
			id = ids[0]
		}
		obs, err := e.ObservationsOf(ctx, id, p.From, p.To)
		if err != nil {
			return st, err
		}
		rep.AddObservations(obs, ru.Protocol)
	}
	var learned []*conversation.Case
	for _, c := range in.cases {
		if !slices.ContainsFunc(c.Events, func(ev conversation.Event) bool {
			return ev.Kind == conversation.EventLearning && p.Contains(ev.At)
		}) {
			continue
		}
		full, err := s.opts.Store.GetCase(ctx, c.ID)
		if err != nil {
			return st, err
		}
		learned = append(learned, full)
	}
	if len(learned) > 0 {
		rep.Learning = report.BuildAsOf(learned, ru.Protocol, ru.Calendar, in.agencies, p, now).Learning
	}
	return st, nil
}

// dashboardFor checks the person may have the dashboard and loads what it
// counts from; anyone else is shown why not, and nil is returned.
func (s *Server) dashboardFor(w http.ResponseWriter, r *http.Request, sess *session) *dashInput {
	sc, err := s.dashAccess(r.Context(), sess.Person, sess.Partnership)
	if err != nil {
		s.internal(w, r, err)
		return nil
	}
	if !sc.ok {
		say := s.opts.Router.Cards
		s.problem(w, r, sess, http.StatusForbidden, say.Say("dashboard.forbidden.title", nil), say.Say("dashboard.forbidden.text", nil))
		return nil
	}
	in, err := s.dashLoad(r.Context(), sc)
	if err != nil {
		s.internal(w, r, err)
		return nil
	}
	return in
}

// scopeText says whose cases a safeguarding lead's dashboard shows, or
// which partnership's a role holder of several sees; "" for the
// partnership's.
func (s *Server) scopeText(in *dashInput) string {
	if len(in.scope.Choices) > 1 {
		names := make([]string, 0, len(in.scope.Partnerships))
		for _, id := range in.scope.Partnerships {
			names = append(names, s.opts.Router.Engine.PartnershipName(id))
		}
		if len(names) == 1 {
			return s.opts.Router.Cards.Say("partnerships.dashboard.chosen", messages.Args{"partnership": names[0]})
		}
		return s.opts.Router.Cards.Say("partnerships.dashboard.all", messages.Args{"partnerships": strings.Join(names, ", ")})
	}
	if in.scope.Lead == nil {
		return ""
	}
	names := make([]string, 0, len(in.agencies))
	for _, a := range in.agencies {
		names = append(names, a.Name)
	}
	return s.opts.Router.Cards.Say("dashboard.scope.lead", messages.Args{"agencies": strings.Join(names, ", ")})
}

// chooseDashPartnership remembers in the session the partnership a role
// holder of several chose to see alone on the dashboard (the same choice
// the settings keep; see choosePartnership), and goes back to the
// dashboard; a partnership they hold no role in is refused, with nothing
// remembered.
func (s *Server) chooseDashPartnership(w http.ResponseWriter, r *http.Request, sess *session) {
	ids, err := s.opts.Router.People.RolePartnerships(r.Context(), sess.Person)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	want := r.PostFormValue("partnership")
	if len(ids) < 2 || !slices.Contains(ids, want) {
		say := s.opts.Router.Cards
		s.problem(w, r, sess, http.StatusForbidden, say.Say("dashboard.forbidden.title", nil), say.Say("dashboard.forbidden.text", nil))
		return
	}
	sess.Partnership = want
	if err := s.saveSession(r.Context(), sess.key, sess); err != nil {
		s.internal(w, r, err)
		return
	}
	http.Redirect(w, r, "/web/dashboard", http.StatusSeeOther)
}
