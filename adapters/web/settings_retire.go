package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/resolvebot/resolvebot/bot/messages"
)

// retireSection is the page that asks to confirm retiring an agency, and
// retires it unless a case not yet ended involves it: then it says which
// and changes nothing.
var retireSection = settingsSection{Form: (*Server).retireForm, Refuse: (*Server).retireRefused, Apply: (*Server).retireApply, Confirm: true}

// retireForm is the page that asks to confirm retiring the agency with
// key: its name, and a button that takes it out of the directory.
func (s *Server) retireForm(v SettingsView, key string, _ bool) (settingsForm, bool) {
	a, ok := findAgency(v, key)
	if !ok {
		return settingsForm{}, false
	}
	page := "/web/settings/agencies/" + urlQueryEscape(a.Key)
	return settingsForm{Heading: s.words().Say("settings.retire.heading", messages.Args{"agency": a.Name}),
		Intro:  s.words().Say("settings.retire.intro", nil),
		Action: page + "/retire", Back: page,
		Version: v.Version, Submit: s.words().Say("settings.retire.submit", nil), Check: true,
		Rows: []checkRow{{Label: s.words().Say("settings.agency.name", nil), After: a.Name}, {Label: s.words().Say("settings.agency.key", nil), After: a.Key}}}, true
}

// retireRefused says which cases not yet ended involve the agency with key.
// Returns EINTERNAL on store failure.
func (s *Server) retireRefused(r *http.Request, v SettingsView, key string) ([]string, error) {
	a, _ := findAgency(v, key)
	open, err := s.openCases(r.Context(), func(raiser, respondent, _ string) bool { return raiser == a.Key || respondent == a.Key })
	if err != nil || len(open) == 0 {
		return nil, err
	}
	return []string{s.words().Say("settings.retire.open_cases", messages.Args{"agency": a.Name, "cases": strings.Join(open, ", ")})}, nil
}

// retireApply takes the agency with key out of the directory.
func (s *Server) retireApply(v SettingsView, key string, _ *settingsForm) (SettingsEdit, bool) {
	a, ok := findAgency(v, key)
	return SettingsEdit{RetireAgency: a.Key, Note: s.words().Say("settings.note.agency.retired", messages.Args{"agency": a.Name})}, ok
}

// openCases returns the ids of the cases not yet ended for which match
// (given the raiser's and the respondent's agency and the category) holds.
// Returns EINTERNAL on store failure.
func (s *Server) openCases(ctx context.Context, match func(raiser, respondent, category string) bool) ([]string, error) {
	all, err := s.opts.Store.CaseSummaries(ctx)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, c := range all {
		if !c.Status.Ended() && match(c.Raiser.Agency, c.Respondent.Agency, c.Category) {
			ids = append(ids, c.ID)
		}
	}
	return ids, nil
}
