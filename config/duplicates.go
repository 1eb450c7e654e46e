package config

import (
	"fmt"
	"strings"

	"github.com/resolvebot/resolvebot/conversation"
)

// validateDuplicates refuses a person listed twice in one list of the
// directory: twice among an agency's contacts at one tier or its
// safeguarding leads, twice with the same partnership role, or twice among
// the conference chairs. Emails are compared ignoring case, as people are
// told apart by their email. The same person at two tiers, or holding two
// roles, is allowed. path is where the directory is in the file.
func validateDuplicates(d Directory, path string, col *collector) {
	for i, a := range d.Agencies {
		at := fmt.Sprintf("%s.agencies[%d]", path, i)
		for _, tier := range []string{conversation.TierManager, conversation.TierSeniorManager, conversation.TierLeader} {
			contactsTwice(a.Contacts.ForTier(tier), at+".contacts."+tier, col)
		}
		contactsTwice(a.SafeguardingLeads, at+".safeguarding_leads", col)
	}
	seen := map[string]int{}
	for j, r := range d.PartnershipRoles {
		k := strings.ToLower(r.Email) + "\x00" + strings.ToLower(r.Role)
		if first, dup := seen[k]; dup && r.Email != "" {
			col.errorAt(fmt.Sprintf("%s.partnership_roles[%d].email", path, j), "%s already holds the role %s (entry %d of this list)", r.Email, r.Role, first+1)
			continue
		}
		seen[k] = j
	}
	contactsTwice(d.ConferenceChairs, path+".conference_chairs", col)
}

// contactsTwice reports each contact of cs, the list at path, whose email
// an earlier one has.
func contactsTwice(cs []Contact, path string, col *collector) {
	seen := map[string]int{}
	for j, c := range cs {
		k := strings.ToLower(c.Email)
		if first, dup := seen[k]; dup && k != "" {
			col.errorAt(fmt.Sprintf("%s[%d].email", path, j), "%s is already in this list (entry %d)", c.Email, first+1)
			continue
		}
		seen[k] = j
	}
}
