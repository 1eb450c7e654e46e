package conversation

import (
	"strings"

	"github.com/resolvebot/resolvebot/bot/messages"
)

// CrossBorderLabel labels a case's other partnership on its cards and in
// its record, in the protocol's wording.
func (p *Protocol) CrossBorderLabel() string {
	return p.Wording().Text("intake.cross_border.label", nil)
}

// ourPartnership names the protocol's partnership for a sentence.
func (p *Protocol) ourPartnership() string {
	if s := strings.TrimSpace(p.Partnership); s != "" {
		return s
	}
	return p.Wording().Text("intake.cross_border.this_partnership", nil)
}

// CrossBorderHelp explains the intake's cross-border question: another
// partnership's area, the same principles, both partnerships told.
func (p *Protocol) CrossBorderHelp() string {
	return p.Wording().Text("intake.cross_border.help", messages.Args{"partnership": p.ourPartnership()})
}

// CrossBorderNote says what a case that crosses into other's area means, for
// its cards and record: the same principles apply and both partnerships are
// to be told, which this bot does not do for the other one. It returns ""
// when other is empty.
func (p *Protocol) CrossBorderNote(other string) string {
	other = strings.TrimSpace(other)
	if other == "" {
		return ""
	}
	return p.Wording().Text("intake.cross_border.note", messages.Args{"other": other, "partnership": p.ourPartnership()})
}
