package bot

import (
	"github.com/resolvebot/resolvebot/conversation"
)

// VerbLabel returns the button label of a verb, in the partnership's
// words: a word or two, so a row of buttons shows whole on a phone (at
// most MaxLabelRunes characters). A verb the catalogue has no label for
// is shown as it is.
func (k *Cards) VerbLabel(v conversation.Verb) string {
	switch v {
	case conversation.VerbAcknowledge:
		return k.Say("verb.label.acknowledge", nil)
	case conversation.VerbRespond:
		return k.Say("verb.label.respond", nil)
	case conversation.VerbPropose:
		return k.Say("verb.label.propose", nil)
	case conversation.VerbConfirm:
		return k.Say("verb.label.confirm", nil)
	case conversation.VerbDispute:
		return k.Say("verb.label.dispute", nil)
	case conversation.VerbEscalate:
		return k.Say("verb.label.escalate", nil)
	case conversation.VerbMediation:
		return k.Say("verb.label.mediation", nil)
	case conversation.VerbRefer:
		return k.Say("verb.label.refer", nil)
	case conversation.VerbExtend:
		return k.Say("verb.label.extend", nil)
	case conversation.VerbNote:
		return k.Say("verb.label.note", nil)
	case conversation.VerbReassign:
		return k.Say("verb.label.reassign", nil)
	case conversation.VerbWithdraw:
		return k.Say("verb.label.withdraw", nil)
	case conversation.VerbAcceptReferral:
		return k.Say("verb.label.accept_referral", nil)
	case conversation.VerbReturnReferral:
		return k.Say("verb.label.return_referral", nil)
	case conversation.VerbOfferMediation:
		return k.Say("verb.label.offer_mediation", nil)
	case conversation.VerbClose:
		return k.Say("verb.label.close", nil)
	case conversation.VerbActionDone:
		return k.Say("verb.label.action_done", nil)
	case conversation.VerbLearning:
		return k.Say("verb.label.learning", nil)
	case conversation.VerbDeepDive:
		return k.Say("verb.label.deep_dive", nil)
	}
	return string(v)
}

// VerbTitle returns what a step is called in full, in the partnership's
// words, for the title of its form: "Propose a resolution" where the
// button says "Propose" (at most 24 characters, the longest title a
// Slack modal takes). A step with no title of its own is called by its
// button label.
func (k *Cards) VerbTitle(v conversation.Verb) string {
	switch v {
	case conversation.VerbPropose:
		return k.Say("verb.title.propose", nil)
	case conversation.VerbConfirm:
		return k.Say("verb.title.confirm", nil)
	case conversation.VerbDispute:
		return k.Say("verb.title.dispute", nil)
	case conversation.VerbMediation:
		return k.Say("verb.title.mediation", nil)
	case conversation.VerbRefer:
		return k.Say("verb.title.refer", nil)
	case conversation.VerbExtend:
		return k.Say("verb.title.extend", nil)
	case conversation.VerbNote:
		return k.Say("verb.title.note", nil)
	case conversation.VerbWithdraw:
		return k.Say("verb.title.withdraw", nil)
	case conversation.VerbAcceptReferral:
		return k.Say("verb.title.accept_referral", nil)
	case conversation.VerbReturnReferral:
		return k.Say("verb.title.return_referral", nil)
	case conversation.VerbOfferMediation:
		return k.Say("verb.title.offer_mediation", nil)
	case conversation.VerbClose:
		return k.Say("verb.title.close", nil)
	case conversation.VerbActionDone:
		return k.Say("verb.title.action_done", nil)
	case conversation.VerbLearning:
		return k.Say("verb.title.learning", nil)
	case conversation.VerbDeepDive:
		return k.Say("verb.title.deep_dive", nil)
	}
	return k.VerbLabel(v)
}

// confirmText returns the "are you sure" question of an irreversible
// step, in the partnership's words, or "" for a step that needs none.
func (k *Cards) confirmText(v conversation.Verb) string {
	switch v {
	case conversation.VerbConfirm:
		return k.Say("verb.confirm.confirm", nil)
	case conversation.VerbWithdraw:
		return k.Say("verb.confirm.withdraw", nil)
	case conversation.VerbEscalate:
		return k.Say("verb.confirm.escalate", nil)
	case conversation.VerbRefer:
		return k.Say("verb.confirm.refer", nil)
	case conversation.VerbClose:
		return k.Say("verb.confirm.close", nil)
	}
	return ""
}
