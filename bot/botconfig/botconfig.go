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

// Hosted turns the partnerships hosted on a deployment of several into
// the agencies and partnership contacts bot.NewPeople takes, each tagged
// with its partnership's id (see bot.Agency.Partnership). It returns what
// Directory returns of the top-level directory on a deployment of one.
func Hosted(cfg *config.Config) (agencies []bot.Agency, partnership []bot.Contact) {
	if len(cfg.Hosted()) == 0 {
		return Directory(cfg.Directory)
	}
	for _, p := range cfg.Hosted() {
		as, cs := Directory(p.Directory)
		for i := range as {
			as[i].Partnership = p.ID
		}
		for i := range cs {
			cs[i].Partnership = p.ID
		}
		agencies, partnership = append(agencies, as...), append(partnership, cs...)
	}
	return agencies, partnership
}

// Rules returns the engine's rules for hosted partnership p: its protocol
// and calendar (its closure days with the deployment's), and the
// deployment's nudge policy from base (the rules of the top level, see
// livesettings.RulesOf).
func Rules(base conversation.Rules, p config.Partnership) conversation.Rules {
	protocol := p.Protocol
	cal := conversation.NewCalendar(p.Calendar.Location, p.Calendar.ClosureDays, p.Calendar.WorkdayStart, p.Calendar.WorkdayEnd)
	return conversation.Rules{Protocol: &protocol, Calendar: cal, Nudges: base.Nudges}
}

// UseHosted gives engine the rules of every partnership hosted on cfg's
// deployment (see conversation.Engine.UseFor), on top of base; it does
// nothing on a deployment of one partnership.
func UseHosted(engine *conversation.Engine, base conversation.Rules, cfg *config.Config) {
	for _, p := range cfg.Hosted() {
		engine.UseFor(p.ID, Rules(base, p))
	}
}

// Neighbours turns the configured neighbouring partnerships (not on this
// deployment) into the bot's, for People.SetNeighbours.
func Neighbours(cfg *config.Config) []bot.Neighbour {
	out := make([]bot.Neighbour, len(cfg.Neighbours))
	for i, n := range cfg.Neighbours {
		out[i] = bot.Neighbour{Name: n.Name, Contact: n.Contact}
	}
	return out
}
