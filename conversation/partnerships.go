package conversation

import (
	"context"
	"maps"
	"slices"
	"time"
)

// PartnershipDirectory is a Directory of a deployment that hosts several
// partnerships. An engine whose directory implements it knows which
// partnership each agency belongs to and which partnerships each person
// holds roles in, so a partnership role sees only its own partnership's
// cases (and the cross-border cases that reach it).
type PartnershipDirectory interface {
	// AgencyPartnership returns the id of the partnership on this
	// deployment that agency belongs to, or "" when none does.
	AgencyPartnership(agency string) string
	// RolePartnerships returns the ids of the partnerships in which
	// person holds a partnership role; nil on a deployment of one
	// partnership, where a partnership role covers every case. Returns
	// EINTERNAL on failure.
	RolePartnerships(ctx context.Context, person string) ([]string, error)
	// PartnershipPeopleOf returns the people holding partnership roles in
	// the partnerships ids (every partnership's when ids is empty).
	// Returns EINTERNAL on failure.
	PartnershipPeopleOf(ctx context.Context, ids ...string) ([]string, error)
}

// partnershipRules holds the rules of each partnership with its own, set
// with UseFor; it is never changed, only replaced whole.
type partnershipRules map[string]*Rules

// UseFor makes r the rules of partnership id from now on: cases of that
// partnership (Case.Partnership) take their deadlines, nudges and steps
// from r, and a case raised by one of its agencies is opened under r. It
// is safe to call while commands run. Use stays the rules of a deployment
// of one partnership, and of cases whose partnership has none of its own.
func (e *Engine) UseFor(id string, r Rules) {
	e.rulesMu.Lock()
	defer e.rulesMu.Unlock()
	next := partnershipRules{}
	if cur := e.each.Load(); cur != nil {
		next = maps.Clone(*cur)
	}
	next[id] = &r
	e.each.Store(&next)
	if e.first == "" {
		e.first = id
	}
}

// Partnerships returns the ids of the partnerships given their own rules
// with UseFor, sorted; none on a deployment of one partnership.
func (e *Engine) Partnerships() []string {
	if cur := e.each.Load(); cur != nil {
		return slices.Sorted(maps.Keys(*cur))
	}
	return nil
}

// RulesFor returns the rules of partnership id: its own (see UseFor), or
// the engine's (see Use) when it has none, as for a case stored before the
// deployment hosted several partnerships.
func (e *Engine) RulesFor(id string) Rules {
	if cur := e.each.Load(); cur != nil {
		if r, ok := (*cur)[id]; ok {
			return *r
		}
	}
	return e.Rules()
}

// RulesOf returns the rules case c follows: its partnership's.
func (e *Engine) RulesOf(c *Case) Rules { return e.RulesFor(c.Partnership) }

// ProtocolOf returns the protocol case c follows: its partnership's.
func (e *Engine) ProtocolOf(c *Case) *Protocol { return e.RulesOf(c).Protocol }

// CalendarOf returns the calendar case c's deadlines are counted on.
func (e *Engine) CalendarOf(c *Case) *Calendar { return e.RulesOf(c).Calendar }

// agencyPartnership returns the partnership agency belongs to on this
// deployment, or "" when the directory does not say.
func (e *Engine) agencyPartnership(agency string) string {
	if pd, ok := e.Directory.(PartnershipDirectory); ok && len(e.Partnerships()) > 0 {
		return pd.AgencyPartnership(agency)
	}
	return ""
}

// raiseRules returns the partnership a case raised by someone at the
// raising agency belongs to, and its rules: the agency's partnership when
// it has rules of its own; on a deployment of several, the first
// partnership given rules (UseFor) for an agency of none; else the
// engine's partnership (Use), by its protocol's key.
func (e *Engine) raiseRules(agency string) (string, Rules) {
	if cur := e.each.Load(); cur != nil {
		if r, ok := (*cur)[e.agencyPartnership(agency)]; ok {
			return e.agencyPartnership(agency), *r
		}
		e.rulesMu.Lock()
		first := e.first
		e.rulesMu.Unlock()
		if r, ok := (*cur)[first]; ok {
			return first, *r
		}
	}
	r := e.Rules()
	return r.Protocol.Key, r
}

// crossBorderOf returns the other partnership on this deployment that a
// case between the raiser's partnership ours and the respondent's agency
// crosses into, or "" when the respondent's agency is of ours or of none
// here.
func (e *Engine) crossBorderOf(ours, respondentAgency string) string {
	if id := e.agencyPartnership(respondentAgency); id != "" && id != ours {
		return id
	}
	return ""
}

// CasePartnerships returns the partnerships whose roles are told about
// case c and see it: its own, and the one it crosses into.
func CasePartnerships(c *Case) []string {
	if c.CrossBorderPartnership != "" && c.CrossBorderPartnership != c.Partnership {
		return []string{c.Partnership, c.CrossBorderPartnership}
	}
	return []string{c.Partnership}
}

// PartnershipPeopleFor returns the people holding partnership roles who are
// told about case c: both partnerships' for a cross-border case, its own
// otherwise, and every partnership role on a deployment of one
// partnership. Returns EINTERNAL on failure.
func (e *Engine) PartnershipPeopleFor(ctx context.Context, c *Case) ([]string, error) {
	if pd, ok := e.Directory.(PartnershipDirectory); ok && len(e.Partnerships()) > 0 {
		ids, err := pd.PartnershipPeopleOf(ctx, CasePartnerships(c)...)
		if err != nil {
			return nil, Internal("list partnership people", err)
		}
		return ids, nil
	}
	ids, err := e.Directory.PartnershipPeople(ctx)
	if err != nil {
		return nil, Internal("list partnership people", err)
	}
	return ids, nil
}

// PartnershipName returns the name people know partnership id by: its
// protocol's partnership name, or the id when the protocol gives none.
func (e *Engine) PartnershipName(id string) string {
	if p := e.RulesFor(id).Protocol; p != nil && p.Partnership != "" {
		return p.Partnership
	}
	return id
}

// RaiseProtocol returns the protocol a case raised by someone at agency
// follows: its partnership's, or the first partnership's when agency is
// "" or of none here (see Raise), and the engine's on a deployment of one.
func (e *Engine) RaiseProtocol(agency string) *Protocol {
	_, r := e.raiseRules(agency)
	return r.Protocol
}

// ChairDirectory is an optional capability of a PartnershipDirectory:
// which partnership lists a conference chair or reviewing officer.
type ChairDirectory interface {
	// ChairPartnership returns the id of the first partnership on this
	// deployment whose directory lists person as a conference chair or
	// reviewing officer, or "" when none does.
	ChairPartnership(person string) string
}

// chairPartnership returns the partnership whose directory lists actor
// as a conference chair, or "" on a deployment of one partnership or when
// the directory does not say.
func (e *Engine) chairPartnership(actor string) string {
	if cd, ok := e.Directory.(ChairDirectory); ok && len(e.Partnerships()) > 0 {
		return cd.ChairPartnership(actor)
	}
	return ""
}

// ObservationsOf returns the observations logged in [from, to) that count
// in partnership id's report: those logged by its own conference chairs,
// and, for the first partnership, those that record none (logged before
// partnerships were recorded). An id of "" returns every one. Returns
// EINTERNAL on store failure.
func (e *Engine) ObservationsOf(ctx context.Context, id string, from, to time.Time) ([]Observation, error) {
	obs, err := e.Observations(ctx, from, to)
	if err != nil || id == "" {
		return obs, err
	}
	first, _ := e.raiseRules("")
	return slices.DeleteFunc(obs, func(o Observation) bool {
		return o.Partnership != id && !(o.Partnership == "" && id == first)
	}), nil
}
