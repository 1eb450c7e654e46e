package bot

import (
	"slices"
	"strconv"
	"strings"
	"unicode"

	edlib "github.com/hbollon/go-edlib"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// fillerWords are words people type around an agency's name that no label
// needs to hold: "the police", "social care team".
var fillerWords = []string{"the", "a", "an", "and", "of", "my", "their", "our", "at", "from", "with", "team", "example"}

// choiceWords splits text into lower-case words of letters and digits,
// dropping apostrophes ("Children's" is "childrens") and the decoration
// "(example)".
func choiceWords(s string) []string {
	s = strings.NewReplacer("'", "", "’", "").Replace(strings.ToLower(s))
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// wordMatch says how a typed word matches a word of a label: 2 the same,
// 1 the start of it (three letters or more) or a slip of typing, 0 not at
// all.
func wordMatch(typed, label string) int {
	switch {
	case typed == label:
		return 2
	case len([]rune(typed)) >= 3 && strings.HasPrefix(label, typed):
		return 1
	case len([]rune(typed)) >= 4 && edlib.OSADamerauLevenshteinDistance(typed, label) <= maxTypos(len([]rune(label))):
		return 1
	}
	return 0
}

// Choose reads a typed answer to a choice question (a select or an agency)
// as one of its options: the option's value, or words of its label in any
// case and order ("social care" for "Children's Social Care", "police"),
// with typing slips forgiven. It returns the option's value, or "" and a
// message for the person (to word with Words): "Did you mean A or B?" when the words fit
// several options equally, the options to choose from when they fit none.
func (k *Cards) Choose(fd *conversation.Field, text string) (value string, problem conversation.Text) {
	text = strings.TrimSpace(text)
	if text == "" {
		return "", conversation.Text{}
	}
	for _, o := range fd.Options {
		if strings.EqualFold(o.Value, text) {
			return o.Value, conversation.Text{}
		}
	}
	typed := slices.DeleteFunc(choiceWords(text), func(w string) bool { return slices.Contains(fillerWords, w) })
	if len(typed) == 0 {
		return "", k.noChoice(fd, text)
	}
	best, bestScore := []conversation.Option(nil), 0
	for _, o := range fd.Options {
		words := slices.Concat(choiceWords(o.Label), choiceWords(strings.ReplaceAll(o.Value, "-", " ")))
		score := 0
		for _, t := range typed {
			m := 0
			for _, w := range words {
				m = max(m, wordMatch(t, w))
			}
			if m == 0 {
				score = -1
				break
			}
			score += m
		}
		switch {
		case score <= 0 || score < bestScore:
		case score > bestScore:
			best, bestScore = []conversation.Option{o}, score
		default:
			best = append(best, o)
		}
	}
	switch len(best) {
	case 0:
		return "", k.noChoice(fd, text)
	case 1:
		return best[0].Value, conversation.Text{}
	}
	labels := make([]string, 0, len(best))
	for _, o := range best {
		labels = append(labels, o.Label)
	}
	return "", conversation.Msg("choose.did_you_mean", messages.Args{"options": k.orList(labels)})
}

// noChoice is the message for an answer that fits none of the options.
func (k *Cards) noChoice(fd *conversation.Field, text string) conversation.Text {
	labels := make([]string, 0, len(fd.Options))
	for _, o := range fd.Options {
		labels = append(labels, o.Label)
	}
	what := k.Say("choose.no_match.options", nil)
	if fd.Type == conversation.FieldAgency {
		what = k.Say("choose.no_match.agency", nil)
	}
	return conversation.Msg("choose.no_match", messages.Args{"typed": strconv.Quote(short(text, 60)), "what": what, "options": strings.Join(labels, "; ")})
}

// chooseAnswers reads the typed answers to the choice questions of f
// (selects and agencies) in values as their options' values, in place,
// and returns a message for each that fits no option or several.
func (k *Cards) chooseAnswers(f *conversation.Form, values map[string]string) conversation.FieldErrors {
	fe := conversation.FieldErrors{}
	for _, fd := range f.Fields {
		if fd.Type != conversation.FieldSelect && fd.Type != conversation.FieldAgency {
			continue
		}
		v := strings.TrimSpace(values[fd.Key])
		if v == "" || slices.ContainsFunc(fd.Options, func(o conversation.Option) bool { return o.Value == v }) {
			continue
		}
		value, problem := k.Choose(&fd, v)
		if problem.Key != "" {
			fe.Add(fd.Key, problem)
			continue
		}
		values[fd.Key] = value
	}
	return fe
}
