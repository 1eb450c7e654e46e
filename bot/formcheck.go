package bot

import (
	"strings"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
)

// missingAnswers returns "Please answer this question." for each required
// question of f left blank (nothing for a nil form), as a FieldErrors that
// other problems can be added to.
func missingAnswers(f *conversation.Form, values map[string]string) conversation.FieldErrors {
	fe := conversation.FieldErrors{}
	if f == nil {
		return fe
	}
	for _, fd := range f.Fields {
		if fd.Required && strings.TrimSpace(values[fd.Key]) == "" {
			fe.Add(fd.Key, "Please answer this question.")
		}
	}
	return fe
}

// FormClosed is the message that takes the place of a form closed with its
// Cancel button: nothing from it was sent.
func FormClosed() Message {
	return Message{Kind: "notice", Title: "Form closed",
		Text: "Nothing from that form was sent. Type \"raise\" when you want to raise a disagreement, or \"help\" for what else I can do."}
}

// DraftResumed opens an intake form filled in from the person's unfinished
// draft.
const DraftResumed = "You have an unfinished draft: your answers so far are filled in."

// DraftKept is the message that takes the place of an intake closed with
// its Cancel (or check your answers closed) while its answers are kept as
// the person's draft for ttl.
func DraftKept(ttl time.Duration) Message {
	return Message{Kind: "notice", Title: "Form closed",
		Text: "Nothing has been sent. Your answers are kept as a draft for " + draftAge(ttl) + ": type \"raise\" to carry on where you left off."}
}
