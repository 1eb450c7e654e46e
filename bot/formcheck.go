package bot

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// missingAnswers returns "Please answer this question." for each required
// question of f left blank (nothing for a nil form), as a FieldErrors that
// other problems can be added to.
func missingAnswers(k *Cards, f *conversation.Form, values map[string]string) conversation.FieldErrors {
	fe := conversation.FieldErrors{}
	if f == nil {
		return fe
	}
	for _, fd := range f.Fields {
		if fd.Required && strings.TrimSpace(values[fd.Key]) == "" {
			fe.Add(fd.Key, conversation.Msg("form.answer_needed", nil))
		}
	}
	return fe
}

// FormClosed is the message that takes the place of a form closed with its
// Cancel button: nothing from it was sent.
func (k *Cards) FormClosed() Message {
	return Message{Kind: "notice", Title: k.Say("form.closed.title", nil), Text: k.Say("form.closed", nil)}
}

// DraftResumed opens an intake form filled in from the person's unfinished
// draft.
func (k *Cards) DraftResumed() string { return k.Say("draft.resumed", nil) }

// DraftKept is the message that takes the place of an intake closed with
// its Cancel (or check your answers closed) while its answers are kept as
// the person's draft for ttl.
func (k *Cards) DraftKept(ttl time.Duration) Message {
	return Message{Kind: "notice", Title: k.Say("form.closed.title", nil), Text: k.Say("draft.kept", messages.Args{"age": k.draftAge(ttl)})}
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
func commandAnswers(k *Cards, f *conversation.Form, values map[string]string) conversation.FieldErrors {
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
			fe.Add(fd.Key, conversation.Msg("form.reads_as_cancel", messages.Args{"answer": strconv.Quote(short(v, 40))}))
		case "help":
			fe.Add(fd.Key, conversation.Msg("form.reads_as_help", nil))
		case "command":
			fe.Add(fd.Key, conversation.Msg("form.reads_as_command", messages.Args{"answer": strconv.Quote(short(v, 40))}))
		}
	}
	return fe
}
