package bot

import (
	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// withReferenceFormats gives the intake form the agencies' reference
// formats, so each answer is checked as the engine will check it, and shows
// the person's own agency's example as the reference's placeholder.
func withReferenceFormats(f *conversation.Form, p *People) {
	f.ReferenceFormats = p.ReferenceFormats()
	ag, ref := f.Field(conversation.FieldRaiserAgency), f.Field(conversation.FieldChildRef)
	if ag == nil || ref == nil {
		return
	}
	if rf := f.ReferenceFormats[ag.Default]; rf != nil {
		ref.Placeholder = p.Say("form.reference.example", messages.Args{"example": rf.Example})
	}
}
