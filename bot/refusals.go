package bot

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/resolvebot/resolvebot/conversation"
)

// stepPhrases say what each step does, for "you can …" sentences.
var stepPhrases = map[conversation.Verb]string{
	conversation.VerbAcknowledge: "acknowledge it", conversation.VerbRespond: "respond",
	conversation.VerbPropose: "propose a resolution", conversation.VerbConfirm: "confirm the resolution",
	conversation.VerbDispute: "dispute the resolution", conversation.VerbEscalate: "escalate it to the next stage",
	conversation.VerbMediation: "ask for mediation", conversation.VerbRefer: "refer it to the partnership",
	conversation.VerbExtend: "extend the deadline", conversation.VerbNote: "add a note",
	conversation.VerbReassign: "hand your part over", conversation.VerbWithdraw: "withdraw it",
	conversation.VerbAcceptReferral: "accept the referral", conversation.VerbReturnReferral: "return it with advice",
	conversation.VerbOfferMediation: "offer mediation", conversation.VerbClose: "close it",
	conversation.VerbActionDone: "mark your action done", conversation.VerbLearning: "record what you learned",
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
	msg := e.Message
	if (v == conversation.VerbAcknowledge || v == conversation.VerbRespond) && c.SideOf(actor) == conversation.SideRaiser &&
		c.Current().Key != conversation.ReferralStageKey {
		msg = "You raised this case, so the other side acknowledges it and responds."
	}
	allowed := slices.DeleteFunc(r.Engine.Protocol.AllowedVerbs(c, a), func(x conversation.Verb) bool { return x == v })
	steps := primarySteps(c, actor, a.Partnership, r.now(), allowed)
	for _, x := range []conversation.Verb{conversation.VerbNote, conversation.VerbWithdraw} {
		if len(steps) < mostAlternatives && slices.Contains(allowed, x) && !slices.Contains(steps, x) {
			steps = append(steps, x)
		}
	}
	var phrases []string
	for _, x := range steps {
		phrases = append(phrases, stepPhrases[x])
	}
	switch len(phrases) {
	case 0:
		msg += " There is nothing for you to do on it just now."
	case 1:
		msg += " You can " + phrases[0] + "."
	default:
		msg += " You can " + strings.Join(phrases[:len(phrases)-1], ", ") + " or " + phrases[len(phrases)-1] + "."
	}
	return &conversation.Error{Code: e.Code, Message: msg, Err: e.Err}
}
