package conversation

import (
	"fmt"
	"strings"
)

// CrossBorderLabel labels a case's other partnership on its cards and in
// its record.
const CrossBorderLabel = "Other partnership (cross border)"

// ourPartnership names the protocol's partnership for a sentence.
func (p *Protocol) ourPartnership() string {
	if s := strings.TrimSpace(p.Partnership); s != "" {
		return s
	}
	return "this partnership"
}

// CrossBorderHelp explains the intake's cross-border question: another
// partnership's area, the same principles, both partnerships told.
func (p *Protocol) CrossBorderHelp() string {
	return fmt.Sprintf("If the child or the other agency is in another safeguarding partnership's area, name it: "+
		"the same principles apply, and both partnerships are to be told. Leave blank if everyone is in the %s area.",
		p.ourPartnership())
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
	return fmt.Sprintf("%s. The same principles apply across the border, and both partnerships (%s and %s) are to be told; this bot does not contact %s, so let them know directly.",
		other, p.ourPartnership(), other, other)
}
