package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// The directory's lists of people on the settings pages: each tier's
// contacts and the safeguarding leads of an agency, the partnership roles
// and the conference chairs. One person is added, changed or removed at a
// time, through the settings sections (settings_section.go), so each
// change is checked by config check's rules (an email's form, a person
// listed twice), recorded and used at once. A case already open keeps the
// people its stages brought in; the next case to reach a tier brings in
// whoever is listed at it then.

// directoryRoutes serves the directory's pages.
func (s *Server) directoryRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /web/settings/agencies/{key}/people", s.admin(s.agencyPeoplePage))
	m.HandleFunc("GET /web/settings/people/{key...}", s.admin(s.sectionPage(personSection)))
	m.HandleFunc("POST /web/settings/people/{key...}", s.admin(s.sectionPost(personSection)))
	m.HandleFunc("GET /web/settings/remove/{key...}", s.admin(s.sectionPage(removeSection)))
	m.HandleFunc("POST /web/settings/remove/{key...}", s.admin(s.sectionPost(removeSection)))
	m.HandleFunc("GET /web/settings/agencies/{key}/references", s.admin(s.sectionPage(referencesSection)))
	m.HandleFunc("POST /web/settings/agencies/{key}/references", s.admin(s.sectionPost(referencesSection)))
	m.HandleFunc("GET /web/settings/agencies/{key}/reach", s.admin(s.sectionPage(reachSection)))
	m.HandleFunc("POST /web/settings/agencies/{key}/reach", s.admin(s.sectionPost(reachSection)))
}

// The lists of an agency, as its pages' paths name them.
const (
	listManager       = conversation.TierManager
	listSeniorManager = conversation.TierSeniorManager
	listLeader        = conversation.TierLeader
	listLeads         = "safeguarding_lead"
	listRoles         = "roles"
	listChairs        = "chairs"
)

// agencyLists are an agency's lists, in the order its page shows them.
var agencyLists = []string{listManager, listSeniorManager, listLeader, listLeads}

// peopleList is one list of people in the directory, as its pages change
// it.
type peopleList struct {
	// Key names the list in the pages' paths: "agencies/csc/manager",
	// "roles" or "chairs".
	Key string
	// Heading is the list's heading, Add the button that adds to it, and
	// One what one of them is, for the change's note.
	Heading, Add, One string
	Agency            string // the agency's name, or "" for the partnership's lists
	People            []RoleSettings
	WithRole          bool   // each person has a partnership role
	Back              string // the page that lists them
	// put returns the change that makes people the list.
	put func(people []RoleSettings) SettingsEdit
}

// listWords are the heading, the add button and the name of one person of
// list.
func (s *Server) listWords(list string) (heading, add, one string) {
	w := s.words()
	switch list {
	case listManager:
		return w.Say("settings.directory.manager.heading", nil), w.Say("settings.directory.manager.add", nil), w.Say("settings.directory.manager.each", nil)
	case listSeniorManager:
		return w.Say("settings.directory.senior_manager.heading", nil), w.Say("settings.directory.senior_manager.add", nil), w.Say("settings.directory.senior_manager.each", nil)
	case listLeader:
		return w.Say("settings.directory.leader.heading", nil), w.Say("settings.directory.leader.add", nil), w.Say("settings.directory.leader.each", nil)
	case listLeads:
		return w.Say("settings.directory.lead.heading", nil), w.Say("settings.directory.lead.add", nil), w.Say("settings.directory.lead.each", nil)
	case listRoles:
		return w.Say("settings.page.roles", nil), w.Say("settings.directory.role.add", nil), w.Say("settings.directory.role.each", nil)
	}
	return w.Say("settings.directory.chair.heading", nil), w.Say("settings.directory.chair.add", nil), w.Say("settings.directory.chair.each", nil)
}

// agencyList returns the list of a that list names, or nil.
func agencyList(a *AgencySettings, list string) *[]SettingsContact {
	switch list {
	case listManager, listSeniorManager, listLeader:
		return tierContacts(a, list)
	case listLeads:
		return &a.SafeguardingLeads
	}
	return nil
}

// peopleListOf returns the list key names in v ("agencies/csc/manager",
// "roles" or "chairs"), and false when there is none.
func (s *Server) peopleListOf(v SettingsView, key string) (peopleList, bool) {
	var l peopleList
	l.Key = key
	l.Heading, l.Add, l.One = s.listWords(key)
	switch key {
	case listRoles:
		l.People, l.WithRole, l.Back = slices.Clone(v.Roles), true, "/web/settings"
		l.put = func(people []RoleSettings) SettingsEdit { return SettingsEdit{Roles: &people} }
		return l, true
	case listChairs:
		l.People, l.Back = rolesOf(v.Chairs), "/web/settings"
		l.put = func(people []RoleSettings) SettingsEdit {
			chairs := contactsOf(people)
			return SettingsEdit{Chairs: &chairs}
		}
		return l, true
	}
	rest, ok := strings.CutPrefix(key, "agencies/")
	i := strings.LastIndexByte(rest, '/')
	if !ok || i < 0 {
		return l, false
	}
	a, found := findAgency(v, rest[:i])
	list := rest[i+1:]
	if !found || agencyList(&a, list) == nil {
		return l, false
	}
	l.Heading, l.Add, l.One = s.listWords(list)
	l.Agency, l.People, l.Back = a.Name, rolesOf(*agencyList(&a, list)), agencyPeoplePath(a.Key)
	l.put = func(people []RoleSettings) SettingsEdit {
		next := a
		*agencyList(&next, list) = contactsOf(people)
		return SettingsEdit{Agency: &next}
	}
	return l, true
}

// urlPathEscape escapes s for one segment of a path.
func urlPathEscape(s string) string { return url.PathEscape(s) }

// agencyPeoplePath is the page of an agency's contacts and references.
func agencyPeoplePath(agency string) string {
	return "/web/settings/agencies/" + urlPathEscape(agency) + "/people"
}

// listPath is the path of list key's page at what ("new" or a person's
// place in it), under the pages' prefix ("/web/settings/people/" or
// "/web/settings/remove/").
func listPath(prefix, key, what string) string {
	parts := strings.Split(key, "/")
	for i := range parts {
		parts[i] = urlPathEscape(parts[i])
	}
	return prefix + strings.Join(parts, "/") + "/" + what
}

// splitPersonKey splits a person's key, such as "agencies/csc/manager/1"
// or "roles/new", into the list's key and the person's place in it (-1
// for a new one).
func splitPersonKey(key string) (list string, at int, ok bool) {
	i := strings.LastIndexByte(key, '/')
	if i < 0 {
		return "", 0, false
	}
	if key[i+1:] == "new" {
		return key[:i], -1, true
	}
	n, err := strconv.Atoi(key[i+1:])
	return key[:i], n, err == nil && n >= 0
}

// personOf returns the list and the person at the place key names (the
// zero person for "new"), and false when there is no such list or person.
func (s *Server) personOf(v SettingsView, key string) (peopleList, int, RoleSettings, bool) {
	list, at, ok := splitPersonKey(key)
	if !ok {
		return peopleList{}, 0, RoleSettings{}, false
	}
	l, ok := s.peopleListOf(v, list)
	if !ok || at >= len(l.People) {
		return l, at, RoleSettings{}, false
	}
	if at < 0 {
		return l, at, RoleSettings{}, true
	}
	return l, at, l.People[at], true
}

func rolesOf(cs []SettingsContact) []RoleSettings {
	out := make([]RoleSettings, 0, len(cs))
	for _, c := range cs {
		out = append(out, RoleSettings{Name: c.Name, Email: c.Email})
	}
	return out
}

func contactsOf(people []RoleSettings) []SettingsContact {
	out := make([]SettingsContact, 0, len(people))
	for _, p := range people {
		out = append(out, SettingsContact{Name: p.Name, Email: p.Email})
	}
	return out
}

// personSection is the form of one person of a list: a new one, or one
// listed (the path's key ends in "new" or their place in the list).
var personSection = settingsSection{Form: (*Server).personForm, Apply: (*Server).personApply, Field: personField}

// personForm is the form of the person key names.
func (s *Server) personForm(v SettingsView, key string, _ bool) (settingsForm, bool) {
	l, at, p, ok := s.personOf(v, key)
	if !ok {
		return settingsForm{}, false
	}
	heading := s.words().Say("settings.directory.person.change", messages.Args{"name": p.Name})
	if at < 0 {
		heading = l.Add
	}
	intro := s.words().Say("settings.directory.person.intro", nil)
	if l.Agency != "" {
		intro = s.words().Say("settings.directory.person.intro.agency", messages.Args{"agency": l.Agency, "one": l.One})
	}
	fields := []settingsField{
		{Key: "name", Label: s.words().Say("settings.directory.person.name", nil), Type: "text"},
		{Key: "email", Label: s.words().Say("settings.directory.person.email", nil), Hint: s.words().Say("settings.directory.person.email.hint", nil), Type: "email"},
	}
	if l.WithRole {
		fields = append(fields, settingsField{Key: "role", Label: s.words().Say("settings.directory.person.role", nil),
			Hint: s.words().Say("settings.directory.person.role.hint", messages.Args{"admin": conversation.RolePartnershipAdmin}), Type: "text"})
	}
	page := listPath("/web/settings/people/", l.Key, strings.TrimPrefix(key, l.Key+"/"))
	f := s.newSettingsForm(heading, intro, page, page, v.Version, fields, map[string]string{"name": p.Name, "email": p.Email, "role": p.Role})
	f.Back, f.Done, f.Adds = l.Back, l.Back, at < 0
	return f, true
}

// personApply adds the person answered to their list, or puts them in
// place of the one they change.
func (s *Server) personApply(v SettingsView, key string, f *settingsForm) (SettingsEdit, bool) {
	l, at, old, ok := s.personOf(v, key)
	if !ok {
		return SettingsEdit{}, false
	}
	p := RoleSettings{Name: f.value("name"), Email: f.value("email"), Role: f.value("role")}
	next := slices.Clone(l.People)
	if at < 0 {
		next = append(next, p)
	} else {
		next[at] = p
	}
	s.keepAnAdmin(l, next, f)
	edit := l.put(next)
	edit.Note = s.personNote(l, p, at < 0, old)
	return edit, true
}

// personNote says what a change to a person of l did, for the history.
func (s *Server) personNote(l peopleList, p RoleSettings, added bool, old RoleSettings) string {
	one := l.One
	if l.WithRole {
		one = p.Role
	}
	switch {
	case added && l.Agency != "":
		return s.words().Say("settings.directory.note.added.agency", messages.Args{"name": p.Name, "one": one, "agency": l.Agency})
	case added:
		return s.words().Say("settings.directory.note.added", messages.Args{"name": p.Name, "one": one})
	case l.Agency != "":
		return s.words().Say("settings.directory.note.changed.agency", messages.Args{"was": old.Name, "one": one, "agency": l.Agency})
	}
	return s.words().Say("settings.directory.note.changed", messages.Args{"was": old.Name, "one": one})
}

// keepAnAdmin refuses, in f's error summary, a change that would leave
// the partnership roles with no partnership admin while they have one:
// nobody could change the settings after it.
func (s *Server) keepAnAdmin(l peopleList, next []RoleSettings, f *settingsForm) {
	admins := func(rs []RoleSettings) int {
		n := 0
		for _, r := range rs {
			if (conversation.Actor{Roles: []string{r.Role}}).Holds(conversation.RolePartnershipAdmin) {
				n++
			}
		}
		return n
	}
	if l.WithRole && admins(next) == 0 && admins(l.People) > 0 {
		f.Problems = append(f.Problems, s.words().Say("settings.directory.role.last_admin", messages.Args{"admin": conversation.RolePartnershipAdmin}))
	}
}

// personField is the form field a problem with a person of the directory
// belongs to: their email, their role, or else their name.
func personField(path string) string {
	if !strings.HasPrefix(path, "directory.") {
		return ""
	}
	switch {
	case strings.HasSuffix(path, ".email"):
		return "email"
	case strings.HasSuffix(path, ".role"):
		return "role"
	}
	return "name"
}

// removeSection is the page that asks to confirm taking a person out of
// their list, and takes them out.
var removeSection = settingsSection{Form: (*Server).removeForm, Apply: (*Server).removeApply, Confirm: true}

// removeForm asks to confirm taking out the person key names.
func (s *Server) removeForm(v SettingsView, key string, _ bool) (settingsForm, bool) {
	l, at, p, ok := s.personOf(v, key)
	if !ok || at < 0 {
		return settingsForm{}, false
	}
	intro := s.words().Say("settings.directory.remove.intro", nil)
	if l.Agency != "" {
		intro = s.words().Say("settings.directory.remove.intro.agency", messages.Args{"agency": l.Agency, "one": l.One})
	}
	rows := []checkRow{{Label: s.words().Say("settings.directory.person.name", nil), After: p.Name},
		{Label: s.words().Say("settings.directory.person.email", nil), After: p.Email}}
	if l.WithRole {
		rows = append(rows, checkRow{Label: s.words().Say("settings.directory.person.role", nil), After: p.Role})
	}
	return settingsForm{Heading: s.words().Say("settings.directory.remove.heading", messages.Args{"name": p.Name}), Intro: intro,
		Action: listPath("/web/settings/remove/", l.Key, strconv.Itoa(at)), Back: l.Back, Done: l.Back, Version: v.Version,
		Submit: s.words().Say("settings.directory.remove.submit", nil), Check: true, Rows: rows}, true
}

// removeApply takes the person key names out of their list.
func (s *Server) removeApply(v SettingsView, key string, f *settingsForm) (SettingsEdit, bool) {
	l, at, p, ok := s.personOf(v, key)
	if !ok || at < 0 {
		return SettingsEdit{}, false
	}
	next := slices.Delete(slices.Clone(l.People), at, at+1)
	s.keepAnAdmin(l, next, f)
	edit := l.put(next)
	one := l.One
	if l.WithRole {
		one = p.Role
	}
	edit.Note = s.words().Say("settings.directory.note.removed", messages.Args{"name": p.Name, "one": one})
	if l.Agency != "" {
		edit.Note = s.words().Say("settings.directory.note.removed.agency", messages.Args{"name": p.Name, "one": one, "agency": l.Agency})
	}
	return edit, true
}

// personRow is one person on a list's page, with the pages that change
// and remove them.
type personRow struct {
	Name, Email, Role, Change, Remove string
}

// peopleGroup is one list on a page: its heading, its people and the page
// that adds one.
type peopleGroup struct {
	Heading, Intro, Add, AddPage string
	People                       []personRow
}

// group is l as a page shows it.
func (l peopleList) group(intro string) peopleGroup {
	g := peopleGroup{Heading: l.Heading, Intro: intro, Add: l.Add, AddPage: listPath("/web/settings/people/", l.Key, "new")}
	for i, p := range l.People {
		g.People = append(g.People, personRow{Name: p.Name, Email: p.Email, Role: p.Role,
			Change: listPath("/web/settings/people/", l.Key, strconv.Itoa(i)), Remove: listPath("/web/settings/remove/", l.Key, strconv.Itoa(i))})
	}
	return g
}

// agencyPeopleData is the page of an agency's contacts and references.
type agencyPeopleData struct {
	Agency  AgencySettings
	Groups  []peopleGroup
	Formats []string
	Reach   string
	// References and ReachPage are the pages that change its references
	// and how its people are reached.
	References, ReachPage string
}

// agencyPeoplePage shows an agency's contacts at each tier, its
// safeguarding leads, its case reference formats and how its people are
// reached, each with a way to change it.
func (s *Server) agencyPeoplePage(w http.ResponseWriter, r *http.Request, sess *session) {
	v, err := s.editor(r.Context()).View(r.Context())
	if err != nil {
		s.internal(w, r, err)
		return
	}
	a, ok := findAgency(v, r.PathValue("key"))
	if !ok {
		s.notFound(w, r)
		return
	}
	d := agencyPeopleData{Agency: a, Formats: a.ReferenceFormats, Reach: s.reachText(a.Reach),
		References: "/web/settings/agencies/" + urlPathEscape(a.Key) + "/references",
		ReachPage:  "/web/settings/agencies/" + urlPathEscape(a.Key) + "/reach"}
	for _, list := range agencyLists {
		l, _ := s.peopleListOf(v, "agencies/"+a.Key+"/"+list)
		intro := ""
		if list == listLeads {
			intro = s.words().Say("settings.directory.lead.intro", messages.Args{"agency": a.Name})
		}
		d.Groups = append(d.Groups, l.group(intro))
	}
	p := s.signedInPage(r, sess, s.words().Say("settings.directory.agency.title", messages.Args{"agency": a.Name}), d)
	s.render(w, r, http.StatusOK, "settingsdirectory", p)
}

// partnershipPeople are the partnership roles and, when the protocol has
// them or any are listed, the conference chairs, as the settings page
// lists them with the pages that change them.
func (s *Server) partnershipPeople(v SettingsView) []peopleGroup {
	roles, _ := s.peopleListOf(v, listRoles)
	out := []peopleGroup{roles.group(s.words().Say("settings.directory.role.intro", nil))}
	if v.ChairsAsked || len(v.Chairs) > 0 {
		chairs, _ := s.peopleListOf(v, listChairs)
		out = append(out, chairs.group(s.words().Say("settings.directory.chair.intro", nil)))
	}
	return out
}

// Ways are the agency's ways to reach its people, in order, as one text.
func (a AgencySettings) Ways() string { return strings.Join(a.Reach, ", ") }
