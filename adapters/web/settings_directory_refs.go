package web

import (
	"slices"
	"strings"

	"github.com/resolvebot/resolvebot/bot/messages"
)

// referencesSection is the form of an agency's case reference formats and
// example; config check refuses a pattern that does not compile, and an
// example that matches none of them, with its own messages.
var referencesSection = settingsSection{Form: (*Server).referencesForm, Apply: (*Server).referencesApply, Field: referencesField}

// referencesForm is the form of the references of the agency with key.
func (s *Server) referencesForm(v SettingsView, key string, _ bool) (settingsForm, bool) {
	a, ok := findAgency(v, key)
	if !ok {
		return settingsForm{}, false
	}
	page := "/web/settings/agencies/" + urlPathEscape(a.Key) + "/references"
	f := s.newSettingsForm(s.words().Say("settings.directory.references.heading", messages.Args{"agency": a.Name}),
		s.words().Say("settings.directory.references.intro", nil), page, page, v.Version, []settingsField{
			{Key: "formats", Label: s.words().Say("settings.directory.references.formats", nil), Hint: s.words().Say("settings.directory.references.formats.hint", nil), Type: "textarea"},
			{Key: "example", Label: s.words().Say("settings.directory.references.example", nil), Hint: s.words().Say("settings.directory.references.example.hint", nil), Type: "text", Width: "govuk-input--width-20"},
		}, map[string]string{"formats": strings.Join(a.ReferenceFormats, "\n"), "example": a.ReferenceExample})
	f.Back, f.Done = agencyPeoplePath(a.Key), agencyPeoplePath(a.Key)
	return f, true
}

// referencesApply sets the agency's formats (one a line, blank lines
// dropped) and example.
func (s *Server) referencesApply(v SettingsView, key string, f *settingsForm) (SettingsEdit, bool) {
	a, ok := findAgency(v, key)
	if !ok {
		return SettingsEdit{}, false
	}
	a.ReferenceFormats = nil
	for _, line := range strings.Split(f.value("formats"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			a.ReferenceFormats = append(a.ReferenceFormats, line)
		}
	}
	a.ReferenceExample = f.value("example")
	return SettingsEdit{Agency: &a, Note: s.words().Say("settings.directory.note.references", messages.Args{"agency": a.Name})}, true
}

// referencesField is the form field a problem with an agency's references
// belongs to.
func referencesField(path string) string {
	switch k := pathKey(path); {
	case strings.HasSuffix(k, ".reference_formats"):
		return "formats"
	case strings.HasSuffix(k, ".reference_example"):
		return "example"
	}
	return ""
}

// reachSection is the form of the order of the ways an agency's people
// are reached by default; config check refuses a way it does not know, or
// one listed twice.
var reachSection = settingsSection{Form: (*Server).reachForm, Apply: (*Server).reachApply, Field: reachField}

// reachForm is the form of the reach of the agency with key.
func (s *Server) reachForm(v SettingsView, key string, _ bool) (settingsForm, bool) {
	a, ok := findAgency(v, key)
	if !ok {
		return settingsForm{}, false
	}
	page := "/web/settings/agencies/" + urlPathEscape(a.Key) + "/reach"
	f := s.newSettingsForm(s.words().Say("settings.directory.reach.heading", messages.Args{"agency": a.Name}),
		s.words().Say("settings.directory.reach.intro", nil), page, page, v.Version, []settingsField{
			{Key: "reach", Label: s.words().Say("settings.directory.reach.ways", nil), Hint: s.words().Say("settings.directory.reach.ways.hint", nil), Type: "text", Width: "govuk-input--width-20"},
		}, map[string]string{"reach": strings.Join(a.Reach, ", ")})
	f.Back, f.Done = agencyPeoplePath(a.Key), agencyPeoplePath(a.Key)
	return f, true
}

// reachApply sets the agency's ways, in the order given (separated by
// commas or spaces, any case); none is the way each person uses.
func (s *Server) reachApply(v SettingsView, key string, f *settingsForm) (SettingsEdit, bool) {
	a, ok := findAgency(v, key)
	if !ok {
		return SettingsEdit{}, false
	}
	a.Reach = strings.FieldsFunc(strings.ToLower(f.value("reach")), func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
	if len(a.Reach) == 0 {
		a.Reach = nil
	}
	a.EmailOnly = slices.Equal(a.Reach, []string{"email"})
	return SettingsEdit{Agency: &a, Note: s.words().Say("settings.directory.note.reach", messages.Args{"agency": a.Name, "reach": s.reachText(a.Reach)})}, true
}

// reachField is the form field a problem with an agency's reach belongs to.
func reachField(path string) string {
	if strings.Contains(pathKey(path), ".reach") {
		return "reach"
	}
	return ""
}

// reachText says an agency's reach: its ways in order, or the way each
// person uses.
func (s *Server) reachText(reach []string) string {
	if len(reach) == 0 {
		return s.words().Say("settings.page.reach.learned", nil)
	}
	return s.words().Say("settings.directory.reach.order", messages.Args{"ways": AgencySettings{Reach: reach}.Ways()})
}
