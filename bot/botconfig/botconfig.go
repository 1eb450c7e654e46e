// Package botconfig is where configuration meets the bot: it turns the
// configuration's types into the bot's, so that package bot need not know
// package config.
package botconfig

import (
	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/config"
	"github.com/resolvebot/resolvebot/conversation"
)

// Directory turns the configured directory into the agencies
// (with their escalation contacts per tier and safeguarding leads) and the
// partnership contacts that bot.NewPeople takes, the conference chairs
// among them with the role conversation.RoleConferenceChair.
func Directory(d config.Directory) (agencies []bot.Agency, partnership []bot.Contact) {
	agencies = make([]bot.Agency, 0, len(d.Agencies))
	for _, a := range d.Agencies {
		ag := bot.Agency{Key: a.Key, Name: a.Name, Contacts: map[string][]bot.Contact{}, Reach: a.Reach}
		for _, tier := range []string{conversation.TierManager, conversation.TierSeniorManager, conversation.TierLeader} {
			for _, c := range a.Contacts.ForTier(tier) {
				ag.Contacts[tier] = append(ag.Contacts[tier], bot.Contact{Name: c.Name, Email: c.Email})
			}
		}
		// config check has refused formats that don't compile.
		ag.References, _ = conversation.CompileReferenceFormat(a.ReferenceFormats, a.ReferenceExample)
		for _, c := range a.SafeguardingLeads {
			ag.SafeguardingLeads = append(ag.SafeguardingLeads, bot.Contact{Name: c.Name, Email: c.Email, Role: "safeguarding lead"})
		}
		agencies = append(agencies, ag)
	}
	partnership = make([]bot.Contact, 0, len(d.PartnershipRoles))
	for _, r := range d.PartnershipRoles {
		partnership = append(partnership, bot.Contact{Name: r.Name, Email: r.Email, Role: r.Role})
	}
	// Conference chairs and reviewing officers travel with the partnership
	// contacts under their own role, which sees no case (bot.People).
	for _, c := range d.ConferenceChairs {
		partnership = append(partnership, bot.Contact{Name: c.Name, Email: c.Email, Role: conversation.RoleConferenceChair})
	}
	return agencies, partnership
}
