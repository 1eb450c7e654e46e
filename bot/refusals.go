package bot

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// stepPhrase says what a step does, for "you can …" sentences.
func (k *Cards) stepPhrase(v conversation.Verb) string {
	switch v {
	case conversation.VerbAcknowledge:
		return k.Say("step.acknowledge", nil)
	case conversation.VerbRespond:
		return k.Say("step.respond", nil)
	case conversation.VerbPropose:
		return k.Say("step.propose", nil)
	case conversation.VerbConfirm:
		return k.Say("step.confirm", nil)
	case conversation.VerbDispute:
		return k.Say("step.dispute", nil)
	case conversation.VerbEscalate:
		return k.Say("step.escalate", nil)
	case conversation.VerbMediation:
		return k.Say("step.mediation", nil)
	case conversation.VerbRefer:
		return k.Say("step.refer", nil)
	case conversation.VerbExtend:
		return k.Say("step.extend", nil)
	case conversation.VerbNote:
		return k.Say("step.note", nil)
	case conversation.VerbReassign:
		return k.Say("step.reassign", nil)
	case conversation.VerbWithdraw:
		return k.Say("step.withdraw", nil)
	case conversation.VerbAcceptReferral:
		return k.Say("step.accept_referral", nil)
	case conversation.VerbReturnReferral:
		return k.Say("step.return_referral", nil)
	case conversation.VerbOfferMediation:
		return k.Say("step.offer_mediation", nil)
	case conversation.VerbClose:
		return k.Say("step.close", nil)
	case conversation.VerbActionDone:
		return k.Say("step.action_done", nil)
	case conversation.VerbLearning:
		return k.Say("step.learning", nil)
	}
	return strings.ReplaceAll(string(v), "_", " ")
}

// mostAlternatives is how many other steps a refusal suggests.
const mostAlternatives = 4

// withAlternatives turns a refusal of step v on a case into one that also
// says what the person can do instead: the steps they may take now, most
// likely first ("You raised this case, so the other side acknowledges it.
// You can propose a resolution, add a note or withdraw it."), or that
// nothing is theirs to do just now. Refusals to people who may not act on
// the case (outsiders, leads who only read) and other errors come back as
// they are, and so does err when the case or person cannot be read.
func (r *Router) withAlternatives(ctx context.Context, actor, caseID string, v conversation.Verb, err error) error {
	var e *conversation.Error
	if !errors.As(err, &e) || len(e.Fields) > 0 || (e.Code != conversation.EFORBIDDEN && e.Code != conversation.EINVALID) {
		return err
	}
	c, gerr := r.Store.GetCase(ctx, conversation.NormaliseCaseID(caseID))
	if gerr != nil {
		return err
	}
	a, aerr := r.Engine.Actor(ctx, actor)
	if aerr != nil || !conversation.CanAct(c, a) {
		return err
	}
	out := &conversation.Error{Code: e.Code, Key: e.Key, Args: e.Args, Err: e.Err}
	if (v == conversation.VerbAcknowledge || v == conversation.VerbRespond) && c.SideOf(actor) == conversation.SideRaiser &&
		c.Current().Key != conversation.ReferralStageKey {
		out = conversation.Fail("refusal.raiser_acknowledges", e.Code, nil)
		out.Err = e.Err
	}
	allowed := slices.DeleteFunc(r.Engine.ProtocolOf(c).AllowedVerbs(c, a), func(x conversation.Verb) bool { return x == v })
	steps := primarySteps(c, actor, a.Partnership, r.now(), allowed)
	for _, x := range []conversation.Verb{conversation.VerbNote, conversation.VerbWithdraw} {
		if len(steps) < mostAlternatives && slices.Contains(allowed, x) && !slices.Contains(steps, x) {
			steps = append(steps, x)
		}
	}
	var phrases []string
	for _, x := range steps {
		phrases = append(phrases, r.Cards.stepPhrase(x))
	}
	if len(phrases) == 0 {
		out.More = []conversation.Text{conversation.Msg("refusal.nothing_to_do", nil)}
	} else {
		out.More = []conversation.Text{conversation.Msg("refusal.you_can", messages.Args{"steps": r.Cards.orList(phrases)})}
	}
	return out
}
