package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// A settings section is one form of the settings pages, as a table entry:
// the fields it asks for and three small functions. sectionPage and
// sectionPost serve every section the same way, so a new section is a
// settingsSection value and two routes:
//
//	m.HandleFunc("GET /web/settings/things/{key}", s.admin(s.sectionPage(thingSection)))
//	m.HandleFunc("POST /web/settings/things/{key}", s.admin(s.sectionPost(thingSection)))
//
// GET shows the form, filled from the settings now, or from the query
// when the admin comes back from the check page with Change; it never
// changes anything. POST reads the answers into the form's fields; Apply
// checks what only the page can (a number that is not one) and turns them
// into a SettingsEdit; the editor checks the result with config check's
// rules (its messages shown beside the field Field names and in the error
// summary, nothing changed); without action=save the check-your-answers
// page shows each field before and after, with config check's warnings
// the change brings (newWarnings; still saveable), and with it the change
// is stored, recorded and put to use.
type settingsSection struct {
	// Form returns the form of the thing with key (the path's {key}, or
	// what Key reads from a POST; "" for a new one), its fields filled from
	// v with newSettingsForm, and false when there is no such thing (the
	// page is then not found).
	Form func(s *Server, v SettingsView, key string, isNew bool) (settingsForm, bool)
	// Key returns the key of the thing a POST changes and whether it is a
	// new one; nil reads the path's {key}, new when empty.
	Key func(r *http.Request) (key string, isNew bool)
	// Apply turns the answers in f, the form of the thing with key, into
	// the change, with its Note, marking
	// any field it cannot read with f.setError. It may set f.Rows and
	// f.Page for a check page of its own. It returns false when the change
	// names something that is not there (the page is then not found).
	Apply func(s *Server, v SettingsView, key string, f *settingsForm) (SettingsEdit, bool)
	// Field returns the form field a config check problem belongs to, from
	// the problem's path (such as "protocol.stages[0].days"), or "" for
	// the error summary alone.
	Field func(path string) string
	// Refuse, when set, runs before Apply on a POST for what only the
	// store knows (such as the open cases a removal would strand): it
	// returns the reasons to refuse the change, shown in the error summary
	// with nothing changed, or an error when the store fails.
	Refuse func(s *Server, r *http.Request, v SettingsView, key string) ([]string, error)
	// Confirm makes the form a confirmation (its Form sets Check and Rows
	// and has no fields to fill): a POST saves at once, with no check page.
	Confirm bool
	// Timescales is true when the section changes how deadlines are
	// counted (a stage's or the referral's working days, closure days):
	// its check page says cases already open keep the deadlines they were
	// given.
	Timescales bool
}

// form is sec.Form, marked with what the section changes.
func (sec settingsSection) form(s *Server, v SettingsView, key string, isNew bool) (settingsForm, bool) {
	f, ok := sec.Form(s, v, key, isNew)
	f.Timescales = sec.Timescales
	return f, ok
}

// newSettingsForm returns a form headed heading, with intro under it,
// posting to action; page is the form's own address, which the check
// page's Change links go back to. Each field takes its value from values
// (by key), a radio the option of that value.
func (s *Server) newSettingsForm(heading, intro, action, page string, version int64, fields []settingsField, values map[string]string) settingsForm {
	f := settingsForm{Heading: heading, Intro: intro, Action: action, Page: page, Back: "/web/settings", Version: version,
		Submit: s.words().Say("settings.continue", nil), Fields: fields}
	for i := range f.Fields {
		f.Fields[i].set(values[f.Fields[i].Key])
	}
	return f
}

// set gives the field value v, checking the radio option of that value.
func (fl *settingsField) set(v string) {
	if fl.Type == "date" {
		fl.readDate(url.Values{fl.Key: {v}})
		return
	}
	fl.Value = v
	for j := range fl.Options {
		fl.Options[j].Checked = fl.Options[j].Value == v
	}
}

// sectionPage serves the form of sec (GET).
func (s *Server) sectionPage(sec settingsSection) handler {
	return func(w http.ResponseWriter, r *http.Request, sess *session) {
		v, err := s.editor(r.Context()).View(r.Context())
		if err != nil {
			s.internal(w, r, err)
			return
		}
		key := r.PathValue("key")
		f, ok := sec.form(s, v, key, key == "")
		if !ok {
			s.notFound(w, r)
			return
		}
		for i := range f.Fields {
			if q, ok := r.URL.Query()[f.Fields[i].Key]; ok {
				f.Fields[i].set(q[0])
			}
		}
		s.showSettingsForm(w, r, sess, http.StatusOK, f.Heading, f)
	}
}

// sectionPost serves the answers to the form of sec (POST): the form
// again with what is wrong, the check-your-answers page, or on Save the
// change stored.
func (s *Server) sectionPost(sec settingsSection) handler {
	return func(w http.ResponseWriter, r *http.Request, sess *session) {
		ctx := r.Context()
		v, err := s.editor(ctx).View(ctx)
		if err != nil {
			s.internal(w, r, err)
			return
		}
		key, isNew := r.PathValue("key"), r.PathValue("key") == ""
		if sec.Key != nil {
			key, isNew = sec.Key(r)
		}
		before, ok := sec.form(s, v, key, isNew)
		f, _ := sec.form(s, v, key, isNew)
		if !ok {
			s.notFound(w, r)
			return
		}
		f.Version = formVersion(r)
		f.readForm(r)
		if sec.Refuse != nil {
			if f.Problems, err = sec.Refuse(s, r, v, key); err != nil {
				s.internal(w, r, err)
				return
			}
		}
		edit, ok := sec.Apply(s, v, key, &f)
		if !ok {
			s.notFound(w, r)
			return
		}
		if hasErrors(f) {
			s.showSettingsForm(w, r, sess, http.StatusUnprocessableEntity, f.Heading, f)
			return
		}
		edit.Check = !sec.Confirm && r.PostFormValue("action") != "save"
		probs, err := s.editor(ctx).Change(ctx, sess.Person, f.Version, edit)
		switch {
		case err != nil:
			s.changeRefused(w, r, sess, f.Heading, f, probs, err, sec.Field)
		case edit.Check:
			f.Warnings = s.newWarnings(ctx, sess.Person, f.Version, probs)
			s.checkAnswers(w, r, sess, before, f)
		default:
			s.saved(w, r, sess, edit.Note, f.Done)
		}
	}
}

// checkAnswers shows the check-your-answers page of f, each field that is
// not hidden with its value in before (none when f adds a new thing), unless
// f has rows of its own. Change goes back to f's page with the answers, or
// to the settings when f has no page.
func (s *Server) checkAnswers(w http.ResponseWriter, r *http.Request, sess *session, before, f settingsForm) {
	f.Check, f.Submit = true, s.words().Say("settings.save", nil)
	f.Heading = s.words().Say("settings.check.heading", nil)
	if f.Rows == nil {
		for _, fl := range f.Fields {
			if fl.Type == "hidden" {
				continue
			}
			b, a := before.value(fl.Key), fl.Value
			switch fl.Type {
			case "radio":
				b, a = optionLabel(fl, b), optionLabel(fl, a)
			case "date":
				b, a = dayText(b, time.UTC), dayText(a, time.UTC)
			}
			if f.Adds {
				b = ""
			}
			f.Rows = append(f.Rows, checkRow{Label: fl.Label, Before: b, After: a, Changed: b != a})
		}
	}
	f.Back = "/web/settings"
	if f.Page != "" {
		f.Back = f.Page + "?" + formQuery(f)
	}
	s.showSettingsForm(w, r, sess, http.StatusOK, f.Heading, f)
}

// hasErrors reports whether f has a field marked wrong or a problem of
// its own.
func hasErrors(f settingsForm) bool {
	if len(f.Problems) > 0 {
		return true
	}
	for _, fl := range f.Fields {
		if fl.Error != "" {
			return true
		}
	}
	return false
}

// formQuery returns a form's answers as a query, for the Change link of
// its check-your-answers page.
func formQuery(f settingsForm) string {
	var b strings.Builder
	for i, fl := range f.Fields {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(urlQueryEscape(fl.Key) + "=" + urlQueryEscape(fl.Value))
	}
	return b.String()
}

func optionLabel(f settingsField, v string) string {
	for _, o := range f.Options {
		if o.Value == v {
			return o.Label
		}
	}
	return v
}

// newWarnings returns the messages of config check's warnings in probs,
// the problems of a change to the settings at version, that the settings
// do not have already: the check page warns of what the change brings,
// not of what it leaves as it was. When the settings as they are cannot be
// checked, every warning is returned.
func (s *Server) newWarnings(ctx context.Context, by string, version int64, probs []SettingsProblem) []string {
	if !slices.ContainsFunc(probs, func(p SettingsProblem) bool { return !p.Error }) {
		return nil
	}
	had, err := s.editor(ctx).Change(ctx, by, version, SettingsEdit{Check: true})
	if err != nil {
		had = nil
	}
	var out []string
	for _, p := range probs {
		if !p.Error && !slices.Contains(had, p) {
			out = append(out, p.Message)
		}
	}
	return out
}
