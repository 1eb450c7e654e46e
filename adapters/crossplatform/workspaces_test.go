package crossplatform_test

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/resolvebot/resolvebot/adapters/email"
	"github.com/resolvebot/resolvebot/adapters/email/smtptest"
	slackadapter "github.com/resolvebot/resolvebot/adapters/slack"
	"github.com/resolvebot/resolvebot/adapters/slack/slackfake"
	"github.com/resolvebot/resolvebot/adapters/web"
	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/boltstore"
	"github.com/resolvebot/resolvebot/conversation/sealed"
)

const (
	oauthClientID     = "1234.5678"
	oauthClientSecret = "client-secret-for-tests"
)

// Two organisations, each with its own Slack workspace, and a third
// workspace inside an Enterprise Grid organisation that installs the app
// org-wide.
var (
	schools = slackfake.Workspace{Team: "T0SCHOOLS", TeamName: "Schools", Installer: "U1SAM"}
	health  = slackfake.Workspace{Team: "T0HEALTH", TeamName: "Health", Installer: "U2NIA"}
	grid    = slackfake.Workspace{Enterprise: "E0COUNTY", EnterpriseName: "County Council", OrgWide: true, Installer: "W3ROB"}

	samA   = slackfake.User{ID: "U1SAM", Name: "Sam Patel", Email: "sam.patel@school.example.org", Team: schools.Team}
	mgrA   = slackfake.User{ID: "U1MGR", Name: "School Manager (example)", Email: "school.manager@example.org", Team: schools.Team}
	niaB   = slackfake.User{ID: "U2NIA", Name: "Nia Brooks", Email: "nia.brooks@health.example.org", Team: health.Team}
	robOrg = slackfake.User{ID: "W3ROB", Name: "Rob Lane", Email: "rob.lane@county.example.org", Team: "T0COUNTYCSC"}
)

// workspaces is a bot serving Slack workspaces installed through the
// OAuth flow, with email for people Slack cannot reach.
type workspaces struct {
	t      *testing.T
	env    *bottest.Env
	raw    conversation.Store // under the sealing store
	fake   *slackfake.Server
	slack  *slackDriver
	site   *httptest.Server // serves /slack/install and /slack/oauth_redirect
	relay  *smtptest.Server
	logs   *lockedBuffer
	adcall func()
}

func newWorkspaces(t *testing.T) *workspaces { t.Helper(); return newWorkspacesWith(t, "") }

// newWorkspacesWith is newWorkspaces with the deployment file file (YAML),
// or the built-in defaults when it is "".
func newWorkspacesWith(t *testing.T, file string) *workspaces {
	t.Helper()
	bs, err := boltstore.Open(filepath.Join(t.TempDir(), "resolvebot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bs.Close() })
	keys, err := sealed.ParseKeyring("k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
	if err != nil {
		t.Fatal(err)
	}
	env := bottest.New(t, bottest.Options{Store: sealed.Wrap(bs, keys), File: file})
	logs := &lockedBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	env.Router.Log, env.Dispatcher.Log = log, log
	fake := slackfake.New(t, samA, mgrA, niaB, robOrg)
	fake.OAuth(oauthClientID, oauthClientSecret)
	fake.Org(grid.Enterprise, robOrg.Team)
	mux := http.NewServeMux()
	site := httptest.NewServer(mux)
	t.Cleanup(site.Close)
	ad, err := slackadapter.NewInstalled(env.Router, env.Dispatcher,
		slackadapter.Options{SigningSecret: secret, Now: env.Clock.Now, Log: log},
		slackadapter.InstallOptions{ClientID: oauthClientID, ClientSecret: oauthClientSecret,
			RedirectURL: site.URL + slackadapter.RedirectPath, AuthorizeURL: fake.AuthorizeURL(), APIURL: fake.URL(),
			NewClient:  func(token string) *slack.Client { return slack.New(token, slack.OptionAPIURL(fake.URL())) },
			Store:      env.Store,
			Stylesheet: web.StylesheetPath})
	if err != nil {
		t.Fatal(err)
	}
	events, _ := ad.HTTPHandler()
	install, _ := ad.InstallHandler()
	redirect, _ := ad.RedirectHandler()
	mux.Handle("GET "+slackadapter.InstallPath, install)
	mux.Handle("GET "+slackadapter.RedirectPath, redirect)
	mux.Handle("GET "+web.StaticPrefix, web.Static())
	relay := smtptest.New(t, smtptest.Options{User: "relay-user", Password: "relay-pass"})
	sender, err := email.New(env.Store, env.Router.Cards, email.Options{Host: relay.Host, Port: relay.Port, RootCAs: relay.RootCAs,
		User: "relay-user", Password: "relay-pass", From: "resolvebot@partnership.example.org", BaseURL: "https://resolve.example.org",
		Operator: "the partnership business unit", Timeout: 5 * time.Second, Now: env.Clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	env.Dispatcher.Register(sender)
	return &workspaces{t: t, env: env, raw: bs, fake: fake, site: site, relay: relay, logs: logs,
		slack: &slackDriver{t: t, fake: fake, handler: events, wait: func() { ad.Wait(); env.Settle(t) }, secret: secret}}
}

// browser is a person's browser: it keeps cookies and follows redirects.
func (w *workspaces) browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar}
}

// get fetches u in b and returns the status and the page's text.
func (w *workspaces) get(b *http.Client, u string) (int, string) {
	w.t.Helper()
	resp, err := b.Get(u)
	if err != nil {
		w.t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

var addToSlack = regexp.MustCompile(`<a class="govuk-button"[^>]* href="([^"]+)"`)

// installPage opens the install page in b and returns the "Add to Slack"
// link.
func (w *workspaces) installPage(b *http.Client) string {
	w.t.Helper()
	code, page := w.get(b, w.site.URL+slackadapter.InstallPath)
	m := addToSlack.FindStringSubmatch(page)
	if code != http.StatusOK || m == nil || !strings.Contains(page, "Add to Slack") {
		w.t.Fatalf("install page: %d\n%s", code, page)
	}
	return html.UnescapeString(m[1])
}

// install adds the app to ws the way a person does: the install page, Slack's
// consent page (Allow), and back to the bot.
func (w *workspaces) install(ws slackfake.Workspace) {
	w.t.Helper()
	b := w.browser()
	link := w.installPage(b)
	w.fake.Approve(ws)
	code, page := w.get(b, link)
	name := ws.TeamName
	if ws.OrgWide {
		name = ws.EnterpriseName
	}
	if code != http.StatusOK || !strings.Contains(page, "The bot is now in "+name) {
		w.t.Fatalf("install into %s: %d\n%s", name, code, page)
	}
}

// commandIn runs /resolve as u from the organisation org (org-wide
// install), as Slack sends it from an Enterprise Grid workspace.
func (w *workspaces) commandIn(org slackfake.Workspace, u slackfake.User, text, trigger string) map[string]any {
	v := url.Values{"token": {"legacy"}, "team_id": {u.TeamID()}, "enterprise_id": {org.Enterprise}, "is_enterprise_install": {"true"},
		"channel_id": {u.DM()}, "user_id": {u.ID}, "command": {"/resolve"}, "text": {text}, "trigger_id": {trigger},
		"api_app_id": {"A0APP"}, "response_url": {"https://hooks.slack.com/commands/x"}}
	return w.slack.post("application/x-www-form-urlencoded", []byte(v.Encode()))
}

// uninstalled sends the app_uninstalled event Slack sends when ws removes
// the app, after revoking its token.
func (w *workspaces) uninstalled(ws slackfake.Workspace) {
	w.t.Helper()
	if w.fake.Uninstall(ws) != 1 {
		w.t.Fatalf("no token to revoke for %s", ws.TeamName)
	}
	ev := map[string]any{"token": "legacy", "team_id": ws.Team, "api_app_id": "A0APP", "type": "event_callback",
		"event_id": "Ev0UNINSTALL" + ws.Team, "event_time": 1790000000,
		"event":          map[string]any{"type": "app_uninstalled", "event_ts": "1790000000.000100"},
		"authorizations": []any{map[string]any{"team_id": ws.Team, "user_id": "U0BOT", "is_bot": true, "is_enterprise_install": false}}}
	b, _ := json.Marshal(ev)
	w.slack.post("application/json", b)
}

// tokensOf returns the tokens the calls to channel (or about user) used.
func tokensOf(calls []slackfake.Call, channel string) map[string]int {
	out := map[string]int{}
	for _, c := range calls {
		if c.Channel == channel || c.Form.Get("users") == "U"+channel[1:] || c.Form.Get("user") == "U"+channel[1:] {
			out[c.Token]++
		}
	}
	return out
}

// TestWorkspacesInstalledThroughOAuth: two organisations' workspaces and
// an Enterprise Grid organisation install the app through the OAuth flow;
// each person is answered, and reached, with their own install's token and
// no other; tokens are sealed at rest; a case raised in one workspace
// reaches its respondent in the other; when the other workspace removes
// the app mid-case, the next message to the respondent goes by email, and
// the workspace's next command is told the bot is not set up there.
func TestWorkspacesInstalledThroughOAuth(t *testing.T) {
	w := newWorkspaces(t)
	ctx := context.Background()
	w.install(schools)
	w.install(health)
	w.install(grid)
	all, err := w.env.Store.SlackInstallations(ctx)
	if err != nil || len(all) != 3 {
		t.Fatalf("installs %+v, %v", all, err)
	}
	tokA, tokB, tokOrg := w.fake.Token(schools), w.fake.Token(health), w.fake.Token(grid)
	rawAll, _ := w.raw.SlackInstallations(ctx)
	for _, inst := range rawAll {
		if !sealed.IsSealed(inst.BotToken) {
			t.Errorf("install %s: token stored unsealed", inst.Key())
		}
	}
	for _, leak := range []string{tokA, tokB, tokOrg, oauthClientSecret} {
		if strings.Contains(w.logs.String(), leak) {
			t.Errorf("the logs carry a secret %q", leak)
		}
	}

	// Each workspace's people are answered with its own token.
	w.env.Person(t, samA.Email, samA.Name, "school", mgrA.Email)
	w.env.Person(t, niaB.Email, niaB.Name, "health-visiting", "")
	w.slack.command(samA, "raise", "trig-a")
	w.slack.command(niaB, "raise", "trig-b")
	w.commandIn(grid, robOrg, "raise", "trig-org")
	for trigger, want := range map[string]string{"trig-a": tokA, "trig-b": tokB, "trig-org": tokOrg} {
		found := false
		for _, c := range w.fake.Calls("views.open") {
			if c.JSON["trigger_id"] == trigger {
				found = true
				if c.Token != want {
					t.Errorf("%s: views.open with %q, want %q", trigger, c.Token, want)
				}
			}
		}
		if !found {
			t.Errorf("%s: no modal opened", trigger)
		}
	}

	// Someone in a workspace of the Enterprise Grid organisation is reached
	// later with the org-wide install's token.
	if unreached := w.env.Dispatcher.Deliver(ctx, []bot.Outbound{{To: robOrg.Email, Message: bot.Message{Kind: "notice", Text: "A note."}}}); len(unreached) != 0 {
		t.Fatalf("Rob, in the organisation, unreached")
	}
	if got := tokensOf(w.fake.Calls("chat.postMessage"), robOrg.DM()); len(got) != 1 || got[tokOrg] != 1 {
		t.Errorf("Rob was messaged with tokens %v, want the org-wide install's", got)
	}

	// Sam, in the schools' workspace, raises a case naming Nia, in the
	// health workspace: each is messaged with their own workspace's token.
	r := w.slack.raise(samA, "Vtrig-a", w.slack.openedView("trig-a"), map[string]string{
		conversation.FieldImmediateRisk: "no", conversation.FieldAbout: conversation.AboutOtherAgency,
		conversation.FieldChildRef: "QZX-447193", conversation.FieldRaiserAgency: "school",
		conversation.FieldRespondent: niaB.Email, conversation.FieldRespondentAgency: "health-visiting",
		conversation.FieldCategory: "threshold", conversation.FieldDecision: "The referral was closed with no further action.",
		conversation.FieldConcern:       "Attendance has fallen over six weeks.",
		conversation.FieldEvidenceKind:  string(conversation.EvidenceDocumented),
		conversation.FieldEvidence:      "Attendance records.",
		conversation.FieldOutcomeSought: "A strategy discussion.", conversation.FieldUrgency: string(conversation.UrgencyStandard),
		conversation.FieldReflection:     "discussed_with_lead,child_best_interest",
		conversation.FieldFamilyInformed: "no", conversation.FieldSeriousConcern: "no",
	})
	if r["response_action"] != "clear" {
		t.Fatalf("intake: %v", r)
	}
	cs, err := w.env.Store.ListCases(ctx, conversation.CaseFilter{})
	if err != nil || len(cs) != 1 {
		t.Fatalf("cases %v %v", cs, err)
	}
	caseID := cs[0].ID
	calls := w.fake.Calls("")
	for who, tc := range map[string]struct {
		u    slackfake.User
		want string
	}{"Sam": {samA, tokA}, "Nia": {niaB, tokB}} {
		got := tokensOf(calls, tc.u.DM())
		if got[tc.want] == 0 || len(got) != 1 {
			t.Errorf("%s was reached with tokens %v, want only %q", who, got, tc.want)
		}
	}
	for _, c := range calls {
		if strings.HasSuffix(c.Method, "(429)") || c.Method == "oauth.v2.access" {
			continue
		}
		if c.Token != tokA && c.Token != tokB && c.Token != tokOrg {
			t.Errorf("%s with token %q, which no install holds", c.Method, c.Token)
		}
	}
	if n := len(emailsTo(w.relay, niaB.Email)); n != 0 {
		t.Fatalf("Nia was emailed %d times while her workspace had the app", n)
	}

	// The health workspace removes the app mid-case: its install is gone,
	// and the next message to Nia goes by email.
	w.uninstalled(health)
	if _, err := w.env.Store.SlackInstallation(ctx, "T:"+health.Team); conversation.ErrorCode(err) != conversation.ENOTFOUND {
		t.Fatalf("the health install after app_uninstalled: %v", err)
	}
	w.fake.Reset()
	w.slack.press(samA, "rb_note", "trig-note")
	if r := w.slack.submit(samA, "Vtrig-note", w.slack.openedView("trig-note"), map[string]string{"text": "I have sent the attendance figures."}); r["response_action"] != "clear" {
		t.Fatalf("note: %v", r)
	}
	if got := emailsTo(w.relay, niaB.Email); len(got) != 1 || !strings.HasPrefix(got[0], caseID) {
		t.Errorf("Nia's emails after the uninstall: %q", got)
	}
	for _, c := range w.fake.Calls("") {
		if c.Token == tokB {
			t.Errorf("%s with the revoked health token after the uninstall", c.Method)
		}
	}

	// Nia's workspace no longer has the bot: she is told so, and nothing
	// is called in Slack.
	w.fake.Reset()
	out := w.slack.command(niaB, "list", "trig-b2")
	if !strings.Contains(jsonText(out), "not set up in this workspace") {
		t.Errorf("a command from the uninstalled workspace: %v", out)
	}
	if calls := w.fake.Calls(""); len(calls) != 0 {
		t.Errorf("calls for a workspace without the app: %v", slackfake.Methods(calls))
	}
	// The schools' workspace carries on with its own token.
	w.slack.command(samA, "raise", "trig-a3")
	if v := w.fake.Calls("views.open"); len(v) != 1 || v[0].Token != tokA {
		t.Errorf("the schools' workspace after the other's uninstall: %+v", v)
	}
}

// TestInstallStateRefused: a state the bot did not sign, one that has
// expired, one used before, and one from another browser are each refused
// with a page saying so, and nothing is installed; a Cancel in Slack
// installs nothing.
func TestInstallStateRefused(t *testing.T) {
	w := newWorkspaces(t)
	ctx := context.Background()
	redirect := w.site.URL + slackadapter.RedirectPath

	// Used before: the same answer from Slack, taken a second time.
	b := w.browser()
	link := w.installPage(b)
	w.fake.Approve(schools)
	resp, err := b.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back := resp.Request.URL.String()   // the bot's redirect URL, with code and state
	olink := w.installPage(w.browser()) // a state set in one browser, sent back to another
	stateOf := func(link string) string {
		u, _ := url.Parse(link)
		return u.Query().Get("state")
	}
	tests := []struct {
		name    string
		browser *http.Client
		url     func() string
		before  func()
		want    string
	}{
		{"used before", b, func() string { return back }, nil, "already been used"},
		{"forged", w.browser(), func() string {
			return redirect + "?code=code-1&state=" + url.QueryEscape("v1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
		}, nil, "not made by this bot"},
		{"no state", w.browser(), func() string { return redirect + "?code=code-1" }, nil, "not made by this bot"},
		{"other browser", w.browser(), func() string { return redirect + "?code=code-9&state=" + url.QueryEscape(stateOf(olink)) }, nil, "another browser"},
	}
	// Expired: a fresh install page, and the clock moves on past ten
	// minutes before Slack sends the person back.
	eb := w.browser()
	elink := w.installPage(eb)
	tests = append(tests, struct {
		name    string
		browser *http.Client
		url     func() string
		before  func()
		want    string
	}{"expired", eb, func() string { return redirect + "?code=code-9&state=" + url.QueryEscape(stateOf(elink)) },
		func() { w.env.Clock.Advance(11 * time.Minute) }, "has expired"})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.before != nil {
				tc.before()
			}
			code, page := w.get(tc.browser, tc.url())
			if code != http.StatusBadRequest || !strings.Contains(page, "Nothing was installed") || !strings.Contains(page, tc.want) {
				t.Errorf("status %d, page:\n%s", code, page)
			}
			if !strings.Contains(page, `href="/slack/install"`) {
				t.Errorf("the page offers no way to start again:\n%s", page)
			}
		})
	}
	if all, _ := w.env.Store.SlackInstallations(ctx); len(all) != 1 {
		t.Errorf("installs after the refusals: %d, want the one approved", len(all))
	}
	if n := len(w.fake.Calls("oauth.v2.access")); n != 1 {
		t.Errorf("oauth.v2.access called %d times, want once", n)
	}

	// Cancel in Slack.
	cb := w.browser()
	clink := w.installPage(cb)
	w.fake.Deny()
	code, page := w.get(cb, clink)
	if code != http.StatusOK || !strings.Contains(page, "cancelled") {
		t.Errorf("cancelled install: %d\n%s", code, page)
	}
	if all, _ := w.env.Store.SlackInstallations(ctx); len(all) != 1 {
		t.Errorf("installs after a cancel: %d", len(all))
	}
}

// jsonText is every string in a decoded JSON value, joined.
func jsonText(v any) string {
	var b strings.Builder
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			b.WriteString(x + "\n")
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return b.String()
}

// TestTokensRevokedAndOrgUninstall: tokens_revoked naming only people's own
// tokens leaves the install alone; naming the bot's removes it; and an
// Enterprise Grid organisation removing its org-wide install removes that
// install, not a workspace's own.
func TestTokensRevokedAndOrgUninstall(t *testing.T) {
	w := newWorkspaces(t)
	ctx := context.Background()
	w.install(schools)
	w.install(grid)
	event := func(id, team, enterprise string, orgWide bool, inner map[string]any) {
		ev := map[string]any{"token": "legacy", "team_id": team, "enterprise_id": enterprise, "api_app_id": "A0APP", "type": "event_callback",
			"event_id": id, "event_time": 1790000000, "event": inner,
			"authorizations": []any{map[string]any{"team_id": team, "enterprise_id": enterprise, "user_id": "U0BOT", "is_bot": true, "is_enterprise_install": orgWide}}}
		b, _ := json.Marshal(ev)
		w.slack.post("application/json", b)
	}
	has := func(key string) bool {
		_, err := w.env.Store.SlackInstallation(ctx, key)
		return err == nil
	}
	event("Ev1", schools.Team, "", false, map[string]any{"type": "tokens_revoked", "event_ts": "1790000000.1",
		"tokens": map[string]any{"oauth": []any{"U1SAM"}}})
	if !has("T:" + schools.Team) {
		t.Fatalf("revoking a person's own token removed the install")
	}
	event("Ev2", robOrg.Team, grid.Enterprise, true, map[string]any{"type": "app_uninstalled", "event_ts": "1790000000.2"})
	if has("E:"+grid.Enterprise) || !has("T:"+schools.Team) {
		t.Fatalf("after the org's uninstall: org %v, schools %v; want the org's gone only", has("E:"+grid.Enterprise), has("T:"+schools.Team))
	}
	event("Ev3", schools.Team, "", false, map[string]any{"type": "tokens_revoked", "event_ts": "1790000000.3",
		"tokens": map[string]any{"bot": []any{"U0BOT"}}})
	if has("T:" + schools.Team) {
		t.Fatalf("revoking the bot's token left the install")
	}
}
