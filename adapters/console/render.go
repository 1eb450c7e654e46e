package console

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/resolvebot/resolvebot/bot"
)

// Render returns a message as plain text for a terminal. User text is shown
// as typed, with control characters removed so it cannot move the cursor or
// clear the screen.
func Render(m bot.Message) string {
	var b strings.Builder
	if m.Title != "" {
		b.WriteString("== " + clean(m.Title) + " ==\n")
	}
	if m.Text != "" {
		b.WriteString(clean(m.Text) + "\n")
	}
	for _, f := range m.Fields {
		v := clean(f.Value)
		if strings.Contains(v, "\n") {
			v = "\n      " + strings.ReplaceAll(v, "\n", "\n      ")
		}
		fmt.Fprintf(&b, "  %s: %s\n", clean(f.Label), v)
	}
	if len(m.Errors) > 0 {
		for _, k := range slices.Sorted(maps.Keys(m.Errors)) {
			fmt.Fprintf(&b, "  ! %s: %s\n", k, clean(m.Errors[k]))
		}
	}
	if len(m.Buttons) > 0 {
		var parts []string
		for _, btn := range m.Buttons {
			parts = append(parts, fmt.Sprintf("[%s: %s %s]", btn.Label, btn.Verb, btn.CaseID))
		}
		b.WriteString("  " + strings.Join(parts, " ") + "\n")
	}
	return b.String()
}

// clean removes control characters other than newline and tab.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return -1
		}
		return r
	}, s)
}
