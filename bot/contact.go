package bot

import (
	"strings"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// PartnershipContact returns the protocol's partnership contact when it is
// a way to reach someone (an email address, a phone number or a web
// address, such as Wiltshire's lscb@wiltshire.gov.uk), or "" when the
// protocol gives none or only names a role.
func PartnershipContact(p *conversation.Protocol) string {
	c := strings.TrimSpace(p.Routes.PartnershipContact)
	if strings.Contains(c, "@") || strings.ContainsAny(c, "0123456789") || strings.Contains(c, "://") {
		return c
	}
	return ""
}

// help is the help message with the partnership's contact, where the
// protocol gives one.
func (r *Router) help() Message {
	m := r.Cards.Help(r.Command)
	if od := r.Cards.Protocol().Observations; od != nil {
		prefix := r.Command
		if prefix != "" {
			prefix += " "
		}
		m.List = append(m.List, r.Cards.Say("help.observe", messages.Args{"command": prefix + "observe", "report_to": od.ReportTo, "service": od.Service, "role": od.Role}))
	}
	if c := PartnershipContact(r.Cards.Protocol()); c != "" {
		m.Text = strings.Replace(m.Text, "\n\n", "\n\n"+r.Cards.Say("help.contact", messages.Args{"contact": c})+"\n\n", 1)
	}
	return m
}

// topContact returns the partnership contact to show on an active case at
// the top stage of the ladder or referred to the partnership, or "".
func (k *Cards) topContact(c *conversation.Case) string {
	cur := c.Current()
	if !c.Status.Active() || cur == nil {
		return ""
	}
	if cur.Key != conversation.ReferralStageKey && k.Protocol().StageIndex(cur.Key) != len(k.Protocol().Stages)-1 {
		return ""
	}
	return PartnershipContact(k.Protocol())
}
