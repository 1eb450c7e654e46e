package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// stageForm is the form of a stage's timescales, filled from st.
func (s *Server) stageForm(st StageTimes, version int64) settingsForm {
	num := func(key, label, hint string, v int) settingsField {
		return settingsField{Key: key, Label: label, Hint: hint, Value: strconv.Itoa(v), Type: "number", Width: "govuk-input--width-3"}
	}
	return settingsForm{
		Heading: s.words().Say("settings.stage.heading", messages.Args{"stage": st.Name}),
		Intro:   s.words().Say("settings.stage.intro", nil),
		Action:  "/web/settings/stages/" + st.Key, Back: "/web/settings", Version: version,
		Submit: s.words().Say("settings.continue", nil),
		Fields: []settingsField{
			{Key: "name", Label: s.words().Say("settings.stage.name", nil), Value: st.Name, Type: "text"},
			{Key: "guidance", Label: s.words().Say("settings.stage.guidance", nil), Hint: s.words().Say("settings.stage.guidance.hint", nil), Value: st.Guidance, Type: "textarea"},
			num("days", s.words().Say("settings.stage.days", nil), s.words().Say("settings.stage.days.hint", nil), st.Days),
			num("urgent_days", s.words().Say("settings.stage.urgent_days", nil), s.words().Say("settings.stage.urgent_days.hint", nil), st.UrgentDays),
			num("ack_days", s.words().Say("settings.stage.ack_days", nil), s.words().Say("settings.stage.ack_days.hint", nil), st.AckDays),
		},
	}
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

// stagePage shows the form of a stage's timescales, with the answers in
// the query when coming back from checking them.
func (s *Server) stagePage(w http.ResponseWriter, r *http.Request, sess *session) {
	v, err := s.opts.Settings.View(r.Context())
	if err != nil {
		s.internal(w, r, err)
		return
	}
	st, ok := findStage(v, r.PathValue("key"))
	if !ok {
		s.notFound(w, r)
		return
	}
	f := s.stageForm(st, v.Version)
	for i := range f.Fields {
		if q := r.URL.Query().Get(f.Fields[i].Key); q != "" {
			f.Fields[i].Value = q
		}
	}
	s.showSettingsForm(w, r, sess, http.StatusOK, f.Heading, f)
}

// stagePost checks the answers, shows them to be checked, and on Save
// stores the new timescales.
func (s *Server) stagePost(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx := r.Context()
	v, err := s.opts.Settings.View(ctx)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	st, ok := findStage(v, r.PathValue("key"))
	if !ok {
		s.notFound(w, r)
		return
	}
	f := s.stageForm(st, formVersion(r))
	f.readForm(r)
	next := st
	next.Name, next.Guidance = f.value("name"), f.value("guidance")
	for _, p := range []struct {
		key string
		dst *int
	}{{"days", &next.Days}, {"urgent_days", &next.UrgentDays}, {"ack_days", &next.AckDays}} {
		n, msg := s.wholeDays(f.value(p.key))
		if msg != "" {
			f.setError(p.key, msg)
		}
		*p.dst = n
	}
	if hasFieldErrors(f) {
		s.showSettingsForm(w, r, sess, http.StatusUnprocessableEntity, f.Heading, f)
		return
	}
	note := s.words().Say("settings.note.stage", messages.Args{"stage": st.Name, "days": next.Days, "urgent": next.UrgentDays, "ack": next.AckDays})
	edit := SettingsEdit{Stage: &next, Note: note, Check: r.PostFormValue("action") != "save"}
	probs, err := s.opts.Settings.Change(ctx, sess.Person, f.Version, edit)
	if err != nil {
		s.changeRefused(w, r, sess, f.Heading, f, probs, err, stageField)
		return
	}
	if edit.Check {
		f.Check, f.Submit = true, s.words().Say("settings.save", nil)
		f.Heading = s.words().Say("settings.check.heading", nil)
		for i, fl := range f.Fields {
			before := []string{st.Name, st.Guidance, strconv.Itoa(st.Days), strconv.Itoa(st.UrgentDays), strconv.Itoa(st.AckDays)}[i]
			f.Rows = append(f.Rows, checkRow{Label: fl.Label, Before: before, After: fl.Value, Changed: before != fl.Value})
		}
		f.Back = f.Action + "?" + formQuery(f)
		s.showSettingsForm(w, r, sess, http.StatusOK, f.Heading, f)
		return
	}
	s.saved(w, r, sess, note)
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

func hasFieldErrors(f settingsForm) bool {
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

// agencyTiers are the tiers an agency form asks a contact for, with the
// keys of their fields.
var agencyTiers = []string{conversation.TierManager, conversation.TierSeniorManager, conversation.TierLeader}

// agencyForm is the form of an agency, filled from a (empty for a new one).
func (s *Server) agencyForm(a AgencySettings, isNew bool, version int64) settingsForm {
	text := func(key, label, hint, value, typ string) settingsField {
		return settingsField{Key: key, Label: label, Hint: hint, Value: value, Type: typ}
	}
	heading := s.words().Say("settings.agency.heading.new", nil)
	if !isNew {
		heading = s.words().Say("settings.agency.heading.edit", messages.Args{"agency": a.Name})
	}
	f := settingsForm{Heading: heading, Intro: s.words().Say("settings.agency.intro", nil), Action: "/web/settings/agencies",
		Back: "/web/settings", Version: version, Submit: s.words().Say("settings.continue", nil)}
	key := text("key", s.words().Say("settings.agency.key", nil), s.words().Say("settings.agency.key.hint", nil), a.Key, "text")
	key.Width = "govuk-input--width-10"
	if !isNew {
		key.Type = "hidden"
		f.Existing = true
		f.Retire = "/web/settings/agencies/" + urlQueryEscape(a.Key) + "/retire"
	}
	reach := ""
	if a.EmailOnly {
		reach = "email"
	}
	f.Fields = append(f.Fields, key,
		text("name", s.words().Say("settings.agency.name", nil), "", a.Name, "text"),
		settingsField{Key: "reach", Label: s.words().Say("settings.agency.reach", nil), Type: "radio", Value: reach, Options: []settingsOption{
			{Value: "", Label: s.words().Say("settings.agency.reach.learned", nil), Checked: reach == ""},
			{Value: "email", Label: s.words().Say("settings.agency.reach.email", nil), Checked: reach == "email"},
		}})
	for _, tier := range agencyTiers {
		c := firstContact(a, tier)
		f.Fields = append(f.Fields,
			text(tier+"_name", s.words().Say("settings.agency.contact.name", messages.Args{"tier": s.tierName(tier)}), "", c.Name, "text"),
			text(tier+"_email", s.words().Say("settings.agency.contact.email", messages.Args{"tier": s.tierName(tier)}), "", c.Email, "email"))
	}
	return f
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

// agencyPage shows the form of a new agency, or of the agency in the path.
func (s *Server) agencyPage(w http.ResponseWriter, r *http.Request, sess *session) {
	v, err := s.opts.Settings.View(r.Context())
	if err != nil {
		s.internal(w, r, err)
		return
	}
	key := r.PathValue("key")
	a, ok := findAgency(v, key)
	if key != "" && !ok {
		s.notFound(w, r)
		return
	}
	f := s.agencyForm(a, key == "", v.Version)
	for i := range f.Fields {
		if q, ok := r.URL.Query()[f.Fields[i].Key]; ok {
			f.Fields[i].Value = q[0]
			for j := range f.Fields[i].Options {
				f.Fields[i].Options[j].Checked = f.Fields[i].Options[j].Value == q[0]
			}
		}
	}
	s.showSettingsForm(w, r, sess, http.StatusOK, f.Heading, f)
}

// agencyPost checks an agency's answers, shows them to be checked, and on
// Save adds the agency or replaces the one with its key.
func (s *Server) agencyPost(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx := r.Context()
	v, err := s.opts.Settings.View(ctx)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	old, exists := findAgency(v, strings.TrimSpace(r.PostFormValue("key")))
	isNew := r.PostFormValue("existing") != "yes"
	f := s.agencyForm(old, isNew, formVersion(r))
	f.readForm(r)
	if isNew && exists {
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
	if hasFieldErrors(f) {
		s.showSettingsForm(w, r, sess, http.StatusUnprocessableEntity, f.Heading, f)
		return
	}
	note := s.words().Say("settings.note.agency.added", messages.Args{"agency": next.Name})
	if !isNew {
		note = s.words().Say("settings.note.agency.changed", messages.Args{"agency": next.Name})
	}
	edit := SettingsEdit{Agency: &next, Note: note, Check: r.PostFormValue("action") != "save"}
	probs, err := s.opts.Settings.Change(ctx, sess.Person, f.Version, edit)
	if err != nil {
		s.changeRefused(w, r, sess, f.Heading, f, probs, err, agencyField)
		return
	}
	if edit.Check {
		f.Check, f.Submit = true, s.words().Say("settings.save", nil)
		f.Heading = s.words().Say("settings.check.heading", nil)
		before := s.agencyForm(old, isNew, 0)
		for i, fl := range f.Fields {
			if fl.Type == "hidden" {
				continue
			}
			b, a := before.Fields[i].Value, fl.Value
			if fl.Type == "radio" {
				b, a = optionLabel(before.Fields[i], b), optionLabel(fl, a)
			}
			if isNew {
				b = ""
			}
			f.Rows = append(f.Rows, checkRow{Label: fl.Label, Before: b, After: a, Changed: b != a})
		}
		f.Back = "/web/settings/agencies/new?" + formQuery(f)
		if !isNew {
			f.Back = "/web/settings/agencies/" + urlQueryEscape(old.Key) + "?" + formQuery(f)
		}
		s.showSettingsForm(w, r, sess, http.StatusOK, f.Heading, f)
		return
	}
	s.saved(w, r, sess, note)
}

func optionLabel(f settingsField, v string) string {
	for _, o := range f.Options {
		if o.Value == v {
			return o.Label
		}
	}
	return v
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
	hist, err := s.opts.Settings.History(ctx, 0)
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
