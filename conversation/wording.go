package conversation

import "github.com/resolvebot/resolvebot/bot/messages"

// Wording returns the message catalogue the protocol's texts are taken
// from: the English catalogue (bot/messages/en/) with the protocol's
// Messages overrides on top, so a partnership that rewords a question, a
// label or a document's fixed words sees its own words wherever they are
// shown. A nil protocol gives the catalogue as it is. The catalogue is a
// leaf package with embedded texts, so the engine stays pure.
func (p *Protocol) Wording() *messages.Catalogue {
	if p == nil {
		return messages.English()
	}
	return messages.English().With(p.Messages)
}
