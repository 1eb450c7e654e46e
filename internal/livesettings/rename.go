package livesettings

import (
	"context"
	"strings"

	"github.com/resolvebot/resolvebot/config"
)

// directoryNames returns the name each person of d is listed under, by
// their email in lower case: each tier's contacts and the safeguarding
// leads of every agency, the partnership roles and the conference chairs.
func directoryNames(d config.Directory) map[string]string {
	out := map[string]string{}
	add := func(cs []config.Contact) {
		for _, c := range cs {
			out[strings.ToLower(c.Email)] = c.Name
		}
	}
	for _, a := range d.Agencies {
		add(a.Contacts.Manager)
		add(a.Contacts.SeniorManager)
		add(a.Contacts.Leader)
		add(a.SafeguardingLeads)
	}
	for _, r := range d.PartnershipRoles {
		out[strings.ToLower(r.Email)] = r.Name
	}
	add(d.ConferenceChairs)
	return out
}

// rename gives each person the change from before to after lists under a
// new name (same email) that name in the store, so cards and emails call
// them by it. A failure is logged: the change is stored and in use, and
// the name is only how they are called.
func (l *Live) rename(ctx context.Context, before, after config.Directory) {
	was := directoryNames(before)
	for email, name := range directoryNames(after) {
		if old, ok := was[email]; ok && old != name {
			if err := l.people.Rename(ctx, email, name); err != nil {
				l.log.Error("settings: a renamed person keeps their old name for now", "err", err)
			}
		}
	}
}
