package bot

import (
	"strings"
	"unicode/utf8"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// AppInfo is how the app presents itself where a workspace admin installs
// it (the Slack app manifest, the Teams app package): the partnership
// that runs it and the name of its protocol.
type AppInfo struct {
	Protocol         string // e.g. "Practice Resolution Protocol"
	Partnership      string // e.g. "Rotherham Safeguarding Children Partnership"
	PartnershipShort string // e.g. "Rotherham SCP"; "" when there is none

	words *messages.Catalogue // the protocol's wording; nil for the catalogue's own
}

// AppInfoFrom returns the AppInfo of a protocol, with the generic names
// for any the protocol leaves empty.
func AppInfoFrom(p conversation.Protocol) AppInfo {
	i := AppInfo{Protocol: p.Name, Partnership: p.Partnership, PartnershipShort: p.PartnershipShort,
		words: messages.English().With(p.Messages)}
	if strings.TrimSpace(i.Protocol) == "" {
		i.Protocol = i.catalogue().Text("app.default.protocol", nil)
	}
	if strings.TrimSpace(i.Partnership) == "" {
		i.Partnership = i.catalogue().Text("app.default.partnership", nil)
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
	words := i.catalogue()
	names := []string{words.Text("app.name.full", messages.Args{"protocol": i.Protocol, "partnership": i.Partnership})}
	if i.PartnershipShort != "" {
		names = append(names, words.Text("app.name.short", messages.Args{"protocol": i.Protocol, "partnership": i.PartnershipShort}))
	}
	return append(names, i.Protocol)
}

// catalogue is the wording the app presents itself in.
func (i AppInfo) catalogue() *messages.Catalogue {
	if i.words == nil {
		return messages.English()
	}
	return i.words
}

// Description returns a one-line description of at most max characters
// that names the protocol and, where it fits, the partnership.
func (i AppInfo) Description(max int) string {
	var cands []string
	for _, n := range i.Names() {
		cands = append(cands, i.catalogue().Text("app.description", messages.Args{"name": n}))
	}
	cands = append(cands, i.catalogue().Text("app.description.unnamed", nil))
	return Fit(max, cands...)
}

// LongDescription returns a paragraph for an app directory, naming the
// partnership and its protocol in full and the platform it runs in; it
// says the app is not for emergencies.
func (i AppInfo) LongDescription(platform string) string {
	return i.catalogue().Text("app.long_description", messages.Args{"name": i.Names()[0], "platform": platform})
}
