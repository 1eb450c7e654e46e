package conversation

import (
	"github.com/resolvebot/resolvebot/bot/messages"

	"context"
	"slices"
	"strings"
	"time"
)

// SeriousConcernRoute is where a protocol logs a serious concern: the
// partnership role told of it at once, who decides whether the issues need
// a broader deep dive. Wiltshire (001, 4.1a): such cases "should be
// automatically logged with the Chair of the WSCB QA&P Sub Group. He/she
// will make a decision about whether the issues require a broader deep dive
// and investigation, beyond the detail of the specific case involved".
type SeriousConcernRoute struct {
	// Role is the partnership role that receives serious concerns and
	// decides on a deep dive, as the document names it; the directory's
	// partnership roles with this role (ignoring case) hold it.
	Role string `yaml:"role" json:"role"`
	// Guidance says what the role decides, shown on its decision form.
	Guidance string `yaml:"guidance,omitempty" json:"guidance,omitempty"`
}

// Deep-dive decisions, as a case keeps them (Case.DeepDive) and the
// decision event's "decision" field holds them.
const (
	DeepDiveNeeded    = "needed"
	DeepDiveNotNeeded = "not_needed"
)

// DeepDiveLabel returns a deep-dive decision in plain English, in the
// catalogue's words as they are; Protocol.DeepDiveLabel gives a
// partnership's.
func DeepDiveLabel(decision string) string { return (*Protocol)(nil).DeepDiveLabel(decision) }

// DeepDiveLabel returns a deep-dive decision in plain English, in the
// protocol's wording.
func (p *Protocol) DeepDiveLabel(decision string) string {
	switch decision {
	case DeepDiveNeeded:
		return p.Wording().Text("label.deep_dive.needed", nil)
	case DeepDiveNotNeeded:
		return p.Wording().Text("label.deep_dive.not_needed", nil)
	}
	return decision
}

// MaxDeepDiveReason is the longest reason for a deep-dive decision, in
// characters: a short reason, not a report.
const MaxDeepDiveReason = 500

// RoleDirectory is an optional capability of a Directory: it knows the
// named roles people hold (a partnership role such as "Chair of the WSCB
// QA&P Sub Group", or a conference chair's).
type RoleDirectory interface {
	// Roles returns the roles person holds, or none. Errors are EINTERNAL.
	Roles(ctx context.Context, person string) ([]string, error)
	// RoleHolders returns the person ids holding role (ignoring case), or
	// none. Errors are EINTERNAL.
	RoleHolders(ctx context.Context, role string) ([]string, error)
}

// Holds reports whether the actor holds role, ignoring case and spaces at
// either end; an empty role is held by nobody.
func (a Actor) Holds(role string) bool {
	role = strings.TrimSpace(role)
	return role != "" && slices.ContainsFunc(a.Roles, func(r string) bool { return strings.EqualFold(strings.TrimSpace(r), role) })
}

// SeriousConcernRole returns the role a serious concern is logged with
// under p, or "" when the protocol names none (it is then logged with the
// partnership as a whole).
func (p *Protocol) SeriousConcernRole() string {
	if p.SeriousConcern == nil {
		return ""
	}
	return strings.TrimSpace(p.SeriousConcern.Role)
}

// SeriousConcernHolders returns the people a serious concern is logged
// with: those holding the protocol's serious-concern role when it names one
// and someone holds it, otherwise every partnership role. Errors are
// EINTERNAL.
func (e *Engine) SeriousConcernHolders(ctx context.Context) ([]string, error) {
	return e.SeriousConcernHoldersOf(ctx, nil)
}

// SeriousConcernHoldersOf returns the people case c's serious concern is
// logged with, as SeriousConcernHolders, under c's partnership's protocol
// and among the partnership roles told of c (both partnerships' for a
// cross-border case; see PartnershipPeopleFor). A nil c is any case of a
// deployment of one partnership. Errors are EINTERNAL.
func (e *Engine) SeriousConcernHoldersOf(ctx context.Context, c *Case) ([]string, error) {
	p, told := e.Protocol(), []string(nil)
	if c != nil {
		p = e.ProtocolOf(c)
		var err error
		if told, err = e.PartnershipPeopleFor(ctx, c); err != nil {
			return nil, err
		}
	} else {
		var err error
		if told, err = e.Directory.PartnershipPeople(ctx); err != nil {
			return nil, Internal("list partnership people", err)
		}
	}
	if role := p.SeriousConcernRole(); role != "" {
		if rd, ok := e.Directory.(RoleDirectory); ok {
			ids, err := rd.RoleHolders(ctx, role)
			if err != nil {
				return nil, Internal("find "+role, err)
			}
			ids = slices.DeleteFunc(ids, func(id string) bool { return !slices.Contains(told, id) })
			if len(ids) > 0 {
				return ids, nil
			}
		}
	}
	return told, nil
}

// allowDeepDive checks a deep-dive decision on c by a: only on a serious
// concern, only by the protocol's serious-concern role, and once.
func (p *Protocol) allowDeepDive(c *Case, a Actor) error {
	role := p.SeriousConcernRole()
	if role == "" {
		return Invalid("refusal.deep_dive.not_in_protocol", messages.Args{"protocol": p.Name})
	}
	if !c.SeriousConcern {
		return Invalid("refusal.deep_dive.not_serious", nil)
	}
	if !a.Holds(role) {
		return Forbidden("refusal.deep_dive.role_only", messages.Args{"role": role})
	}
	if c.DeepDive != "" {
		return Invalid("refusal.deep_dive.recorded", messages.Args{"decision": DeepDiveLabel(c.DeepDive)})
	}
	return nil
}

// DecideDeepDive records the serious-concern role's decision on whether
// the issues of a serious concern need a broader deep dive and
// investigation ("yes" or "no", as ParseYesNo reads it, or "needed" or
// "not_needed"), with a short reason, on the case's timeline
// (EventDeepDiveDecided, its "decision" field) and in Case.DeepDive.
// Returns EINVALID for a missing or unreadable decision or reason, a case
// that is not a serious concern, a protocol that names no role, or a
// decision already recorded; EFORBIDDEN for anyone but the role's holders.
func (e *Engine) DecideDeepDive(ctx context.Context, cmd Cmd, decision, reason string) (*Result, error) {
	fe := FieldErrors{}
	decision = strings.Join(strings.Fields(strings.ToLower(strings.ReplaceAll(decision, "_", " "))), "_")
	switch decision {
	case DeepDiveNeeded, DeepDiveNotNeeded:
	case "":
		fe.Add(FieldDeepDive, Msg("error.deep_dive.missing", nil))
	default:
		yes, ok := ParseYesNo(decision)
		if decision == "not_required" || decision == "none" {
			yes, ok = false, true
		}
		switch {
		case !ok:
			fe.Add(FieldDeepDive, Msg("error.deep_dive.answer", nil))
		case yes:
			decision = DeepDiveNeeded
		default:
			decision = DeepDiveNotNeeded
		}
	}
	reason = checkText(fe, "reason", reason, MaxDeepDiveReason, Msg("error.add.deep_dive_reason", nil))
	if err := fe.Err(); err != nil {
		return nil, err
	}
	return e.apply(ctx, cmd, VerbDeepDive, func(c *Case, a Actor, now time.Time) error {
		c.DeepDive = decision
		ev := event(c, EventDeepDiveDecided, a, now, reason)
		ev.Fields = map[string]string{"decision": decision}
		c.append(ev)
		return nil
	})
}

// FieldDeepDive is the deep-dive form's decision field.
const FieldDeepDive = "decision"

// SeriousConcernNote says where a serious concern on c was logged and,
// under a protocol with a serious-concern role, what it decided about a
// deep dive, for the case's card and record.
func (p *Protocol) SeriousConcernNote(c *Case) string {
	w := p.Wording()
	role := p.SeriousConcernRole()
	switch {
	case role == "":
		return w.Text("label.serious_concern.logged", nil)
	case c.DeepDive == "":
		return w.Text("label.serious_concern.logged_with", messages.Args{"role": role})
	}
	return w.Text("label.serious_concern.decided", messages.Args{"role": role, "decision": p.DeepDiveLabel(c.DeepDive)})
}
