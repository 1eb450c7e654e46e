package conversation

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/resolvebot/resolvebot/bot/messages"
)

// DefaultReferenceExample is the example of a case reference shown when the
// raiser's agency has no reference formats of its own.
const DefaultReferenceExample = "CSC-123456"

// ReferenceFormat is how one agency writes its case references: the
// patterns a reference must match in full (case-insensitively), and an
// example shown to people who type something else.
type ReferenceFormat struct {
	Patterns []*regexp.Regexp
	Example  string
}

// ReferenceFormatError says what is wrong with an agency's configured
// reference formats: the pattern at Pattern (an index), or the example
// when Pattern is -1.
type ReferenceFormatError struct {
	Pattern int
	Msg     string
}

func (e *ReferenceFormatError) Error() string { return e.Msg }

// CompileReferenceFormat compiles patterns (Go regular expressions, each
// matched against the whole reference, ignoring case) and checks example
// against them. It returns nil for no patterns, and a *ReferenceFormatError
// for the first pattern that does not compile, or an example that is
// missing, matches none or would itself be refused as identifying a child;
// the error quotes only the configuration, never case data.
func CompileReferenceFormat(patterns []string, example string) (*ReferenceFormat, error) {
	rf := &ReferenceFormat{Example: strings.TrimSpace(example)}
	for i, p := range patterns {
		if _, err := regexp.Compile(p); err != nil {
			msg := strings.TrimPrefix(err.Error(), "error parsing regexp: ")
			msg, _, _ = strings.Cut(msg, ": `") // the pattern is quoted already
			return nil, &ReferenceFormatError{i, fmt.Sprintf("%q is not a valid pattern: %s", p, msg)}
		}
		re, err := regexp.Compile(`^(?i:` + p + `)$`)
		if err != nil {
			return nil, &ReferenceFormatError{i, fmt.Sprintf("%q is not a valid pattern: %s", p, err)}
		}
		rf.Patterns = append(rf.Patterns, re)
	}
	if len(rf.Patterns) == 0 {
		return nil, nil
	}
	if rf.Example == "" {
		return nil, &ReferenceFormatError{-1, "reference_example is needed with reference_formats, so people see what to type"}
	}
	if !rf.matches(rf.Example) {
		return nil, &ReferenceFormatError{-1, fmt.Sprintf("%q matches none of reference_formats", rf.Example)}
	}
	if msg := CheckReference(rf.Example, rf); msg.Key != "" {
		// A problem of the configuration, for whoever deploys the bot, told
		// in English as all of the configuration's problems are.
		return nil, &ReferenceFormatError{-1, fmt.Sprintf("%q would be refused as a case reference: %s", rf.Example, msg.In(messages.English()))}
	}
	return rf, nil
}

func (rf *ReferenceFormat) matches(v string) bool {
	for _, re := range rf.Patterns {
		if re.MatchString(v) {
			return true
		}
	}
	return false
}

// ReferenceDirectory is an optional capability of a Directory: it knows the
// reference formats each agency uses. Engine.Raise checks a case reference
// against the raiser's agency's formats when the directory has it.
type ReferenceDirectory interface {
	// ReferenceFormat returns the formats of agency, or nil when the
	// agency has none (the generic rules apply).
	ReferenceFormat(ctx context.Context, agency string) *ReferenceFormat
}

// referenceFormat returns the formats of the raiser's agency, or nil.
func (e *Engine) referenceFormat(ctx context.Context, agency string) *ReferenceFormat {
	if rd, ok := e.Directory.(ReferenceDirectory); ok && agency != "" {
		return rd.ReferenceFormat(ctx, agency)
	}
	return nil
}

// CheckAnswer validates the answer to the form's question key like
// Field.CheckAnswer, given the other answers so far: the case reference is
// checked against the formats of the raiser's agency (ReferenceFormats),
// where it has any: the agency answered, or before that question is
// answered the one the form offers (the person's own). It returns the zero
// Text for an acceptable answer and for an unknown key.
func (f *Form) CheckAnswer(key, v string, answers map[string]string) Text {
	fd := f.Field(key)
	if fd == nil {
		return Text{}
	}
	if key != FieldChildRef {
		return fd.CheckAnswer(v)
	}
	agency := strings.TrimSpace(answers[FieldRaiserAgency])
	if ag := f.Field(FieldRaiserAgency); agency == "" && ag != nil {
		agency = ag.Default
	}
	return fd.checkAnswer(v, f.ReferenceFormats[agency])
}

// The patterns the reference check uses besides DetectIdentifiers'.
var (
	// numericDate is a date in digits: day, month and year (or year,
	// month, day) with /, ., - or a space between.
	numericDate = regexp.MustCompile(`(?:^|[^\d])(\d{1,4})[/.\- ](\d{1,2})[/.\- ](\d{2,4})(?:$|[^\d])`)
	// wordDate is a day next to a month name: "12 March", "12th Mar
	// 2015", "March 12", "12Mar2015".
	wordDate = regexp.MustCompile(`(?i)(?:^|[^\da-z])(?:\d{1,2}(?:st|nd|rd|th)?[ \-./]?(?:of )?` + months + `|` + months + `[ \-./]?\d{1,2}(?:st|nd|rd|th)?)(?:$|[^\da-z])`)
	// monthYear is a month name with a year: "March 2015", "Mar-15".
	monthYear = regexp.MustCompile(`(?i)(?:^|[^a-z])` + months + `[ \-./]?(?:19|20)?\d{2}(?:$|[^\d])`)
	// dobWord is a date-of-birth cue on its own: a reference has no need of one.
	dobWord = regexp.MustCompile(`(?i)(?:^|[^a-z])(?:d\.?o\.?b|born|birth|birthday)(?:$|[^a-z])`)
	// digitRuns are maximal runs of digits.
	digitRuns = regexp.MustCompile(`\d+`)
	// nhsGrouped is ten digits written 3-3-4 with spaces, hyphens or dots.
	nhsGrouped = regexp.MustCompile(`(?:^|[^\d])(\d{3})[ \-.](\d{3})[ \-.](\d{4})(?:$|[^\d])`)
	// street is a house number or flat followed by words ending in a
	// street type, or a street type after a word.
	street = regexp.MustCompile(`(?i)(?:\b(?:flat|apartment|apt|house|unit)\s*\d)|(?:\b[a-z]{2,}\s+(?:road|rd|street|st|avenue|ave|lane|ln|close|drive|dr|way|court|crescent|cres|place|terrace|gardens|grove|hill|park|square|walk|view|mews|row|parade|rise|green|estate)\b)`)
)

// referenceWords are the words real agency references carry besides
// digits: system and register names and "ref"-like labels. A capitalised
// or lower-case word outside this list reads as a name.
var referenceWords = map[string]bool{
	"ref": true, "reference": true, "case": true, "no": true, "num": true, "number": true, "id": true,
	"child": true, "person": true, "client": true, "family": true, "pupil": true, "upn": true, "urn": true,
	"mosaic": true, "lcs": true, "ehm": true, "eclipse": true, "carefirst": true, "paris": true, "azeus": true,
	"frameworki": true, "liquidlogic": true, "systmone": true, "emis": true, "rio": true, "lorenzo": true,
	"cerner": true, "cpoms": true, "myconcern": true, "niche": true, "athena": true, "storm": true,
	"crn": true, "crime": true, "occurrence": true, "incident": true, "log": true, "camhs": true, "marac": true,
	"mash": true, "ehcp": true, "send": true, "early": true, "help": true, "social": true, "care": true,
}

// CheckReference checks that v reads as an agency's case reference and not
// as something that identifies a child. It returns a message for the person
// (naming what v looks like and showing an example of a reference), or the
// zero Text when v is acceptable. v is checked as it will be saved (see CleanRef); it
// refuses, whatever the agency: direction controls that reorder it,
// characters other
// than letters, digits, spaces and - / _ . ; an NHS number (ten digits that
// pass the NHS mod-11 check, together or spaced 3-3-4 — an agency number of
// that shape cannot be told apart from one, so it is refused too); a date
// in any common form (it may be a date of birth); a postcode; an address;
// a phone number. With rf (the formats of the reference's agency), v must
// then match one of its patterns. Without, v must carry at least three
// digits and no word that reads as a name (letters written against digits
// are a word of their own): two or more words of letters, a
// capitalised word, or a word of five letters or more, other than known
// reference words such as "Ref" or "MOSAIC" and short capitals (agency
// prefixes such as CSC, LCS, ECM or NE).
func CheckReference(v string, rf *ReferenceFormat) Text {
	// Checked as it will be saved: hidden characters removed (CleanRef).
	v, reorders := CleanRef(v)
	if reorders {
		return Msg("error.reference.reorders", nil)
	}
	v = strings.TrimSpace(v)
	example := DefaultReferenceExample
	if rf != nil && rf.Example != "" {
		example = rf.Example
	}
	for _, r := range v {
		switch {
		case unicode.IsLetter(r), unicode.IsDigit(r), r == '-', r == '/', r == '_', r == '.', r == ' ':
		default:
			return Msg("error.reference.characters", messages.Args{"example": example})
		}
	}
	if nhsNumberIn(v) {
		return Msg("error.reference.nhs_number", messages.Args{"example": example})
	}
	if dateIn(v) {
		return Msg("error.reference.date", messages.Args{"example": example})
	}
	found := DetectIdentifiers(v)
	for _, k := range found {
		if k == IdentifierPostcode {
			return Msg("error.reference.postcode", messages.Args{"example": example})
		}
	}
	if street.MatchString(v) {
		return Msg("error.reference.address", messages.Args{"example": example})
	}
	for _, k := range found {
		if k == IdentifierPhone || k == IdentifierEmail {
			return Msg("error.reference.contact", messages.Args{"kind": k.Name(), "example": example})
		}
	}
	if rf != nil && len(rf.Patterns) > 0 {
		if !rf.matches(v) {
			return Msg("error.reference.format", messages.Args{"example": example})
		}
		return Text{}
	}
	if nameIn(v) {
		return Msg("error.reference.name", messages.Args{"example": example})
	}
	if digits := len(onlyDigits(v)); digits < 3 {
		return Msg("error.reference.digits", messages.Args{"example": example})
	}
	return Text{}
}

// nhsNumberIn reports whether v holds ten digits, together or written
// 3-3-4, that pass the NHS number check.
func nhsNumberIn(v string) bool {
	for _, run := range digitRuns.FindAllString(v, -1) {
		if len(run) == 10 && ValidNHSNumber(run) {
			return true
		}
	}
	for _, m := range nhsGrouped.FindAllStringSubmatch(v, -1) {
		if ValidNHSNumber(m[1] + m[2] + m[3]) {
			return true
		}
	}
	return false
}

// dateIn reports whether v holds a date: a valid day, month and year in
// digits (12/03/2015, 12-3-15, 2015-03-12, 12.03.2015, 12 03 2015), eight
// digits that read as a day, month and recent year (12032015), a day with a
// month name, a month name with a year, or a date-of-birth cue ("DOB").
func dateIn(v string) bool {
	for _, m := range allOverlapping(numericDate, v) {
		a, _ := strconv.Atoi(m[1])
		b, _ := strconv.Atoi(m[2])
		c, _ := strconv.Atoi(m[3])
		switch {
		case len(m[1]) == 4 && len(m[3]) <= 2 && plausibleYear(a) && validDay(c, b):
			return true // year, month, day
		case len(m[1]) <= 2 && validDay(a, b) && (len(m[3]) == 2 || (len(m[3]) == 4 && plausibleYear(c))):
			return true // day, month, year
		}
	}
	for _, run := range digitRuns.FindAllString(v, -1) {
		if len(run) != 8 {
			continue
		}
		d, _ := strconv.Atoi(run[:2])
		m, _ := strconv.Atoi(run[2:4])
		y, _ := strconv.Atoi(run[4:])
		if validDay(d, m) && plausibleYear(y) {
			return true
		}
		if y2, _ := strconv.Atoi(run[:4]); plausibleYear(y2) {
			m2, _ := strconv.Atoi(run[4:6])
			d2, _ := strconv.Atoi(run[6:])
			if validDay(d2, m2) {
				return true
			}
		}
	}
	return wordDate.MatchString(v) || monthYear.MatchString(v) || dobCue.MatchString(v) || dobWord.MatchString(v)
}

// allOverlapping returns the submatches of re in v, starting a new search
// one byte after each match begins, so "1/2/2015/3" finds every candidate.
func allOverlapping(re *regexp.Regexp, v string) [][]string {
	var out [][]string
	for i := 0; i < len(v); {
		loc := re.FindStringSubmatchIndex(v[i:])
		if loc == nil {
			break
		}
		m := make([]string, len(loc)/2)
		for j := range m {
			if loc[2*j] >= 0 {
				m[j] = v[i+loc[2*j] : i+loc[2*j+1]]
			}
		}
		out = append(out, m)
		i += loc[0] + 1
	}
	return out
}

func validDay(d, m int) bool { return m >= 1 && m <= 12 && d >= 1 && d <= 31 }

// plausibleYear is a year a child now living could have been born in.
func plausibleYear(y int) bool { return y >= 1990 && y <= 2099 }

// nameIn reports whether v has a word that reads as a person's name.
func nameIn(v string) bool {
	// Letters and digits written together ("Oliver2019") are read as
	// separate words, so a name cannot hide by touching a number.
	words := strings.FieldsFunc(v, func(r rune) bool { return !unicode.IsLetter(r) })
	plain := 0 // alphabetic words that are not reference words
	for _, w := range words {
		if !isAlpha(w) || referenceWords[strings.ToLower(w)] {
			continue
		}
		n := len([]rune(w))
		if strings.ToUpper(w) == w && n < 5 {
			continue // an agency prefix or suffix: CSC, LCS, NE, A
		}
		if plain++; plain >= 2 {
			return true // two words: a first name and a surname
		}
		switch {
		case strings.ToUpper(w) == w: // five capitals or more: a name
			return true
		case strings.ToLower(w) == w: // lower case: an agency prefix typed small, if short
			if n >= 5 {
				return true
			}
		default: // capitalised or mixed case: a name
			return true
		}
	}
	return false
}

func isAlpha(w string) bool {
	for _, r := range w {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return w != ""
}
