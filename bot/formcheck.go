package bot

import (
	"fmt"
	"regexp"
	"slices"
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

// caseIDAlone matches a case id and nothing else.
var caseIDAlone = regexp.MustCompile(`(?i)^CR-\d{4}-\d{4}$`)

// MidFormCommand reports whether a line typed as an answer is a command
// instead: "cancel" (or "stop") to stop the form, "help" for a word on
// answering, or "command" for a bot command ("list", "status
// CR-2026-0001"). Only the command alone, or with a case id, counts, so an
// answer that starts with such a word ("Help with attendance") stays an
// answer. It returns "" for an answer.
func MidFormCommand(line string) string {
	word, rest := SplitCommand(line)
	switch {
	case word == "cancel" || word == "stop":
		if rest == "" {
			return "cancel"
		}
	case word == "help" || word == "?":
		if rest == "" {
			return "help"
		}
	case slices.Contains([]string{"list", "cases", "profile", "report", "raise"}, word) && rest == "":
		return "command"
	case caseIDAlone.MatchString(rest):
		if _, ok := ParseVerb(word); ok || slices.Contains([]string{"status", "show", "export", "audit"}, word) {
			return "command"
		}
	}
	return ""
}

// commandAnswers returns a message for each typed answer of f (text,
// person) that is a command rather than an answer ("cancel", "status
// CR-2026-0001"), so it is never stored as one.
func commandAnswers(f *conversation.Form, values map[string]string) conversation.FieldErrors {
	fe := conversation.FieldErrors{}
	if f == nil {
		return fe
	}
	for _, fd := range f.Fields {
		if fd.Type != conversation.FieldText && fd.Type != conversation.FieldTextarea && fd.Type != conversation.FieldPerson {
			continue
		}
		v := strings.TrimSpace(values[fd.Key])
		switch MidFormCommand(v) {
		case "cancel":
			fe.Add(fd.Key, fmt.Sprintf("%q reads as a way to stop, not an answer. To stop, use the form's Cancel; nothing is sent until you send it.", short(v, 40)))
		case "help":
			fe.Add(fd.Key, "This reads as asking for help, not an answer. The words under each question say what it needs.")
		case "command":
			fe.Add(fd.Key, fmt.Sprintf("%q reads as a command, not an answer. Cancel this form first, then type it.", short(v, 40)))
		}
	}
	return fe
}
