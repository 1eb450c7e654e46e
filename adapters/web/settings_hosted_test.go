package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/resolvebot/resolvebot/adapters/web"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/internal/livesettings"
)

// hostedSettingsFile hosts Wiltshire and Devon, each with its own
// partnership admin, and one admin of both.
const hostedSettingsFile = `partnerships:
  - id: wiltshire
    partnership: wiltshire
    protocol: {routes: {front_door: "0300 456 0108"}}
    directory:
      agencies:
        - {key: wilts-school, name: Wiltshire School}
      partnership_roles:
        - {name: Wil Admin, email: wil.admin@wiltshire.example.org, role: partnership admin}
        - {name: Both Admin, email: both.admin@example.org, role: partnership admin}
  - id: devon
    partnership: devon
    protocol: {routes: {front_door: "0345 155 1071"}}
    directory:
      agencies:
        - {key: devon-school, name: Devon School}
      partnership_roles:
        - {name: Dev Admin, email: dev.admin@devon.example.org, role: partnership admin}
        - {name: Both Admin, email: both.admin@example.org, role: partnership admin}
        - {name: Dev Manager, email: dev.manager@devon.example.org, role: partnership manager}
`

// TestSettingsHosted: on a deployment hosting two partnerships, Wiltshire's
// admin changes Wiltshire's first stage timescale on the settings pages and
// Devon's stays as it was; Wiltshire's admin is refused Devon's pages and
// Devon's admin Wiltshire's, with nothing changed; an admin of both opens
// either by naming it; a partnership manager is refused.
func TestSettingsHosted(t *testing.T) {
	env := bottest.New(t, bottest.Options{File: hostedSettingsFile})
	ctx := context.Background()
	cfg, versions, err := livesettings.EffectiveHosted(ctx, env.Config, env.Store, env.Clock.Now(), nil)
	if err != nil {
		t.Fatal(err)
	}
	lives := livesettings.NewHosted(env.Config, cfg, versions, env.Store.(conversation.SettingsStore), env.Engine, env.People, env.Clock.Now, nil)
	w := serveSettings(t, env, func(o *web.Options) { o.SettingsFor = livesettings.WebHosted(lives, env.People) })
	wilFirst := env.Engine.RulesFor("wiltshire").Protocol.Stages[0]
	devDays := env.Engine.RulesFor("devon").Protocol.Stages[0].Days

	wil := w.browser().signIn("wil.admin@wiltshire.example.org")
	wil.get("/web/").expect(http.StatusOK, `href="/web/settings"`)
	wil.get("/web/settings").expect(http.StatusOK, "Timescales", wilFirst.Name)
	wil.get("/web/settings?partnership=devon").expect(http.StatusForbidden, "Only a partnership admin can change the settings")
	days := wilFirst.Days + 6
	form := url.Values{"version": {"1"}, "name": {wilFirst.Name}, "days": {itoa(days)}, "urgent_days": {itoa(wilFirst.UrgentDays)},
		"ack_days": {itoa(wilFirst.AckDays)}, "action": {"save"}}
	wil.submit("/web/settings/stages/"+wilFirst.Key, form).expect(http.StatusOK, "Your change is saved")
	if got := env.Engine.RulesFor("wiltshire").Protocol.Stages[0].Days; got != days {
		t.Errorf("Wiltshire's first stage has %d days after its admin's change; want %d", got, days)
	}
	if got := env.Engine.RulesFor("devon").Protocol.Stages[0].Days; got != devDays {
		t.Errorf("Devon's first stage has %d days after Wiltshire's change; want its own %d", got, devDays)
	}

	dev := w.browser().signIn("dev.admin@devon.example.org")
	dev.get("/web/settings?partnership=wiltshire").expect(http.StatusForbidden, "Only a partnership admin can change the settings")
	form.Set("version", "2")
	form.Set("days", itoa(days+1))
	dev.submit("/web/settings/stages/"+wilFirst.Key+"?partnership=wiltshire", form).expect(http.StatusForbidden)
	if got := env.Engine.RulesFor("wiltshire").Protocol.Stages[0].Days; got != days {
		t.Errorf("Devon's admin changed Wiltshire's first stage to %d days", got)
	}
	dev.get("/web/settings/history").expect(http.StatusOK, "Version 1")

	both := w.browser().signIn("both.admin@example.org")
	both.get("/web/settings?partnership=wiltshire").expect(http.StatusOK, "Timescales")
	both.get("/web/settings?partnership=devon").expect(http.StatusOK, "Timescales")
	w.browser().signIn("dev.manager@devon.example.org").get("/web/settings").expect(http.StatusForbidden)
}
