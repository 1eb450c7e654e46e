package conversation

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The kinds of learning a person may record at resolution (an
// EventLearning's Fields["kind"]). Rotherham's protocol calls resolving
// differences "an opportunity to learn and develop"; Wiltshire's asks the
// partnership to understand the pattern of conflicts.
const (
	LearningLearned    = "learned"    // what they learned
	LearningPrevention = "prevention" // what would have prevented the disagreement
)

// Form fields of the learning step.
const (
	FieldLearned    = "learned"
	FieldPrevention = "prevention"
)

// LearningInput is what one person learned from a resolved case and what
// would have prevented the disagreement; either may be empty, not both.
type LearningInput struct {
	Learned    string
	Prevention string
}

// RecordLearning records, for someone on a resolved case, what they
// learned and what would have prevented the disagreement, as one event per
// answer given, on their side of the case. Returns EINVALID when both are
// empty or either is over-long, or the case is not resolved; EFORBIDDEN
// for someone not on the case.
func (e *Engine) RecordLearning(ctx context.Context, cmd Cmd, in LearningInput) (*Result, error) {
	fe := FieldErrors{}
	learned, prevention := strings.TrimSpace(in.Learned), strings.TrimSpace(in.Prevention)
	if learned == "" && prevention == "" {
		fe.Add(FieldLearned, Msg("error.learning.missing", nil))
	}
	if learned != "" {
		learned = checkText(fe, FieldLearned, learned, MaxShortText*5, Msg("error.add.learned", nil))
	}
	if prevention != "" {
		prevention = checkText(fe, FieldPrevention, prevention, MaxShortText*5, Msg("error.add.prevention", nil))
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	cmd.Version = 0 // adds to the record; nothing anyone else decides depends on it
	return e.apply(ctx, cmd, VerbLearning, func(c *Case, a Actor, now time.Time) error {
		side := sideIn(c, a.ID)
		for _, x := range []struct{ kind, text string }{{LearningLearned, learned}, {LearningPrevention, prevention}} {
			if x.text == "" {
				continue
			}
			ev := event(c, EventLearning, a, now, x.text)
			ev.Side = side
			ev.Fields = map[string]string{"kind": x.kind}
			c.append(ev)
		}
		return nil
	})
}

// sideIn returns the side person acted on at any stage of c, the raising
// side first; an action owner on neither side is on no side.
func sideIn(c *Case, person string) Side {
	if c.Raiser.PersonID == person {
		return SideRaiser
	}
	if c.Respondent.PersonID == person {
		return SideRespondent
	}
	for i := range c.Stages {
		if slices.Contains(c.Stages[i].Raiser, person) {
			return SideRaiser
		}
		if slices.Contains(c.Stages[i].Respondent, person) {
			return SideRespondent
		}
	}
	return ""
}

// MaxThemeRunes is the longest learning text the partnership report quotes;
// longer ones are counted only.
const MaxThemeRunes = 140

// themeWords are the capitalised words a theme may carry besides its
// first: agency and service names and acronyms of the safeguarding
// world, which name no person. Any other capitalised word may be a name.
var themeWords = map[string]bool{
	"i": true, "gp": true, "gps": true, "csc": true, "mash": true, "camhs": true, "senco": true, "dsl": true,
	"dsls": true, "nhs": true, "cp": true, "cin": true, "eha": true, "lado": true, "iro": true, "icpc": true,
	"rcpc": true, "send": true, "ehcp": true, "marac": true, "police": true, "health": true, "education": true,
	"social": true, "care": true, "early": true, "help": true, "school": true, "schools": true,
	"children's": true, "services": true, "partnership": true, "strategy": true, "discussion": true,
	"conference": true, "core": true, "group": true, "team": true, "teams": true,
}

// themeOpeners are the words a theme may start with, capitalised as the
// first word of a sentence is: a capitalised first word outside them (and
// themeWords) may be a name, so the theme is only counted.
var themeOpeners = map[string]bool{
	"a": true, "an": true, "the": true, "we": true, "we'd": true, "we've": true, "i'd": true, "i've": true, "our": true,
	"my": true, "it": true, "that": true, "this": true, "if": true, "when": true, "to": true, "not": true, "no": true,
	"both": true, "each": true, "all": true, "more": true, "less": true, "better": true, "clearer": true, "earlier": true,
	"sooner": true, "quicker": true, "clear": true, "clarity": true, "early": true, "regular": true, "prompt": true,
	"joint": true, "shared": true, "direct": true, "face": true, "phone": true, "talking": true, "speaking": true,
	"having": true, "sharing": true, "checking": true, "asking": true, "meeting": true, "calling": true,
	"understanding": true, "knowing": true, "using": true, "agreeing": true, "involving": true, "inviting": true,
	"recording": true, "escalating": true, "getting": true, "reading": true, "following": true, "being": true,
	"thresholds": true, "threshold": true, "information": true, "communication": true, "consent": true,
	"feedback": true, "supervision": true, "training": true, "multi": true, "professional": true,
	"professionals": true, "manager": true, "managers": true, "agencies": true, "agency": true, "referrals": true,
	"referral": true, "plans": true, "decisions": true, "roles": true, "everyone": true, "nothing": true,
}

// ThemeWords returns text as the partnership report may quote it among
// the learning themes, or ok false when it must only be counted: when in
// doubt, it is left out. It is left out if it is long (over
// MaxThemeRunes), holds anything DetectIdentifiers finds (an NHS number, a
// postcode, a date of birth, an email address, a phone number), a date, an
// address, a run of three or more digits (a reference), the child
// reference or a person's name from the case, or a capitalised word other
// than the acronyms and service names of themeWords (or, first, the usual
// openers of themeOpeners): it may be a name.
func ThemeWords(text string, c *Case) (string, bool) {
	t, reorders := CleanText(text)
	t = strings.Join(strings.Fields(t), " ")
	if reorders || t == "" || utf8.RuneCountInString(t) > MaxThemeRunes {
		return "", false
	}
	if len(DetectIdentifiers(t)) > 0 || nhsNumberIn(t) || dateIn(t) || street.MatchString(t) {
		return "", false
	}
	for _, run := range digitRuns.FindAllString(t, -1) {
		if len(run) >= 3 {
			return "", false
		}
	}
	lower := strings.ToLower(t)
	if c != nil {
		if ref := strings.ToLower(strings.TrimSpace(c.ChildRef)); ref != "" && strings.Contains(lower, ref) {
			return "", false
		}
		for _, name := range []string{c.Raiser.Name, c.Respondent.Name} {
			for _, part := range strings.Fields(strings.ToLower(name)) {
				if utf8.RuneCountInString(part) > 2 && slices.Contains(strings.FieldsFunc(lower, notWord), part) {
					return "", false
				}
			}
		}
	}
	words := strings.FieldsFunc(t, notWord)
	for i, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		lw := strings.ToLower(w)
		if !unicode.IsUpper(r) || themeWords[lw] || i == 0 && themeOpeners[lw] {
			continue
		}
		return "", false
	}
	return t, true
}

// notWord separates words: anything but a letter, a digit or an apostrophe.
func notWord(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’'
}
