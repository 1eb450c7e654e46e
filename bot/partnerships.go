package bot

import (
	"context"
	"slices"
	"strings"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/report"
)

// hostsSeveral reports whether the configured directory is of several
// partnerships: some agency or role names the partnership it belongs to.
func (d *configured) hostsSeveral() bool {
	return slices.ContainsFunc(d.agencies, func(a Agency) bool { return a.Partnership != "" }) ||
		slices.ContainsFunc(d.partnership, func(c Contact) bool { return c.Partnership != "" })
}

// AgencyPartnership implements conversation.PartnershipDirectory: the
// partnership agency belongs to, or "" when it is not configured.
func (p *People) AgencyPartnership(agency string) string {
	for _, a := range p.dir().agencies {
		if a.Key == agency {
			return a.Partnership
		}
	}
	return ""
}

// RolePartnerships implements conversation.PartnershipDirectory: the
// partnerships in which person holds a partnership role (not a conference
// chair's), in the order configured; nil on a deployment of one
// partnership.
func (p *People) RolePartnerships(_ context.Context, person string) ([]string, error) {
	d := p.dir()
	if !d.hostsSeveral() {
		return nil, nil
	}
	out := []string{}
	for _, c := range d.partnership {
		if PersonID(c.Email) == person && c.Role != conversation.RoleConferenceChair && !slices.Contains(out, c.Partnership) {
			out = append(out, c.Partnership)
		}
	}
	return out, nil
}

// PartnershipPeopleOf implements conversation.PartnershipDirectory: the
// people holding partnership roles in any of the partnerships ids, each
// once; every partnership role when ids is empty or the deployment hosts
// one partnership.
func (p *People) PartnershipPeopleOf(_ context.Context, ids ...string) ([]string, error) {
	d := p.dir()
	all := len(ids) == 0 || !d.hostsSeveral()
	var out []string
	for _, c := range d.partnership {
		id := PersonID(c.Email)
		if c.Role == conversation.RoleConferenceChair || slices.Contains(out, id) || !all && !slices.Contains(ids, c.Partnership) {
			continue
		}
		out = append(out, id)
	}
	return out, nil
}

// TeamOf returns the people holding partnership roles who are told about
// case c: both partnerships' for a cross-border case, its own otherwise,
// and every partnership role on a deployment of one partnership.
func (p *People) TeamOf(ctx context.Context, c *conversation.Case) []string {
	ids, _ := p.PartnershipPeopleOf(ctx, conversation.CasePartnerships(c)...)
	return ids
}

// OwnTeamOf returns the people holding partnership roles in case c's own
// partnership, who take its referral: every partnership role on a
// deployment of one partnership.
func (p *People) OwnTeamOf(ctx context.Context, c *conversation.Case) []string {
	ids, _ := p.PartnershipPeopleOf(ctx, c.Partnership)
	return ids
}

// Neighbour is a partnership not on this deployment, with how to reach
// its partnership team, for a case that crosses into its area.
type Neighbour struct {
	Name    string
	Contact string
}

// SetNeighbours replaces the neighbouring partnerships not on this
// deployment, for everything that starts after it returns.
func (p *People) SetNeighbours(ns []Neighbour) {
	d := *p.dir()
	d.neighbours = slices.Clone(ns)
	p.configured.Store(&d)
}

// Neighbour returns the neighbouring partnership the text names, ignoring
// case: the text holds its name ("Swindon SCP" finds Swindon) or, from
// four letters, is part of it ("Swindon" finds Swindon Safeguarding
// Partnership). It returns false when none matches.
func (p *People) Neighbour(text string) (Neighbour, bool) {
	t := strings.ToLower(strings.TrimSpace(text))
	for _, n := range p.dir().neighbours {
		name := strings.ToLower(strings.TrimSpace(n.Name))
		if name != "" && t != "" && (strings.Contains(t, name) || len(t) >= 4 && strings.Contains(name, t)) {
			return n, true
		}
	}
	return Neighbour{}, false
}

// ActionFormOn returns the form verb needs on case id, in the wording of the
// case's own partnership's protocol (see conversation.Engine.ProtocolOf), or
// nil for verbs that need no words. A case that cannot be read (none by
// that id, or the store failing) gets the first partnership's form: the
// step itself is refused with its own message when it is taken.
func (r *Router) ActionFormOn(ctx context.Context, id string, v conversation.Verb) *conversation.Form {
	p := r.Engine.Protocol()
	if len(r.Engine.Partnerships()) > 0 && id != "" {
		if c, err := r.Store.GetCase(ctx, conversation.NormaliseCaseID(id)); err == nil {
			p = r.Engine.ProtocolOf(c)
		}
	}
	return ActionForm(p, v)
}

// intakeUnder returns the intake questions for someone at agency: those
// of the protocol their case will follow (conversation.Engine.RaiseProtocol).
// When their agency is not yet known on a deployment of several
// partnerships, the category question offers every partnership's
// categories, each once (the first partnership's wording of a shared one),
// so nobody is shown a list that lacks theirs; the engine then refuses,
// with a message, a category their own partnership does not use.
func (r *Router) intakeUnder(agency string) conversation.Form {
	f := conversation.IntakeForm(r.Engine.RaiseProtocol(agency), r.People.Agencies())
	if agency != "" || len(r.Engine.Partnerships()) == 0 {
		return f
	}
	cat := f.Field(conversation.FieldCategory)
	for _, id := range r.Engine.Partnerships() {
		for _, c := range r.Engine.RulesFor(id).Protocol.Categories {
			if !slices.ContainsFunc(cat.Options, func(o conversation.Option) bool { return o.Value == c.Key }) {
				cat.Options = append(cat.Options, conversation.Option{Value: c.Key, Label: c.Name})
			}
		}
	}
	return f
}

// namedPartnership splits a partnership id (any case) off the front of a
// report command's words, on a deployment of several partnerships: it
// returns the id, or "" when the words do not start with one, and the
// words left.
func (r *Router) namedPartnership(rest string) (string, string) {
	word, after, _ := strings.Cut(strings.TrimSpace(rest), " ")
	for _, id := range r.Engine.Partnerships() {
		if strings.EqualFold(word, id) {
			return id, after
		}
	}
	return "", rest
}

// Reports builds the partnership reports for period that actor may read:
// on a deployment of several partnerships, one for each partnership they
// hold a role in, in the order configured, or only that of partnership
// named when it is not ""; the one report otherwise. It returns EFORBIDDEN
// for someone holding no partnership role, or naming a partnership they
// hold none in, and EINTERNAL on store failure.
func (r *Router) Reports(ctx context.Context, actor, named string, period report.Period) ([]*report.Report, error) {
	a, err := r.Engine.Actor(ctx, actor)
	if err != nil {
		return nil, err
	}
	if !a.Partnership || a.PartnershipIDs != nil && len(a.PartnershipIDs) == 0 {
		return nil, conversation.Forbidden("report.partnership_only", nil)
	}
	ids := a.PartnershipIDs
	if named != "" {
		if !slices.Contains(ids, named) {
			return nil, conversation.Forbidden("partnerships.report.not_yours", messages.Args{"partnership": named})
		}
		ids = []string{named}
	}
	if len(ids) == 0 {
		ids = []string{""}
	}
	out := make([]*report.Report, 0, len(ids))
	for _, id := range ids {
		rep, err := BuildPartnershipReport(ctx, r.Store, r.Engine, r.People, id, period)
		if err != nil {
			return nil, err
		}
		out = append(out, rep)
	}
	return out, nil
}

// ChairPartnership implements conversation.ChairDirectory: the first
// partnership whose directory lists person as a conference chair or
// reviewing officer, or "" when none does or on a deployment of one
// partnership.
func (p *People) ChairPartnership(person string) string {
	for _, c := range p.dir().partnership {
		if PersonID(c.Email) == person && c.Role == conversation.RoleConferenceChair {
			return c.Partnership
		}
	}
	return ""
}

// ForAgency returns the cards in the protocol, wording and calendar of the
// partnership agency belongs to, as For does for a case: k itself on a
// deployment of one partnership, or for an agency no partnership lists.
func (k *Cards) ForAgency(agency string) *Cards {
	if k.engine == nil || k.People == nil || len(k.engine.Partnerships()) == 0 {
		return k
	}
	id := k.People.AgencyPartnership(agency)
	if id == "" {
		return k
	}
	r := k.engine.RulesFor(id)
	return &Cards{People: k.People, Now: k.Now, engine: k.engine, of: &r}
}

// Several reports whether the deployment hosts more than one partnership.
func (k *Cards) Several() bool { return k.engine != nil && len(k.engine.Partnerships()) > 1 }
