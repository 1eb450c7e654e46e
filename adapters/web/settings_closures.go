package web

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/resolvebot/resolvebot/bot/messages"
)

// closureSection is the form of a closure day to add; the settings page's
// Remove button posts to it too, with the day to take out.
var closureSection = settingsSection{Form: (*Server).closureForm, Key: closureKey, Apply: (*Server).closureApply, Field: closureField,
	Timescales: true}

// closureKey reads the closure day a POST takes out (the Remove button's),
// or "" when it adds one.
func closureKey(r *http.Request) (string, bool) {
	day := strings.TrimSpace(r.PostFormValue("remove"))
	return day, day == ""
}

// closureForm is the form of a closure day to add.
func (s *Server) closureForm(v SettingsView, _ string, _ bool) (settingsForm, bool) {
	f := s.newSettingsForm(s.words().Say("settings.closure.heading", nil), s.words().Say("settings.closure.intro", nil),
		"/web/settings/closures", "/web/settings/closures/new", v.Version,
		[]settingsField{{Key: "date", Label: s.words().Say("settings.closure.date", nil),
			Hint: s.words().Say("settings.closure.date.hint", nil), Type: "date",
			Date: dateField{DayLabel: s.words().Say("settings.closure.date.day", nil),
				MonthLabel: s.words().Say("settings.closure.date.month", nil), YearLabel: s.words().Say("settings.closure.date.year", nil)}}}, nil)
	f.Adds = true
	return f, true
}

// closureApply adds the closure day answered, or takes out the one the
// Remove button names (a check page of its own, which goes back to the
// settings).
func (s *Server) closureApply(v SettingsView, day string, f *settingsForm) (SettingsEdit, bool) {
	if day != "" {
		if !slices.Contains(v.ClosureDays, day) {
			return SettingsEdit{}, false
		}
		f.Fields = append(f.Fields, settingsField{Key: "remove", Value: day, Type: "hidden"})
		f.Rows = []checkRow{{Label: s.words().Say("settings.closure.removed", nil), Before: day, Changed: true}}
		f.Page = ""
		return SettingsEdit{RemoveClosure: day, Note: s.words().Say("settings.note.closure.removed", messages.Args{"date": day})}, true
	}
	day = f.value("date")
	switch {
	case f.Fields[0].Date.Parts.empty():
		f.setError("date", s.words().Say("settings.closure.missing", nil))
	case day == "":
		f.setError("date", s.words().Say("settings.closure.not_a_date", nil))
	case slices.Contains(v.ClosureDays, day):
		f.setError("date", s.words().Say("settings.closure.already", messages.Args{"date": dayText(day, time.UTC)}))
	}
	return SettingsEdit{AddClosure: day, Note: s.words().Say("settings.note.closure.added", messages.Args{"date": day})}, true
}

// closureField is the form field a problem with a closure day belongs to.
func closureField(path string) string {
	if strings.HasPrefix(pathKey(path), "calendar.closure_days") {
		return "date"
	}
	return ""
}
