package bot

import (
	"strings"
	"unicode/utf8"

	"github.com/resolvebot/resolvebot/conversation"
)

// AppInfo is how the app presents itself where a workspace admin installs
// it (the Slack app manifest, the Teams app package): the partnership
// that runs it and the name of its protocol.
type AppInfo struct {
	Protocol         string // e.g. "Practice Resolution Protocol"
	Partnership      string // e.g. "Rotherham Safeguarding Children Partnership"
	PartnershipShort string // e.g. "Rotherham SCP"; "" when there is none
}

// AppInfoFrom returns the AppInfo of a protocol, with the generic names
// for any the protocol leaves empty.
func AppInfoFrom(p conversation.Protocol) AppInfo {
	i := AppInfo{Protocol: p.Name, Partnership: p.Partnership, PartnershipShort: p.PartnershipShort}
	if strings.TrimSpace(i.Protocol) == "" {
		i.Protocol = "Case Resolution Protocol"
	}
	if strings.TrimSpace(i.Partnership) == "" {
		i.Partnership = "Safeguarding Children Partnership"
	}
	return i
}

// Chars counts characters as the platforms' schemas do (one per rune).
func Chars(s string) int { return utf8.RuneCountInString(s) }

// Fit returns the first candidate of at most max characters, or the last
// candidate cut to max characters when none fits.
func Fit(max int, candidates ...string) string {
	for _, c := range candidates {
		if Chars(c) <= max {
			return c
		}
	}
	if len(candidates) == 0 {
		return ""
	}
	return string([]rune(candidates[len(candidates)-1])[:max])
}

// Names returns the ways of naming the partnership's protocol, longest
// first: "Practice Resolution Protocol of the Rotherham Safeguarding
// Children Partnership", then "Rotherham SCP Practice Resolution Protocol"
// when there is a short name, then the protocol alone.
func (i AppInfo) Names() []string {
	names := []string{i.Protocol + " of the " + i.Partnership}
	if i.PartnershipShort != "" {
		names = append(names, i.PartnershipShort+" "+i.Protocol)
	}
	return append(names, i.Protocol)
}

// What the app does, in a few words.
const appTagline = "raise and resolve professional disagreements about a child"

// Description returns a one-line description of at most max characters
// that names the protocol and, where it fits, the partnership.
func (i AppInfo) Description(max int) string {
	var cands []string
	for _, n := range i.Names() {
		cands = append(cands, n+": "+appTagline+".")
	}
	cands = append(cands, strings.ToUpper(appTagline[:1])+appTagline[1:]+".")
	return Fit(max, cands...)
}

// LongDescription returns a paragraph for an app directory, naming the
// partnership and its protocol in full and the platform it runs in; it
// says the app is not for emergencies.
func (i AppInfo) LongDescription(platform string) string {
	return "Puts the " + i.Names()[0] + " into " + platform + ". " +
		"Raise a disagreement with another professional or agency about a decision for a child, bring in the other side, " +
		"escalate stage by stage when a stage does not resolve it, and keep the record for the partnership. " +
		"It is not for emergencies: if a child is at immediate risk, contact the front door or the police, or call 999."
}
