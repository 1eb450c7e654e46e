package slackfake

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// AuthorizePath is the fake's OAuth v2 consent page, as Slack's
// https://slack.com/oauth/v2/authorize.
const AuthorizePath = "/oauth/v2/authorize"

// Workspace is where the fake's consent page installs the app: a
// workspace, or a whole Enterprise Grid organisation (OrgWide).
type Workspace struct {
	Team, TeamName             string
	Enterprise, EnterpriseName string
	OrgWide                    bool
	Installer                  string // the user id of who approves
}

// key names the install, as the bot keys it.
func (w Workspace) key() string {
	if w.OrgWide {
		return "E:" + w.Enterprise
	}
	return "T:" + w.Team
}

// oauthApp is the app's OAuth flow: its credentials, who approves the next
// visits to the consent page, the codes given and the tokens issued.
type oauthApp struct {
	clientID, clientSecret string
	next                   []*Workspace // nil for a Cancel
	codes                  map[string]*grant
	tokens                 map[string]*grant
	orgOf                  map[string]string // team → its organisation
	n                      int
	// rotate is how long a token lasts with token rotation on (0: off);
	// now is the clock tokens expire by.
	rotate   time.Duration
	now      func() time.Time
	refresh  map[string]*grant // refresh token → the grant it renews
	refreshN int
}

type grant struct {
	ws       Workspace
	redirect string
	used     bool
	token    string
	revoked  bool
	expires  time.Time // zero for a token that never expires
}

// OAuth makes the fake play Slack's OAuth v2 flow for the app with
// clientID and clientSecret: the consent page (AuthorizeURL) sends the
// browser back to the redirect URI with a code, which oauth.v2.access
// trades for a bot token, once. From then on every Web API call needs a
// token the fake issued and has not revoked, and reaches only the users
// (and their DMs) of that token's workspace, or of its organisation for
// an org-wide install: anything else is answered as Slack would
// (invalid_auth, token_revoked, user_not_found, channel_not_found).
func (f *Server) OAuth(clientID, clientSecret string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.oauth = &oauthApp{clientID: clientID, clientSecret: clientSecret,
		codes: map[string]*grant{}, tokens: map[string]*grant{}, orgOf: map[string]string{}, refresh: map[string]*grant{}}
}

// Rotate turns on Slack's token rotation for the installs that follow:
// oauth.v2.access gives an expiring token (xoxe.xoxb-…), good for
// expiresIn by now, with a refresh token that buys the next one once
// (grant_type=refresh_token) and is revoked when used, as Slack does
// (invalid_refresh_token after). A token used after it expired is refused
// with token_expired.
func (f *Server) Rotate(expiresIn time.Duration, now func() time.Time) {
	f.mu.Lock()
	f.oauth.rotate, f.oauth.now = expiresIn, now
	f.mu.Unlock()
}

// Refreshes returns how many tokens oauth.v2.access renewed from a refresh
// token.
func (f *Server) Refreshes() int {
	n := 0
	for _, c := range f.Calls("oauth.v2.access") {
		if c.Form.Get("grant_type") == "refresh_token" {
			n++
		}
	}
	return n
}

// AuthorizeURL is the fake's consent page.
func (f *Server) AuthorizeURL() string { return f.srv.URL + AuthorizePath }

// Approve makes the next visit to the consent page install the app into
// ws, as the person there choosing ws and pressing Allow would.
func (f *Server) Approve(ws Workspace) {
	f.mu.Lock()
	f.oauth.next = append(f.oauth.next, &ws)
	f.mu.Unlock()
}

// Deny makes the next visit to the consent page cancel, as pressing
// Cancel would.
func (f *Server) Deny() {
	f.mu.Lock()
	f.oauth.next = append(f.oauth.next, nil)
	f.mu.Unlock()
}

// Org puts teams in the Enterprise Grid organisation enterprise, where an
// org-wide install's token reaches them.
func (f *Server) Org(enterprise string, teams ...string) {
	f.mu.Lock()
	for _, t := range teams {
		f.oauth.orgOf[t] = enterprise
	}
	f.mu.Unlock()
}

// Uninstall revokes the tokens of the app's install into ws, as removing
// the app from the workspace does. It returns how many it revoked.
func (f *Server) Uninstall(ws Workspace) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, g := range f.oauth.tokens {
		if g.ws.key() == ws.key() && !g.revoked {
			g.revoked = true
			n++
		}
	}
	return n
}

// Token returns the live token issued for the install into ws; "" if none.
func (f *Server) Token(ws Workspace) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	for tok, g := range f.oauth.tokens {
		if g.ws.key() == ws.key() && !g.revoked {
			return tok
		}
	}
	return ""
}

// authorize answers the consent page: it sends the browser back to the
// redirect URI with a code, or with error=access_denied for a Cancel.
func (f *Server) authorize(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	q := r.URL.Query()
	o := f.oauth
	if o == nil || q.Get("client_id") != o.clientID {
		http.Error(w, "invalid_client_id", http.StatusBadRequest)
		return
	}
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || redirect.Host == "" || q.Get("scope") == "" {
		http.Error(w, "bad_redirect_uri or no scope", http.StatusBadRequest)
		return
	}
	if len(o.next) == 0 {
		f.t.Errorf("fake slack: consent page visited with nobody to approve (call Approve or Deny first)")
		http.Error(w, "nobody to approve", http.StatusBadRequest)
		return
	}
	ws := o.next[0]
	o.next = o.next[1:]
	back := url.Values{"state": {q.Get("state")}}
	if ws == nil {
		back.Set("error", "access_denied")
	} else {
		o.n++
		code := fmt.Sprintf("code-%d", o.n)
		o.codes[code] = &grant{ws: *ws, redirect: q.Get("redirect_uri")}
		back.Set("code", code)
	}
	redirect.RawQuery = back.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

// access answers oauth.v2.access: a code given by the consent page, with
// the app's credentials and the same redirect URI, is traded once for a
// bot token.
func (f *Server) access(c Call, reply func(map[string]any), fail func(string)) {
	o := f.oauth
	if o == nil {
		f.t.Errorf("fake slack: oauth.v2.access without OAuth")
		fail("invalid_client_id")
		return
	}
	form := c.Form
	switch {
	case form.Get("client_id") != o.clientID:
		fail("invalid_client_id")
		return
	case form.Get("client_secret") != o.clientSecret:
		fail("bad_client_secret")
		return
	}
	if form.Get("grant_type") == "refresh_token" {
		f.renew(form.Get("refresh_token"), reply, fail)
		return
	}
	g, ok := o.codes[form.Get("code")]
	switch {
	case !ok || g.used:
		fail("invalid_code")
		return
	case form.Get("redirect_uri") != g.redirect:
		fail("bad_redirect_uri")
		return
	}
	g.used = true
	reply(f.issue(g))
}

// renew answers oauth.v2.access with grant_type=refresh_token: a refresh
// token not used before buys a new token for the same install, and is
// revoked. The token it renews keeps working until it expires.
func (f *Server) renew(refresh string, reply func(map[string]any), fail func(string)) {
	o := f.oauth
	old, ok := o.refresh[refresh]
	if !ok {
		fail("invalid_refresh_token")
		return
	}
	delete(o.refresh, refresh)
	if old.revoked {
		fail("invalid_refresh_token")
		return
	}
	reply(f.issue(&grant{ws: old.ws, used: true}))
}

// issue makes g's token (and, with rotation, its refresh token) and
// returns oauth.v2.access's answer. f.mu is held.
func (f *Server) issue(g *grant) map[string]any {
	o := f.oauth
	o.n++
	g.token = fmt.Sprintf("xoxb-%s-%d", strings.ReplaceAll(g.ws.key(), ":", ""), o.n)
	if o.rotate > 0 {
		g.token = "xoxe." + g.token
		g.expires = o.now().Add(o.rotate)
	}
	o.tokens[g.token] = g
	ws := g.ws
	resp := map[string]any{"access_token": g.token, "token_type": "bot", "scope": "chat:write,commands,files:write,im:write,users:read,users:read.email",
		"bot_user_id": "U0BOT" + strings.ToUpper(ws.Team+ws.Enterprise), "app_id": "A0APP",
		"authed_user": map[string]any{"id": ws.Installer}, "is_enterprise_install": ws.OrgWide,
		"team": nil, "enterprise": nil}
	if !ws.OrgWide {
		resp["team"] = map[string]any{"id": ws.Team, "name": ws.TeamName}
	}
	if ws.Enterprise != "" {
		resp["enterprise"] = map[string]any{"id": ws.Enterprise, "name": ws.EnterpriseName}
	}
	if o.rotate > 0 {
		o.refreshN++
		rt := fmt.Sprintf("xoxe-1-%s-%d", strings.ReplaceAll(ws.key(), ":", ""), o.refreshN)
		o.refresh[rt] = g
		resp["refresh_token"], resp["expires_in"] = rt, int(o.rotate/time.Second)
	}
	return resp
}

// refuse returns the error Slack would answer call c with under OAuth: a
// token it never issued or has revoked, or a user or DM outside the
// token's workspace; "" when the call may go ahead. f.mu is held.
func (f *Server) refuse(c Call) string {
	o := f.oauth
	if o == nil || c.Method == "oauth.v2.access" {
		return ""
	}
	g, ok := o.tokens[c.Token]
	switch {
	case !ok:
		return "invalid_auth"
	case g.revoked:
		return "token_revoked"
	case !g.expires.IsZero() && !o.now().Before(g.expires):
		return "token_expired"
	}
	reaches := func(u User) bool {
		if g.ws.OrgWide {
			return o.orgOf[u.TeamID()] == g.ws.Enterprise
		}
		return u.TeamID() == g.ws.Team
	}
	switch c.Method {
	case "users.info", "conversations.open":
		id := c.Form.Get("user")
		if c.Method == "conversations.open" {
			id = c.Form.Get("users")
		}
		if u, ok := f.users[id]; !ok || !reaches(u) {
			return "user_not_found"
		}
	case "users.lookupByEmail":
		for _, u := range f.users {
			if strings.EqualFold(u.Email, c.Form.Get("email")) && reaches(u) {
				return ""
			}
		}
		return "users_not_found"
	case "chat.postMessage", "chat.update", "chat.postEphemeral":
		for _, u := range f.users {
			if u.DM() == c.Channel {
				if reaches(u) {
					return ""
				}
				break
			}
		}
		return "channel_not_found"
	case "views.publish":
		id, _ := c.JSON["user_id"].(string)
		if u, ok := f.users[id]; !ok || !reaches(u) {
			return "user_not_found"
		}
	}
	return ""
}
