package web

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// SettingsEditor is the partnership's stored settings as the settings
// pages show and change them: its stage timescales and its directory. The
// composition root implements it over the store, with the rules of
// `resolvebot config check`.
type SettingsEditor interface {
	// View returns the settings now, with their version.
	View(ctx context.Context) (SettingsView, error)
	// Change applies edit to the settings at version, checks the result as
	// config check does, stores it with who made it and when, and puts it
	// to use (only checks it, when edit.Check is set). It returns every problem found, with EINVALID when any is an
	// error (nothing is changed then), ECONFLICT when the settings are no
	// longer at version, and EINTERNAL on failure.
	Change(ctx context.Context, by string, version int64, edit SettingsEdit) ([]SettingsProblem, error)
	// History returns up to limit changes, newest first (all for 0).
	// Returns EINTERNAL on failure.
	History(ctx context.Context, limit int) ([]conversation.SettingsChange, error)
}

// SettingsView is what the settings pages show.
type SettingsView struct {
	Version  int64
	Stages   []StageTimes
	Agencies []AgencySettings
	Roles    []RoleSettings
	// ClosureDays are the partnership's extra non-working days, as
	// YYYY-MM-DD, in date order.
	ClosureDays []string
	// Chairs are the conference chairs and reviewing officers, who log
	// differences seen in conferences; ChairsAsked is true when the
	// protocol has them (protocol.observations).
	Chairs      []SettingsContact
	ChairsAsked bool
	// Routes are the routes out of the ladder and their contacts, by the
	// file's key under protocol.routes (RouteKeys).
	Routes map[string]string
	// SeriousConcernRole is the partnership role serious concerns are
	// logged with, who decides on a deep dive; empty for every partnership
	// role.
	SeriousConcernRole string
	Categories         []CategorySettings
	Nudges             NudgeSettings
	Referral           ReferralSettings
}

// RouteKeys are the routes out of the ladder the settings pages show and
// change, by their key under protocol.routes in the file, in the order
// shown.
var RouteKeys = []string{"front_door", "request_for_support", "police", "emergency", "dissent_procedure",
	"whistleblowing", "partnership_contact", "mediation"}

// CategorySettings is one category of disagreement: its key, kept on
// cases, and its name.
type CategorySettings struct{ Key, Name string }

// NudgeSettings are the nudge policy and the quiet hours.
type NudgeSettings struct {
	// ReminderDaysBefore is how many working days before a deadline
	// people are reminded (0: no reminder); MaxOverdueReminders how many
	// daily reminders follow a missed one before the partnership hears.
	ReminderDaysBefore, MaxOverdueReminders int
	// QuietStart and QuietEnd bound the quiet hours, as HH:MM.
	QuietStart, QuietEnd string
}

// ReferralSettings are the referral to the partnership above the ladder:
// its name, the body that hears it, the role that receives it, its
// guidance and its timescales in working days.
type ReferralSettings struct {
	Name, Body, Role, Guidance string
	Days, AckDays              int
}

// StageTimes are one stage's name, guidance and timescales, in working
// days.
type StageTimes struct {
	Key, Name, Guidance       string
	Days, UrgentDays, AckDays int
}

// SettingsContact is a named person with a work email.
type SettingsContact struct{ Name, Email string }

// AgencySettings are one agency of the directory as the pages edit it.
type AgencySettings struct {
	Key, Name string
	// EmailOnly is true when the agency's people are reached by email
	// unless they choose otherwise (reach: [email]).
	EmailOnly bool
	// Managers, SeniorManagers and Leaders are its contacts per tier;
	// the agency form edits the first of each and keeps the rest, and
	// the agency's contacts page (settings_directory.go) each of them.
	Managers, SeniorManagers, Leaders []SettingsContact
	SafeguardingLeads                 []SettingsContact
	// Reach is the default order of the ways its people are reached
	// (slack, teams, email), nil for the way each person uses.
	Reach []string
	// ReferenceFormats are the patterns its case references match in
	// full; ReferenceExample is shown to people who type something else.
	ReferenceFormats []string
	ReferenceExample string
}

// RoleSettings is one partnership role.
type RoleSettings struct{ Name, Email, Role string }

// SettingsEdit is one change: a stage's timescales, an agency added or
// replaced (matched by its key) or retired, a closure day added or taken
// out, the routes out of the ladder, a category added, renamed or taken
// out, the nudge policy and quiet hours, or the referral.
type SettingsEdit struct {
	Stage  *StageTimes
	Agency *AgencySettings
	// AddClosure and RemoveClosure are a closure day (YYYY-MM-DD) to add
	// or to take out, or empty.
	AddClosure, RemoveClosure string
	// RetireAgency is the key of an agency to take out of the directory,
	// or empty.
	RetireAgency string
	// Roles and Chairs, when not nil, replace the partnership roles and
	// the conference chairs.
	Roles  *[]RoleSettings
	Chairs *[]SettingsContact
	// Routes, when set, replace the routes out of the ladder named in it
	// (by RouteKeys).
	Routes map[string]string
	// SeriousConcernRole, when set, replaces the partnership role serious
	// concerns are logged with (empty: every partnership role).
	SeriousConcernRole *string
	// Category is a category added, or renamed (matched by its key);
	// RemoveCategory the key of one to take out, or empty.
	Category       *CategorySettings
	RemoveCategory string
	// Nudges and Referral, when set, replace the nudge policy and quiet
	// hours, and the referral.
	Nudges   *NudgeSettings
	Referral *ReferralSettings
	// Note says what changed, in a few words, for the change history.
	Note string
	// Check asks only whether the change would be accepted: nothing is
	// stored or used.
	Check bool
}

// SettingsProblem is one problem config check found: the setting's path
// (such as "protocol.stages[0].days") and its message.
type SettingsProblem struct {
	Path, Message string
	Error         bool // false for a warning, which does not stop a change
}

// admin runs h for a signed-in partnership admin (the partnership role
// conversation.RolePartnershipAdmin) with the settings they change in the
// request's context (see editor); anyone else is refused and nothing
// changes. On a deployment hosting several partnerships these are the
// settings of the partnership the request names among theirs (the
// partnership parameter, or the form's own; see namedPartnership), else of
// the one they chose (see choosePartnership), else of the
// only one they are admin of; naming another is refused, and an admin of
// several who has not chosen is asked which.
func (s *Server) admin(h handler) http.HandlerFunc {
	return s.signedIn(func(w http.ResponseWriter, r *http.Request, sess *session) {
		if s.opts.Settings == nil && s.opts.SettingsFor == nil {
			s.notFound(w, r)
			return
		}
		ed, theirs, err := s.adminEditor(r, sess)
		if err != nil {
			s.internal(w, r, err)
			return
		}
		if ed == nil && len(theirs) > 1 && namedPartnership(r) == "" {
			s.partnershipChoice(w, r, sess, theirs)
			return
		}
		if ed == nil {
			s.refuseSettings(w, r, sess)
			return
		}
		ctx := context.WithValue(r.Context(), editorKey{}, ed.Editor)
		if len(theirs) > 1 {
			ctx = context.WithValue(ctx, chosenKey{}, partnershipOption{ID: ed.ID, Name: s.opts.Router.Engine.PartnershipName(ed.ID)})
		}
		h(w, r.WithContext(ctx), sess)
	})
}

// refuseSettings says only a partnership admin can change the settings.
func (s *Server) refuseSettings(w http.ResponseWriter, r *http.Request, sess *session) {
	s.problem(w, r, sess, http.StatusForbidden, s.words().Say("settings.refused.title", nil),
		s.words().Say("settings.refused.text", messages.Args{"role": conversation.RolePartnershipAdmin}))
}

// PartnershipSettings are the settings of one hosted partnership, by its
// id, as Options.SettingsFor gives them.
type PartnershipSettings struct {
	ID     string
	Editor SettingsEditor
}

// editorKey is the request context's key of the settings admin chose.
type editorKey struct{}

// editor returns the settings the request's admin changes (set by admin).
func (s *Server) editor(ctx context.Context) SettingsEditor {
	if ed, ok := ctx.Value(editorKey{}).(SettingsEditor); ok {
		return ed
	}
	return s.opts.Settings
}

// adminEditor returns the partnership whose settings the session's person
// may change on request r (with no ID on a deployment hosting one), or nil
// when they may change none or have not chosen among several, with every
// hosted partnership they are admin of. Returns EINTERNAL on failure.
func (s *Server) adminEditor(r *http.Request, sess *session) (*PartnershipSettings, []PartnershipSettings, error) {
	if s.opts.SettingsFor == nil {
		a, err := s.opts.Router.Engine.Actor(r.Context(), sess.Person)
		if err != nil {
			return nil, nil, err
		}
		if !a.Holds(conversation.RolePartnershipAdmin) {
			return nil, nil, nil
		}
		return &PartnershipSettings{Editor: s.opts.Settings}, nil, nil
	}
	theirs, err := s.opts.SettingsFor(r.Context(), sess.Person)
	if err != nil {
		return nil, nil, err
	}
	want := namedPartnership(r)
	if want == "" && len(theirs) == 1 {
		want = theirs[0].ID
	}
	if want == "" {
		want = sess.Partnership
	}
	for i, p := range theirs {
		if p.ID == want {
			return &theirs[i], theirs, nil
		}
	}
	return nil, theirs, nil
}

// isAdmin reports whether person may change the settings.
func (s *Server) isAdmin(ctx context.Context, person string) bool {
	if s.opts.SettingsFor != nil {
		theirs, err := s.opts.SettingsFor(ctx, person)
		return err == nil && len(theirs) > 0
	}
	if s.opts.Settings == nil {
		return false
	}
	a, err := s.opts.Router.Engine.Actor(ctx, person)
	return err == nil && a.Holds(conversation.RolePartnershipAdmin)
}

func (s *Server) settingsRoutes(m *http.ServeMux) {
	s.directoryRoutes(m)
	m.HandleFunc("GET /web/settings", s.admin(s.settingsPage))
	m.HandleFunc("GET /web/settings/partnership", s.signedIn(s.partnershipChoicePage))
	m.HandleFunc("POST /web/settings/partnership", s.signedIn(s.choosePartnership))
	m.HandleFunc("GET /web/settings/history", s.admin(s.settingsHistory))
	m.HandleFunc("GET /web/settings/stages/{key}", s.admin(s.sectionPage(stageSection)))
	m.HandleFunc("POST /web/settings/stages/{key}", s.admin(s.sectionPost(stageSection)))
	m.HandleFunc("GET /web/settings/agencies/new", s.admin(s.sectionPage(agencySection)))
	m.HandleFunc("GET /web/settings/agencies/{key}", s.admin(s.sectionPage(agencySection)))
	m.HandleFunc("POST /web/settings/agencies", s.admin(s.sectionPost(agencySection)))
	m.HandleFunc("GET /web/settings/agencies/{key}/retire", s.admin(s.sectionPage(retireSection)))
	m.HandleFunc("POST /web/settings/agencies/{key}/retire", s.admin(s.sectionPost(retireSection)))
	m.HandleFunc("GET /web/settings/closures/new", s.admin(s.sectionPage(closureSection)))
	m.HandleFunc("POST /web/settings/closures", s.admin(s.sectionPost(closureSection)))
	s.protocolRoutes(m)
}

// protocolRoutes serves the forms of the protocol's routes, categories,
// nudge policy and referral.
func (s *Server) protocolRoutes(m *http.ServeMux) {
	for path, sec := range map[string]settingsSection{"/web/settings/routes": routesSection, "/web/settings/nudges": nudgesSection,
		"/web/settings/referral": referralSection, "/web/settings/categories/{key}/remove": categoryRemoveSection} {
		m.HandleFunc("GET "+path, s.admin(s.sectionPage(sec)))
		m.HandleFunc("POST "+path, s.admin(s.sectionPost(sec)))
	}
	m.HandleFunc("GET /web/settings/categories/new", s.admin(s.sectionPage(categorySection)))
	m.HandleFunc("GET /web/settings/categories/{key}", s.admin(s.sectionPage(categorySection)))
	m.HandleFunc("POST /web/settings/categories", s.admin(s.sectionPost(categorySection)))
}

// settingsPageData is what the settings page shows: the settings, with the
// routes, the nudge policy and the referral as rows of labelled answers.
type settingsPageData struct {
	SettingsView
	RouteRows, NudgeRows, ReferralRows []checkRow
	People                             []peopleGroup // the partnership roles and conference chairs
	// Partnership is the name of the partnership whose settings an admin
	// of several is changing; "" for an admin of one.
	Partnership string
}

// settingsPage shows the timescales, the protocol and the directory, each
// with a way to change it.
func (s *Server) settingsPage(w http.ResponseWriter, r *http.Request, sess *session) {
	v, err := s.editor(r.Context()).View(r.Context())
	if err != nil {
		s.internal(w, r, err)
		return
	}
	d := settingsPageData{SettingsView: v, People: s.partnershipPeople(v), Partnership: chosenPartnership(r.Context())}
	for _, row := range []struct {
		dst *[]checkRow
		sec settingsSection
	}{{&d.RouteRows, routesSection}, {&d.NudgeRows, nudgesSection}, {&d.ReferralRows, referralSection}} {
		f, _ := row.sec.Form(s, v, "", false)
		*row.dst = viewRows(f)
	}
	p := s.signedInPage(r, sess, s.words().Say("settings.title", nil), d)
	s.render(w, r, http.StatusOK, "settings", p)
}

// settingsField is one input of a settings form.
type settingsField struct {
	Key, Label, Hint, Value, Error string
	Type                           string // "text", "textarea", "number", "email", "radio", "date" or "hidden"
	Options                        []settingsOption
	Width                          string // a govuk-input--width-N class, or ""
	// Date is a date field's day, month and year as typed, and their
	// labels; its Value is the date as YYYY-MM-DD, "" when it is not one.
	Date dateField
}

// DateInput is a date field as the "dateinput" template shows it.
func (fl settingsField) DateInput() dateField {
	d := fl.Date
	d.Name, d.Legend, d.Hint, d.Error = fl.Key, fl.Label, fl.Hint, fl.Error
	return d
}

// summaryID is the key of the input the error summary links to: a date's
// day field.
func (fl settingsField) summaryID() string {
	if fl.Type == "date" {
		return fl.Key + "-day"
	}
	return fl.Key
}

type settingsOption struct {
	Value, Label string
	Checked      bool
}

// settingsForm is a settings form, or its check-your-answers page
// (Check set), which carries the answers in hidden fields.
type settingsForm struct {
	Heading, Intro, Action, Back, Submit string
	// Page is the form's own address, which the check page's Change
	// links go back to with the answers; "" goes back to the settings.
	Page     string
	Version  int64
	Fields   []settingsField
	Check    bool
	Adds     bool   // the form adds a new thing: the check page shows nothing before
	Existing bool   // the form changes an agency already listed
	Retire   string // the page that retires that agency, or ""
	// RetireText is the words of the link to Retire; "" for an agency's.
	RetireText string
	Rows       []checkRow
	Problems   []string // config check's problems with no field of their own
	Done       string   // the page saving the change goes back to; "" for the settings
	// Timescales is true when the change is to how deadlines are counted
	// (settingsSection.Timescales).
	Timescales bool
	// Warnings are config check's warnings the change brings, shown on
	// the check page; they do not stop it being saved.
	Warnings []string
}

// checkRow is one answer on a check-your-answers page, with what it was.
type checkRow struct {
	Label, Before, After string
	Changed              bool
}

func (f *settingsForm) value(key string) string {
	for _, fl := range f.Fields {
		if fl.Key == key {
			return fl.Value
		}
	}
	return ""
}

func (f *settingsForm) setError(key, msg string) bool {
	for i := range f.Fields {
		if f.Fields[i].Key == key {
			if f.Fields[i].Error == "" {
				f.Fields[i].Error = msg
			}
			return true
		}
	}
	return false
}

// readForm fills f's fields from the request.
func (f *settingsForm) readForm(r *http.Request) {
	for i := range f.Fields {
		if f.Fields[i].Type == "date" {
			f.Fields[i].readDate(r.PostForm)
			continue
		}
		f.Fields[i].Value = strings.TrimSpace(r.PostFormValue(f.Fields[i].Key))
		for j := range f.Fields[i].Options {
			f.Fields[i].Options[j].Checked = f.Fields[i].Options[j].Value == f.Fields[i].Value
		}
	}
}

// showSettingsForm renders f, with the error summary when it has errors.
func (s *Server) showSettingsForm(w http.ResponseWriter, r *http.Request, sess *session, status int, title string, f settingsForm) {
	p := s.signedInPage(r, sess, title, f)
	for _, fl := range f.Fields {
		if fl.Error != "" {
			p.Errors = append(p.Errors, fieldError{Field: fl.summaryID(), Text: fl.Error})
		}
	}
	for _, msg := range f.Problems {
		p.Errors = append(p.Errors, fieldError{Text: msg})
	}
	name := "settingsform"
	if f.Check && len(p.Errors) == 0 {
		name = "settingscheck"
	}
	s.render(w, r, status, name, p)
}

// saved tells the admin their change is in use and goes back to done,
// or to the settings when done is "".
func (s *Server) saved(w http.ResponseWriter, r *http.Request, sess *session, what, done string) {
	s.setFlash(r.Context(), sess, &flash{Title: s.words().Say("settings.saved.title", nil), Text: s.words().Say("settings.saved.text", messages.Args{"what": what})})
	if done == "" {
		done = "/web/settings"
	}
	http.Redirect(w, r, done, http.StatusSeeOther)
}

// changeRefused shows the form again with the problems config check found,
// each beside its field where it has one (field may be nil for none); a conflict says someone else
// changed the settings first.
func (s *Server) changeRefused(w http.ResponseWriter, r *http.Request, sess *session, title string, f settingsForm, probs []SettingsProblem, err error, field func(path string) string) {
	f.Check = false
	switch conversation.ErrorCode(err) {
	case conversation.EINVALID:
		for _, p := range probs {
			if !p.Error {
				continue
			}
			if field == nil || field(p.Path) == "" || !f.setError(field(p.Path), p.Message) {
				f.Problems = append(f.Problems, p.Message)
			}
		}
		s.showSettingsForm(w, r, sess, http.StatusUnprocessableEntity, title, f)
	case conversation.ECONFLICT:
		s.problem(w, r, sess, http.StatusConflict, s.words().Say("settings.conflict.title", nil), s.words().Say("settings.conflict.text", nil))
	default:
		s.internal(w, r, err)
	}
}

// wholeDays reads f's field key as a number of working days, marking the
// field when it is not a whole number.
func (s *Server) wholeDays(f *settingsForm, key string) int {
	return s.wholeNumber(f, key, s.words().Say("settings.days.not_a_number", nil))
}

// wholeNumber reads f's field key as a whole number, marking the field
// with msg when it is not one.
func (s *Server) wholeNumber(f *settingsForm, key, msg string) int {
	n, err := strconv.Atoi(f.value(key))
	if err != nil {
		f.setError(key, msg)
	}
	return n
}

// formVersion reads the settings version a form was made from.
func formVersion(r *http.Request) int64 {
	v, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	return v
}

var problemIndex = regexp.MustCompile(`\[\d+\]`)

// pathKey returns a problem's path with list indexes dropped, such as
// "directory.agencies.contacts.manager.email".
func pathKey(path string) string { return problemIndex.ReplaceAllString(path, "") }
