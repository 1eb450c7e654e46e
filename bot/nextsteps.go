package bot

import (
	"slices"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
)

// nextSteps returns, most likely first, the steps a viewer probably takes
// next on the case in its current state. A card shows those the viewer may
// take as buttons; every other step they may take goes in its overflow.
//
//   - Whoever must answer a proposed resolution: confirm or dispute it.
//   - The answering side before acknowledging: acknowledge or respond.
//   - The answering side after: respond, propose a resolution, or take it up
//     a stage (escalate; at the last stage refer, or ask for mediation).
//   - The raising side: propose a resolution, take it up a stage, or add a
//     note; while the other side still has time to acknowledge, there is no
//     call to take it up yet, so that stays in the overflow.
//   - Either side once the case is referred: the partnership now holds it
//     (and offers mediation itself), so propose a resolution or add a note;
//     asking for mediation stays in the overflow.
//   - The partnership on a referral: accept it, return it with advice,
//     offer mediation, or close the case (closing shows once the referral
//     is accepted, as only three fit).
//   - The partnership on any other case: offer mediation or add a note.
//   - Anyone on a resolved case: mark their agreed action done, record what
//     they learned (until they have), or add a note.
//   - Anyone else who may act (people from earlier stages, or anyone once a
//     case has ended otherwise): add a note.
func nextSteps(c *conversation.Case, viewer string, partnership bool, now time.Time) []conversation.Verb {
	cur := c.Current()
	side := c.SideOf(viewer)
	atReferral := cur.Key == conversation.ReferralStageKey
	// The way up from this stage: the first of these the viewer may take
	// is the one offered (Allowed filters the others out).
	up := []conversation.Verb{conversation.VerbEscalate, conversation.VerbRefer, conversation.VerbMediation}
	switch {
	case !c.Status.Active():
		if slices.ContainsFunc(c.Events, func(e conversation.Event) bool { return e.Kind == conversation.EventLearning && e.Actor == viewer }) {
			return []conversation.Verb{conversation.VerbActionDone, conversation.VerbNote} // their learning is recorded
		}
		return []conversation.Verb{conversation.VerbActionDone, conversation.VerbLearning, conversation.VerbNote}
	case side != "" && c.Resolution != nil && !c.Resolution.Confirmed && side != c.Resolution.ProposedBySide:
		return []conversation.Verb{conversation.VerbConfirm, conversation.VerbDispute}
	case atReferral && partnership:
		return []conversation.Verb{conversation.VerbAcceptReferral, conversation.VerbReturnReferral,
			conversation.VerbOfferMediation, conversation.VerbClose}
	case atReferral && side != "":
		return []conversation.Verb{conversation.VerbPropose, conversation.VerbNote}
	case side == conversation.SideRespondent && !cur.Acknowledged() && !atReferral:
		return []conversation.Verb{conversation.VerbAcknowledge, conversation.VerbRespond}
	case side == conversation.SideRespondent:
		return append([]conversation.Verb{conversation.VerbRespond, conversation.VerbPropose}, append(up, conversation.VerbNote)...)
	case side == conversation.SideRaiser && !atReferral && !cur.Acknowledged() && now.Before(cur.AckDeadline):
		return []conversation.Verb{conversation.VerbPropose, conversation.VerbNote}
	case side == conversation.SideRaiser:
		return append(append([]conversation.Verb{conversation.VerbPropose}, up...), conversation.VerbNote)
	case partnership:
		return []conversation.Verb{conversation.VerbOfferMediation, conversation.VerbNote}
	}
	return []conversation.Verb{conversation.VerbNote}
}

// mostPrimary is how many of the likely next steps a card shows as
// buttons: three short labels and Teams' overflow button ("…") fit a
// phone's width whole (360 px); four are cut to "Acc… Se…".
const mostPrimary = 3

// primarySteps picks a card's buttons from the steps allowed: the likely
// next steps that are allowed, at most one way up a stage, and no more
// than mostPrimary (MaxPrimaryButtons in any case).
func primarySteps(c *conversation.Case, viewer string, partnership bool, now time.Time, allowed []conversation.Verb) []conversation.Verb {
	limit := min(mostPrimary, MaxPrimaryButtons)
	var out []conversation.Verb
	// The serious-concern role's decision comes first wherever it is owed.
	if slices.Contains(allowed, conversation.VerbDeepDive) {
		out = append(out, conversation.VerbDeepDive)
	}
	wentUp := false
	for _, v := range nextSteps(c, viewer, partnership, now) {
		if len(out) == limit {
			break
		}
		if !slices.Contains(allowed, v) || slices.Contains(out, v) {
			continue
		}
		if v == conversation.VerbEscalate || v == conversation.VerbRefer || v == conversation.VerbMediation {
			if wentUp {
				continue
			}
			wentUp = true
		}
		out = append(out, v)
	}
	return out
}
