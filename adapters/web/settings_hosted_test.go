package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
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

// serveHostedSettings serves the settings pages of the partnerships of
// hostedSettingsFile, each live.
func serveHostedSettings(t *testing.T) (*world, *bottest.Env) {
	env := bottest.New(t, bottest.Options{File: hostedSettingsFile})
	cfg, versions, err := livesettings.EffectiveHosted(context.Background(), env.Config, env.Store, env.Clock.Now(), nil)
	if err != nil {
		t.Fatal(err)
	}
	lives := livesettings.NewHosted(env.Config, cfg, versions, env.Store.(conversation.SettingsStore), env.Engine, env.People, env.Clock.Now, nil)
	return serveSettings(t, env, func(o *web.Options) { o.SettingsFor = livesettings.WebHosted(lives, env.People) }), env
}

// TestSettingsHosted: on a deployment hosting two partnerships, Wiltshire's
// admin changes Wiltshire's first stage timescale on the settings pages and
// Devon's stays as it was; Wiltshire's admin is refused Devon's pages and
// Devon's admin Wiltshire's, with nothing changed; an admin of both opens
// either by naming it; a partnership manager is refused.
func TestSettingsHosted(t *testing.T) {
	w, env := serveHostedSettings(t)
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

var (
	stageLinkRE = regexp.MustCompile(`href="(/web/settings/stages/[^"]+)"`)
	actionRE    = regexp.MustCompile(`<form[^>]* action="(/web/settings/stages/[^"]+)"`)
	versionRE   = regexp.MustCompile(`name="version" value="([0-9]+)"`)
)

// partnershipFieldRE finds the partnership a settings form names.
var partnershipFieldRE = regexp.MustCompile(`<input type="hidden" name="partnership" value="([^"]*)">`)

// TestSettingsHostedChoice: an admin of two hosted partnerships who opens
// the settings without naming one is asked which, by name; choosing Devon
// shows Devon's settings, and a change made through the pages' own link
// and form, which name no partnership, lands in Devon's only. A
// partnership not theirs, or a choice without the form's CSRF token, is
// refused and the choice stays. An admin of one sees their settings with
// no choice, and someone admin of none is refused the choice page. A form
// opened for one partnership and sent after choosing the other changes its
// own partnership, as each form names it.
func TestSettingsHostedChoice(t *testing.T) {
	w, env := serveHostedSettings(t)
	wilName, devName := env.Engine.PartnershipName("wiltshire"), env.Engine.PartnershipName("devon")
	wilDays := env.Engine.RulesFor("wiltshire").Protocol.Stages[0].Days
	devFirst := env.Engine.RulesFor("devon").Protocol.Stages[0]

	both := w.browser().signIn("both.admin@example.org")
	both.get("/web/settings").expect(http.StatusOK, "Which partnership&#39;s settings?", ">"+wilName+"</button>", ">"+devName+"</button>")
	both.get("/web/settings/stages/"+devFirst.Key).expect(http.StatusOK, "Which partnership&#39;s settings?")
	both.submit("/web/settings/partnership", url.Values{"partnership": {"devon"}}).
		expect(http.StatusOK, "Timescales", "0345 155 1071", "Change partnership", devName)
	if !strings.HasSuffix(both.url, "/web/settings") {
		t.Fatalf("choosing a partnership ended on %s; want /web/settings", both.url)
	}
	link := stageLinkRE.FindStringSubmatch(both.body)
	if link == nil || strings.Contains(link[1], "partnership") {
		t.Fatalf("settings page has no stage link without a partnership parameter: %v", link)
	}
	both.get(html.UnescapeString(link[1])).expect(http.StatusOK, devFirst.Name)
	action, version := actionRE.FindStringSubmatch(both.body), versionRE.FindStringSubmatch(both.body)
	if action == nil || version == nil || strings.Contains(action[1], "partnership") {
		t.Fatalf("stage page has no form without a partnership parameter: %v %v", action, version)
	}
	days := devFirst.Days + 4
	both.submit(html.UnescapeString(action[1]), url.Values{"version": {version[1]}, "name": {devFirst.Name}, "days": {itoa(days)},
		"urgent_days": {itoa(devFirst.UrgentDays)}, "ack_days": {itoa(devFirst.AckDays)}, "action": {"save"}}).
		expect(http.StatusOK, "Your change is saved")
	if got := env.Engine.RulesFor("devon").Protocol.Stages[0].Days; got != days {
		t.Errorf("Devon's first stage has %d days after its chosen admin's change; want %d", got, days)
	}
	if got := env.Engine.RulesFor("wiltshire").Protocol.Stages[0].Days; got != wilDays {
		t.Errorf("Wiltshire's first stage has %d days after a change to Devon's; want its own %d", got, wilDays)
	}

	// A form opened for Wiltshire, sent after choosing Devon in another
	// tab, still changes Wiltshire: each form names its partnership.
	wilFirst := env.Engine.RulesFor("wiltshire").Protocol.Stages[0]
	both.get("/web/settings/stages/"+wilFirst.Key+"?partnership=wiltshire").expect(http.StatusOK, wilFirst.Name)
	stale, staleVersion := actionRE.FindStringSubmatch(both.body), versionRE.FindStringSubmatch(both.body)
	named := partnershipFieldRE.FindStringSubmatch(both.body)
	if stale == nil || staleVersion == nil || named == nil || named[1] != "wiltshire" {
		t.Fatalf("Wiltshire's stage form does not name its partnership: %v %v %v", stale, staleVersion, named)
	}
	both.submit("/web/settings/partnership", url.Values{"partnership": {"devon"}}).expect(http.StatusOK, "0345 155 1071")
	both.submit(html.UnescapeString(stale[1]), url.Values{"version": {staleVersion[1]}, "partnership": {named[1]}, "name": {wilFirst.Name},
		"days": {itoa(wilDays + 2)}, "urgent_days": {itoa(wilFirst.UrgentDays)}, "ack_days": {itoa(wilFirst.AckDays)}, "action": {"save"}}).
		expect(http.StatusOK, "Your change is saved")
	if got := env.Engine.RulesFor("wiltshire").Protocol.Stages[0].Days; got != wilDays+2 {
		t.Errorf("Wiltshire's first stage has %d days after its own form was sent; want %d", got, wilDays+2)
	}
	if got := env.Engine.RulesFor("devon").Protocol.Stages[0].Days; got != days {
		t.Errorf("Devon's first stage has %d days after Wiltshire's form was sent; want %d", got, days)
	}
	wilDays += 2
	both.submit(html.UnescapeString(stale[1]), url.Values{"version": {staleVersion[1]}, "partnership": {"cornwall"}, "name": {wilFirst.Name},
		"days": {"9"}, "urgent_days": {itoa(wilFirst.UrgentDays)}, "ack_days": {itoa(wilFirst.AckDays)}, "action": {"save"}}).
		expect(http.StatusForbidden)

	both.get("/web/settings/partnership").expect(http.StatusOK, "Which partnership&#39;s settings?")
	for _, forged := range []string{"cornwall", "", "devon "} {
		both.submit("/web/settings/partnership", url.Values{"partnership": {forged}}).
			expect(http.StatusForbidden, "Only a partnership admin can change the settings")
	}
	both.post("/web/settings/partnership", url.Values{"partnership": {"wiltshire"}}).expect(http.StatusForbidden)
	both.get("/web/settings").expect(http.StatusOK, "0345 155 1071")
	both.get("/web/settings?partnership=wiltshire").expect(http.StatusOK, "0300 456 0108")

	wil := w.browser().signIn("wil.admin@wiltshire.example.org")
	wil.get("/web/settings").expect(http.StatusOK, "0300 456 0108")
	if strings.Contains(wil.body, "Change partnership") {
		t.Errorf("an admin of one partnership is offered a change of partnership")
	}
	wil.submit("/web/settings/partnership", url.Values{"partnership": {"devon"}}).expect(http.StatusForbidden)
	wil.get("/web/settings").expect(http.StatusOK, "0300 456 0108")
	w.browser().signIn("dev.manager@devon.example.org").get("/web/settings/partnership").expect(http.StatusForbidden)
}

// TestSettingsHostedChoiceInBrowser: in headless Chromium an admin of two
// hosted partnerships opening the settings is asked which partnership's,
// chooses Devon by its button and sees Devon's settings, with a way to
// change partnership. axe-core finds no WCAG 2.2 AA violation on either
// page.
func TestSettingsHostedChoiceInBrowser(t *testing.T) {
	w, env := serveHostedSettings(t)
	b := w.newTab(t)
	b.Open("/web/sign-in").Fill("#f-email", "both.admin@example.org").Click("form[action='/web/sign-in'] button")
	env.Settle(t)
	msgs := w.smtp.Messages()
	b.Open(linkIn(t, msgs[len(msgs)-1])).Click("form[action='/web/sign-in/link'] button").Says("Your cases")
	b.Open("/web/settings").Says("Which partnership's settings?", env.Engine.PartnershipName("wiltshire"), env.Engine.PartnershipName("devon")).
		Check("which partnership's settings")
	b.Click("input[value='devon'] ~ button").
		Says("Timescales", "0345 155 1071", "Change partnership").Check("the chosen partnership's settings")
	if b.Checked != 2 {
		t.Fatalf("axe checked %d pages, want 2", b.Checked)
	}
}
