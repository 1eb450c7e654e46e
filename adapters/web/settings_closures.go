package web

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/resolvebot/resolvebot/bot/messages"
)

// closureForm is the form of a closure day to add.
func (s *Server) closureForm(version int64) settingsForm {
	return settingsForm{
		Heading: s.words().Say("settings.closure.heading", nil),
		Intro:   s.words().Say("settings.closure.intro", nil),
		Action:  "/web/settings/closures", Back: "/web/settings", Version: version,
		Submit: s.words().Say("settings.continue", nil),
		Fields: []settingsField{{Key: "date", Label: s.words().Say("settings.closure.date", nil),
			Hint: s.words().Say("settings.closure.date.hint", nil), Type: "text", Width: "govuk-input--width-10"}},
	}
}

// closurePage shows the form of a closure day, with the answer in the query
// when coming back from checking it.
func (s *Server) closurePage(w http.ResponseWriter, r *http.Request, sess *session) {
	v, err := s.opts.Settings.View(r.Context())
	if err != nil {
		s.internal(w, r, err)
		return
	}
	f := s.closureForm(v.Version)
	f.Fields[0].Value = r.URL.Query().Get("date")
	s.showSettingsForm(w, r, sess, http.StatusOK, f.Heading, f)
}

// closurePost adds a closure day, or takes one out (the settings page's
// Remove button), through check your answers.
func (s *Server) closurePost(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx := r.Context()
	v, err := s.opts.Settings.View(ctx)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	f := s.closureForm(formVersion(r))
	f.readForm(r)
	edit := SettingsEdit{Check: r.PostFormValue("action") != "save"}
	if day := strings.TrimSpace(r.PostFormValue("remove")); day != "" {
		if !slices.Contains(v.ClosureDays, day) {
			s.notFound(w, r)
			return
		}
		edit.RemoveClosure = day
		f.Fields = append(f.Fields, settingsField{Key: "remove", Value: day, Type: "hidden"})
		edit.Note = s.words().Say("settings.note.closure.removed", messages.Args{"date": day})
	} else {
		day := f.value("date")
		if _, err := time.Parse(time.DateOnly, day); err != nil {
			f.setError("date", s.words().Say("settings.closure.not_a_date", nil))
		} else if slices.Contains(v.ClosureDays, day) {
			f.setError("date", s.words().Say("settings.closure.already", messages.Args{"date": day}))
		}
		if hasFieldErrors(f) {
			s.showSettingsForm(w, r, sess, http.StatusUnprocessableEntity, f.Heading, f)
			return
		}
		edit.AddClosure = day
		edit.Note = s.words().Say("settings.note.closure.added", messages.Args{"date": day})
	}
	probs, err := s.opts.Settings.Change(ctx, sess.Person, f.Version, edit)
	if err != nil {
		s.changeRefused(w, r, sess, f.Heading, f, probs, err, closureField)
		return
	}
	if edit.Check {
		f.Check, f.Submit = true, s.words().Say("settings.save", nil)
		f.Heading = s.words().Say("settings.check.heading", nil)
		f.Rows = []checkRow{{Label: f.Fields[0].Label, After: edit.AddClosure, Changed: true}}
		f.Back = f.Action + "/new?" + formQuery(f)
		if edit.RemoveClosure != "" {
			f.Rows = []checkRow{{Label: s.words().Say("settings.closure.removed", nil), Before: edit.RemoveClosure, Changed: true}}
			f.Back = "/web/settings"
		}
		s.showSettingsForm(w, r, sess, http.StatusOK, f.Heading, f)
		return
	}
	s.saved(w, r, sess, edit.Note)
}

// closureField is the form field a problem with a closure day belongs to.
func closureField(path string) string {
	if strings.HasPrefix(pathKey(path), "calendar.closure_days") {
		return "date"
	}
	return ""
}
