package web

import (
	"context"
	"net/http"
)

// partnershipOption is one partnership an admin of several may choose.
type partnershipOption struct{ ID, Name string }

// partnershipChoiceData is what the choice page shows: the partnerships
// whose settings the person may change, by name.
type partnershipChoiceData struct {
	Options []partnershipOption
}

// chosenKey is the request context's key of the partnershipOption whose
// settings an admin of several is changing.
type chosenKey struct{}

// chosenPartnership returns the name of the partnership whose settings an
// admin of several is changing, or "" for an admin of one.
func chosenPartnership(ctx context.Context) string {
	o, _ := ctx.Value(chosenKey{}).(partnershipOption)
	return o.Name
}

// chosenPartnershipID returns the id of the partnership whose settings an
// admin of several is changing, or "" for an admin of one.
func chosenPartnershipID(ctx context.Context) string {
	o, _ := ctx.Value(chosenKey{}).(partnershipOption)
	return o.ID
}

// namedPartnership returns the partnership a request names: the
// partnership parameter of its address, else (on a POST) the one its form
// was made for; "" when it names none.
func namedPartnership(r *http.Request) string {
	if id := r.URL.Query().Get("partnership"); id != "" {
		return id
	}
	if r.Method == http.MethodPost {
		return r.PostFormValue("partnership")
	}
	return ""
}

// partnershipChoicePage asks an admin of several partnerships whose
// settings they want to change; anyone else is refused.
func (s *Server) partnershipChoicePage(w http.ResponseWriter, r *http.Request, sess *session) {
	if s.opts.SettingsFor == nil {
		s.notFound(w, r)
		return
	}
	theirs, err := s.opts.SettingsFor(r.Context(), sess.Person)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	if len(theirs) == 0 {
		s.refuseSettings(w, r, sess)
		return
	}
	s.partnershipChoice(w, r, sess, theirs)
}

// partnershipChoice shows the choice among theirs, each by a button.
func (s *Server) partnershipChoice(w http.ResponseWriter, r *http.Request, sess *session, theirs []PartnershipSettings) {
	var d partnershipChoiceData
	for _, p := range theirs {
		d.Options = append(d.Options, partnershipOption{ID: p.ID, Name: s.opts.Router.Engine.PartnershipName(p.ID)})
	}
	s.render(w, r, http.StatusOK, "settingschoose", s.signedInPage(r, sess, s.words().Say("partnerships.settings.choose.title", nil), d))
}

// choosePartnership remembers in the session the partnership whose
// settings its admin chose, and goes to the settings; a partnership they
// are not admin of is refused, with nothing remembered.
func (s *Server) choosePartnership(w http.ResponseWriter, r *http.Request, sess *session) {
	if s.opts.SettingsFor == nil {
		s.notFound(w, r)
		return
	}
	theirs, err := s.opts.SettingsFor(r.Context(), sess.Person)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	want := r.PostFormValue("partnership")
	for _, p := range theirs {
		if p.ID == want {
			sess.Partnership = want
			if err := s.saveSession(r.Context(), sess.key, sess); err != nil {
				s.internal(w, r, err)
				return
			}
			http.Redirect(w, r, "/web/settings", http.StatusSeeOther)
			return
		}
	}
	s.refuseSettings(w, r, sess)
}
