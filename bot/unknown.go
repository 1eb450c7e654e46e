package bot

import (
	"strings"

	"github.com/resolvebot/resolvebot/bot/messages"
)

// UnknownButton is the answer to a press the bot cannot act on: a verb it
// does not know, or a step with no case named (an old or altered card).
// Nothing is changed. It is in the catalogue's English without a
// partnership's overrides; Cards.UnknownButton words it as the partnership
// does.
func UnknownButton() Message {
	return Message{Kind: "notice", Text: messages.English().Text("button.unknown", nil)}
}

// UnknownButton is the answer to a press the bot cannot act on (see the
// function UnknownButton), worded as the partnership does.
func (k *Cards) UnknownButton() Message {
	return Message{Kind: "notice", Text: k.Say("button.unknown", nil)}
}

// KnownPress reports whether a pressed button carries a step the bot knows
// (a verb as its buttons send it, not a typed alias) and names a case.
func KnownPress(verb, caseID string) bool {
	v, ok := ParseVerb(verb)
	return ok && string(v) == verb && strings.TrimSpace(caseID) != ""
}
