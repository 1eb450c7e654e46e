package bot

import (
	"strings"

	"github.com/resolvebot/resolvebot/conversation"
)

// mediationIntro introduces the request for mediation in the protocol's own
// terms: who offers it where the protocol names them (Devon's restorative
// facilitator, Wiltshire's Independent Chair or partner organisation), and
// a mediator otherwise.
func mediationIntro(p *conversation.Protocol) string {
	if m := strings.TrimSpace(p.Routes.Mediation); m != "" {
		return "You can ask for mediation: " + m + ". The decision stays with the agencies."
	}
	return "The partnership can offer a mediator to bring both agencies together. The decision stays with the agencies."
}
