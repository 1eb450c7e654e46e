package config

import (
	"strings"
	"testing"
)

// TestDuplicatePeople: config check refuses a person listed twice in one
// list of the directory, at the later entry, and allows the same person at
// two tiers or in two roles.
func TestDuplicatePeople(t *testing.T) {
	agency := "directory:\n  agencies:\n    - key: csc\n      name: CSC\n"
	tests := []struct {
		name, body, place, msg string // place "" for no error
	}{
		{"twice at a tier", agency + "      contacts:\n        manager:\n          - {name: Ann, email: ann@csc.example.org}\n          - {name: Ann B, email: ANN@csc.example.org}\n",
			"directory.agencies[0].contacts.manager[1].email", "ANN@csc.example.org is already in this list (entry 1)"},
		{"a safeguarding lead twice", agency + "      safeguarding_leads:\n          - {name: Lee, email: lee@csc.example.org}\n          - {name: Lee, email: lee@csc.example.org}\n",
			"directory.agencies[0].safeguarding_leads[1].email", "is already in this list (entry 1)"},
		{"the same role twice", "directory:\n  partnership_roles:\n    - {name: Pat, email: pat@p.example.org, role: partnership manager}\n    - {name: Pat, email: pat@p.example.org, role: Partnership Manager}\n",
			"directory.partnership_roles[1].email", "pat@p.example.org already holds the role Partnership Manager (entry 1 of this list)"},
		{"a conference chair twice", "directory:\n  conference_chairs:\n    - {name: Cy, email: cy@p.example.org}\n    - {name: Cy, email: cy@p.example.org}\n",
			"directory.conference_chairs[1].email", "is already in this list (entry 1)"},
		{"one person at two tiers", agency + "      contacts:\n        manager: [{name: Ann, email: ann@csc.example.org}]\n        senior_manager: [{name: Ann, email: ann@csc.example.org}]\n", "", ""},
		{"one person in two roles", "directory:\n  partnership_roles:\n    - {name: Pat, email: pat@p.example.org, role: partnership manager}\n    - {name: Pat, email: pat@p.example.org, role: partnership admin}\n", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.body)
			_, probs, err := Load(Options{Path: path, Getenv: env(nil)})
			if tt.place == "" {
				if err != nil {
					t.Fatalf("refused: %v\n%s", err, probs)
				}
				return
			}
			for _, p := range probs {
				if p.Severity == SeverityError && strings.HasSuffix(p.Place, " "+tt.place) && strings.Contains(p.Message, tt.msg) {
					return
				}
			}
			t.Errorf("no error at %q saying %q; got:\n%s", tt.place, tt.msg, probs)
		})
	}
}
