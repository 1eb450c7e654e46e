package bot

import (
	"context"

	"github.com/resolvebot/resolvebot/config"
	"github.com/resolvebot/resolvebot/conversation"
)

// DirectoryFromConfig turns the configured directory into the agencies
// (with their escalation contacts per tier and safeguarding leads) and the
// partnership contacts that NewPeople takes.
func DirectoryFromConfig(d config.Directory) (agencies []Agency, partnership []Contact) {
	agencies = make([]Agency, 0, len(d.Agencies))
	for _, a := range d.Agencies {
		ag := Agency{Key: a.Key, Name: a.Name, Contacts: map[string][]Contact{}}
		for _, tier := range []string{conversation.TierManager, conversation.TierSeniorManager, conversation.TierLeader} {
			for _, c := range a.Contacts.ForTier(tier) {
				ag.Contacts[tier] = append(ag.Contacts[tier], Contact{Name: c.Name, Email: c.Email})
			}
		}
		// config check has refused formats that don't compile.
		ag.References, _ = conversation.CompileReferenceFormat(a.ReferenceFormats, a.ReferenceExample)
		for _, c := range a.SafeguardingLeads {
			ag.SafeguardingLeads = append(ag.SafeguardingLeads, Contact{Name: c.Name, Email: c.Email, Role: "safeguarding lead"})
		}
		agencies = append(agencies, ag)
	}
	partnership = make([]Contact, 0, len(d.PartnershipRoles))
	for _, r := range d.PartnershipRoles {
		partnership = append(partnership, Contact{Name: r.Name, Email: r.Email, Role: r.Role})
	}
	return agencies, partnership
}

// ReferenceFormat implements conversation.ReferenceDirectory: the formats
// of agency's case references, or nil when it has none.
func (p *People) ReferenceFormat(_ context.Context, agency string) *conversation.ReferenceFormat {
	for _, a := range p.agencies {
		if a.Key == agency {
			return a.References
		}
	}
	return nil
}

// ReferenceFormats returns the formats of each agency that has some, by
// agency key, for the intake form.
func (p *People) ReferenceFormats() map[string]*conversation.ReferenceFormat {
	out := map[string]*conversation.ReferenceFormat{}
	for _, a := range p.agencies {
		if a.References != nil {
			out[a.Key] = a.References
		}
	}
	return out
}
