package slack

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// InstallPath is the "Add to Slack" page; RedirectPath is where Slack
// sends the person back after they approve (or cancel) an install.
const (
	InstallPath  = "/slack/install"
	RedirectPath = "/slack/oauth_redirect"
)

// stateCookie binds an install's state to the browser that started it.
const stateCookie = "rb_slack_install"

// A state is "v1.<payload>.<mac>": payload is 16 random bytes and the
// expiry (Unix seconds, 8 bytes big-endian), mac its HMAC-SHA256 under a
// key derived from the client secret, both base64url. It is single use:
// the redirect remembers each payload it takes (Store.Remember) until long
// after it expires.

var (
	errStateBad     = errors.New("state forged or damaged")
	errStateExpired = errors.New("state expired")
	errStateUsed    = errors.New("state used before")
	errStateBrowser = errors.New("state from another browser")
)

// stateKey is the key states are signed with.
func (in *installs) stateKey() []byte {
	m := hmac.New(sha256.New, []byte(in.opts.ClientSecret))
	m.Write([]byte("resolvebot slack install state v1"))
	return m.Sum(nil)
}

// newState returns a fresh state good until now+StateTTL.
func (in *installs) newState(now time.Time) (string, error) {
	payload := make([]byte, 24)
	if _, err := rand.Read(payload[:16]); err != nil {
		return "", err
	}
	binary.BigEndian.PutUint64(payload[16:], uint64(now.Add(in.opts.StateTTL).Unix()))
	m := hmac.New(sha256.New, in.stateKey())
	m.Write(payload)
	enc := base64.RawURLEncoding
	return "v1." + enc.EncodeToString(payload) + "." + enc.EncodeToString(m.Sum(nil)), nil
}

// checkState returns the payload of a state this bot signed and that has
// not expired at now. Returns errStateBad or errStateExpired otherwise.
func (in *installs) checkState(state string, now time.Time) ([]byte, error) {
	parts := strings.Split(state, ".")
	if len(parts) != 3 || parts[0] != "v1" {
		return nil, errStateBad
	}
	enc := base64.RawURLEncoding
	payload, err1 := enc.DecodeString(parts[1])
	mac, err2 := enc.DecodeString(parts[2])
	if err1 != nil || err2 != nil || len(payload) != 24 {
		return nil, errStateBad
	}
	m := hmac.New(sha256.New, in.stateKey())
	m.Write(payload)
	if !hmac.Equal(mac, m.Sum(nil)) {
		return nil, errStateBad
	}
	if exp := time.Unix(int64(binary.BigEndian.Uint64(payload[16:])), 0); !now.Before(exp) {
		return nil, errStateExpired
	}
	return payload, nil
}

// authorizeURL is Slack's consent page for an install with state.
func (in *installs) authorizeURL(state string) string {
	q := url.Values{"client_id": {in.opts.ClientID}, "scope": {strings.Join(BotScopes, ",")},
		"redirect_uri": {in.opts.RedirectURL}, "state": {state}}
	sep := "?"
	if strings.Contains(in.opts.AuthorizeURL, "?") {
		sep = "&"
	}
	return in.opts.AuthorizeURL + sep + q.Encode()
}

// InstallHandler returns the handler for GET InstallPath: a page with an
// "Add to Slack" button, which takes whoever may add apps to their
// workspace to Slack's consent page with a signed state good for
// StateTTL, also set as a cookie so that only this browser can finish the
// install. It stores nothing. Returns an error with a single bot token.
func (a *Adapter) InstallHandler() (http.Handler, error) {
	if a.installs == nil {
		return nil, errors.New("slack: the install page needs installs (SLACK_CLIENT_ID)")
	}
	return http.HandlerFunc(a.serveInstall), nil
}

// RedirectHandler returns the handler for GET RedirectPath: it refuses a
// state that is forged, expired, used before or from another browser,
// with a page saying so and nothing installed; otherwise it exchanges the
// code with oauth.v2.access and stores the install (its bot token
// sealed), replacing the workspace's earlier one. Returns an error with a
// single bot token.
func (a *Adapter) RedirectHandler() (http.Handler, error) {
	if a.installs == nil {
		return nil, errors.New("slack: the OAuth redirect needs installs (SLACK_CLIENT_ID)")
	}
	return http.HandlerFunc(a.serveRedirect), nil
}

func (a *Adapter) serveInstall(w http.ResponseWriter, r *http.Request) {
	state, err := a.installs.newState(a.opts.Now())
	if err != nil {
		a.log.Error("slack install: make state failed", "err", err)
		a.installPage(w, http.StatusInternalServerError, "install.failed.title", "install.failed", "")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: stateCookie, Value: state, Path: "/slack/", MaxAge: int(a.installs.opts.StateTTL.Seconds()),
		HttpOnly: true, Secure: strings.HasPrefix(a.installs.opts.RedirectURL, "https:"), SameSite: http.SameSiteLaxMode})
	a.installPage(w, http.StatusOK, "install.page.title", "install.page.intro", a.installs.authorizeURL(state))
}

func (a *Adapter) serveRedirect(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	clear := &http.Cookie{Name: stateCookie, Path: "/slack/", MaxAge: -1, HttpOnly: true,
		Secure: strings.HasPrefix(a.installs.opts.RedirectURL, "https:"), SameSite: http.SameSiteLaxMode}
	if _, err := a.takeState(r.Context(), r, q.Get("state")); err != nil {
		a.log.Info("slack install refused", "reason", err.Error())
		a.metrics.Command(Platform, "install", "refused")
		a.installPage(w, http.StatusBadRequest, "install.refused.title", refusalKey(err), InstallPath)
		return
	}
	http.SetCookie(w, clear)
	if q.Get("error") != "" || q.Get("code") == "" {
		a.metrics.Command(Platform, "install", "cancelled")
		a.installPage(w, http.StatusOK, "install.cancelled.title", "install.cancelled", InstallPath)
		return
	}
	inst, err := a.exchange(r.Context(), q.Get("code"))
	if err != nil {
		a.log.Warn("slack install failed", "err", err)
		a.metrics.Command(Platform, "install", "failed")
		a.installPage(w, http.StatusBadGateway, "install.failed.title", "install.failed", InstallPath)
		return
	}
	if err := a.installs.opts.Store.PutSlackInstallation(r.Context(), inst); err != nil {
		a.log.Error("store slack install failed", "err", err)
		a.metrics.Command(Platform, "install", "failed")
		a.installPage(w, http.StatusInternalServerError, "install.failed.title", "install.failed", InstallPath)
		return
	}
	a.installs.drop(inst.TeamID, inst.EnterpriseID) // a reinstall's new token, at once
	a.log.Info("slack installed", "team", logValue(inst.TeamID), "enterprise", logValue(inst.EnterpriseID),
		"org_wide", inst.EnterpriseInstall, "scopes", strings.Join(inst.Scopes, ","))
	a.metrics.Command(Platform, "install", "ok")
	where := inst.TeamName
	if inst.EnterpriseInstall || where == "" {
		where = inst.EnterpriseName
	}
	a.installDone(w, where)
}

// takeState checks the state of a redirect and uses it up. Returns
// errStateBad, errStateExpired, errStateBrowser or errStateUsed.
func (a *Adapter) takeState(ctx context.Context, r *http.Request, state string) ([]byte, error) {
	now := a.opts.Now()
	payload, err := a.installs.checkState(state, now)
	if err != nil {
		return nil, err
	}
	// Used up first, so that a state sent back twice is refused as used
	// even in the browser that started it (whose cookie is gone by then).
	sum := sha256.Sum256(payload)
	first, err := a.store.Remember(ctx, "slack:install-state:"+base64.RawURLEncoding.EncodeToString(sum[:]), 2*a.installs.opts.StateTTL, now)
	if err != nil {
		return nil, err
	}
	if !first {
		return nil, errStateUsed
	}
	if c, err := r.Cookie(stateCookie); err != nil || !hmac.Equal([]byte(c.Value), []byte(state)) {
		return nil, errStateBrowser
	}
	return payload, nil
}

// refusalKey is the catalogue key of the page refusing a state.
func refusalKey(err error) string {
	switch {
	case errors.Is(err, errStateExpired):
		return "install.refused.expired"
	case errors.Is(err, errStateUsed):
		return "install.refused.used"
	case errors.Is(err, errStateBrowser):
		return "install.refused.browser"
	case errors.Is(err, errStateBad):
		return "install.refused.forged"
	}
	return "install.failed"
}

// exchange trades an install's code for its bot token with oauth.v2.access
// and returns the install. Returns an error when Slack refuses, or answers
// without a bot token or a workspace.
func (a *Adapter) exchange(ctx context.Context, code string) (*conversation.SlackInstallation, error) {
	o := a.installs.opts
	ctx, cancel := context.WithTimeout(ctx, a.opts.CallTimeout)
	defer cancel()
	var opts []slack.OAuthOption
	if o.APIURL != "" {
		opts = append(opts, slack.OAuthOptionAPIURL(o.APIURL))
	}
	resp, err := slack.GetOAuthV2ResponseContext(ctx, o.HTTPClient, o.ClientID, o.ClientSecret, code, o.RedirectURL, opts...)
	a.metrics.Call(Platform, "oauth.v2.access", reason(err), err)
	if err != nil {
		return nil, err
	}
	if !botToken(resp) {
		return nil, errors.New("oauth.v2.access gave no bot token")
	}
	inst := &conversation.SlackInstallation{TeamID: resp.Team.ID, TeamName: resp.Team.Name,
		EnterpriseID: resp.Enterprise.ID, EnterpriseName: resp.Enterprise.Name, EnterpriseInstall: resp.IsEnterpriseInstall,
		AppID: resp.AppID, BotToken: resp.AccessToken, BotUserID: resp.BotUserID, InstalledBy: resp.AuthedUser.ID,
		InstalledAt: a.opts.Now().UTC()}
	inst.RefreshToken, inst.ExpiresAt = rotation(resp, a.opts.Now())
	for _, s := range strings.Split(resp.Scope, ",") {
		if s = strings.TrimSpace(s); s != "" {
			inst.Scopes = append(inst.Scopes, s)
		}
	}
	if err := conversation.CheckSlackInstallation(inst); err != nil {
		return nil, errors.New("oauth.v2.access named no workspace or organisation")
	}
	return inst, nil
}

// botToken reports whether oauth.v2.access gave a bot token: xoxb-…, or
// xoxe.xoxb-… when the app rotates its tokens.
func botToken(resp *slack.OAuthV2Response) bool {
	return resp.TokenType == "bot" && (strings.HasPrefix(resp.AccessToken, "xoxb-") || strings.HasPrefix(resp.AccessToken, "xoxe.xoxb-"))
}

// rotation returns the refresh token and expiry oauth.v2.access gave with
// a rotating token (token rotation on), read at now; none for a token that
// never expires.
func rotation(resp *slack.OAuthV2Response, now time.Time) (string, time.Time) {
	if resp.RefreshToken == "" || resp.ExpiresIn <= 0 {
		return "", time.Time{}
	}
	return resp.RefreshToken, now.Add(time.Duration(resp.ExpiresIn) * time.Second).UTC()
}

//go:embed templates/install.html
var installTemplate string

// installPageHTML is the install pages' markup, in the web page's layout
// (header, main, footer, its stylesheet's classes): a heading, a paragraph
// and a button (the "Add to Slack" link, or the way back to start again).
var installPageHTML = template.Must(template.New("install").Parse(installTemplate))

// installView is what an install page shows.
type installView struct {
	PageTitle, Title, Body, Link, LinkText string
	Service, Stylesheet, Skip, Footer      string
}

// view returns an install page titled title with body, its frame (the
// service's name, the stylesheet, the skip link and footer) filled in.
func (a *Adapter) view(title, body string) installView {
	k, o := a.router.Cards, a.installs.opts
	return installView{Title: title, Body: body, Service: o.Service, Stylesheet: o.Stylesheet,
		PageTitle: k.Say("web.layout.title", messages.Args{"page": title, "service": o.Service}),
		Skip:      k.Say("web.layout.skip", nil),
		Footer:    k.Say("web.layout.footer", messages.Args{"service": o.Service})}
}

// installPage writes an install page with status: its title and body from
// the catalogue, and a button when link is not "" (the consent page on the
// install page, the install page on the others).
func (a *Adapter) installPage(w http.ResponseWriter, status int, titleKey, bodyKey, link string) {
	k := a.router.Cards
	page := a.view(pageText(k, titleKey), pageText(k, bodyKey))
	page.Link = link
	if link == InstallPath {
		page.LinkText = k.Say("install.again", nil)
	} else {
		page.LinkText = k.Say("install.page.button", nil)
	}
	writePage(w, status, page)
}

// installDone writes the page saying the install worked, in where.
func (a *Adapter) installDone(w http.ResponseWriter, where string) {
	k := a.router.Cards
	writePage(w, http.StatusOK, a.view(k.Say("install.done.title", nil),
		k.Say("install.done", messages.Args{"workspace": where, "command": a.opts.Command})))
}

// pageText looks up one of the install pages' fixed texts.
func pageText(k *bot.Cards, key string) string {
	switch key {
	case "install.page.title":
		return k.Say("install.page.title", nil)
	case "install.page.intro":
		return k.Say("install.page.intro", nil)
	case "install.refused.title":
		return k.Say("install.refused.title", nil)
	case "install.refused.expired":
		return k.Say("install.refused.expired", nil)
	case "install.refused.used":
		return k.Say("install.refused.used", nil)
	case "install.refused.browser":
		return k.Say("install.refused.browser", nil)
	case "install.refused.forged":
		return k.Say("install.refused.forged", nil)
	case "install.cancelled.title":
		return k.Say("install.cancelled.title", nil)
	case "install.cancelled":
		return k.Say("install.cancelled", nil)
	case "install.failed.title":
		return k.Say("install.failed.title", nil)
	}
	return k.Say("install.failed", nil)
}

// writePage writes page with status, under a policy that allows the
// bot's own stylesheet and nothing else: no inline style, no script.
func writePage(w http.ResponseWriter, status int, page installView) {
	var b bytes.Buffer
	if err := installPageHTML.Execute(&b, page); err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}
