package bot

import (
	"context"
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

// help is the help message for person, with their partnership's contact
// where its protocol gives one: on a deployment hosting several
// partnerships, the partnership of the agency in their profile (the first
// partnership's for someone whose agency is not known yet).
func (r *Router) help(ctx context.Context, person string) Message {
	m := r.Cards.Help(r.Command)
	agency := ""
	if len(r.Engine.Partnerships()) > 1 { // one partnership: no store read on this hot path
		if per, err := r.Store.GetPerson(ctx, person); err == nil {
			agency = per.Agency
		}
	}
	p := r.Engine.RaiseProtocol(agency)
	if p == nil {
		p = r.Cards.Protocol()
	}
	if od := p.Observations; od != nil {
		prefix := r.Command
		if prefix != "" {
			prefix += " "
		}
		m.List = append(m.List, r.Cards.Say("help.observe", messages.Args{"command": prefix + "observe", "report_to": od.ReportTo, "service": od.Service, "role": od.Role}))
	}
	if c := PartnershipContact(p); c != "" {
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
