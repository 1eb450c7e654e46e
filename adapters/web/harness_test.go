package web_test

import (
	"bytes"
	"context"
	"flag"
	"html"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/adapters/email"
	"github.com/resolvebot/resolvebot/adapters/email/smtptest"
	"github.com/resolvebot/resolvebot/adapters/web"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// The people of the tests: Sam raises, the GP (known only by email)
// answers, and Robin is on no case.
const (
	samEmail   = "sam.patel@school.example.org"
	gpEmail    = "dr.jones@gp.example.nhs.uk"
	robinEmail = "robin.hart@council.example.org"
)

// world is the bot with its web page on a local server, emailing through a
// real SMTP server in the test.
type world struct {
	t      *testing.T
	env    *bottest.Env
	smtp   *smtptest.Server
	web    *web.Server
	srv    *httptest.Server
	sam    string
	gp     string
	robin  string
	sender *email.Sender
}

func newWorld(t *testing.T) *world {
	t.Helper()
	return newWorldWith(t, bottest.Options{})
}

// newWorldWith is newWorld with the bot built from opts.
func newWorldWith(t *testing.T, opts bottest.Options) *world {
	t.Helper()
	env := bottest.New(t, opts)
	s := smtptest.New(t, smtptest.Options{User: "bot", Password: "secret"})
	w := &world{t: t, env: env, smtp: s}
	mux := http.NewServeMux()
	w.srv = httptest.NewServer(mux)
	t.Cleanup(w.srv.Close)
	sender, err := email.New(env.Store, env.Router.Cards, email.Options{Host: s.Host, Port: s.Port, RootCAs: s.RootCAs,
		User: "bot", Password: "secret", From: "resolvebot@partnership.example.org", BaseURL: w.srv.URL,
		Timeout: 5 * time.Second, Now: env.Clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	w.sender = sender
	env.Dispatcher.Register(env.Inbox)
	env.Dispatcher.Register(sender)
	w.web = web.New(web.Options{Router: env.Router, Store: env.Store, Mailer: sender, BaseURL: w.srv.URL, Now: env.Clock.Now})
	env.Worker.SignIn = w.web.SendSignIn
	w.web.Mount(mux)
	w.sam = env.Person(t, samEmail, "Sam Patel", "school", "")
	per, err := env.People.Resolve(context.Background(), gpEmail) // known by email only
	if err != nil {
		t.Fatal(err)
	}
	w.gp = per.ID
	w.robin = env.Person(t, robinEmail, "Robin Hart", "police", "")
	return w
}

// raise opens a case by Sam against the GP and delivers what it causes.
func (w *world) raise() *conversation.Case {
	w.t.Helper()
	res, err := w.env.Engine.Raise(context.Background(), w.sam, bottest.Intake(w.gp, "school", "health-visiting"))
	if err != nil {
		w.t.Fatal(err)
	}
	w.env.Settle(w.t)
	return res.Case
}

// browser is one person's browser: its own cookies, following redirects.
type browser struct {
	w      *world
	client *http.Client
	// last is the last page's body and status, and where it ended up.
	body   string
	status int
	url    string
}

func (w *world) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{w: w, client: &http.Client{Jar: jar, Timeout: 10 * time.Second}}
}

func (b *browser) do(req *http.Request) *browser {
	b.w.t.Helper()
	resp, err := b.client.Do(req)
	if err != nil {
		b.w.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	b.body, b.status, b.url = string(body), resp.StatusCode, resp.Request.URL.String()
	return b
}

// get opens a path (or a full URL).
func (b *browser) get(path string) *browser {
	b.w.t.Helper()
	if strings.HasPrefix(path, "/") {
		path = b.w.srv.URL + path
	}
	req, _ := http.NewRequest(http.MethodGet, path, nil)
	return b.do(req)
}

// post submits a form to path with values as they are (no CSRF token
// added).
func (b *browser) post(path string, values url.Values) *browser {
	b.w.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.w.srv.URL+path, strings.NewReader(values.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// htmlUnescape reads an attribute value as the browser would.
func htmlUnescape(s string) string { return html.UnescapeString(s) }

var nextRE = regexp.MustCompile(`name="next" value="([^"]+)"`)

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf is the CSRF token of the last page's forms.
func (b *browser) csrf() string {
	b.w.t.Helper()
	m := csrfRE.FindStringSubmatch(b.body)
	if m == nil {
		b.w.t.Fatalf("no CSRF token on %s:\n%s", b.url, b.body)
	}
	return m[1]
}

// submit posts values to path with the last page's CSRF token.
func (b *browser) submit(path string, values url.Values) *browser {
	b.w.t.Helper()
	if values == nil {
		values = url.Values{}
	}
	values.Set("csrf", b.csrf())
	return b.post(path, values)
}

// expect fails unless the last page has status and holds every text.
func (b *browser) expect(status int, texts ...string) *browser {
	b.w.t.Helper()
	if b.status != status {
		b.w.t.Fatalf("%s: status %d, want %d:\n%s", b.url, b.status, status, b.body)
	}
	for _, s := range texts {
		if !strings.Contains(b.body, s) {
			b.w.t.Fatalf("%s does not say %q:\n%s", b.url, s, b.body)
		}
	}
	return b
}

// cookie returns the browser's cookie name for the web page, or nil.
func (b *browser) cookie(name string) *http.Cookie {
	u, _ := url.Parse(b.w.srv.URL + "/web/")
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// askLink asks for a sign-in link for addr and returns the link emailed,
// or "" when no email came.
func (b *browser) askLink(addr string) string {
	b.w.t.Helper()
	before := len(b.w.smtp.Messages())
	if !strings.Contains(b.url, "/web/sign-in?") {
		b.get("/web/sign-in")
	}
	b.expect(http.StatusOK, "Sign in")
	v := url.Values{"email": {addr}}
	if m := nextRE.FindStringSubmatch(b.body); m != nil {
		v.Set("next", html.UnescapeString(m[1]))
	}
	b.submit("/web/sign-in", v).expect(http.StatusOK, "Check your email")
	b.w.env.Settle(b.w.t)
	msgs := b.w.smtp.Messages()
	if len(msgs) == before {
		return ""
	}
	return linkIn(b.w.t, msgs[len(msgs)-1])
}

// signIn signs the browser in as addr through an emailed link.
func (b *browser) signIn(addr string) *browser {
	b.w.t.Helper()
	link := b.askLink(addr)
	if link == "" {
		b.w.t.Fatalf("no sign-in email for %s", addr)
	}
	b.get(link).expect(http.StatusOK, "Continue")
	return b.submit("/web/sign-in/link", url.Values{"t": {token(b.w.t, link)}})
}

var linkRE = regexp.MustCompile(`https?://\S+/web/sign-in/link\?t=[A-Za-z0-9_-]+`)

// linkIn returns the sign-in link in an email's plain-text part.
func linkIn(t *testing.T, m smtptest.Message) string {
	t.Helper()
	text := textPart(t, m)
	l := linkRE.FindString(text)
	if l == "" {
		t.Fatalf("no sign-in link in:\n%s", text)
	}
	return l
}

// token is the t parameter of a sign-in link.
func token(t *testing.T, link string) string {
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("t")
}

// textPart decodes an email's plain-text part.
func textPart(t *testing.T, m smtptest.Message) string {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatal(err)
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if err != nil {
			t.Fatalf("no plain-text part: %v", err)
		}
		if ct, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type")); ct == "text/plain" {
			b, _ := io.ReadAll(part)
			return string(b)
		}
	}
}
