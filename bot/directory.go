package bot

import (
	"context"

	"github.com/resolvebot/resolvebot/conversation"
)

// ReferenceFormat implements conversation.ReferenceDirectory: the formats
// of agency's case references, or nil when it has none.
func (p *People) ReferenceFormat(_ context.Context, agency string) *conversation.ReferenceFormat {
	for _, a := range p.dir().agencies {
		if a.Key == agency {
			return a.References
		}
	}
	return nil
}

// ReferenceFormats returns the formats of each agency that has some, by
// agency key, for the intake form.
func (p *People) ReferenceFormats() map[string]*conversation.ReferenceFormat {
	out := map[string]*conversation.ReferenceFormat{}
	for _, a := range p.dir().agencies {
		if a.References != nil {
			out[a.Key] = a.References
		}
	}
	return out
}
