package config

// demoDirectory returns the built-in example directory used when the file
// lists none, so the console works out of the box. Every agency and person
// in it is fictional and every address is at example.org.
func demoDirectory() Directory {
	agency := func(key, name, who string) Agency {
		c := func(role, tier string) []Contact {
			return []Contact{{Name: who + " " + role + " (example)", Email: key + "." + tier + "@example.org"}}
		}
		return Agency{Key: key, Name: name, Contacts: AgencyContacts{
			Manager:       c("Manager", "manager"),
			SeniorManager: c("Senior Manager", "senior-manager"),
			Leader:        c("Leader", "leader"),
		}}
	}
	return Directory{
		Demo: true,
		Agencies: []Agency{
			agency("csc", "Children's Social Care (example)", "Social Care"),
			agency("school", "Riverside Primary School (example)", "School"),
			agency("health-visiting", "Health Visiting (example)", "Health Visiting"),
			agency("police", "Police Public Protection (example)", "Police"),
		},
		PartnershipRoles: []PartnershipRole{
			{Name: "Partnership Manager (example)", Email: "partnership.manager@example.org", Role: "partnership manager"},
		},
	}
}
