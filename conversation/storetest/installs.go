package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
)

// testSlackInstalls: Slack installs of a workspace and of a whole
// organisation are kept apart by their keys, survive a restart, are
// replaced by a reinstall, listed in key order, and gone once deleted; an
// install without a token or anything to find it by is refused.
func testSlackInstalls(t *testing.T, open Opener) {
	ctx := context.Background()
	h := newHarness(t, open)
	team := &conversation.SlackInstallation{TeamID: "T0AAA", TeamName: "Schools", AppID: "A0APP", BotToken: "xoxb-team-a",
		BotUserID: "U0BOTA", Scopes: []string{"chat:write", "commands"}, InstalledBy: "U0ADMIN", InstalledAt: t0}
	org := &conversation.SlackInstallation{EnterpriseID: "E0ORG", EnterpriseName: "Health", EnterpriseInstall: true,
		AppID: "A0APP", BotToken: "xoxb-org", BotUserID: "W0BOT", Scopes: []string{"chat:write"}, InstalledAt: t0}
	// A workspace of the organisation installed on its own as well: found
	// by its team, apart from the org-wide install.
	inOrg := &conversation.SlackInstallation{TeamID: "T0BBB", EnterpriseID: "E0ORG", BotToken: "xoxb-team-b", InstalledAt: t0}
	for _, inst := range []*conversation.SlackInstallation{team, org, inOrg} {
		must(t, h.s.PutSlackInstallation(ctx, inst), "PutSlackInstallation "+inst.Key())
	}
	h.restart()
	for _, want := range []*conversation.SlackInstallation{team, org, inOrg} {
		got, err := h.s.SlackInstallation(ctx, want.Key())
		must(t, err, "SlackInstallation "+want.Key())
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("SlackInstallation(%s) = %+v, want %+v", want.Key(), got, want)
		}
	}
	if got, err := h.s.SlackInstallation(ctx, "T0NONE"); conversation.ErrorCode(err) != conversation.ENOTFOUND {
		t.Fatalf("unknown install = %+v, %v; want ENOTFOUND", got, err)
	}
	if got, err := h.s.SlackInstallation(ctx, "T:E0ORG"); conversation.ErrorCode(err) != conversation.ENOTFOUND {
		t.Fatalf("an org's id as a team = %+v, %v; want ENOTFOUND", got, err)
	}
	re := *team
	re.BotToken, re.Scopes = "xoxb-team-a-2", []string{"chat:write", "commands", "users:read"}
	must(t, h.s.PutSlackInstallation(ctx, &re), "PutSlackInstallation again")
	all, err := h.s.SlackInstallations(ctx)
	must(t, err, "SlackInstallations")
	var keys []string
	for _, inst := range all {
		keys = append(keys, inst.Key())
	}
	if want := []string{"E:E0ORG", "T:T0AAA", "T:T0BBB"}; !reflect.DeepEqual(keys, want) {
		t.Fatalf("installs %v, want %v", keys, want)
	}
	if all[1].BotToken != "xoxb-team-a-2" || len(all[1].Scopes) != 3 {
		t.Fatalf("reinstall not kept: %+v", all[1])
	}
	must(t, h.s.DeleteSlackInstallation(ctx, team.Key()), "DeleteSlackInstallation")
	must(t, h.s.DeleteSlackInstallation(ctx, team.Key()), "DeleteSlackInstallation again")
	if _, err := h.s.SlackInstallation(ctx, team.Key()); conversation.ErrorCode(err) != conversation.ENOTFOUND {
		t.Fatalf("deleted install: %v; want ENOTFOUND", err)
	}
	if got, err := h.s.SlackInstallation(ctx, org.Key()); err != nil || got.BotToken != "xoxb-org" {
		t.Fatalf("the org-wide install after another was deleted = %+v, %v", got, err)
	}
	for name, bad := range map[string]*conversation.SlackInstallation{
		"no token":             {TeamID: "T0CCC"},
		"no team":              {BotToken: "xoxb-x"},
		"org-wide with no org": {EnterpriseInstall: true, TeamID: "T0CCC", BotToken: "xoxb-x"},
	} {
		if err := h.s.PutSlackInstallation(ctx, bad); conversation.ErrorCode(err) != conversation.EINVALID {
			t.Errorf("%s: PutSlackInstallation = %v; want EINVALID", name, err)
		}
	}
}

// testSlackInstallRefresh: a refreshed token is stored only over the
// install it was refreshed from: of two replicas refreshing the same
// install at once, the first to store wins, the second is told ECONFLICT
// and the first's tokens stay; a refresh of a removed install is
// ENOTFOUND; what is stored survives a restart.
func testSlackInstallRefresh(t *testing.T, open Opener) {
	ctx := context.Background()
	h := newHarness(t, open)
	first := t0.Add(12 * time.Hour)
	inst := &conversation.SlackInstallation{TeamID: "T0AAA", BotToken: "xoxe.xoxb-1", RefreshToken: "xoxe-1-r1",
		ExpiresAt: first, InstalledAt: t0}
	must(t, h.s.PutSlackInstallation(ctx, inst), "PutSlackInstallation")
	a, b := *inst, *inst
	a.BotToken, a.RefreshToken, a.ExpiresAt = "xoxe.xoxb-2a", "xoxe-1-r2a", first.Add(12*time.Hour)
	b.BotToken, b.RefreshToken, b.ExpiresAt = "xoxe.xoxb-2b", "xoxe-1-r2b", first.Add(12*time.Hour+time.Second)
	must(t, h.s.RefreshSlackInstallation(ctx, &a, first), "RefreshSlackInstallation")
	if err := h.s.RefreshSlackInstallation(ctx, &b, first); conversation.ErrorCode(err) != conversation.ECONFLICT {
		t.Fatalf("a second refresh from the same install = %v; want ECONFLICT", err)
	}
	h.restart()
	got, err := h.s.SlackInstallation(ctx, inst.Key())
	must(t, err, "SlackInstallation")
	if got.BotToken != a.BotToken || got.RefreshToken != a.RefreshToken || !got.ExpiresAt.Equal(a.ExpiresAt) {
		t.Fatalf("after two refreshes the install holds %+v, want the first's tokens", got)
	}
	c := a
	c.BotToken, c.RefreshToken, c.ExpiresAt = "xoxe.xoxb-3", "xoxe-1-r3", a.ExpiresAt.Add(12*time.Hour)
	must(t, h.s.RefreshSlackInstallation(ctx, &c, a.ExpiresAt), "RefreshSlackInstallation from the stored one")
	must(t, h.s.DeleteSlackInstallation(ctx, inst.Key()), "DeleteSlackInstallation")
	if err := h.s.RefreshSlackInstallation(ctx, &c, c.ExpiresAt); conversation.ErrorCode(err) != conversation.ENOTFOUND {
		t.Fatalf("refreshing a removed install = %v; want ENOTFOUND", err)
	}
	if err := h.s.RefreshSlackInstallation(ctx, &conversation.SlackInstallation{TeamID: "T0AAA"}, first); conversation.ErrorCode(err) != conversation.EINVALID {
		t.Fatalf("refreshing with no token = %v; want EINVALID", err)
	}
}
