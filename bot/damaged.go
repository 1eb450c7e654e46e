package bot

import (
	"context"

	"github.com/resolvebot/resolvebot/conversation"
)

// Damaged is what a person is told about a button whose value could not be
// read or names a step that does not exist.
const Damaged = "That button is out of date or damaged."

// damaged answers a press of a damaged button: the case it named as it
// stands now, if the person may see it, or else one plain sentence, the
// same whether or not the case exists. A refusal on a real case is recorded
// as usual.
func (r *Router) damaged(ctx context.Context, in Inbound) (Reply, error) {
	attempt := "damaged button"
	if v, ok := ParseVerb(string(in.Verb)); ok {
		attempt = string(v)
	}
	if id := conversation.NormaliseCaseID(in.CaseID); id != "" && len(id) <= 40 {
		if c, err := r.Engine.GetFor(ctx, in.Actor, id, attempt); err == nil {
			card := r.Cards.Card(ctx, c, in.Actor, Damaged+" Here is the case as it stands now.")
			return Reply{Messages: []Message{card}}, nil
		} else if conversation.ErrorCode(err) == conversation.EINTERNAL {
			return Reply{}, err
		}
	}
	return Reply{Messages: []Message{{Kind: "error", Tone: ToneWarning,
		Text: Damaged + " Type \"list\" to see your cases, or \"status\" and a case id to see one."}}}, nil
}
