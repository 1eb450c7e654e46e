// Package web is resolvebot's web page, served under /web/ on the public
// listener: sign-in by a link emailed to the address on record (or,
// optionally, through the organisation's OpenID Connect provider), the
// cases waiting on the person and the rest of their cases, a case page with
// the same facts, timeline and steps as the chat card, raising a
// disagreement, and the person's profile. Pages are rendered on the server
// with html/template in the GOV.UK Design System's patterns and work
// without JavaScript. Every step goes through bot.Router, so rights,
// validation and the record are exactly those of chat.
//
// A GET never changes anything (mail scanners open every link): a sign-in
// link opens a page with a Continue button, and only its POST signs in.
// Every form carries a CSRF token.
package web

import (
	"context"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// Prefix is the path every page lives under.
const Prefix = "/web/"

// Mailer sends a sign-in link to a person by email.
type Mailer interface {
	// SendSignIn emails link to the person's address on record, saying it
	// works once and until expires. It returns an error when the mail relay
	// does not take the email.
	SendSignIn(ctx context.Context, to *conversation.Person, link string, expires time.Time) error
}

// Options configure the web page.
type Options struct {
	Router *bot.Router
	Store  conversation.Store
	Mailer Mailer
	// BaseURL is the bot's public address (https://…, email.base_url);
	// sign-in links start with it, so none are sent without it.
	BaseURL string
	// Service names the service in every page's header (default
	// "resolvebot").
	Service string
	// ClientIP returns the client of a request for the per-client rate
	// limit (default: the remote address).
	ClientIP func(*http.Request) string
	// OIDC, when set, offers sign-in through an OpenID Connect provider.
	OIDC *OIDC
	// Settings, when set, gives partnership admins the settings pages.
	Settings SettingsEditor
	// SettingsFor, when set on a deployment hosting several partnerships
	// (Settings nil), returns the settings of each partnership person is
	// a partnership admin of, in the order hosted; the settings pages
	// change those only.
	SettingsFor func(ctx context.Context, person string) ([]PartnershipSettings, error)
	Now         func() time.Time
	Log         *slog.Logger
}

// Server serves the web page. Build it with New.
type Server struct {
	opts  Options
	pages *template.Template
	mux   http.Handler
}

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// New returns the web page over the router. It panics only if the
// embedded templates do not parse, which the tests rule out.
func New(opts Options) *Server {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.Service == "" {
		opts.Service = "resolvebot"
	}
	if opts.ClientIP == nil {
		opts.ClientIP = remoteIP
	}
	opts.BaseURL = strings.TrimRight(opts.BaseURL, "/")
	s := &Server{opts: opts, pages: template.Must(baseTemplates().Clone()).Funcs(templateFuncs(opts.Router.Cards))}
	s.routes()
	return s
}

// baseTemplates are the embedded templates, parsed once; each Server
// clones them with its own wording (templateFuncs).
var baseTemplates = sync.OnceValue(parseTemplates)

// parseTemplates parses the embedded templates with funcs.
func parseTemplates() *template.Template {
	return template.Must(template.New("").Funcs(funcs).ParseFS(templateFiles, "templates/*.html"))
}

// ServeHTTP implements http.Handler for everything under Prefix.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'"+s.opts.OIDC.formOrigin()+"; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	s.mux.ServeHTTP(w, r)
}

// Mount adds the web page to mux under Prefix.
func (s *Server) Mount(mux *http.ServeMux) { mux.Handle(Prefix, s) }

func (s *Server) routes() {
	m := http.NewServeMux()
	m.Handle("GET "+StaticPrefix, Static())
	m.HandleFunc("GET /web/{$}", s.signedIn(s.home))
	m.HandleFunc("GET /web/sign-in", s.signInPage)
	m.HandleFunc("POST /web/sign-in", s.signInRequest)
	m.HandleFunc("GET /web/sign-in/link", s.linkPage)
	m.HandleFunc("POST /web/sign-in/link", s.linkContinue)
	m.HandleFunc("POST /web/sign-out", s.signOut)
	m.HandleFunc("POST /web/sign-in/oidc", s.oidcStart)
	m.HandleFunc("GET /web/sign-in/oidc/callback", s.oidcCallback)
	m.HandleFunc("POST /web/sign-in/oidc/callback", s.oidcFinish)
	m.HandleFunc("GET /web/cases/{id}", s.signedIn(s.casePage))
	m.HandleFunc("GET /web/cases/{id}/{verb}", s.signedIn(s.stepPage))
	m.HandleFunc("POST /web/cases/{id}/{verb}", s.signedIn(s.stepPost))
	m.HandleFunc("GET /web/raise", s.signedIn(s.raisePage))
	m.HandleFunc("POST /web/raise", s.signedIn(s.raisePost))
	m.HandleFunc("POST /web/raise/send", s.signedIn(s.raiseSend))
	m.HandleFunc("GET /web/profile", s.signedIn(s.profilePage))
	m.HandleFunc("POST /web/profile", s.signedIn(s.profilePost))
	m.HandleFunc("GET /web/dashboard", s.signedIn(s.dashboard))
	m.HandleFunc("GET /web/dashboard/cases", s.signedIn(s.dashCases))
	m.HandleFunc("GET /web/dashboard/cases.csv", s.signedIn(s.dashCases))
	m.HandleFunc("GET /web/dashboard/cases.pdf", s.signedIn(s.dashCases))
	m.HandleFunc("GET /web/dashboard/attention", s.signedIn(s.dashAttention))
	m.HandleFunc("GET /web/dashboard/attention.csv", s.signedIn(s.dashAttention))
	m.HandleFunc("GET /web/dashboard/attention.pdf", s.signedIn(s.dashAttention))
	m.HandleFunc("GET /web/dashboard/downloads", s.signedIn(s.dashDownloadLog))
	m.HandleFunc("POST /web/dashboard/partnership", s.signedIn(s.chooseDashPartnership))
	m.HandleFunc("GET /web/dashboard/{file}", s.signedIn(s.dashDownload))
	s.settingsRoutes(m)
	m.HandleFunc("/web/", s.notFound)
	// Besides each form's CSRF token, a browser's cross-origin POST is
	// refused outright (Sec-Fetch-Site, Origin).
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.problem(w, r, nil, http.StatusForbidden, s.words().Say("web.expired.title", nil), s.words().Say("web.expired.nothing_changed", nil))
	}))
	s.mux = cop.Handler(m)
}

// StaticPrefix is where the web page's static files are served, and
// StylesheetPath its stylesheet, which other pages of the bot (Slack's
// install pages) link to look the same.
const (
	StaticPrefix   = Prefix + "static/"
	StylesheetPath = StaticPrefix + "style.css"
)

// Static returns the handler for GET StaticPrefix: the embedded
// stylesheet, cached for a day. The web page serves it itself (Mount);
// the composition root mounts it alone when other pages link it and the
// web page is off. It answers 404 for a file it does not have.
func Static() http.Handler {
	static, _ := fs.Sub(staticFiles, "static")
	fh := http.StripPrefix(StaticPrefix, http.FileServerFS(static))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		fh.ServeHTTP(w, r)
	})
}

// remoteIP is the request's remote IP address.
func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// secure reports whether cookies get the Secure attribute: always, except
// when the bot's own address (BaseURL) is plain http on loopback, a local
// try-out. The request's Host is not trusted for this: a reverse proxy on
// the same machine may pass on a loopback Host.
func (s *Server) secure(r *http.Request) bool {
	if s.opts.BaseURL == "" {
		return !loopback(r.Host) || r.TLS != nil
	}
	u, err := url.Parse(s.opts.BaseURL)
	return err != nil || u.Scheme != "http" || !loopback(u.Host)
}

// loopback reports whether host (with or without a port) is a loopback
// name or address.
func loopback(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}
