package livesettings

import (
	"github.com/resolvebot/resolvebot/adapters/web"
	"github.com/resolvebot/resolvebot/config"
)

// putPeople replaces the partnership roles with roles and the conference
// chairs with chairs, each when not nil; the directory is then a
// configured one, no longer the built-in example.
func putPeople(c *config.Config, roles *[]web.RoleSettings, chairs *[]web.SettingsContact) {
	if roles != nil {
		c.Directory.Demo = false
		c.Directory.PartnershipRoles = make([]config.PartnershipRole, 0, len(*roles))
		for _, r := range *roles {
			c.Directory.PartnershipRoles = append(c.Directory.PartnershipRoles, config.PartnershipRole{Name: r.Name, Email: r.Email, Role: r.Role})
		}
	}
	if chairs != nil {
		c.Directory.Demo = false
		c.Directory.ConferenceChairs = configContacts(*chairs)
	}
}
