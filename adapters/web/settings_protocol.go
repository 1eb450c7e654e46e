package web

import (
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/resolvebot/resolvebot/bot/messages"
)

// The protocol's settings beyond the stages: the routes out of the ladder,
// the categories, the nudge policy and quiet hours, and the referral to the
// partnership. Each is a settings section (see settingsSection).

// routesSection is the form of the routes out of the ladder and their
// contacts.
var routesSection = settingsSection{Form: (*Server).routesForm, Apply: (*Server).routesApply, Field: routeField}

// routesForm is the form of every route of RouteKeys, filled from v.
func (s *Server) routesForm(v SettingsView, _ string, _ bool) (settingsForm, bool) {
	field := func(key, label, hint string) settingsField {
		return settingsField{Key: key, Label: label, Hint: hint, Type: "text"}
	}
	fields := []settingsField{
		field("front_door", s.words().Say("settings.protocol.route.front_door", nil), s.words().Say("settings.protocol.route.front_door.hint", nil)),
		field("request_for_support", s.words().Say("settings.protocol.route.request_for_support", nil), s.words().Say("settings.protocol.route.request_for_support.hint", nil)),
		field("police", s.words().Say("settings.protocol.route.police", nil), s.words().Say("settings.protocol.route.police.hint", nil)),
		field("emergency", s.words().Say("settings.protocol.route.emergency", nil), s.words().Say("settings.protocol.route.emergency.hint", nil)),
		field("dissent_procedure", s.words().Say("settings.protocol.route.dissent_procedure", nil), s.words().Say("settings.protocol.route.dissent_procedure.hint", nil)),
		field("whistleblowing", s.words().Say("settings.protocol.route.whistleblowing", nil), s.words().Say("settings.protocol.route.whistleblowing.hint", nil)),
		field("partnership_contact", s.words().Say("settings.protocol.route.partnership_contact", nil), s.words().Say("settings.protocol.route.partnership_contact.hint", nil)),
		field("serious_concern_role", s.words().Say("settings.protocol.route.serious_concern_role", nil), s.words().Say("settings.protocol.route.serious_concern_role.hint", nil)),
		field("mediation", s.words().Say("settings.protocol.route.mediation", nil), s.words().Say("settings.protocol.route.mediation.hint", nil)),
	}
	values := maps.Clone(v.Routes)
	if values == nil {
		values = map[string]string{}
	}
	values["serious_concern_role"] = v.SeriousConcernRole
	return s.newSettingsForm(s.words().Say("settings.protocol.routes.heading", nil), s.words().Say("settings.protocol.routes.intro", nil),
		"/web/settings/routes", "/web/settings/routes", v.Version, fields, values), true
}

// routesApply turns the answers into the routes.
func (s *Server) routesApply(_ SettingsView, _ string, f *settingsForm) (SettingsEdit, bool) {
	routes := map[string]string{}
	for _, k := range RouteKeys {
		routes[k] = f.value(k)
	}
	role := f.value("serious_concern_role")
	return SettingsEdit{Routes: routes, SeriousConcernRole: &role, Note: s.words().Say("settings.protocol.note.routes", nil)}, true
}

// routeField is the field of a problem with a route ("protocol.routes.police")
// or with who serious concerns are logged with.
func routeField(path string) string {
	if path == "protocol.serious_concern.role" {
		return "serious_concern_role"
	}
	if k, ok := strings.CutPrefix(path, "protocol.routes."); ok && slices.Contains(RouteKeys, k) {
		return k
	}
	return ""
}

// categorySection is the form of a category: a new one, or one listed,
// renamed (its key then kept in a hidden field).
var categorySection = settingsSection{Form: (*Server).categoryForm, Key: postedKey, Apply: (*Server).categoryApply, Field: categoryField}

// postedKey reads the key a form of a new or listed thing posts, and
// whether it adds one (no existing=yes).
func postedKey(r *http.Request) (string, bool) {
	return strings.TrimSpace(r.PostFormValue("key")), r.PostFormValue("existing") != "yes"
}

// findCategory returns the category with key in v.
func findCategory(v SettingsView, key string) (CategorySettings, bool) {
	i := slices.IndexFunc(v.Categories, func(c CategorySettings) bool { return c.Key == key })
	if i < 0 {
		return CategorySettings{}, false
	}
	return v.Categories[i], true
}

// categoryForm is the form of a new category, or of the one with key.
func (s *Server) categoryForm(v SettingsView, key string, isNew bool) (settingsForm, bool) {
	c, ok := findCategory(v, key)
	if !isNew && !ok {
		return settingsForm{}, false
	}
	heading, page := s.words().Say("settings.protocol.category.heading.new", nil), "/web/settings/categories/new"
	keyField := settingsField{Key: "key", Label: s.words().Say("settings.protocol.category.key", nil),
		Hint: s.words().Say("settings.protocol.category.key.hint", nil), Type: "text", Width: "govuk-input--width-10"}
	if !isNew {
		heading, page = s.words().Say("settings.protocol.category.heading.edit", messages.Args{"category": c.Name}), "/web/settings/categories/"+urlQueryEscape(c.Key)
		keyField.Type = "hidden"
	} else {
		c = CategorySettings{}
	}
	f := s.newSettingsForm(heading, s.words().Say("settings.protocol.category.intro", nil), "/web/settings/categories", page, v.Version,
		[]settingsField{keyField, {Key: "name", Label: s.words().Say("settings.protocol.category.name", nil), Type: "text"}},
		map[string]string{"key": c.Key, "name": c.Name})
	f.Adds, f.Existing = isNew, !isNew
	if !isNew {
		f.Retire, f.RetireText = page+"/remove", s.words().Say("settings.protocol.category.remove.link", nil)
	}
	return f, true
}

// categoryApply turns the answers into the category added or renamed; a
// new one may not take a key already in use.
func (s *Server) categoryApply(v SettingsView, _ string, f *settingsForm) (SettingsEdit, bool) {
	c := CategorySettings{Key: f.value("key"), Name: f.value("name")}
	old, exists := findCategory(v, c.Key)
	if f.Adds && exists {
		f.setError("key", s.words().Say("settings.protocol.category.key.taken", messages.Args{"key": old.Key, "category": old.Name}))
	}
	note := s.words().Say("settings.protocol.note.category.added", messages.Args{"category": c.Name})
	if !f.Adds {
		note = s.words().Say("settings.protocol.note.category.renamed", messages.Args{"before": old.Name, "category": c.Name})
	}
	return SettingsEdit{Category: &c, Note: note}, true
}

// categoryField is the field of a problem with a category
// ("protocol.categories[3].name").
func categoryField(path string) string {
	switch k := pathKey(path); k {
	case "protocol.categories.key", "protocol.categories.name":
		return strings.TrimPrefix(k, "protocol.categories.")
	}
	return ""
}

// categoryRemoveSection asks to confirm taking a category out, and does,
// unless a case not yet ended has it: then it says which and changes
// nothing.
var categoryRemoveSection = settingsSection{Form: (*Server).categoryRemoveForm, Refuse: (*Server).categoryInUse,
	Apply: (*Server).categoryRemoveApply, Confirm: true}

// categoryRemoveForm is the page that asks to confirm taking the category
// with key out.
func (s *Server) categoryRemoveForm(v SettingsView, key string, _ bool) (settingsForm, bool) {
	c, ok := findCategory(v, key)
	page := "/web/settings/categories/" + urlQueryEscape(c.Key)
	return settingsForm{Heading: s.words().Say("settings.protocol.category.remove.heading", messages.Args{"category": c.Name}),
		Intro:  s.words().Say("settings.protocol.category.remove.intro", nil),
		Action: page + "/remove", Back: page, Version: v.Version, Check: true,
		Submit: s.words().Say("settings.protocol.category.remove.submit", nil),
		Rows: []checkRow{{Label: s.words().Say("settings.protocol.category.name", nil), After: c.Name},
			{Label: s.words().Say("settings.protocol.category.key", nil), After: c.Key}}}, ok
}

// categoryInUse says which cases not yet ended have the category with key.
// Returns EINTERNAL on store failure.
func (s *Server) categoryInUse(r *http.Request, v SettingsView, key string) ([]string, error) {
	c, _ := findCategory(v, key)
	open, err := s.openCases(r.Context(), func(_, _, category string) bool { return category == c.Key })
	if err != nil || len(open) == 0 {
		return nil, err
	}
	return []string{s.words().Say("settings.protocol.category.remove.open_cases", messages.Args{"category": c.Name, "cases": strings.Join(open, ", ")})}, nil
}

// categoryRemoveApply takes the category with key out.
func (s *Server) categoryRemoveApply(v SettingsView, key string, _ *settingsForm) (SettingsEdit, bool) {
	c, ok := findCategory(v, key)
	return SettingsEdit{RemoveCategory: c.Key, Note: s.words().Say("settings.protocol.note.category.removed", messages.Args{"category": c.Name})}, ok
}

// nudgesSection is the form of the nudge policy and the quiet hours.
var nudgesSection = settingsSection{Form: (*Server).nudgesForm, Apply: (*Server).nudgesApply, Field: nudgeField}

// nudgesForm is the form of the nudge policy and quiet hours, filled from v.
func (s *Server) nudgesForm(v SettingsView, _ string, _ bool) (settingsForm, bool) {
	n := v.Nudges
	field := func(key, label, hint, width string) settingsField {
		return settingsField{Key: key, Label: label, Hint: hint, Type: "number", Width: width}
	}
	quiet := func(key, label, hint string) settingsField {
		f := field(key, label, hint, "govuk-input--width-5")
		f.Type = "text"
		return f
	}
	return s.newSettingsForm(s.words().Say("settings.protocol.nudges.heading", nil), s.words().Say("settings.protocol.nudges.intro", nil),
		"/web/settings/nudges", "/web/settings/nudges", v.Version, []settingsField{
			field("reminder_days_before", s.words().Say("settings.protocol.nudges.before", nil), s.words().Say("settings.protocol.nudges.before.hint", nil), "govuk-input--width-3"),
			field("max_overdue_reminders", s.words().Say("settings.protocol.nudges.overdue", nil), s.words().Say("settings.protocol.nudges.overdue.hint", nil), "govuk-input--width-3"),
			quiet("quiet_start", s.words().Say("settings.protocol.nudges.quiet_start", nil), s.words().Say("settings.protocol.nudges.quiet_start.hint", nil)),
			quiet("quiet_end", s.words().Say("settings.protocol.nudges.quiet_end", nil), s.words().Say("settings.protocol.nudges.quiet_end.hint", nil)),
		}, map[string]string{"reminder_days_before": strconv.Itoa(n.ReminderDaysBefore), "max_overdue_reminders": strconv.Itoa(n.MaxOverdueReminders),
			"quiet_start": n.QuietStart, "quiet_end": n.QuietEnd}), true
}

// nudgesApply turns the answers into the nudge policy and quiet hours.
func (s *Server) nudgesApply(_ SettingsView, _ string, f *settingsForm) (SettingsEdit, bool) {
	n := NudgeSettings{ReminderDaysBefore: s.wholeDays(f, "reminder_days_before"),
		MaxOverdueReminders: s.wholeNumber(f, "max_overdue_reminders", s.words().Say("settings.protocol.nudges.not_a_number", nil)),
		QuietStart:          f.value("quiet_start"), QuietEnd: f.value("quiet_end")}
	note := s.words().Say("settings.protocol.note.nudges", messages.Args{"before": n.ReminderDaysBefore, "overdue": n.MaxOverdueReminders,
		"start": n.QuietStart, "end": n.QuietEnd})
	return SettingsEdit{Nudges: &n, Note: note}, true
}

// nudgeField is the field of a problem with the nudge policy
// ("scheduler.quiet_hours.start").
func nudgeField(path string) string {
	switch path {
	case "scheduler.reminder_days_before", "scheduler.max_overdue_reminders":
		return strings.TrimPrefix(path, "scheduler.")
	case "scheduler.quiet_hours.start":
		return "quiet_start"
	case "scheduler.quiet_hours.end":
		return "quiet_end"
	}
	return ""
}

// referralSection is the form of the referral to the partnership.
var referralSection = settingsSection{Form: (*Server).referralForm, Apply: (*Server).referralApply, Field: referralField, Timescales: true}

// referralForm is the form of the referral, filled from v.
func (s *Server) referralForm(v SettingsView, _ string, _ bool) (settingsForm, bool) {
	r := v.Referral
	num := func(key, label string) settingsField {
		return settingsField{Key: key, Label: label, Type: "number", Width: "govuk-input--width-3"}
	}
	return s.newSettingsForm(s.words().Say("settings.protocol.referral.heading", nil), s.words().Say("settings.protocol.referral.intro", nil),
		"/web/settings/referral", "/web/settings/referral", v.Version, []settingsField{
			{Key: "name", Label: s.words().Say("settings.protocol.referral.name", nil), Type: "text"},
			{Key: "body", Label: s.words().Say("settings.protocol.referral.body", nil), Hint: s.words().Say("settings.protocol.referral.body.hint", nil), Type: "text"},
			{Key: "role", Label: s.words().Say("settings.protocol.referral.role", nil), Hint: s.words().Say("settings.protocol.referral.role.hint", nil), Type: "text"},
			num("days", s.words().Say("settings.protocol.referral.days", nil)),
			num("ack_days", s.words().Say("settings.protocol.referral.ack_days", nil)),
			{Key: "guidance", Label: s.words().Say("settings.protocol.referral.guidance", nil), Hint: s.words().Say("settings.protocol.referral.guidance.hint", nil), Type: "textarea"},
		}, map[string]string{"name": r.Name, "body": r.Body, "role": r.Role, "days": strconv.Itoa(r.Days), "ack_days": strconv.Itoa(r.AckDays),
			"guidance": r.Guidance}), true
}

// referralApply turns the answers into the referral.
func (s *Server) referralApply(_ SettingsView, _ string, f *settingsForm) (SettingsEdit, bool) {
	r := ReferralSettings{Name: f.value("name"), Body: f.value("body"), Role: f.value("role"), Guidance: f.value("guidance"),
		Days: s.wholeDays(f, "days"), AckDays: s.wholeDays(f, "ack_days")}
	note := s.words().Say("settings.protocol.note.referral", messages.Args{"referral": r.Name, "days": r.Days, "ack": r.AckDays})
	return SettingsEdit{Referral: &r, Note: note}, true
}

// referralField is the field of a problem with the referral
// ("protocol.referral.days").
func referralField(path string) string {
	k, _ := strings.CutPrefix(path, "protocol.referral.")
	switch k {
	case "name", "body", "role", "days", "ack_days", "guidance":
		return k
	}
	return ""
}

// viewRows are the answers of f as the settings page lists them.
func viewRows(f settingsForm) []checkRow {
	var rows []checkRow
	for _, fl := range f.Fields {
		if fl.Type != "hidden" {
			rows = append(rows, checkRow{Label: fl.Label, After: optionLabel(fl, fl.Value)})
		}
	}
	return rows
}
