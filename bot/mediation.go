package bot

import (
	"strings"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// mediationIntro introduces the request for mediation in the protocol's own
// terms: who offers it where the protocol names them (Devon's restorative
// facilitator, Wiltshire's Independent Chair or partner organisation), and
// a mediator otherwise.
func mediationIntro(p *conversation.Protocol) string {
	k := &Cards{Protocol: p} // the protocol's own wording, with its overrides
	if m := strings.TrimSpace(p.Routes.Mediation); m != "" {
		return k.Say("mediation.intro.by", messages.Args{"mediator": m})
	}
	return k.Say("mediation.intro", nil)
}

// supervisionField asks, with a request for mediation, whether supervision
// was sought: a review of a stuck case looks at the supervision available
// to those involved.
func supervisionField(k *Cards) conversation.Field {
	return conversation.Field{Key: conversation.FieldSupervisionSought, Type: conversation.FieldYesNo, Required: true,
		Label: k.Say("form.mediation.supervision", nil),
		Help:  k.Say("form.mediation.supervision.help", nil)}
}

// supervisionNote is how a mediation request's answer reads on the timeline.
func (k *Cards) supervisionNote(e conversation.Event) string {
	switch e.Fields[conversation.FieldSupervisionSought] {
	case "yes":
		return k.Say("timeline.supervision.sought", nil)
	case "no":
		return k.Say("timeline.supervision.not_sought", nil)
	}
	return ""
}
