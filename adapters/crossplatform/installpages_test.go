package crossplatform_test

import (
	"context"
	"flag"
	"testing"

	slackadapter "github.com/resolvebot/resolvebot/adapters/slack"
	"github.com/resolvebot/resolvebot/adapters/web/webtest"
)

var screenshots = flag.String("screenshots", "", "write a PNG of every page the browser tests check to this directory")

// TestInstallPagesAccessible walks Slack's install pages in headless
// Chromium, as the web page's pages are walked: the "Add to Slack" page,
// the page after an install, after a Cancel in Slack and after a refused
// state. Each passes axe-core (WCAG 2.2 AA), has one h1 and the web page's
// look (its stylesheet loaded under the pages' policy, no inline style),
// and its button is a link reached by the keyboard.
func TestInstallPagesAccessible(t *testing.T) {
	w := newWorkspaces(t)
	b := webtest.New(t, w.site.URL)
	b.Screenshots = *screenshots
	look := func(name string) {
		t.Helper()
		got := webtest.Eval[map[string]any](b, `({h1: document.querySelectorAll("h1").length, lang: document.documentElement.lang,
			sheets: document.styleSheets.length, inline: document.querySelectorAll("style,[style]").length,
			rules: document.styleSheets.length ? document.styleSheets[0].cssRules.length : 0,
			header: getComputedStyle(document.querySelector("header")).backgroundColor})`)
		if got["h1"] != 1.0 || got["lang"] != "en-GB" || got["sheets"] != 1.0 || got["inline"] != 0.0 ||
			got["rules"].(float64) < 50 || got["header"] != "rgb(11, 12, 12)" {
			t.Errorf("%s: not the web page's look: %v", name, got)
		}
	}
	button := func(name, label string) {
		t.Helper()
		got := webtest.Eval[map[string]any](b, `(a => a ? {tag: a.tagName, text: a.textContent, href: a.getAttribute("href"),
			bg: getComputedStyle(a).backgroundColor} : {})(document.querySelector("main a.govuk-button"))`)
		if got["tag"] != "A" || got["text"] != label || got["href"] == "" || got["bg"] != "rgb(0, 112, 60)" {
			t.Errorf("%s: the button is %v, want a green link %q", name, got, label)
		}
	}

	b.Open(slackadapter.InstallPath).Says("Add the bot to your Slack workspace", "Add to Slack").Check("install page")
	look("install page")
	button("install page", "Add to Slack")
	b.TabTo("Skip to main content")
	b.TabTo("Add to Slack")

	w.fake.Approve(schools)
	b.Click("main a.govuk-button").Says("The bot is installed", "The bot is now in Schools").Check("installed")
	look("installed")

	b.Open(slackadapter.InstallPath)
	w.fake.Deny()
	b.Click("main a.govuk-button").Says("Nothing was installed", "cancelled").Check("cancelled")
	look("cancelled")
	button("cancelled", "Start again")
	b.Click("main a.govuk-button").Says("Add to Slack")

	b.Open(slackadapter.RedirectPath+"?code=code-9").Says("Nothing was installed", "not made by this bot").Check("refused")
	look("refused")
	button("refused", "Start again")

	if all, _ := w.env.Store.SlackInstallations(context.Background()); len(all) != 1 {
		t.Errorf("installs: %d, want the one approved", len(all))
	}
	if b.Checked != 4 {
		t.Fatalf("checked %d pages, want 4", b.Checked)
	}
}
