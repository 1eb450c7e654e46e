package conversation

import (
	"slices"
	"strconv"

	"github.com/resolvebot/resolvebot/bot/messages"
)

// Verb names a step a person can take on a case. Buttons carry a verb and a
// case id.
type Verb string

// The verbs of the engine.
const (
	VerbAcknowledge    Verb = "acknowledge"
	VerbRespond        Verb = "respond"
	VerbNote           Verb = "note"
	VerbEscalate       Verb = "escalate"
	VerbPropose        Verb = "propose"
	VerbConfirm        Verb = "confirm"
	VerbDispute        Verb = "dispute"
	VerbWithdraw       Verb = "withdraw"
	VerbRefer          Verb = "refer"
	VerbMediation      Verb = "mediation"
	VerbExtend         Verb = "extend"
	VerbReassign       Verb = "reassign"
	VerbAcceptReferral Verb = "accept_referral"
	VerbReturnReferral Verb = "return_referral"
	VerbOfferMediation Verb = "offer_mediation"
	VerbClose          Verb = "close"
	// VerbActionDone marks an agreed action done (its owner, once the
	// case is resolved).
	VerbActionDone Verb = "action_done"
	// VerbLearning records what someone learned from a resolved case and
	// what would have prevented the disagreement.
	VerbLearning Verb = "learning"
	// VerbDeepDive records the serious-concern role's decision on whether
	// a broader deep dive is needed (see DecideDeepDive).
	VerbDeepDive Verb = "deep_dive"
)

// Verbs lists every verb in the order buttons should appear.
var Verbs = []Verb{
	VerbAcknowledge, VerbRespond, VerbPropose, VerbConfirm, VerbDispute, VerbEscalate,
	VerbMediation, VerbRefer, VerbExtend, VerbNote, VerbReassign, VerbWithdraw,
	VerbAcceptReferral, VerbReturnReferral, VerbOfferMediation, VerbClose, VerbDeepDive,
	VerbActionDone, VerbLearning,
}

// Appends reports whether v only adds to the timeline (a note or a
// response) rather than changing where the case stands. Such a step never
// conflicts with another: it is saved whatever the case's version, so
// nothing a person typed is thrown away because someone acted while the
// form was open. Its rights are still checked against the case as it is.
func (v Verb) Appends() bool { return v == VerbNote || v == VerbRespond }

// doneBy lists, for each verb that changes where a case stands, the event
// it appends.
var doneBy = map[Verb]EventKind{
	VerbAcknowledge: EventAcknowledged, VerbEscalate: EventEscalated, VerbPropose: EventResolutionProposed,
	VerbConfirm: EventResolutionConfirmed, VerbDispute: EventResolutionDisputed, VerbWithdraw: EventWithdrawn,
	VerbRefer: EventReferred, VerbMediation: EventMediationRequested, VerbExtend: EventDeadlineExtended,
	VerbReassign: EventReassigned, VerbAcceptReferral: EventReferralAccepted, VerbReturnReferral: EventReferralReturned,
	VerbOfferMediation: EventMediationOffered, VerbClose: EventClosed, VerbDeepDive: EventDeepDiveDecided,
}

// DoneSince returns the latest event by which someone already took step v
// after version: what a press or form made on that version lost to, when
// two people did the same thing at once. ok is false for a version of 0,
// a verb that only appends (see Verb.Appends), or when nobody took the
// step since.
func (c *Case) DoneSince(v Verb, version int64) (e Event, ok bool) {
	kind, known := doneBy[v]
	if version == 0 || !known {
		return Event{}, false
	}
	for i := len(c.Events) - 1; i >= 0 && c.Events[i].Version > version; i-- {
		if c.Events[i].Kind == kind {
			return c.Events[i], true
		}
	}
	return Event{}, false
}

// Actor is who is acting, whether they hold a partnership role, and the
// agencies they are safeguarding lead for.
type Actor struct {
	ID          string
	Partnership bool
	// PartnershipIDs are the partnerships whose roles they hold, on a
	// deployment of several (see PartnershipDirectory): their partnership
	// role acts on those partnerships' cases and reads the cross-border
	// cases that reach them. Nil on a deployment of one partnership, where
	// a partnership role covers every case.
	PartnershipIDs []string
	LeadOf         []string // agency keys
	Roles          []string // the named roles they hold (see RoleDirectory)
}

// holdsRoleFor reports whether a's partnership role acts on case c: a role
// of a deployment of one partnership, or of c's own partnership.
func (a Actor) holdsRoleFor(c *Case) bool {
	return a.Partnership && (a.PartnershipIDs == nil || slices.Contains(a.PartnershipIDs, c.Partnership))
}

// readsAsPartnership reports whether a's partnership role sees case c: it
// acts on it (see holdsRoleFor), or c crosses into a partnership whose
// role a holds.
func (a Actor) readsAsPartnership(c *Case) bool {
	return a.holdsRoleFor(c) || a.Partnership && c.CrossBorderPartnership != "" && slices.Contains(a.PartnershipIDs, c.CrossBorderPartnership)
}

// noCase is the answer for a case id a person cannot reach: one that does
// not exist, or a real case they are not part of. The words and the code
// are the same either way, so nobody outside a case can tell whether it
// exists by asking; a refused attempt on a real case is still recorded in
// its access log.
func noCase(id string) *Error {
	return NotFound("error.case_not_found", messages.Args{"case": safeID(id)})
}

var errLeadOnly = Forbidden("refusal.lead_reads_only", nil)

// errCrossBorderOnly refuses a step to the role of the partnership a case
// crosses into: its own partnership's roles act on it.
var errCrossBorderOnly = Forbidden("partnerships.refusal.reads_only", nil)

// readOnly returns the refusal of a step to someone who may see case c
// but not act on it (see CanSee, CanAct).
func readOnly(c *Case, a Actor) error {
	if !leads(c, a) && a.readsAsPartnership(c) {
		return errCrossBorderOnly
	}
	return errLeadOnly
}

// CanSee reports whether actor may see the case at all: its parties, the
// people at any of its stages, its partnership's roles (and, for a
// cross-border case, the other partnership's), and the safeguarding leads
// of either side's agency.
func CanSee(c *Case, a Actor) bool { return a.readsAsPartnership(c) || c.Involves(a.ID) || leads(c, a) }

// CanAct reports whether actor may take any step on the case: its parties,
// the people at any of its stages, and its own partnership's roles. A
// safeguarding lead, or the other partnership's role on a cross-border
// case, who is none of those may only read it.
func CanAct(c *Case, a Actor) bool { return a.holdsRoleFor(c) || c.Involves(a.ID) }

// leads reports whether actor is safeguarding lead for either side's agency.
func leads(c *Case, a Actor) bool {
	return slices.Contains(a.LeadOf, c.Raiser.Agency) || slices.Contains(a.LeadOf, c.Respondent.Agency)
}

// Allowed returns nil when actor may take verb on the case now. Otherwise it
// returns ENOTFOUND for people outside the case (the same answer as for an
// unknown id), EFORBIDDEN when the actor's role does not allow it, or
// EINVALID when the case's state does not.
func (p *Protocol) Allowed(c *Case, a Actor, v Verb) error {
	if !CanSee(c, a) {
		return noCase(c.ID)
	}
	if !CanAct(c, a) {
		return readOnly(c, a)
	}
	cur := c.Current()
	side := c.SideOf(a.ID)
	atReferral := cur.Key == ReferralStageKey
	stageName := p.StageName(cur.Key)
	onStage := side != ""
	// Built only when refused: AllowedVerbs asks about every verb for every
	// card, and most verbs are allowed or refused for another reason.
	notOnStage := func() error {
		return Forbidden("refusal.stage_people_only", messages.Args{"stage": stageName})
	}
	// The answering side takes a stage further only once they have
	// acknowledged it: before that, acknowledging or responding is the step
	// they owe, and the raising side has the way up if they stay silent.
	ackFirst := func() error {
		if side == SideRespondent && !atReferral && !cur.Acknowledged() {
			return Invalid("refusal.acknowledge_first", nil)
		}
		return nil
	}
	switch v {
	case VerbActionDone:
		switch {
		case !followsUp(c):
			return Invalid("refusal.actions_after_resolution", nil)
		case len(OpenActionsOf(c, a.ID)) == 0 && slices.ContainsFunc(c.AgreedActions(), func(x ResolutionAction) bool { return x.OwnerID == a.ID }):
			return Invalid("refusal.actions_all_done", nil)
		case len(OpenActionsOf(c, a.ID)) == 0:
			return Forbidden("refusal.action_owner_only", nil)
		}
		return nil
	case VerbLearning:
		if c.Status != StatusResolved {
			return Invalid("refusal.learning_after_resolution", nil)
		}
		if !c.Involves(a.ID) {
			return Forbidden("refusal.learning_people_only", nil)
		}
		return nil
	}
	// The serious-concern role decides on a deep dive whatever stage the
	// case has reached: the decision is about the issues beyond it.
	if v == VerbDeepDive {
		return p.allowDeepDive(c, a)
	}
	if !c.Status.Active() && v != VerbNote {
		return Invalid("refusal.case_finished", messages.Args{"status": c.Status})
	}
	if v == VerbNote {
		if c.Status == StatusClosed {
			return Invalid("refusal.case_closed", nil)
		}
		return nil
	}
	switch v {
	case VerbAcknowledge, VerbRespond:
		if atReferral {
			if !a.holdsRoleFor(c) {
				return Forbidden("refusal.partnership_acknowledges_referral", nil)
			}
		} else if side != SideRespondent {
			return Forbidden("refusal.answering_side_only", messages.Args{"stage": stageName})
		}
		if v == VerbAcknowledge && cur.Acknowledged() {
			return Invalid("refusal.already_acknowledged", nil)
		}
	case VerbEscalate:
		if !onStage {
			return notOnStage()
		}
		if atReferral {
			return Invalid("refusal.no_escalation_from_partnership", nil)
		}
		if p.StageIndex(cur.Key) >= len(p.Stages)-1 {
			return Invalid("refusal.last_stage", messages.Args{"body": p.Referral.Body})
		}
		if err := ackFirst(); err != nil {
			return err
		}
	case VerbPropose:
		if !onStage {
			return notOnStage()
		}
		if c.Resolution != nil && !c.Resolution.Confirmed {
			return Invalid("refusal.resolution_waiting", nil)
		}
	case VerbConfirm, VerbDispute:
		if c.Resolution == nil || c.Resolution.Confirmed {
			return Invalid("refusal.no_proposal", nil)
		}
		if !onStage || side == c.Resolution.ProposedBySide {
			return Forbidden("refusal.other_side_answers", nil)
		}
	case VerbWithdraw:
		if side != SideRaiser && c.Raiser.PersonID != a.ID {
			return Forbidden("refusal.raiser_withdraws", nil)
		}
	case VerbRefer:
		if !onStage {
			return notOnStage()
		}
		if atReferral {
			return Invalid("refusal.already_with_partnership", nil)
		}
		if err := ackFirst(); err != nil {
			return err
		}
	case VerbMediation:
		if !onStage {
			return notOnStage()
		}
		if c.Mediation {
			return Invalid("refusal.mediation_asked", nil)
		}
		if p.StageIndex(cur.Key) < 1 {
			return Invalid("refusal.mediation_escalate_first", nil)
		}
		if err := ackFirst(); err != nil {
			return err
		}
	case VerbExtend:
		if !onStage && !a.holdsRoleFor(c) {
			return notOnStage()
		}
	case VerbReassign:
		if !onStage && !a.holdsRoleFor(c) {
			return notOnStage()
		}
	case VerbAcceptReferral, VerbReturnReferral:
		if !a.holdsRoleFor(c) {
			return Forbidden("refusal.partnership_decides_referral", nil)
		}
		if !atReferral {
			return Invalid("refusal.not_referred", nil)
		}
		since := lastReferralSeq(c)
		if v == VerbAcceptReferral && slices.ContainsFunc(c.Events, func(e Event) bool {
			return e.Kind == EventReferralAccepted && e.Seq > since
		}) {
			return Invalid("refusal.referral_accepted", nil)
		}
	case VerbOfferMediation:
		if !a.holdsRoleFor(c) {
			return Forbidden("refusal.partnership_offers_mediation", nil)
		}
	case VerbClose:
		if !a.holdsRoleFor(c) {
			return Forbidden("refusal.partnership_closes", nil)
		}
	default:
		return Invalid("refusal.unknown_step", messages.Args{"step": strconv.Quote(string(v))})
	}
	return nil
}

// lastReferralSeq returns the sequence number of the latest referral event.
func lastReferralSeq(c *Case) int {
	for i := len(c.Events) - 1; i >= 0; i-- {
		if c.Events[i].Kind == EventReferred {
			return c.Events[i].Seq
		}
	}
	return 0
}

// AllowedVerbs returns the verbs actor may take on the case now, in button order.
func (p *Protocol) AllowedVerbs(c *Case, a Actor) []Verb {
	var out []Verb
	for _, v := range Verbs {
		if p.Allowed(c, a, v) == nil {
			out = append(out, v)
		}
	}
	return out
}

// WaitingOn reports whether the case is waiting for person to act: they are
// on the side that owes the next step at the current stage.
func WaitingOn(c *Case, person string) bool {
	if !c.Status.Active() {
		return false
	}
	side := c.SideOf(person)
	if side == "" {
		return false
	}
	if c.Resolution != nil && !c.Resolution.Confirmed {
		return side != c.Resolution.ProposedBySide
	}
	return side == SideRespondent
}
