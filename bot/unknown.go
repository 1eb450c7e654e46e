package bot

import "strings"

// UnknownButton is the answer to a press the bot cannot act on: a verb it
// does not know, or a step with no case named (an old or altered card).
// Nothing is changed.
func UnknownButton() Message {
	return Message{Kind: "notice", Text: "That button isn't one I know, so nothing has changed. Type help to see what I can do."}
}

// KnownPress reports whether a pressed button carries a step the bot knows
// (a verb as its buttons send it, not a typed alias) and names a case.
func KnownPress(verb, caseID string) bool {
	v, ok := ParseVerb(verb)
	return ok && string(v) == verb && strings.TrimSpace(caseID) != ""
}
