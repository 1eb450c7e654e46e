package slack

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// InstallOptions configure the adapter for any number of workspaces, each
// installed through Slack's OAuth v2 flow (see NewInstalled) instead of
// one bot token.
type InstallOptions struct {
	// ClientID and ClientSecret are the app's OAuth credentials.
	ClientID, ClientSecret string
	// RedirectURL is the public address of RedirectPath, as listed in the
	// app's redirect URLs.
	RedirectURL string
	// AuthorizeURL is Slack's consent page; "" for Slack's own
	// (https://slack.com/oauth/v2/authorize).
	AuthorizeURL string
	// APIURL is the Web API base for oauth.v2.access; "" for Slack's own.
	APIURL string
	// HTTPClient makes the oauth.v2.access call; nil for one with a 10s
	// timeout.
	HTTPClient *http.Client
	// NewClient returns a Web API client acting with a bot token.
	NewClient func(token string) *slack.Client
	// Store keeps the installs (sealed: see conversation/sealed).
	Store conversation.SlackInstalls
	// StateTTL is how long an install page's state is good for (default
	// 10 minutes).
	StateTTL time.Duration
	// Stylesheet is the path of the stylesheet the install pages link,
	// the web page's (web.StylesheetPath), which the composition root
	// serves; "" for unstyled pages.
	Stylesheet string
	// Service is the service's name in the install pages' header and
	// title (default resolvebot, as on the web page).
	Service string
	// CacheTTL is how long an install read from the store is reused
	// without reading it again (default DefaultInstallCacheTTL; negative
	// for never). An install removed through another replica stops being
	// used here when it expires, or at once when Slack refuses its token.
	CacheTTL time.Duration
}

// DefaultInstallCacheTTL is how long an install is reused without reading
// the store again: the longest another replica goes on acting with a
// token after an uninstall it did not see (unless Slack refuses the token
// first, which drops it at once).
const DefaultInstallCacheTTL = 30 * time.Second

// DefaultAuthorizeURL is Slack's OAuth v2 consent page.
const DefaultAuthorizeURL = "https://slack.com/oauth/v2/authorize"

// installs finds the installation a request or a send belongs to and the
// Web API client that acts with its token.
type installs struct {
	opts      InstallOptions
	newClient func(token string) api
	now       func() time.Time

	// refreshing lets one refresh of a rotating token run at a time.
	refreshing sync.Mutex

	mu      sync.Mutex
	clients map[string]api                // by token
	cache   map[string]cachedInstallation // by install key; installs found only
}

// cachedInstallation is an install read from the store, and when.
type cachedInstallation struct {
	inst *conversation.SlackInstallation
	at   time.Time
}

// NewInstalled returns an adapter serving every workspace the app is
// installed into through Slack's OAuth flow (InstallHandler and
// RedirectHandler): each request is answered, and each person reached,
// with the token of the install their workspace (team id) or Enterprise
// Grid organisation (enterprise id, for an org-wide install) names. People
// in a workspace with no install, or whose install was removed
// (app_uninstalled, tokens_revoked), are not reachable on Slack, so the
// dispatcher reaches them the next way, such as email. It registers with
// the dispatcher as New does. Returns an error when the OAuth credentials,
// redirect URL, store or client maker are missing.
func NewInstalled(router *bot.Router, dispatcher *bot.Dispatcher, opts Options, io InstallOptions) (*Adapter, error) {
	switch {
	case io.ClientID == "" || io.ClientSecret == "":
		return nil, errors.New("slack: installs need the app's client id and secret (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET)")
	case io.RedirectURL == "":
		return nil, errors.New("slack: installs need the public redirect URL (slack.redirect_url)")
	case io.Store == nil || io.NewClient == nil:
		return nil, errors.New("slack: installs need a store and a client maker")
	}
	if io.AuthorizeURL == "" {
		io.AuthorizeURL = DefaultAuthorizeURL
	}
	if io.Service == "" {
		io.Service = "resolvebot"
	}
	if io.StateTTL <= 0 {
		io.StateTTL = 10 * time.Minute
	}
	if io.HTTPClient == nil {
		io.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if io.CacheTTL == 0 {
		io.CacheTTL = DefaultInstallCacheTTL
	}
	a := newAdapter(nil, router, dispatcher, opts)
	a.installs = &installs{opts: io, clients: map[string]api{}, cache: map[string]cachedInstallation{}, now: a.opts.Now,
		newClient: func(token string) api { return io.NewClient(token) }}
	return a, nil
}

// clientKey is the context key of the Web API client of the install a
// request came from.
type clientKey struct{}

// client returns the Web API client for ctx: the one of the install the
// request or send was routed to, else the single bot token's, else one
// that refuses every call (errNotInstalled).
func (a *Adapter) client(ctx context.Context) api {
	if c, ok := ctx.Value(clientKey{}).(api); ok {
		return c
	}
	if a.api != nil {
		return a.api
	}
	return notInstalled{}
}

// errNotInstalled is the failure to act in a workspace the app is not
// (or no longer) installed in: permanent, so the person is reached the
// next way.
var errNotInstalled = errors.New("slack: the app is not installed in that workspace")

// installKeys are the keys of the installs that may serve a request from
// team in enterprise, best first: the org-wide install when the request
// says it came through one, else the workspace's own, then the
// organisation's.
func installKeys(team, enterprise string, enterpriseInstall bool) []string {
	if enterpriseInstall && enterprise != "" {
		return []string{conversation.SlackInstallKey("", enterprise, true)}
	}
	var keys []string
	if team != "" {
		keys = append(keys, conversation.SlackInstallKey(team, "", false))
	}
	if enterprise != "" {
		keys = append(keys, conversation.SlackInstallKey("", enterprise, true))
	}
	return keys
}

// find returns the install serving team in enterprise. Returns ENOTFOUND
// when there is none, and the store's error when it fails.
func (in *installs) find(ctx context.Context, team, enterprise string, enterpriseInstall bool) (*conversation.SlackInstallation, error) {
	for _, k := range installKeys(team, enterprise, enterpriseInstall) {
		if inst, ok := in.cached(k); ok {
			return inst, nil
		}
		inst, err := in.opts.Store.SlackInstallation(ctx, k)
		if err == nil {
			in.keep(k, inst)
			return inst, nil
		}
		if conversation.ErrorCode(err) != conversation.ENOTFOUND {
			return nil, err
		}
	}
	return nil, conversation.NotFound("install.error.not_installed", nil)
}

// cached returns the install under key read within the cache's TTL.
// Installs not found are never cached: one made through another replica
// is found at once.
func (in *installs) cached(key string) (*conversation.SlackInstallation, bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	c, ok := in.cache[key]
	if !ok || in.opts.CacheTTL < 0 || in.now().Sub(c.at) >= in.opts.CacheTTL {
		return nil, false
	}
	return c.inst, true
}

// keep caches inst, just read from the store under key.
func (in *installs) keep(key string, inst *conversation.SlackInstallation) {
	if in.opts.CacheTTL < 0 {
		return
	}
	in.mu.Lock()
	in.cache[key] = cachedInstallation{inst: inst, at: in.now()}
	in.mu.Unlock()
}

// drop forgets the cached installs serving team in enterprise (their
// token was refused, or they were removed or replaced), so the next
// look-up reads the store.
func (in *installs) drop(team, enterprise string) {
	in.mu.Lock()
	for _, k := range installKeys(team, enterprise, false) {
		delete(in.cache, k)
	}
	in.mu.Unlock()
}

// clientFor returns the Web API client acting with token, made once.
func (in *installs) clientFor(token string) api {
	in.mu.Lock()
	defer in.mu.Unlock()
	c, ok := in.clients[token]
	if !ok {
		c = in.newClient(token)
		in.clients[token] = c
	}
	return c
}

// dropClient drops the client of a token no longer used.
func (in *installs) dropClient(token string) {
	in.mu.Lock()
	delete(in.clients, token)
	in.mu.Unlock()
}

// forget drops a removed install: its cached copy and the client of its
// token.
func (in *installs) forget(inst *conversation.SlackInstallation) {
	in.mu.Lock()
	delete(in.clients, inst.BotToken)
	delete(in.cache, inst.Key())
	in.mu.Unlock()
}

// route returns ctx carrying the client of the install serving team in
// enterprise. With a single bot token it returns ctx as it is. ok is false
// when no install serves them (or the store failed, which is logged): the
// request is then answered without acting in Slack.
func (a *Adapter) route(ctx context.Context, team, enterprise string, enterpriseInstall bool) (context.Context, bool) {
	if a.installs == nil {
		return ctx, true
	}
	inst, err := a.findFresh(ctx, team, enterprise, enterpriseInstall)
	if err != nil {
		if conversation.ErrorCode(err) == conversation.ENOTFOUND {
			a.log.Warn("slack request from a workspace the app is not installed in", "team", logValue(team), "enterprise", logValue(enterprise))
		} else {
			a.log.Error("load slack install failed", "err", err)
		}
		return ctx, false
	}
	return context.WithValue(ctx, clientKey{}, a.installs.clientFor(inst.BotToken)), true
}

// routeHandle is route for a send to h: its team, and the Enterprise Grid
// organisation remembered on it (Handle.Ref). Returns errNotInstalled,
// marked permanent, when no install serves them.
func (a *Adapter) routeHandle(ctx context.Context, h conversation.Handle) (context.Context, error) {
	if a.installs == nil {
		return ctx, nil
	}
	inst, err := a.findFresh(ctx, h.Team, h.Ref, false)
	if conversation.ErrorCode(err) == conversation.ENOTFOUND {
		return ctx, bot.Permanent(errNotInstalled)
	}
	if err != nil {
		return ctx, err
	}
	return context.WithValue(ctx, clientKey{}, a.installs.clientFor(inst.BotToken)), nil
}

// routeRef is routeHandle for a sent card: the handle of its recipient
// whose DM channel it is in.
func (a *Adapter) routeRef(ctx context.Context, ref conversation.MessageRef) (context.Context, error) {
	if a.installs == nil {
		return ctx, nil
	}
	per, err := a.store.GetPerson(ctx, ref.PersonID)
	if err != nil {
		if conversation.ErrorCode(err) == conversation.ENOTFOUND {
			return ctx, bot.Permanent(errNotInstalled)
		}
		return ctx, err
	}
	for _, h := range per.Handles {
		if h.Platform == Platform && h.Channel == ref.Channel {
			return a.routeHandle(ctx, h)
		}
	}
	return ctx, bot.Permanent(errNotInstalled)
}

// uninstalled removes the install an app_uninstalled or tokens_revoked
// event names (with tokens_revoked, only when the bot's token was among
// those revoked), so its people are reached the next way from then on.
func (a *Adapter) uninstalled(ctx context.Context, cb *slackevents.EventsAPICallbackEvent, inner any) outcome {
	if a.installs == nil {
		a.log.Warn("slack: the app was uninstalled or its tokens revoked; the bot token no longer works", "team", logValue(cb.TeamID))
		return outcome{}
	}
	if tr, ok := inner.(*slackevents.TokensRevokedEvent); ok && len(tr.Tokens.Bot) == 0 {
		return outcome{} // only people's own tokens: the bot's still works
	}
	orgWide := false
	for _, au := range cb.Authorizations {
		orgWide = orgWide || au.IsEnterpriseInstall
	}
	inst, err := a.installs.find(ctx, cb.TeamID, cb.EnterpriseID, orgWide)
	if conversation.ErrorCode(err) == conversation.ENOTFOUND {
		return outcome{}
	}
	if err == nil {
		err = a.installs.opts.Store.DeleteSlackInstallation(ctx, inst.Key())
	}
	if err != nil {
		a.log.Error("remove slack install failed", "err", err)
		return outcome{status: http.StatusInternalServerError} // Slack retries
	}
	a.installs.forget(inst)
	a.log.Info("slack install removed", "install", logValue(strings.TrimPrefix(inst.Key(), "T:")), "team", logValue(inst.TeamID),
		"enterprise", logValue(inst.EnterpriseID))
	a.metrics.Command(Platform, "uninstall", "ok")
	return outcome{}
}

// notInstalled is the client of a workspace with no install: every call
// fails with errNotInstalled.
type notInstalled struct{}

func (notInstalled) OpenConversationContext(context.Context, *slack.OpenConversationParameters) (*slack.Channel, bool, bool, error) {
	return nil, false, false, errNotInstalled
}
func (notInstalled) PostMessageContext(context.Context, string, ...slack.MsgOption) (string, string, error) {
	return "", "", errNotInstalled
}
func (notInstalled) UpdateMessageContext(context.Context, string, string, ...slack.MsgOption) (string, string, string, error) {
	return "", "", "", errNotInstalled
}
func (notInstalled) PostEphemeralContext(context.Context, string, string, ...slack.MsgOption) (string, error) {
	return "", errNotInstalled
}
func (notInstalled) OpenViewContext(context.Context, string, slack.ModalViewRequest) (*slack.ViewResponse, error) {
	return nil, errNotInstalled
}
func (notInstalled) UpdateViewContext(context.Context, slack.ModalViewRequest, string, string, string) (*slack.ViewResponse, error) {
	return nil, errNotInstalled
}
func (notInstalled) PublishViewContext(context.Context, slack.PublishViewContextRequest) (*slack.ViewResponse, error) {
	return nil, errNotInstalled
}
func (notInstalled) GetUserInfoContext(context.Context, string, ...slack.GetUserInfoOption) (*slack.User, error) {
	return nil, errNotInstalled
}
func (notInstalled) GetUserByEmailContext(context.Context, string) (*slack.User, error) {
	return nil, errNotInstalled
}
func (notInstalled) GetPermalinkContext(context.Context, *slack.PermalinkParameters) (string, error) {
	return "", errNotInstalled
}

// carryClient returns fn, the work after an acknowledgement, acting with
// the client routed has (see route): that work runs on a context of its
// own, detached from the request's.
func carryClient(routed context.Context, fn func(ctx context.Context)) func(ctx context.Context) {
	c, ok := routed.Value(clientKey{}).(api)
	if fn == nil || !ok {
		return fn
	}
	return func(ctx context.Context) { fn(context.WithValue(ctx, clientKey{}, c)) }
}

// notInstalledMessage is the answer to someone in a workspace the app is
// not installed in.
func (a *Adapter) notInstalledMessage() bot.Message {
	return errorMessage(a.router.Cards.Say("install.not_installed", nil))
}
