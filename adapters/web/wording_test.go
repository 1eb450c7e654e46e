package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/config"
)

// TestWordingOverrides: a partnership's `messages:` overrides change the
// web page's wording without a change of code, in the templates (say and
// sayHTML) and in the Go code alike; the texts they give are escaped like
// any other, and a value given as HTML keeps its markup. The overrides
// belong to one server only.
func TestWordingOverrides(t *testing.T) {
	w := newWorldWith(t, bottest.Options{Configure: func(cfg *config.Config) {
		cfg.Protocol.Messages = map[string]string{
			"web.signin.intro":         "Ask for a <b>link</b> by email & use it once.",
			"web.layout.skip":          "Jump to the page",
			"web.signin.email.missing": "Type the email address your agency gave you",
			"web.checkemail.sent":      "<i>We</i> have emailed {email} if it is an address we know.",
			"web.home.title":           "Cases for you",
		}
	}})
	b := w.browser()
	b.get("/web/sign-in").expect(http.StatusOK, "Ask for a &lt;b&gt;link&lt;/b&gt; by email &amp; use it once.", ">Jump to the page<")
	for _, old := range []string{"We will email you a link", "Skip to main content"} {
		if strings.Contains(b.body, old) {
			t.Errorf("the sign-in page still says %q", old)
		}
	}
	b.submit("/web/sign-in", url.Values{"email": {""}}).
		expect(http.StatusBadRequest, "<title>Error: Sign in – resolvebot</title>", "Type the email address your agency gave you")
	if strings.Contains(b.body, "Enter your work email address") {
		t.Error("the sign-in error is still the catalogue's")
	}
	b.submit("/web/sign-in", url.Values{"email": {samEmail}}).
		expect(http.StatusOK, "&lt;i&gt;We&lt;/i&gt; have emailed <strong>"+samEmail+"</strong> if it is an address we know.")
	b.signIn(samEmail).expect(http.StatusOK, `<h1 class="govuk-heading-l">Cases for you</h1>`, "<title>Cases for you – resolvebot</title>")

	// Each server has its own wording: one built later on the defaults
	// says the catalogue's texts.
	plain := newWorld(t).browser()
	plain.get("/web/sign-in").expect(http.StatusOK, "Skip to main content", "We will email you a link to sign in.")
}
