package bot

import (
	"context"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// Damaged is how the catalogue's English, without a partnership's
// overrides, opens what a person is told about a button whose value could
// not be read or names a step that does not exist.
var Damaged = messages.English().Text("button.damaged", nil)

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
			card := r.Cards.Card(ctx, c, in.Actor, r.Cards.Say("button.damaged.case_now", nil))
			return Reply{Messages: []Message{card}}, nil
		} else if conversation.ErrorCode(err) == conversation.EINTERNAL {
			return Reply{}, err
		}
	}
	return Reply{Messages: []Message{{Kind: "error", Tone: ToneWarning,
		Text: r.Cards.Say("button.damaged.what_now", nil)}}}, nil
}
