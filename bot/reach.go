package bot

import (
	"slices"
	"strings"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// The ways to reach a person, as they are named in a person's reach list
// (conversation.Person.Reach) and in an agency's default in the directory.
const (
	ReachSlack = "slack"
	ReachTeams = "teams"
	ReachEmail = EmailPlatform
)

// ReachWays are the ways a reach list may name, in the order the bot
// prefers them by default (a chat platform before email).
var ReachWays = []string{ReachSlack, ReachTeams, ReachEmail}

// wayName is a way as people read it.
func (k *Cards) wayName(w string) string {
	switch w {
	case ReachSlack:
		return k.Say("reach.way.slack", nil)
	case ReachTeams:
		return k.Say("reach.way.teams", nil)
	case ReachEmail:
		return k.Say("reach.way.email", nil)
	}
	return w
}

// learnedReach is the reach list learned from what is known of per: the
// platform of each of their handles in the order they were first used,
// then email when they have an address.
func learnedReach(per *conversation.Person) []string {
	var out []string
	for _, h := range per.Handles {
		if h.Platform != "" && h.Platform != ReachEmail && !slices.Contains(out, h.Platform) {
			out = append(out, h.Platform)
		}
	}
	if per.Email != "" {
		out = append(out, ReachEmail)
	}
	return out
}

// learnReach records that per can be reached on platform (which they
// have just used, or through which they were just found): a platform new
// to their list goes after the chat platforms already there and before
// email, which stays last. A list the person chose is left as they chose
// it. It reports whether the list changed.
func learnReach(per *conversation.Person, platform string) bool {
	if per.ReachChosen && len(per.Reach) > 0 {
		return false
	}
	if len(per.Reach) == 0 {
		per.Reach = learnedReach(per)
		return len(per.Reach) > 0
	}
	if platform == "" || slices.Contains(per.Reach, platform) {
		return false
	}
	if i := slices.Index(per.Reach, ReachEmail); i >= 0 && platform != ReachEmail {
		per.Reach = slices.Insert(slices.Clone(per.Reach), i, platform)
	} else {
		per.Reach = append(slices.Clone(per.Reach), platform)
	}
	return true
}

// Reach returns the ways to reach per, first to last: the order they
// chose in their profile; otherwise their agency's default from the
// directory (for example email only); otherwise the order learned as they
// used each platform, email last.
func (p *People) Reach(per *conversation.Person) []string {
	if per.ReachChosen && len(per.Reach) > 0 {
		return per.Reach
	}
	if per.Agency != "" {
		for _, a := range p.agencies {
			if a.Key == per.Agency && len(a.Reach) > 0 {
				return a.Reach
			}
		}
	}
	if len(per.Reach) > 0 {
		return per.Reach
	}
	return learnedReach(per)
}

// reachable returns the ways per has, of ReachWays, in ReachWays' order:
// each chat platform they have a handle on, and email when they have an
// address. These are what their profile lets them order.
func reachable(per *conversation.Person) []string {
	var out []string
	for _, w := range ReachWays {
		if w == ReachEmail && per.Email != "" || slices.ContainsFunc(per.Handles, func(h conversation.Handle) bool { return h.Platform == w }) {
			out = append(out, w)
		}
	}
	return out
}

// ReachLabel reads a reach list as a sentence: "Slack, then email",
// "Email only".
func (k *Cards) ReachLabel(ways []string) string {
	if len(ways) == 0 {
		return ""
	}
	s := k.wayName(ways[0])
	if len(ways) == 1 {
		s = k.Say("reach.only", messages.Args{"way": s})
	}
	for _, w := range ways[1:] {
		s = k.Say("reach.then", messages.Args{"first": s, "next": k.wayName(w)})
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// reachOptions are the orders a person may choose from the ways they
// have: every order of all of them, and each of them alone.
func reachOptions(k *Cards, ways []string) []conversation.Option {
	var out []conversation.Option
	add := func(order []string) {
		out = append(out, conversation.Option{Value: strings.Join(order, ","), Label: k.ReachLabel(order)})
	}
	var permute func(prefix, rest []string)
	permute = func(prefix, rest []string) {
		if len(rest) == 0 {
			add(prefix)
			return
		}
		for i := range rest {
			next := append(slices.Clone(rest[:i]), rest[i+1:]...)
			permute(append(slices.Clone(prefix), rest[i]), next)
		}
	}
	permute(nil, ways)
	for _, w := range ways {
		add([]string{w})
	}
	return out
}

// reachField is the profile question that orders the ways to reach per,
// offering their current order; nil when they have fewer than two ways,
// so there is nothing to choose.
func (p *People) reachField(k *Cards, per *conversation.Person) *conversation.Field {
	ways := reachable(per)
	if len(ways) < 2 {
		return nil
	}
	f := &conversation.Field{Key: FieldReach, Label: k.Say("reach.field.label", nil), Type: conversation.FieldSelect, Required: true,
		Options: reachOptions(k, ways), Help: k.Say("reach.field.help", nil)}
	cur := strings.Join(p.offeredReach(per), ",")
	if slices.ContainsFunc(f.Options, func(o conversation.Option) bool { return o.Value == cur }) {
		f.Default = cur
	} else {
		f.Default = f.Options[0].Value
	}
	return f
}

// offeredReach is the order the profile offers per as their current one:
// the ways they would be reached in, of those they can choose from.
func (p *People) offeredReach(per *conversation.Person) []string {
	have := reachable(per)
	return slices.DeleteFunc(slices.Clone(p.Reach(per)), func(w string) bool { return !slices.Contains(have, w) })
}

// FieldReach is the profile field that orders the ways to reach a person.
const FieldReach = "reach"

// parseReach reads a reach answer from the profile form for per: a
// comma-separated order of ways they have. It returns nil for no answer.
// Returns EINVALID (on the field) for a way they don't have, or one named
// twice.
func (p *People) parseReach(per *conversation.Person, value string) ([]string, error) {
	value = strings.TrimSpace(value)
	if value == "" {
		return nil, nil
	}
	have := reachable(per)
	var out []string
	for _, w := range strings.Split(value, ",") {
		w = strings.ToLower(strings.TrimSpace(w))
		if !slices.Contains(have, w) || slices.Contains(out, w) {
			fe := conversation.FieldErrors{}
			fe.Add(FieldReach, conversation.Msg("reach.choose_from_list", nil))
			return nil, fe.Err()
		}
		out = append(out, w)
	}
	return out, nil
}

// setReach records ways as the order per chose, unless it is the order
// they would be reached in anyway (the form offers the current order, so
// saving the profile unchanged chooses nothing). It reports whether the
// person changed.
func (p *People) setReach(per *conversation.Person, ways []string) bool {
	if ways == nil || slices.Equal(ways, p.offeredReach(per)) {
		return false
	}
	per.Reach, per.ReachChosen = ways, true
	return true
}
