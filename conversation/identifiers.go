package conversation

import (
	"regexp"
	"slices"
	"strings"
)

// IdentifierKind names a kind of personal identifier that free text about a
// child should not need.
type IdentifierKind string

// The identifier kinds DetectIdentifiers looks for.
const (
	IdentifierNHSNumber   IdentifierKind = "nhs_number"
	IdentifierPostcode    IdentifierKind = "postcode"
	IdentifierDateOfBirth IdentifierKind = "date_of_birth"
	IdentifierEmail       IdentifierKind = "email"
	IdentifierPhone       IdentifierKind = "phone"
)

// identifierOrder is the order kinds are reported in.
var identifierOrder = []IdentifierKind{IdentifierNHSNumber, IdentifierDateOfBirth, IdentifierPostcode, IdentifierEmail, IdentifierPhone}

// Name returns how the kind reads in a sentence, such as "an NHS number".
func (k IdentifierKind) Name() string {
	switch k {
	case IdentifierNHSNumber:
		return "an NHS number"
	case IdentifierPostcode:
		return "a postcode"
	case IdentifierDateOfBirth:
		return "a date of birth"
	case IdentifierEmail:
		return "an email address"
	case IdentifierPhone:
		return "a phone number"
	}
	return "an identifier"
}

var (
	// digitRun is a run of digits possibly broken by single spaces or
	// hyphens, as NHS numbers (3-3-4) and phone numbers are written.
	digitRun = regexp.MustCompile(`\+?\(?\d[\d \-()]*\d`)
	// postcode is a UK postcode: outward code, optional space, inward code.
	postcode = regexp.MustCompile(`(?i)\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[\dA-HJKPSTUW]? ?\d[ABD-HJLNP-UW-Z]{2})\b`)
	email    = regexp.MustCompile(`(?i)[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}`)
	// dobCue is a date of birth: a cue ("DOB", "date of birth", "born")
	// followed closely by a date, written with digits or a month name.
	dobCue = regexp.MustCompile(`(?i)\b(?:d\.?o\.?b\.?|date of birth|born(?: on| in)?|birthday)\W{0,3}` +
		`(?:\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?` + months + `\.?(?:\s+\d{2,4})?|` + months + `\.?\s+\d{1,2}(?:st|nd|rd|th)?,?(?:\s+\d{2,4})?)`)
)

const months = `(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)`

// DetectIdentifiers reports which kinds of personal identifier text seems to
// contain: an NHS number (ten digits whose mod-11 check digit is right), a
// UK postcode, a date of birth (a date next to "DOB", "date of birth" or
// "born"; other dates, such as a meeting's, are not flagged), an email
// address or a UK phone number. Each kind appears once, in a fixed order;
// nil means none. It never returns the matched text, so callers cannot log
// it by mistake.
func DetectIdentifiers(text string) []IdentifierKind {
	text, _ = CleanText(text) // a zero-width space must not hide a number
	if strings.TrimSpace(text) == "" {
		return nil
	}
	found := map[IdentifierKind]bool{}
	for _, run := range digitRun.FindAllString(text, -1) {
		digits := onlyDigits(run)
		switch {
		case len(digits) == 10 && ValidNHSNumber(digits) && nhsShaped(run):
			found[IdentifierNHSNumber] = true
		case phoneShaped(run, digits):
			found[IdentifierPhone] = true
		}
	}
	if postcode.MatchString(text) {
		found[IdentifierPostcode] = true
	}
	if email.MatchString(text) {
		found[IdentifierEmail] = true
	}
	if dobCue.MatchString(text) {
		found[IdentifierDateOfBirth] = true
	}
	var out []IdentifierKind
	for _, k := range identifierOrder {
		if found[k] {
			out = append(out, k)
		}
	}
	return out
}

// ValidNHSNumber reports whether s is ten digits whose last is the NHS
// mod-11 check digit of the first nine: weights 10 down to 2, the check
// digit is 11 minus the sum's remainder mod 11 (11 counts as 0, and 10
// makes the number invalid).
func ValidNHSNumber(s string) bool {
	if len(s) != 10 || strings.Trim(s, "0123456789") != "" {
		return false
	}
	sum := 0
	for i := range 9 {
		sum += int(s[i]-'0') * (10 - i)
	}
	check := 11 - sum%11
	switch check {
	case 11:
		check = 0
	case 10:
		return false
	}
	return int(s[9]-'0') == check
}

func onlyDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// nhsShaped reports whether a digit run is written as an NHS number: ten
// digits together, or 3-3-4 with single spaces or hyphens.
func nhsShaped(run string) bool {
	run = strings.TrimSpace(run)
	if len(run) == 10 {
		return true
	}
	parts := strings.FieldsFunc(run, func(r rune) bool { return r == ' ' || r == '-' })
	if len(parts) != 3 {
		return false
	}
	return len(parts[0]) == 3 && len(parts[1]) == 3 && len(parts[2]) == 4
}

// phoneShaped reports whether a digit run reads as a UK phone number:
// 10 or 11 digits starting 0, or +44 and 9 or 10 more.
func phoneShaped(run, digits string) bool {
	run = strings.TrimLeft(strings.TrimSpace(run), "(")
	switch {
	case strings.HasPrefix(run, "+44"):
		return len(digits) == 11 || len(digits) == 12
	case strings.HasPrefix(run, "+"):
		return len(digits) >= 8 && len(digits) <= 15
	case strings.HasPrefix(digits, "0"):
		return len(digits) == 10 || len(digits) == 11
	}
	return false
}

// IdentifierNames joins kinds for a sentence: "an NHS number and a postcode".
func IdentifierNames(kinds []IdentifierKind) string {
	names := make([]string, 0, len(kinds))
	for _, k := range slices.Compact(slices.Clone(kinds)) {
		names = append(names, k.Name())
	}
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
