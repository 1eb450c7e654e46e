package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// TestCardWordingFromCatalogue: texts no golden file shows read as they
// did before they moved into the catalogue, and a partnership's override
// of a key changes what people see.
func TestCardWordingFromCatalogue(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	k := f.Router.Cards
	routes := k.Protocol().Routes
	t.Cleanup(func() { k.Protocol().Routes = routes })
	k.Protocol().Routes.Whistleblowing = ""
	k.Protocol().Routes.DissentProcedure = "the CP dissent procedure"
	tests := []struct {
		name, got, want string
	}{
		{"no cases", k.List(ctx, nil, f.sam).Text, `You have no cases yet. Type "raise" to raise a disagreement.`},
		{"whistleblowing without a policy", k.Route(conversation.RouteWhistleblowing).Text,
			"This process is for disagreements between agencies. For a concern about your own organisation, talk to your manager or safeguarding lead, or use the whistleblowing policy. No case has been opened here."},
		{"dissent with a procedure", k.Route(conversation.RouteDissent).Text,
			"Disagreements with a decision made at a child protection conference go through the dissent procedure: the CP dissent procedure. No case has been opened here."},
		{"help without a command", bot.Help("").List[0], "raise — raise a disagreement"},
		{"help with a command", k.Help("/resolvebot").List[2], "/resolvebot status CR-2026-0001 — a case and its timeline"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got  %q\nwant %q", tt.got, tt.want)
			}
		})
	}

	msgs := k.Protocol().Messages
	t.Cleanup(func() { k.Protocol().Messages = msgs })
	k.Protocol().Messages = map[string]string{"cases.title": "My disagreements", "help.title": "How I can help"}
	if got := k.List(ctx, nil, f.sam).Title; got != "My disagreements" {
		t.Errorf("list title with an override: %q", got)
	}
	if got := k.Help("").Title; got != "How I can help" {
		t.Errorf("help title with an override: %q", got)
	}
	if got := bot.Help("").Title; got != "What I can do" || strings.Contains(got, "How") {
		t.Errorf("bot.Help title: %q", got)
	}
}
