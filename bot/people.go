package bot

import (
	"context"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// Contact is a named person with an email, as configured.
type Contact struct {
	Name  string
	Email string
	Role  string // for partnership roles, e.g. "partnership manager"; conversation.RoleConferenceChair for a conference chair, who sees no case
	// Partnership is the id of the hosted partnership whose role this is,
	// on a deployment of several; "" on a deployment of one.
	Partnership string
}

// Agency is a configured agency and its escalation contacts per tier.
type Agency struct {
	Key      string
	Name     string
	Contacts map[string][]Contact // tier → contacts
	// SafeguardingLeads see every case the agency is party to, without
	// acting on them.
	SafeguardingLeads []Contact
	// References are the formats of the agency's case references, or nil
	// when the generic rules apply.
	References *conversation.ReferenceFormat
	// Reach is the default order of the ways to reach the agency's people
	// (see ReachWays), for anyone who has not chosen their own; nil for
	// the order learned from each person.
	Reach []string
	// Partnership is the id of the hosted partnership the agency belongs
	// to, on a deployment of several; "" on a deployment of one.
	Partnership string
}

// People is the people directory: configured agencies and partnership
// roles, and the people the bot has met in chat with their handles per
// platform. It implements conversation.Directory.
type People struct {
	store conversation.Store
	// configured holds the configured agencies and partnership roles;
	// SetDirectory replaces them while the bot runs.
	configured atomic.Pointer[configured]
	now        func() time.Time
	mu         sync.Mutex // serialises find-or-create of people
	dirMu      sync.Mutex // serialises SetDirectoryOf's read-modify-replace
	names      names
	wording    *Cards // the protocol's wording, set by NewRouter; nil for plain English
}

// Say returns the text of key with args, in the wording of the protocol
// of the Router the directory serves (English before there is one).
func (p *People) Say(key string, args messages.Args) string {
	return p.wording.Say(key, args)
}

var (
	_ conversation.Directory            = (*People)(nil)
	_ conversation.LeadDirectory        = (*People)(nil)
	_ conversation.ReferenceDirectory   = (*People)(nil)
	_ conversation.RoleDirectory        = (*People)(nil)
	_ conversation.PartnershipDirectory = (*People)(nil)
	_ conversation.ChairDirectory       = (*People)(nil)
)

// NewPeople returns a directory over store with the configured agencies and
// partnership roles. now may be nil for the wall clock.
func NewPeople(store conversation.Store, agencies []Agency, partnership []Contact, now func() time.Time) *People {
	if now == nil {
		now = time.Now
	}
	p := &People{store: store, now: now}
	p.configured.Store(&configured{agencies: agencies, partnership: partnership})
	return p
}

// configured is the directory's configured part: agencies and partnership
// roles. It is never changed, only replaced whole.
type configured struct {
	agencies    []Agency
	partnership []Contact
	neighbours  []Neighbour // partnerships not on this deployment
}

// dir returns the configured directory now.
func (p *People) dir() *configured { return p.configured.Load() }

// SetDirectory replaces the configured agencies and partnership roles, for
// everything that starts after it returns, and makes sure each contact
// exists as a person (as Seed does). People already in cases stay in them.
// Returns EINTERNAL on store failure, with the new directory in use.
func (p *People) SetDirectory(ctx context.Context, agencies []Agency, partnership []Contact) error {
	p.configured.Store(&configured{agencies: agencies, partnership: partnership, neighbours: p.dir().neighbours})
	return p.Seed(ctx)
}

// put stores per and remembers their name. Returns the store's error.
func (p *People) put(ctx context.Context, per *conversation.Person) error {
	if err := p.store.PutPerson(ctx, per); err != nil {
		return err
	}
	p.names.put(per.ID, per.Name, time.Now())
	return nil
}

// PersonID returns the person id for an email: the email, lowercased.
func PersonID(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// Seed makes sure every configured contact exists as a person, so they can be
// chosen and reached before they first use the bot. Returns EINTERNAL on
// store failure.
func (p *People) Seed(ctx context.Context) error {
	add := func(c Contact, agency string) error {
		_, err := p.ensure(ctx, c.Email, c.Name, agency)
		return err
	}
	for _, a := range p.dir().agencies {
		for _, cs := range a.Contacts {
			for _, c := range cs {
				if err := add(c, a.Key); err != nil {
					return err
				}
			}
		}
		for _, c := range a.SafeguardingLeads {
			if err := add(c, a.Key); err != nil {
				return err
			}
		}
	}
	for _, c := range p.dir().partnership {
		if err := add(c, ""); err != nil {
			return err
		}
	}
	return nil
}

// ensure returns the person with email, creating them with name and agency
// when unknown.
func (p *People) ensure(ctx context.Context, email, name, agency string) (*conversation.Person, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	id := PersonID(email)
	per, err := p.store.GetPerson(ctx, id)
	if err == nil {
		return per, nil
	}
	if conversation.ErrorCode(err) != conversation.ENOTFOUND {
		return nil, conversation.Internal("load person", err)
	}
	// Known only by email, they are reached by email until they use a
	// chat platform.
	per = &conversation.Person{ID: id, Name: name, Email: id, Agency: agency, Reach: []string{ReachEmail}, UpdatedAt: p.now()}
	if per.Name == "" {
		per.Name = nameFromEmail(id)
	}
	if err := p.put(ctx, per); err != nil {
		return nil, conversation.Internal("save person", err)
	}
	return per, nil
}

// nameFromEmail makes a readable name from an email's local part.
func nameFromEmail(email string) string {
	local, _, _ := strings.Cut(email, "@")
	parts := strings.FieldsFunc(local, func(r rune) bool { return r == '.' || r == '_' || r == '-' })
	for i, s := range parts {
		if s != "" {
			parts[i] = strings.ToUpper(s[:1]) + s[1:]
		}
	}
	if len(parts) == 0 {
		return email
	}
	return strings.Join(parts, " ")
}

// Identify returns the person behind a platform handle, linking the handle to
// an existing person with the same email, or creating a new person. Name and
// email are what the platform reports and may be empty. Returns EINTERNAL on
// store failure.
func (p *People) Identify(ctx context.Context, h conversation.Handle, name, email string) (*conversation.Person, error) {
	name = cleanName(name)
	// Someone the bot knows, with nothing new to record, needs no lock and
	// no write: one lookup.
	if per, err := p.store.FindPersonByHandle(ctx, h.Platform, h.Team, h.User); err == nil &&
		!updateHandle(per, h) && (name == "" || per.Name == name) {
		p.names.put(per.ID, per.Name, time.Now())
		return per, nil
	} else if err != nil && conversation.ErrorCode(err) != conversation.ENOTFOUND {
		return nil, conversation.Internal("find person by handle", err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	// Waiting for the lock ignores ctx; a caller whose deadline passed
	// meanwhile (the store is slow or down) gets its answer at once.
	if err := ctx.Err(); err != nil {
		return nil, conversation.Internal("identify", err)
	}
	per, err := p.store.FindPersonByHandle(ctx, h.Platform, h.Team, h.User)
	if err == nil {
		if updateHandle(per, h) || (name != "" && per.Name != name) {
			if name != "" {
				per.Name = name
			}
			per.UpdatedAt = p.now()
			if err := p.put(ctx, per); err != nil {
				return nil, conversation.Internal("save person", err)
			}
		}
		return per, nil
	}
	if conversation.ErrorCode(err) != conversation.ENOTFOUND {
		return nil, conversation.Internal("find person by handle", err)
	}
	if email != "" {
		per, err = p.store.FindPersonByEmail(ctx, email)
		if err != nil && conversation.ErrorCode(err) != conversation.ENOTFOUND {
			return nil, conversation.Internal("find person by email", err)
		}
	}
	if per == nil {
		id := PersonID(email)
		if id == "" {
			id = h.Key()
		}
		per = &conversation.Person{ID: id, Name: name, Email: PersonID(email)}
		if per.Name == "" {
			per.Name = h.User
		}
	} else if name != "" && per.Name == "" {
		per.Name = name
	}
	updateHandle(per, h)
	per.UpdatedAt = p.now()
	if err := p.put(ctx, per); err != nil {
		return nil, conversation.Internal("save person", err)
	}
	return per, nil
}

// updateHandle adds or refreshes h on per and reports whether anything changed.
func updateHandle(per *conversation.Person, h conversation.Handle) bool {
	for i, old := range per.Handles {
		if old.Key() == h.Key() {
			if old == h || (h.Ref == "" && h.Channel == "") {
				return false
			}
			if h.Ref == "" {
				h.Ref = old.Ref
			}
			if h.Channel == "" {
				h.Channel = old.Channel
			}
			per.Handles[i] = h
			return true
		}
	}
	per.Handles = append(per.Handles, h)
	learnReach(per, h.Platform)
	return true
}

// Resolve finds a person from what someone typed or picked: a person id, an
// email (creating the person if new, so they can be brought in), or a name
// that matches exactly one known person. Returns EINVALID with a message for
// the person otherwise.
func (p *People) Resolve(ctx context.Context, text string) (*conversation.Person, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, conversation.Invalid("people.name_someone", nil)
	}
	if per, err := p.store.GetPerson(ctx, text); err == nil {
		return per, nil
	} else if conversation.ErrorCode(err) != conversation.ENOTFOUND {
		return nil, conversation.Internal("load person", err)
	}
	if strings.Contains(text, "@") {
		addr, err := mail.ParseAddress(text)
		if err != nil {
			return nil, conversation.Invalid("people.email_wrong", nil)
		}
		if per, err := p.store.FindPersonByEmail(ctx, addr.Address); err == nil {
			return per, nil
		}
		return p.ensure(ctx, addr.Address, addr.Name, "")
	}
	found, err := p.Search(ctx, text, maxSuggestions)
	if err != nil {
		return nil, err
	}
	var exact []Match
	for _, m := range found {
		if m.Exact {
			exact = append(exact, m)
		}
	}
	switch {
	case len(exact) == 1:
		return p.Chosen(ctx, exact[0])
	case len(exact) > 1:
		return nil, p.suggestions(text, exact).Err(conversation.EINVALID)
	case len(found) == 0:
		return nil, conversation.Invalid("people.not_found", messages.Args{"typed": strconv.Quote(short(text, 60))})
	}
	return nil, p.suggestions(text, found).Err(conversation.EINVALID)
}

// maxSuggestions is the most people a "did you mean" names.
const maxSuggestions = 5

// Chosen returns the person a search match stands for, creating them
// when they are new (an email nobody has yet, or a configured contact not
// stored yet), so they can be brought in and reached. Returns EINTERNAL on
// store failure.
func (p *People) Chosen(ctx context.Context, m Match) (*conversation.Person, error) {
	if per, err := p.store.GetPerson(ctx, m.PersonID); err == nil {
		return per, nil
	} else if conversation.ErrorCode(err) != conversation.ENOTFOUND {
		return nil, conversation.Internal("load person", err)
	}
	email := m.Email
	if email == "" {
		email = m.PersonID
	}
	return p.ensure(ctx, email, m.Name, m.Agency)
}

// Agencies returns the configured agencies as form options.
func (p *People) Agencies() []conversation.Option {
	out := make([]conversation.Option, 0, len(p.dir().agencies))
	for _, a := range p.dir().agencies {
		out = append(out, conversation.Option{Value: a.Key, Label: a.Name})
	}
	return out
}

// AgencyName returns the display name of an agency key.
func (p *People) AgencyName(key string) string {
	for _, a := range p.dir().agencies {
		if a.Key == key {
			return a.Name
		}
	}
	return key
}

// StagePeople implements conversation.Directory: for the manager tier, the
// line managers of the people below when known; otherwise the agency's
// configured contacts for the tier. Returns ENOTFOUND when nobody is known.
func (p *People) StagePeople(ctx context.Context, agency, tier string, below []string) ([]string, error) {
	var out []string
	if tier == conversation.TierManager {
		for _, id := range below {
			per, err := p.store.GetPerson(ctx, id)
			if err != nil {
				continue
			}
			if per.ManagerID != "" && !slices.Contains(out, per.ManagerID) {
				out = append(out, per.ManagerID)
			}
		}
		if len(out) > 0 {
			return out, nil
		}
	}
	for _, a := range p.dir().agencies {
		if a.Key != agency {
			continue
		}
		for _, c := range a.Contacts[tier] {
			per, err := p.ensure(ctx, c.Email, c.Name, a.Key)
			if err != nil {
				return nil, err
			}
			out = append(out, per.ID)
		}
	}
	if len(out) == 0 {
		return nil, conversation.NotFound("error.no_contact", messages.Args{"role": tier, "agency": agency})
	}
	return out, nil
}

// IsPartnership implements conversation.Directory. A conference chair
// (conversation.RoleConferenceChair) holds no partnership role.
func (p *People) IsPartnership(_ context.Context, person string) (bool, error) {
	for _, c := range p.dir().partnership {
		if PersonID(c.Email) == person && c.Role != conversation.RoleConferenceChair {
			return true, nil
		}
	}
	return false, nil
}

// LeadAgencies implements conversation.LeadDirectory: the keys of the
// agencies whose configured safeguarding leads include person.
func (p *People) LeadAgencies(_ context.Context, person string) ([]string, error) {
	var out []string
	for _, a := range p.dir().agencies {
		if slices.ContainsFunc(a.SafeguardingLeads, func(c Contact) bool { return PersonID(c.Email) == person }) {
			out = append(out, a.Key)
		}
	}
	return out, nil
}

// Roles implements conversation.RoleDirectory: the roles of the
// partnership contacts with person's email.
func (p *People) Roles(_ context.Context, person string) ([]string, error) {
	var out []string
	for _, c := range p.dir().partnership {
		if PersonID(c.Email) == person && c.Role != "" {
			out = append(out, c.Role)
		}
	}
	return out, nil
}

// RoleHolders implements conversation.RoleDirectory: the partnership
// contacts whose role is role, ignoring case.
func (p *People) RoleHolders(_ context.Context, role string) ([]string, error) {
	a := conversation.Actor{}
	var out []string
	for _, c := range p.dir().partnership {
		a.Roles = []string{c.Role}
		if id := PersonID(c.Email); a.Holds(role) && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out, nil
}

// PartnershipPeople implements conversation.Directory.
func (p *People) PartnershipPeople(_ context.Context) ([]string, error) {
	out := make([]string, 0, len(p.dir().partnership))
	for _, c := range p.dir().partnership {
		if c.Role != conversation.RoleConferenceChair {
			out = append(out, PersonID(c.Email))
		}
	}
	return out, nil
}

// Name returns a person's display name, or their id when unknown. Names
// are remembered for a minute (see nameTTL), so a card naming the same
// people many times reads each from the store once.
func (p *People) Name(ctx context.Context, id string) string {
	if id == "" {
		return p.Say("people.the_bot", nil)
	}
	now := time.Now()
	if name, ok := p.names.get(id, now); ok {
		return name
	}
	per, err := p.store.GetPerson(ctx, id)
	if err != nil || per.Name == "" {
		return id
	}
	p.names.put(id, per.Name, now)
	return per.Name
}

// Names returns the display names of ids joined for a sentence.
func (p *People) Names(ctx context.Context, ids []string) string {
	names := make([]string, 0, len(ids))
	for _, id := range ids {
		names = append(names, p.Name(ctx, id))
	}
	return p.joinAnd(names)
}

// joinAnd joins names for a sentence: "a", "a and b", "a, b and c", or
// "nobody".
func (p *People) joinAnd(s []string) string {
	switch len(s) {
	case 0:
		return p.Say("people.nobody", nil)
	case 1:
		return s[0]
	}
	return p.Say("people.and", messages.Args{"items": strings.Join(s[:len(s)-1], ", "), "last": s[len(s)-1]})
}

// short cuts s to at most n characters for safe display.
func short(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// SaveProfile records a person's agency and line manager. Returns EINVALID
// for an unknown agency or manager, EINTERNAL on store failure.
func (p *People) SaveProfile(ctx context.Context, personID, name, agency, manager string) (*conversation.Person, error) {
	return p.SaveProfileWith(ctx, personID, Profile{Name: name, Agency: agency, Manager: manager})
}

// Profile is what a person says about themselves in their profile form.
type Profile struct {
	Name, Agency string
	Manager      string // a name, email or person id; "" for none
	// Reach is the order of the ways to reach them, comma-separated (see
	// FieldReach); "" leaves it as it is.
	Reach string
}

// SaveProfileWith records a person's profile: name, agency, line manager
// and the order of the ways to reach them. Every problem is reported at
// once and nothing is saved when there is one. Returns EINVALID for an
// unknown agency or manager or a way they don't have, EINTERNAL on store
// failure.
func (p *People) SaveProfileWith(ctx context.Context, personID string, pr Profile) (*conversation.Person, error) {
	name, agency, manager := pr.Name, pr.Agency, pr.Manager
	fe := conversation.FieldErrors{}
	if !slices.ContainsFunc(p.dir().agencies, func(a Agency) bool { return a.Key == agency }) {
		fe.Add("agency", conversation.Msg("profile.choose_agency", nil))
	}
	var mgr *conversation.Person
	if strings.TrimSpace(manager) != "" {
		m, err := p.Resolve(ctx, manager)
		if err != nil {
			if conversation.ErrorCode(err) != conversation.EINVALID {
				return nil, err
			}
			fe.Add("manager", conversation.ErrorText(err))
		} else if m.ID == personID {
			fe.Add("manager", conversation.Msg("profile.own_manager", nil))
		} else {
			mgr = m
		}
	}
	if _, reorders := conversation.CleanText(name); reorders {
		fe.Add("name", conversation.Msg("profile.name_reorders", nil))
	} else if len([]rune(name)) > conversation.MaxShortText {
		fe.Add("name", conversation.Msg("profile.name_too_long", messages.Args{"max": conversation.MaxShortText}))
	}
	per, err := p.store.GetPerson(ctx, personID)
	if err != nil {
		return nil, conversation.Internal("load person", err)
	}
	reach, rerr := p.parseReach(per, pr.Reach)
	for k, msg := range conversation.ErrorFields(rerr) {
		fe.Add(k, msg)
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	per.Agency = agency
	p.setReach(per, reach)
	if mgr != nil {
		per.ManagerID = mgr.ID
		if mgr.Agency == "" {
			mgr.Agency = agency
			mgr.UpdatedAt = p.now()
			if err := p.put(ctx, mgr); err != nil {
				return nil, conversation.Internal("save manager", err)
			}
		}
	}
	if n := cleanName(name); n != "" {
		per.Name = n
	}
	per.UpdatedAt = p.now()
	if err := p.put(ctx, per); err != nil {
		return nil, conversation.Internal("save person", err)
	}
	return per, nil
}

// cleanName returns a display name as it is saved: on one line and
// without hidden characters; direction controls, which in a name that
// comes from a chat platform's profile cannot be refused, are dropped.
func cleanName(name string) string {
	name, _ = conversation.CleanText(name)
	return strings.Join(strings.Fields(name), " ")
}

// SetDirectoryOf replaces the configured agencies and partnership roles of
// hosted partnership id only, keeping every other partnership's, and makes
// sure each contact exists as a person (as Seed does). The given agencies
// and contacts are marked as id's. Returns EINTERNAL on store failure, with
// the new directory in use.
func (p *People) SetDirectoryOf(ctx context.Context, id string, agencies []Agency, partnership []Contact) error {
	p.dirMu.Lock()
	cur := p.dir()
	next := &configured{neighbours: cur.neighbours}
	for _, a := range cur.agencies {
		if a.Partnership != id {
			next.agencies = append(next.agencies, a)
		}
	}
	for _, c := range cur.partnership {
		if c.Partnership != id {
			next.partnership = append(next.partnership, c)
		}
	}
	for _, a := range agencies {
		a.Partnership = id
		next.agencies = append(next.agencies, a)
	}
	for _, c := range partnership {
		c.Partnership = id
		next.partnership = append(next.partnership, c)
	}
	p.configured.Store(next)
	p.dirMu.Unlock()
	return p.Seed(ctx)
}

// PartnershipsWithRole returns the hosted partnerships in which person
// holds the partnership role role, in the order configured; nil on a
// deployment of one partnership.
func (p *People) PartnershipsWithRole(person, role string) []string {
	var out []string
	for _, c := range p.dir().partnership {
		if c.Partnership != "" && PersonID(c.Email) == person && c.Role == role && !slices.Contains(out, c.Partnership) {
			out = append(out, c.Partnership)
		}
	}
	return out
}
