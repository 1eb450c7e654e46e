package botconfig_test

import (
	"slices"
	"testing"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/botconfig"
	"github.com/resolvebot/resolvebot/config"
	"github.com/resolvebot/resolvebot/conversation"
)

// TestDirectory carries every contact over: each tier, the
// safeguarding leads, the agency's reach default and the partnership roles.
func TestDirectory(t *testing.T) {
	d := config.Directory{
		Agencies: []config.Agency{{Key: "csc", Name: "Social Care",
			Contacts: config.AgencyContacts{
				Manager:       []config.Contact{{Name: "Mo", Email: "mo@csc.example.org"}},
				SeniorManager: []config.Contact{{Name: "Sol", Email: "sol@csc.example.org"}},
				Leader:        []config.Contact{{Name: "Lee", Email: "lee@csc.example.org"}},
			},
			SafeguardingLeads: []config.Contact{{Name: "Sue", Email: "sue@csc.example.org"}},
			Reach:             []string{"email"},
		}},
		PartnershipRoles: []config.PartnershipRole{{Name: "Pat", Email: "pat@scp.example.org", Role: "partnership manager"}},
	}
	agencies, partnership := botconfig.Directory(d)
	if len(agencies) != 1 || len(partnership) != 1 || partnership[0].Role != "partnership manager" {
		t.Fatalf("agencies %+v, partnership %+v", agencies, partnership)
	}
	a := agencies[0]
	for tier, want := range map[string]string{conversation.TierManager: "mo@csc.example.org",
		conversation.TierSeniorManager: "sol@csc.example.org", conversation.TierLeader: "lee@csc.example.org"} {
		if got := a.Contacts[tier]; len(got) != 1 || got[0].Email != want {
			t.Errorf("%s contacts = %+v, want %s", tier, got, want)
		}
	}
	if len(a.SafeguardingLeads) != 1 || a.SafeguardingLeads[0].Email != "sue@csc.example.org" {
		t.Errorf("safeguarding leads = %+v", a.SafeguardingLeads)
	}
	if len(a.Reach) != 1 || a.Reach[0] != "email" {
		t.Errorf("reach = %v, want [email]", a.Reach)
	}
}

// TestReachWaysAgree: the ways config check accepts in an agency's reach
// are the ways the bot can follow.
func TestReachWaysAgree(t *testing.T) {
	if !slices.Equal(config.ReachWays, bot.ReachWays) {
		t.Errorf("config accepts %v, the bot follows %v", config.ReachWays, bot.ReachWays)
	}
}
