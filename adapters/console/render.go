package console

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// Render returns a message as plain text for a terminal, its own words
// (the "More:" of other steps) as k's catalogue has them; k may be nil for
// the catalogue's own. User text is shown as typed, with control characters
// removed so it cannot move the cursor or clear the screen.
func Render(k *bot.Cards, m bot.Message) string {
	var b strings.Builder
	if m.Title != "" {
		b.WriteString("== " + clean(m.Title) + " ==\n")
	}
	if m.Text != "" {
		b.WriteString(clean(m.Text) + "\n")
	}
	for _, it := range m.List {
		b.WriteString("  - " + strings.ReplaceAll(clean(it), "\n", "\n    ") + "\n")
	}
	if m.Check != nil {
		// Numbered, for "change 3"; a list answer on one line.
		for i, a := range m.Check.Answers {
			fmt.Fprintf(&b, "  %d) %s: %s\n", i+1, clean(a.Question), clean(strings.ReplaceAll(a.Answer, "\n", "; ")))
		}
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
			// A question is named by its label, never by its key.
			if fd := formField(m.Form, k); fd != nil {
				fmt.Fprintf(&b, "  ! %s: %s\n", clean(fd.Label), clean(m.Errors[k]))
			} else {
				fmt.Fprintf(&b, "  ! %s\n", clean(m.Errors[k]))
			}
		}
	}
	// The likely next steps as buttons, then the others a person may take,
	// as the chat platforms show them in a "More" menu.
	var primary, more []string
	for _, btn := range m.Buttons {
		part := fmt.Sprintf("[%s: %s %s]", btn.Label, btn.Verb, btn.CaseID)
		if btn.Secondary {
			more = append(more, part)
		} else {
			primary = append(primary, part)
		}
	}
	if len(primary) > 0 {
		b.WriteString("  " + strings.Join(primary, " ") + "\n")
	}
	if len(more) > 0 {
		b.WriteString("  " + k.Say("console.more", nil) + " " + strings.Join(more, " ") + "\n")
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

// formField returns the field of f with key, or nil when there is no form
// or no such field.
func formField(f *conversation.Form, key string) *conversation.Field {
	if f == nil {
		return nil
	}
	return f.Field(key)
}
