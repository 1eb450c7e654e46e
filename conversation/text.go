package conversation

import (
	"strings"
	"unicode"
)

// Hidden characters in what people type or paste.
//
// Text about a case is read by the other side and goes into the child's
// record, so what one person sees must be what everyone sees. Some
// characters show nothing themselves but change what is shown: zero-width
// spaces and joiners, the byte-order mark, soft hyphens, invisible
// operators, tag characters and fillers (Unicode's default-ignorable code
// points), and the bidirectional controls. Looked at with a person's eyes:
//
//   - invisible characters, and the left-to-right and right-to-left marks
//     (U+200E, U+200F, U+061C), are removed silently: the text reads the
//     same without them;
//   - direction overrides, embeddings and isolates (U+202A–U+202E,
//     U+2066–U+2069) reorder the text around them, so without them it would
//     no longer read as the person saw it: such text is refused with a
//     message asking for it again;
//   - the zero-width joiner and non-joiner (U+200D, U+200C) stay in free
//     text, where emoji sequences and Persian and Indic spelling need them,
//     and go from case references, which need neither;
//   - control characters other than tab and newline are removed, and other
//     line breaks (CR, U+2028, U+2029) become newlines;
//   - characters that are visible despite being formats (the Arabic number
//     signs, Unicode's prepended concatenation marks) and variation
//     selectors (emoji presentation) stay.

// Reorders reports whether r is a bidirectional control that reorders the
// text around it: an override, an embedding, an isolate or their ends.
func Reorders(r rune) bool {
	return r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069
}

// hidden reports whether r is removed from free text: it shows nothing and
// changes nothing a reader needs. joiners says whether the zero-width
// joiner and non-joiner count as hidden.
func hidden(r rune, joiners bool) bool {
	switch {
	case r == '\t' || r == '\n':
		return false
	case r == 0x200C || r == 0x200D:
		return joiners
	case unicode.Is(unicode.Prepended_Concatenation_Mark, r), unicode.Is(unicode.Variation_Selector, r):
		return false
	}
	return unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Bidi_Control, r) ||
		unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r)
}

// lineBreaks turns CR LF, CR and the Unicode line and paragraph separators
// into newlines.
var lineBreaks = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u2028", "\n", "\u2029", "\n")

// CleanText returns free text as it will be saved: without the hidden
// characters described above, with line breaks as newlines. reorders is
// true when the text held direction controls that reorder what is shown;
// such text must be refused (see checkText), not saved cleaned.
func CleanText(s string) (clean string, reorders bool) {
	return clean2(s, false)
}

// CleanRef returns a case reference as it will be saved, like CleanText
// but removing the zero-width joiner and non-joiner too.
func CleanRef(s string) (clean string, reorders bool) {
	return clean2(s, true)
}

func clean2(s string, joiners bool) (string, bool) {
	if !strings.ContainsFunc(s, func(r rune) bool { return r == '\r' || r == 0x2028 || r == 0x2029 || hidden(r, joiners) }) {
		return s, false
	}
	s = lineBreaks.Replace(s)
	reorders := strings.ContainsFunc(s, Reorders)
	return strings.Map(func(r rune) rune {
		if hidden(r, joiners) {
			return -1
		}
		return r
	}, s), reorders
}

// msgReorders is the field message for text holding direction controls.
var msgReorders = Msg("error.text.reorders", nil)
