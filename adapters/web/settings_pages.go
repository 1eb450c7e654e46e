package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// stageSection is the form of a stage's name, guidance and timescales.
var stageSection = settingsSection{Form: (*Server).stageForm, Apply: (*Server).stageApply, Field: stageField, Timescales: true}

// stageForm is the form of the stage with key, filled from v.
func (s *Server) stageForm(v SettingsView, key string, _ bool) (settingsForm, bool) {
	st, ok := findStage(v, key)
	if !ok {
		return settingsForm{}, false
	}
	num := func(key, label, hint string) settingsField {
		return settingsField{Key: key, Label: label, Hint: hint, Type: "number", Width: "govuk-input--width-3"}
	}
	page := "/web/settings/stages/" + st.Key
	return s.newSettingsForm(s.words().Say("settings.stage.heading", messages.Args{"stage": st.Name}), s.words().Say("settings.stage.intro", nil),
		page, page, v.Version, []settingsField{
			{Key: "name", Label: s.words().Say("settings.stage.name", nil), Type: "text"},
			{Key: "guidance", Label: s.words().Say("settings.stage.guidance", nil), Hint: s.words().Say("settings.stage.guidance.hint", nil), Type: "textarea"},
			num("days", s.words().Say("settings.stage.days", nil), s.words().Say("settings.stage.days.hint", nil)),
			num("urgent_days", s.words().Say("settings.stage.urgent_days", nil), s.words().Say("settings.stage.urgent_days.hint", nil)),
			num("ack_days", s.words().Say("settings.stage.ack_days", nil), s.words().Say("settings.stage.ack_days.hint", nil)),
		}, map[string]string{"name": st.Name, "guidance": st.Guidance,
			"days": strconv.Itoa(st.Days), "urgent_days": strconv.Itoa(st.UrgentDays), "ack_days": strconv.Itoa(st.AckDays)}), true
}

// stageApply turns a stage form's answers into the change of its stage.
func (s *Server) stageApply(v SettingsView, key string, f *settingsForm) (SettingsEdit, bool) {
	st, ok := findStage(v, key)
	if !ok {
		return SettingsEdit{}, false
	}
	next := st
	next.Name, next.Guidance = f.value("name"), f.value("guidance")
	next.Days, next.UrgentDays, next.AckDays = s.wholeDays(f, "days"), s.wholeDays(f, "urgent_days"), s.wholeDays(f, "ack_days")
	note := s.words().Say("settings.note.stage", messages.Args{"stage": st.Name, "days": next.Days, "urgent": next.UrgentDays, "ack": next.AckDays})
	return SettingsEdit{Stage: &next, Note: note}, true
}

// findStage returns the stage with key in v.
func findStage(v SettingsView, key string) (StageTimes, bool) {
	for _, st := range v.Stages {
		if st.Key == key {
			return st, true
		}
	}
	return StageTimes{}, false
}

// stageField is the form field a problem with a stage's setting belongs to.
func stageField(path string) string {
	k := pathKey(path)
	for _, f := range []string{"urgent_days", "ack_days", "days", "name", "guidance"} {
		if strings.HasPrefix(k, "protocol.stages.") && strings.HasSuffix(k, "."+f) {
			return f
		}
	}
	return ""
}

// agencyTiers are the tiers an agency form asks a contact for, with the
// keys of their fields.
var agencyTiers = []string{conversation.TierManager, conversation.TierSeniorManager, conversation.TierLeader}

// agencySection is the form of an agency: a new one, or one listed (its
// key then kept in a hidden field).
var agencySection = settingsSection{Form: (*Server).agencyForm, Key: agencyKey, Apply: (*Server).agencyApply, Field: agencyField}

// agencyKey reads which agency an agency form changes, and whether it adds
// one.
func agencyKey(r *http.Request) (string, bool) {
	return strings.TrimSpace(r.PostFormValue("key")), r.PostFormValue("existing") != "yes"
}

// agencyForm is the form of a new agency, or of the agency with key in v.
func (s *Server) agencyForm(v SettingsView, key string, isNew bool) (settingsForm, bool) {
	var a AgencySettings
	heading := s.words().Say("settings.agency.heading.new", nil)
	page := "/web/settings/agencies/new"
	if !isNew {
		var ok bool
		if a, ok = findAgency(v, key); !ok {
			return settingsForm{}, false
		}
		heading = s.words().Say("settings.agency.heading.edit", messages.Args{"agency": a.Name})
		page = "/web/settings/agencies/" + urlQueryEscape(a.Key)
	}
	keyField := settingsField{Key: "key", Label: s.words().Say("settings.agency.key", nil), Hint: s.words().Say("settings.agency.key.hint", nil),
		Type: "text", Width: "govuk-input--width-10"}
	if !isNew {
		keyField.Type = "hidden"
	}
	fields := []settingsField{keyField,
		{Key: "name", Label: s.words().Say("settings.agency.name", nil), Type: "text"},
		{Key: "reach", Label: s.words().Say("settings.agency.reach", nil), Type: "radio", Options: []settingsOption{
			{Value: "", Label: s.words().Say("settings.agency.reach.learned", nil)},
			{Value: "email", Label: s.words().Say("settings.agency.reach.email", nil)},
		}}}
	values := map[string]string{"key": a.Key, "name": a.Name}
	if a.EmailOnly {
		values["reach"] = "email"
	}
	for _, tier := range agencyTiers {
		c := firstContact(a, tier)
		fields = append(fields,
			settingsField{Key: tier + "_name", Label: s.words().Say("settings.agency.contact.name", messages.Args{"tier": s.tierName(tier)}), Type: "text"},
			settingsField{Key: tier + "_email", Label: s.words().Say("settings.agency.contact.email", messages.Args{"tier": s.tierName(tier)}), Type: "email"})
		values[tier+"_name"], values[tier+"_email"] = c.Name, c.Email
	}
	f := s.newSettingsForm(heading, s.words().Say("settings.agency.intro", nil), "/web/settings/agencies", page, v.Version, fields, values)
	f.Adds, f.Existing = isNew, !isNew
	if !isNew {
		f.Retire = page + "/retire"
	}
	return f, true
}

// agencyApply turns an agency form's answers into the agency added or
// replaced; a new agency may not take a key already in use.
func (s *Server) agencyApply(v SettingsView, _ string, f *settingsForm) (SettingsEdit, bool) {
	old, exists := findAgency(v, f.value("key"))
	if f.Adds && exists {
		f.setError("key", s.words().Say("settings.agency.key.taken", messages.Args{"key": old.Key, "agency": old.Name}))
	}
	next := old
	next.Key, next.Name, next.EmailOnly = f.value("key"), f.value("name"), f.value("reach") == "email"
	for _, tier := range agencyTiers {
		cs := tierContacts(&next, tier)
		rest := []SettingsContact{}
		if len(*cs) > 1 {
			rest = (*cs)[1:]
		}
		c := SettingsContact{Name: f.value(tier + "_name"), Email: f.value(tier + "_email")}
		if c.Name == "" && c.Email == "" {
			*cs = rest
		} else {
			*cs = append([]SettingsContact{c}, rest...)
		}
	}
	note := s.words().Say("settings.note.agency.added", messages.Args{"agency": next.Name})
	if !f.Adds {
		note = s.words().Say("settings.note.agency.changed", messages.Args{"agency": next.Name})
	}
	return SettingsEdit{Agency: &next, Note: note}, true
}

// tierName is a tier as people say it.
func (s *Server) tierName(tier string) string {
	switch tier {
	case conversation.TierManager:
		return s.words().Say("settings.tier.manager", nil)
	case conversation.TierSeniorManager:
		return s.words().Say("settings.tier.senior_manager", nil)
	}
	return s.words().Say("settings.tier.leader", nil)
}

func tierContacts(a *AgencySettings, tier string) *[]SettingsContact {
	switch tier {
	case conversation.TierManager:
		return &a.Managers
	case conversation.TierSeniorManager:
		return &a.SeniorManagers
	}
	return &a.Leaders
}

func firstContact(a AgencySettings, tier string) SettingsContact {
	if cs := *tierContacts(&a, tier); len(cs) > 0 {
		return cs[0]
	}
	return SettingsContact{}
}

// findAgency returns the agency with key in v.
func findAgency(v SettingsView, key string) (AgencySettings, bool) {
	for _, a := range v.Agencies {
		if a.Key == key {
			return a, true
		}
	}
	return AgencySettings{}, false
}

// agencyField is the form field a problem with an agency's setting belongs
// to.
func agencyField(path string) string {
	k := strings.TrimPrefix(pathKey(path), "directory.agencies")
	switch {
	case k == ".key" || k == ".name" || strings.HasPrefix(k, ".reach"):
		return strings.SplitN(k, ".", 3)[1]
	case strings.HasPrefix(k, ".contacts."):
		parts := strings.Split(strings.TrimPrefix(k, ".contacts."), ".")
		if len(parts) == 2 {
			return parts[0] + "_" + parts[1]
		}
		return parts[0] + "_name"
	}
	return ""
}

// historyRow is one change on the history page.
type historyRow struct {
	Version         int64
	When, Who, Note string
	Removed, Added  []string
	Seed            bool
}

// settingsHistory lists every change: when, who, what, and the lines of
// the settings it took out and put in.
func (s *Server) settingsHistory(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx := r.Context()
	hist, err := s.editor(ctx).History(ctx, 0)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	rows := make([]historyRow, 0, len(hist))
	for _, c := range hist {
		who := c.By
		if strings.Contains(who, "@") {
			who = s.opts.Router.People.Name(ctx, who)
		}
		row := historyRow{Version: c.Version, When: s.opts.Router.Cards.When(c.At), Who: who, Note: c.Note, Seed: c.Before == ""}
		if !row.Seed {
			row.Removed, row.Added = lineDiff(c.Before, c.After)
		}
		rows = append(rows, row)
	}
	p := s.signedInPage(r, sess, s.words().Say("settings.history.title", nil), rows)
	s.render(w, r, http.StatusOK, "settingshistory", p)
}

// lineDiff returns the lines of before that after does not keep, and the
// lines after adds, in order, by their longest common subsequence.
func lineDiff(before, after string) (removed, added []string) {
	a, b := strings.Split(before, "\n"), strings.Split(after, "\n")
	n, m := len(a), len(b)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && a[i] == b[j]:
			i, j = i+1, j+1
		case j < m && (i == n || lcs[i][j+1] >= lcs[i+1][j]):
			added = append(added, fmt.Sprintf("%d: %s", j+1, b[j]))
			j++
		default:
			removed = append(removed, fmt.Sprintf("%d: %s", i+1, a[i]))
			i++
		}
	}
	return removed, added
}
