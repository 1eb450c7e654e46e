package conversation

import "github.com/resolvebot/resolvebot/bot/messages"

// Attention says why a case waits on the partnership, or on a safeguarding
// lead of one of its agencies: the things the protocols send to them.
type Attention string

// The reasons a case waits on the partnership, most pressing first.
const (
	AttentionNone      Attention = ""
	AttentionReferral  Attention = "referral"        // referred and not yet accepted
	AttentionSerious   Attention = "serious_concern" // logged as a serious concern
	AttentionStuck     Attention = "stuck"           // past every reminder at its stage, no mediation yet
	AttentionMediation Attention = "mediation"       // mediation asked for and not yet offered
)

// Label returns how the reason reads in a list: "Referral to triage".
func (a Attention) Label() string { return a.LabelIn(nil) }

// LabelIn is Label in w's words (nil for the catalogue as it is).
func (a Attention) LabelIn(w *messages.Catalogue) string {
	w = wording(w)
	switch a {
	case AttentionReferral:
		return w.Text("label.attention.referral", nil)
	case AttentionSerious:
		return w.Text("label.attention.serious_concern", nil)
	case AttentionStuck:
		return w.Text("label.attention.stuck", nil)
	case AttentionMediation:
		return w.Text("label.attention.mediation", nil)
	}
	return ""
}

// PartnershipAttention returns why an active case waits on the partnership,
// or AttentionNone: a referral not yet accepted or returned, a serious
// concern with no deep-dive decision recorded, a stage that has run past every reminder (the scheduler's stuck
// nudge was sent) with no mediation offered since, or mediation asked for
// and not yet offered. Ended cases wait on nobody.
func PartnershipAttention(c *Case) Attention {
	if !c.Status.Active() {
		return AttentionNone
	}
	cur := c.Current()
	if c.Status == StatusReferred && cur != nil && cur.Key == ReferralStageKey && !eventSince(c, cur, EventReferralAccepted) {
		return AttentionReferral
	}
	if c.SeriousConcern && c.DeepDive == "" {
		return AttentionSerious // until the serious-concern role decides on a deep dive
	}
	offered := eventSince(c, cur, EventMediationOffered)
	if cur != nil && !offered && stuckSince(c, cur) {
		return AttentionStuck
	}
	if c.Mediation && !offeredEver(c) {
		return AttentionMediation
	}
	return AttentionNone
}

// eventSince reports whether an event of kind is on the timeline since the
// current stage began.
func eventSince(c *Case, cur *StageRecord, kind EventKind) bool {
	for i := len(c.Events) - 1; i >= 0; i-- {
		e := c.Events[i]
		if cur != nil && e.At.Before(cur.StartedAt) {
			return false
		}
		if e.Kind == kind {
			return true
		}
	}
	return false
}

// stuckSince reports whether the stuck nudge was sent at the current stage.
func stuckSince(c *Case, cur *StageRecord) bool {
	for i := len(c.Events) - 1; i >= 0; i-- {
		e := c.Events[i]
		if e.At.Before(cur.StartedAt) {
			return false
		}
		if e.Kind == EventNudged && e.Fields["nudge"] == string(NudgeStuck) {
			return true
		}
	}
	return false
}

func offeredEver(c *Case) bool {
	for _, e := range c.Events {
		if e.Kind == EventMediationOffered {
			return true
		}
	}
	return false
}
