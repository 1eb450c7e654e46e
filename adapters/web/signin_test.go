package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/adapters/web"
	"github.com/resolvebot/resolvebot/conversation"
)

// TestSignInByLinkAndAct: the GP, known only by email, opens the case page
// from their email, is asked to sign in, gets a link, presses Continue,
// lands on the case and acknowledges it.
func TestSignInByLinkAndAct(t *testing.T) {
	w := newWorld(t)
	c := w.raise()
	gp := w.browser()
	gp.get("/web/cases/"+c.ID).expect(http.StatusOK, "Sign in", "Work email address")
	if !strings.Contains(gp.url, "next=%2Fweb%2Fcases%2F"+c.ID) {
		t.Fatalf("sign-in page %s does not lead back to the case", gp.url)
	}
	link := gp.askLink(gpEmail)
	if link == "" {
		t.Fatal("no sign-in email")
	}
	gp.get(link).expect(http.StatusOK, "Continue", gpEmail)
	gp.submit("/web/sign-in/link", url.Values{"t": {token(t, link)}}).expect(http.StatusOK, c.ID, "Acknowledge", "CSC-204913")
	if !strings.HasSuffix(gp.url, "/web/cases/"+c.ID) {
		t.Fatalf("after sign-in the GP is at %s, want the case page", gp.url)
	}
	s := gp.cookie("resolvebot_session")
	if s == nil {
		t.Fatal("no session cookie")
	}
	gp.submit("/web/cases/"+c.ID+"/acknowledge", url.Values{"version": {"1"}}).
		expect(http.StatusOK, "You acknowledged "+c.ID)
	got, err := w.env.Store.GetCase(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Current().Acknowledged() || got.Current().AcknowledgedBy != w.gp {
		t.Fatalf("the case is not acknowledged by the GP: %+v", got.Current())
	}
	// Reloading the page after the step shows the case, and says nothing twice.
	gp.get("/web/cases/"+c.ID).expect(http.StatusOK, c.ID)
	if strings.Contains(gp.body, "You acknowledged") {
		t.Fatal("the confirmation shows again on reload")
	}
}

// TestSignInLinksRefused: links that are expired, used, tampered with or
// someone else's sign nobody in; opening a link (GET) changes nothing.
func TestSignInLinksRefused(t *testing.T) {
	tests := []struct {
		name string
		// use does something with a fresh link for the GP and returns the
		// browser whose last page is the answer.
		use    func(w *world, link string) *browser
		status int
		says   string
	}{
		{"expired", func(w *world, link string) *browser {
			w.env.Clock.Advance(web.LinkTTL + time.Second)
			b := w.browser()
			b.get(link).expect(http.StatusGone)
			b.get("/web/sign-in")
			return b.submit("/web/sign-in/link", url.Values{"t": {token(w.t, link)}})
		}, http.StatusGone, "This sign-in link does not work"},
		{"reused", func(w *world, link string) *browser {
			first := w.browser()
			first.get(link)
			first.submit("/web/sign-in/link", url.Values{"t": {token(w.t, link)}}).expect(http.StatusOK, "Your cases")
			second := w.browser()
			second.get(link).expect(http.StatusGone)
			second.get("/web/sign-in")
			return second.submit("/web/sign-in/link", url.Values{"t": {token(w.t, link)}})
		}, http.StatusGone, "It may have been used already"},
		{"tampered", func(w *world, link string) *browser {
			tok := token(w.t, link)
			bad := tok[:10] + string(flip(tok[10])) + tok[11:]
			b := w.browser()
			b.get("/web/sign-in/link?t=" + bad).expect(http.StatusGone)
			b.get("/web/sign-in")
			return b.submit("/web/sign-in/link", url.Values{"t": {bad}})
		}, http.StatusGone, "This sign-in link does not work"},
		{"someone else signed in", func(w *world, link string) *browser {
			sam := w.browser().signIn(samEmail)
			sam.get(link).expect(http.StatusConflict, "You are signed in as Sam Patel", "this link is for "+gpEmail)
			sam.get("/web/sign-in/link?t=" + url.QueryEscape(token(w.t, link)))
			return sam.submit("/web/sign-in/link", url.Values{"t": {token(w.t, link)}})
		}, http.StatusConflict, "This link signs in someone else"},
		{"CSRF missing", func(w *world, link string) *browser {
			b := w.browser()
			b.get(link)
			return b.post("/web/sign-in/link", url.Values{"t": {token(w.t, link)}})
		}, http.StatusForbidden, "This form has expired"},
		{"CSRF wrong", func(w *world, link string) *browser {
			b := w.browser()
			b.get(link)
			return b.post("/web/sign-in/link", url.Values{"t": {token(w.t, link)}, "csrf": {strings.Repeat("x", 43)}})
		}, http.StatusForbidden, "This form has expired"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			link := w.browser().askLink(gpEmail)
			b := tc.use(w, link)
			b.expect(tc.status, tc.says)
			if c := b.cookie("resolvebot_session"); c != nil && tc.name != "someone else signed in" {
				t.Fatalf("a refused link left a session cookie")
			}
			b.get("/web/").expect(http.StatusOK)
			if tc.name != "someone else signed in" && !strings.Contains(b.body, "Work email address") {
				t.Fatalf("after a refused link the browser is signed in:\n%s", b.body)
			}
			if tc.name == "someone else signed in" && !strings.Contains(b.body, "Sign out <span class=\"govuk-visually-hidden\">Sam Patel") {
				t.Fatalf("Sam is no longer Sam:\n%s", b.body)
			}
			// A refusal that used nothing leaves the link working for the GP.
			if tc.name != "expired" && tc.name != "reused" {
				gp := w.browser()
				gp.get(link).expect(http.StatusOK, "Continue")
				gp.submit("/web/sign-in/link", url.Values{"t": {token(t, link)}}).expect(http.StatusOK, "Waiting on you")
			}
		})
	}
}

// rateWindow is the window of the sign-in rate limits.
const rateWindow = 15 * time.Minute

// flip changes one character of a token to another valid one.
func flip(c byte) byte {
	if c == 'A' {
		return 'B'
	}
	return 'A'
}

// TestOpeningALinkChangesNothing: a mail scanner opening the link any
// number of times neither signs in nor uses it up.
func TestOpeningALinkChangesNothing(t *testing.T) {
	w := newWorld(t)
	link := w.browser().askLink(gpEmail)
	scanner := w.browser()
	for range 3 {
		scanner.get(link).expect(http.StatusOK, "Continue")
		if scanner.cookie("resolvebot_session") != nil {
			t.Fatal("opening the link set a session cookie")
		}
		scanner.get("/web/").expect(http.StatusOK, "Work email address")
	}
	gp := w.browser()
	gp.get(link).expect(http.StatusOK, "Continue")
	gp.submit("/web/sign-in/link", url.Values{"t": {token(t, link)}}).expect(http.StatusOK, "Waiting on you")
}

// TestSignInAnswerSaysNothingOfTheAddress: a known and an unknown address
// get the same page; only the known one gets an email.
func TestSignInAnswerSaysNothingOfTheAddress(t *testing.T) {
	w := newWorld(t)
	b := w.browser()
	if l := b.askLink("nobody@example.org"); l != "" {
		t.Fatalf("an unknown address got a link: %s", l)
	}
	unknown := strings.ReplaceAll(b.body, "nobody@example.org", "ADDRESS")
	if l := b.askLink(gpEmail); l == "" {
		t.Fatal("a known address got no link")
	}
	known := strings.ReplaceAll(b.body, gpEmail, "ADDRESS")
	if unknown != known {
		t.Fatalf("the answers differ:\nunknown:\n%s\nknown:\n%s", unknown, known)
	}
}

// TestSignInRateLimited: a fourth request for one address within the
// window is refused without an email; so is an eleventh from one client.
func TestSignInRateLimited(t *testing.T) {
	w := newWorld(t)
	b := w.browser()
	for i := range 3 {
		if b.askLink(gpEmail) == "" {
			t.Fatalf("request %d got no email", i+1)
		}
	}
	before := len(w.smtp.Messages())
	b.get("/web/sign-in")
	b.submit("/web/sign-in", url.Values{"email": {gpEmail}}).expect(http.StatusTooManyRequests, "Too many requests")
	w.env.Settle(t)
	if len(w.smtp.Messages()) != before {
		t.Fatal("a refused request sent an email")
	}
	for i := range 6 {
		b.get("/web/sign-in")
		b.submit("/web/sign-in", url.Values{"email": {"someone" + string(rune('a'+i)) + "@example.org"}}).expect(http.StatusOK)
	}
	b.get("/web/sign-in")
	b.submit("/web/sign-in", url.Values{"email": {samEmail}}).expect(http.StatusTooManyRequests)
	w.env.Clock.Advance(16 * time.Minute)
	if b.askLink(samEmail) == "" {
		t.Fatal("after the window Sam got no link")
	}
}

// TestCSRF: a step posted without the session's token, or with a wrong
// one, is refused and changes nothing; so is a request for a link.
func TestCSRF(t *testing.T) {
	w := newWorld(t)
	c := w.raise()
	gp := w.browser().signIn(gpEmail)
	for _, tc := range []struct {
		name string
		csrf []string
	}{{"missing", nil}, {"wrong", []string{strings.Repeat("A", 43)}}, {"empty", []string{""}}} {
		v := url.Values{"version": {"1"}}
		if tc.csrf != nil {
			v["csrf"] = tc.csrf
		}
		gp.post("/web/cases/"+c.ID+"/acknowledge", v).expect(http.StatusForbidden, "This form has expired", "Nothing was changed")
		got, _ := w.env.Store.GetCase(context.Background(), c.ID)
		if got.Version != c.Version || got.Current().Acknowledged() {
			t.Fatalf("%s token: the case changed (version %d)", tc.name, got.Version)
		}
	}
	anon := w.browser()
	anon.get("/web/sign-in")
	before := len(w.smtp.Messages())
	anon.post("/web/sign-in", url.Values{"email": {gpEmail}}).expect(http.StatusForbidden)
	w.env.Settle(t)
	if len(w.smtp.Messages()) != before {
		t.Fatal("a sign-in request without a token sent an email")
	}
}

// TestAnotherPersonsCaseRefused: Robin, on no case, is refused the case
// page (403), and the refusal is in the case's access log; the GP's view
// is logged too.
func TestAnotherPersonsCaseRefused(t *testing.T) {
	w := newWorld(t)
	c := w.raise()
	robin := w.browser().signIn(robinEmail)
	robin.get("/web/cases/"+c.ID).expect(http.StatusForbidden, "You cannot see this case")
	if strings.Contains(robin.body, "CSC-204913") || strings.Contains(robin.body, "hungry") {
		t.Fatal("the refusal shows the case")
	}
	robin.get("/web/cases/CR-2026-9999").expect(http.StatusForbidden, "You cannot see this case")
	gp := w.browser().signIn(gpEmail)
	gp.get("/web/cases/"+c.ID).expect(http.StatusOK, "CSC-204913")
	log, err := w.env.Store.AuditLog(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var refused, viewed bool
	for _, r := range log {
		refused = refused || (r.Kind == conversation.EventAccessRefused && r.Actor == w.robin)
		viewed = viewed || (r.Kind == conversation.EventViewed && r.Actor == w.gp)
	}
	if !refused || !viewed {
		t.Fatalf("access log %+v: Robin's refusal recorded %v, the GP's view %v", log, refused, viewed)
	}
}

// TestSessionCookie: the session cookie is HttpOnly, SameSite=Lax, limited
// to /web/, Secure except on loopback, and lapses after 8 idle hours.
func TestSessionCookie(t *testing.T) {
	w := newWorld(t)
	csrf := w.browser().get("/web/sign-in").csrf()
	public := web.New(web.Options{Router: w.env.Router, Store: w.env.Store, Mailer: w.sender, BaseURL: "https://resolve.example.org", Now: w.env.Clock.Now})
	for _, tc := range []struct {
		name   string
		srv    *web.Server
		host   string
		secure bool
	}{
		{"a local try-out on http://127.0.0.1", w.web, "127.0.0.1", false},
		{"served at https://resolve.example.org", public, "resolve.example.org", true},
		{"behind a proxy that passes a loopback Host", public, "127.0.0.1:3978", true},
	} {
		// The cookie jar hides attributes, so read the Set-Cookie header.
		l := w.browser().askLink(gpEmail)
		req := httptest.NewRequest(http.MethodPost, "http://"+tc.host+"/web/sign-in/link",
			strings.NewReader(url.Values{"t": {token(t, l)}, "csrf": {csrf}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: "resolvebot_csrf", Value: csrf})
		rec := httptest.NewRecorder()
		tc.srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("%s: status %d: %s", tc.name, rec.Code, rec.Body)
		}
		sc := rec.Header().Get("Set-Cookie")
		for _, want := range []string{"resolvebot_session=", "Path=/web/", "HttpOnly", "SameSite=Lax"} {
			if !strings.Contains(sc, want) {
				t.Fatalf("%s: Set-Cookie %q lacks %s", tc.name, sc, want)
			}
		}
		if strings.Contains(sc, "Secure") != tc.secure {
			t.Fatalf("%s: Set-Cookie %q, want Secure %v", tc.name, sc, tc.secure)
		}
	}
	w.env.Clock.Advance(rateWindow)
	gp := w.browser().signIn(gpEmail).expect(http.StatusOK, "Waiting on you")
	w.env.Clock.Advance(7 * time.Hour)
	gp.get("/web/").expect(http.StatusOK, "Waiting on you") // in use: moved on
	w.env.Clock.Advance(7 * time.Hour)
	gp.get("/web/").expect(http.StatusOK, "Waiting on you")
	w.env.Clock.Advance(web.SessionIdle + time.Minute)
	gp.get("/web/").expect(http.StatusOK, "Work email address")
}

// TestCrossOriginPostRefused: a POST a browser says came from another
// site is refused before it reaches the form, even with the right token.
func TestCrossOriginPostRefused(t *testing.T) {
	w := newWorld(t)
	c := w.raise()
	gp := w.browser().signIn(gpEmail)
	v := url.Values{"csrf": {gp.csrf()}, "version": {"1"}}
	req, _ := http.NewRequest(http.MethodPost, w.srv.URL+"/web/cases/"+c.ID+"/acknowledge", strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	gp.do(req).expect(http.StatusForbidden, "Nothing was changed")
	got, _ := w.env.Store.GetCase(context.Background(), c.ID)
	if got.Current().Acknowledged() {
		t.Fatal("a cross-site POST acknowledged the case")
	}
}
