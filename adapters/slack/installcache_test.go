package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/resolvebot/resolvebot/adapters/slack/slackfake"
	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/boltstore"
	"github.com/resolvebot/resolvebot/conversation/sealed"
)

// The health agency's workspace, which installs the app through the
// OAuth flow, and Nia, who works there.
var (
	healthWS = slackfake.Workspace{Team: "T2HEALTH", TeamName: "Health Visiting", Installer: "U2NIA"}
	nia      = slackfake.User{ID: "U2NIA", Name: "Nia Brooks", Email: "nia.brooks@health.example.org", Team: "T2HEALTH"}
	// The schools' workspace, and Sally, who works there.
	schoolsWS = slackfake.Workspace{Team: "T1SCHOOLS", TeamName: "Schools", Installer: "U1SAL"}
	sally     = slackfake.User{ID: "U1SAL", Name: "Sally Reed", Email: "sally.reed@school.example.org", Team: "T1SCHOOLS"}
)

const (
	oauthID     = "1111.2222"
	oauthSecret = "oauth-secret-for-tests"
)

// replicas are two replicas of a deployment serving workspaces installed
// through Slack's OAuth flow, over one store: the first serves the
// install pages and the events, the second only sends.
type replicas struct {
	t          *testing.T
	env        *bottest.Env
	fake       *slackfake.Server
	site       *httptest.Server
	one, two   *Adapter
	events     http.Handler
	installsTo string
}

func newReplicas(t *testing.T, env *bottest.Env, ttl time.Duration) *replicas {
	t.Helper()
	fake := slackfake.New(t, nia, sally)
	fake.OAuth(oauthID, oauthSecret)
	mux := http.NewServeMux()
	site := httptest.NewServer(mux)
	t.Cleanup(site.Close)
	replica := func(d *bot.Dispatcher) *Adapter {
		a, err := NewInstalled(env.Router, d, Options{SigningSecret: testSecret, Now: env.Clock.Now},
			InstallOptions{ClientID: oauthID, ClientSecret: oauthSecret, RedirectURL: site.URL + RedirectPath,
				AuthorizeURL: fake.AuthorizeURL(), APIURL: fake.URL(), Store: env.Store, CacheTTL: ttl,
				NewClient: func(token string) *slack.Client { return slack.New(token, slack.OptionAPIURL(fake.URL())) }})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	r := &replicas{t: t, env: env, fake: fake, site: site,
		one: replica(env.Dispatcher), two: replica(bot.NewDispatcher(env.Store, env.Router.Cards, nil))}
	install, _ := r.one.InstallHandler()
	redirect, _ := r.one.RedirectHandler()
	mux.Handle("GET "+InstallPath, install)
	mux.Handle("GET "+RedirectPath, redirect)
	r.events, _ = r.one.HTTPHandler()
	return r
}

var addLink = regexp.MustCompile(`<a class="govuk-button"[^>]* href="([^"]+)"`)

// install adds the app to ws as its admin does: the install page, Slack's
// consent page, and back.
func (r *replicas) install(ws slackfake.Workspace) {
	r.t.Helper()
	jar, _ := cookiejar.New(nil)
	b := &http.Client{Jar: jar}
	get := func(u string) string {
		resp, err := b.Get(u)
		if err != nil {
			r.t.Fatal(err)
		}
		defer resp.Body.Close()
		page, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			r.t.Fatalf("GET %s: %d\n%s", u, resp.StatusCode, page)
		}
		return string(page)
	}
	m := addLink.FindStringSubmatch(get(r.site.URL + InstallPath))
	if m == nil {
		r.t.Fatal("no Add to Slack link")
	}
	r.fake.Approve(ws)
	get(html.UnescapeString(m[1]))
}

// uninstall removes the app from ws in Slack, which revokes its token and
// sends app_uninstalled to the first replica.
func (r *replicas) uninstall(ws slackfake.Workspace) {
	r.t.Helper()
	if r.fake.Uninstall(ws) != 1 {
		r.t.Fatal("no token to revoke")
	}
	body, _ := json.Marshal(map[string]any{"token": "legacy", "team_id": ws.Team, "api_app_id": "A0APP", "type": "event_callback",
		"event_id": "Ev0UNINSTALL" + strconv.Itoa(len(r.fake.Calls(""))), "event_time": 1790000000,
		"event":          map[string]any{"type": "app_uninstalled", "event_ts": "1790000000.000100"},
		"authorizations": []any{map[string]any{"team_id": ws.Team, "user_id": "U0BOT", "is_bot": true, "is_enterprise_install": false}}})
	ts := time.Now().Unix()
	req := httptest.NewRequest(http.MethodPost, EventsPath, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("X-Slack-Signature", slackfake.Sign(testSecret, ts, body))
	rec := httptest.NewRecorder()
	r.events.ServeHTTP(rec, req)
	r.one.Wait()
	if rec.Code != http.StatusOK {
		r.t.Fatalf("app_uninstalled: %d", rec.Code)
	}
}

// send sends Nia a note through replica a and returns the Slack calls it
// made and the error.
func (r *replicas) send(a *Adapter) (int, error) {
	r.t.Helper()
	ctx := context.Background()
	h := conversation.Handle{Platform: Platform, Team: nia.TeamID(), User: nia.ID}
	per, err := r.env.People.Identify(ctx, h, nia.Name, nia.Email)
	if err != nil {
		r.t.Fatal(err)
	}
	before := len(r.fake.Calls(""))
	_, err = a.Send(ctx, per, h, bot.Message{Kind: "notice", Text: "A note."})
	return len(r.fake.Calls("")) - before, err
}

// TestInstallCachedAcrossReplicas: an install is read once and reused, and
// after an uninstall that another replica handled, the token stops being
// used here when Slack first refuses it, or, had nothing been sent, when
// the cache's TTL ends; a workspace installed again is found at once, with
// its new token.
func TestInstallCachedAcrossReplicas(t *testing.T) {
	const ttl = 30 * time.Second
	tests := []struct {
		name string
		// after the uninstall: advance the clock past the TTL first.
		expire bool
		// the calls the first send makes with the revoked token.
		wantCalls int
	}{
		{"Slack refuses the token", false, 1},
		{"the cache expires", true, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := bottest.New(t, bottest.Options{})
			r := newReplicas(t, env, ttl)
			r.install(healthWS)
			if _, err := r.send(r.two); err != nil {
				t.Fatalf("send before the uninstall: %v", err)
			}
			r.uninstall(healthWS)
			if n, err := r.send(r.one); !isPermanent(err) || n != 0 {
				t.Errorf("the replica that saw the uninstall: %v after %d calls, want a permanent failure and no call", err, n)
			}
			if tc.expire {
				env.Clock.Advance(ttl + time.Second)
			}
			n, err := r.send(r.two)
			if !isPermanent(err) || (n != 0) != (tc.wantCalls != 0) {
				t.Errorf("the other replica, first send: %v after %d calls, want a permanent failure (email next) and %d", err, n, tc.wantCalls)
			}
			if n, err := r.send(r.two); !isPermanent(err) || n != 0 {
				t.Errorf("the other replica, next send: %v after %d calls with the revoked token, want none", err, n)
			}

			r.install(healthWS)
			if _, err := r.send(r.two); err != nil {
				t.Errorf("send after installing again: %v", err)
			}
			last := r.fake.Calls("chat.postMessage")
			if tok := last[len(last)-1].Token; tok != r.fake.Token(healthWS) {
				t.Errorf("sent with %s, want the new token", tok)
			}
		})
	}
}

func isPermanent(err error) bool {
	var se *bot.SendError
	return errors.As(err, &se) && se.Permanent
}

// BenchmarkSlackInstallLookup finds the install serving a person's
// workspace, as every request and send from an installed workspace does,
// over the sealed embedded store a deployment runs on: "store" reads it
// each time (no cache), "cached" within the cache's TTL.
func BenchmarkSlackInstallLookup(b *testing.B) {
	keys, err := sealed.ParseKeyring("k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
	if err != nil {
		b.Fatal(err)
	}
	bs, err := boltstore.Open(filepath.Join(b.TempDir(), "resolvebot.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { bs.Close() })
	store := sealed.Wrap(bs, keys)
	ctx := context.Background()
	for i := range 20 { // a partnership's agencies' workspaces
		team := fmt.Sprintf("T%03dAGENCY", i)
		if err := store.PutSlackInstallation(ctx, &conversation.SlackInstallation{TeamID: team, BotToken: "xoxb-" + team,
			BotUserID: "U0BOT", Scopes: []string{"chat:write", "commands"}}); err != nil {
			b.Fatal(err)
		}
	}
	h := conversation.Handle{Platform: Platform, Team: "T007AGENCY", User: "U7"}
	for _, bc := range []struct {
		name string
		ttl  time.Duration
	}{{"store", -1}, {"cached", 0}} {
		b.Run(bc.name, func(b *testing.B) {
			in := &installs{opts: InstallOptions{Store: store, CacheTTL: bc.ttl}, now: time.Now, clients: map[string]api{},
				cache: map[string]cachedInstallation{}, newClient: func(string) api { return notInstalled{} }}
			a := &Adapter{installs: in}
			if bc.ttl == 0 {
				in.opts.CacheTTL = DefaultInstallCacheTTL
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := a.routeHandle(ctx, h); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
