package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/resolvebot/resolvebot/bot/messages"
)

// retireForm is the page that asks to confirm retiring a: its name, and a
// button that takes it out of the directory.
func (s *Server) retireForm(a AgencySettings, version int64) settingsForm {
	f := settingsForm{Heading: s.words().Say("settings.retire.heading", messages.Args{"agency": a.Name}),
		Intro:  s.words().Say("settings.retire.intro", nil),
		Action: "/web/settings/agencies/" + urlQueryEscape(a.Key) + "/retire", Back: "/web/settings/agencies/" + urlQueryEscape(a.Key),
		Version: version, Submit: s.words().Say("settings.retire.submit", nil), Check: true,
		Rows: []checkRow{{Label: s.words().Say("settings.agency.name", nil), After: a.Name}, {Label: s.words().Say("settings.agency.key", nil), After: a.Key}}}
	return f
}

// openCasesOf returns the ids of the cases not yet ended with agency on
// either side. Returns EINTERNAL on store failure.
func (s *Server) openCasesOf(ctx context.Context, agency string) ([]string, error) {
	all, err := s.opts.Store.CaseSummaries(ctx)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, c := range all {
		if !c.Status.Ended() && (c.Raiser.Agency == agency || c.Respondent.Agency == agency) {
			ids = append(ids, c.ID)
		}
	}
	return ids, nil
}

// retirePage asks to confirm retiring the agency in the path.
func (s *Server) retirePage(w http.ResponseWriter, r *http.Request, sess *session) {
	v, err := s.opts.Settings.View(r.Context())
	if err != nil {
		s.internal(w, r, err)
		return
	}
	a, ok := findAgency(v, r.PathValue("key"))
	if !ok {
		s.notFound(w, r)
		return
	}
	f := s.retireForm(a, v.Version)
	s.showSettingsForm(w, r, sess, http.StatusOK, f.Heading, f)
}

// retirePost takes the agency in the path out of the directory, unless a
// case not yet ended involves it: then it says which and changes nothing.
func (s *Server) retirePost(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx := r.Context()
	v, err := s.opts.Settings.View(ctx)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	a, ok := findAgency(v, r.PathValue("key"))
	if !ok {
		s.notFound(w, r)
		return
	}
	f := s.retireForm(a, formVersion(r))
	open, err := s.openCasesOf(ctx, a.Key)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	if len(open) > 0 {
		f.Problems = append(f.Problems, s.words().Say("settings.retire.open_cases",
			messages.Args{"agency": a.Name, "cases": strings.Join(open, ", ")}))
		s.showSettingsForm(w, r, sess, http.StatusUnprocessableEntity, f.Heading, f)
		return
	}
	note := s.words().Say("settings.note.agency.retired", messages.Args{"agency": a.Name})
	probs, err := s.opts.Settings.Change(ctx, sess.Person, f.Version, SettingsEdit{RetireAgency: a.Key, Note: note})
	if err != nil {
		s.changeRefused(w, r, sess, f.Heading, f, probs, err, func(string) string { return "" })
		return
	}
	s.saved(w, r, sess, note)
}
