// Package teams connects resolvebot to Microsoft Teams through the Bot
// Framework: it receives activities on POST /api/messages, validates every
// request's token itself, renders the neutral messages as Adaptive Cards
// with Universal Actions, and sends and updates messages through its own
// Bot Connector client with app tokens from MSAL.
//
// Only the activity schema of msbotbuilder-go is used; its token validation
// and its connector client are not (see DESIGN.md).
package teams

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/resolvebot/resolvebot/adapters/metrics"
	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/internal/ctxsleep"
)

// Platform is the handle platform of Teams people.
const Platform = "teams"

// MaxBody is the largest request body accepted; larger ones get 413.
const MaxBody = 1 << 20

// Options configure the adapter. AppID is required unless InsecureNoAuth is
// set.
type Options struct {
	AppID       string
	AppPassword string // client secret; or Certificate
	// Certificate is a PEM certificate with its private key, used instead
	// of AppPassword when set.
	Certificate []byte
	TenantID    string
	// TokenAuthority overrides the Entra authority (see Authority).
	TokenAuthority string
	// Registrations are the bot registrations the adapter answers for, one
	// per tenant; empty for the one of AppID, AppPassword, Certificate,
	// TenantID and TokenAuthority. An activity is handled by the
	// registration its token's audience names, and every reply and
	// proactive message to that conversation uses its credentials.
	Registrations []Registration
	// OpenIDMetadataURL is where the request-signing keys are found; ""
	// for the Bot Framework's public metadata.
	OpenIDMetadataURL string
	// Issuers are the accepted token issuers; nil for DefaultIssuer.
	Issuers []string
	// InsecureNoAuth accepts requests without checking tokens and sends
	// none. For the local emulator only.
	InsecureNoAuth bool
	// ServiceURLs are trusted, by every registration, before any activity
	// arrives: Microsoft's well-known endpoints, such as
	// https://smba.trafficmanager.net/teams/. A registration's own
	// Registration.ServiceURLs are trusted by it alone, and so is a
	// service URL learned from an activity whose token names it.
	ServiceURLs []string
	// HTTPClient makes every outbound call; nil for a client with sane
	// timeouts.
	HTTPClient *http.Client
	// Timeout bounds each connector call; 0 for 15 seconds.
	Timeout time.Duration
	// Now is the clock for token checks; nil for time.Now.
	Now func() time.Time
	Log *slog.Logger
	// Metrics counts requests, acknowledgement times, commands and
	// outbound calls; nil counts nothing.
	Metrics *metrics.Metrics
}

// Adapter is the Teams platform: an HTTP handler for the Bot Framework and
// a bot.Sender for Teams handles.
type Adapter struct {
	router     *bot.Router
	people     *bot.People
	dispatcher *bot.Dispatcher
	store      conversation.Store
	log        *slog.Logger
	regs       map[string]*registration // by app id
	first      *registration            // the first configured
	insecure   bool
	auth       *validator
	conn       *connector
	now        func() time.Time
	metrics    *metrics.Metrics

	wg sync.WaitGroup // background work after each acknowledgement

	mu       sync.Mutex
	members  map[string]cachedMember // conversation id + member id → member
	convURLs map[string]string       // app id + conversation id → service URL
	known    map[string]knownPerson  // handle key → who it identified
}

type cachedMember struct {
	m  member
	at time.Time
}

// knownPerson is who a handle identified, and with what: the same handle
// (conversation reference included), name and email seen again within
// knownTTL have nothing new to record, so the person is known without a
// store call. A profile saved in Teams forgets them (forget).
type knownPerson struct {
	h           conversation.Handle
	name, email string
	per         *conversation.Person
	at          time.Time
}

// maxKnown bounds the known people kept; past it the cache starts again.
const maxKnown = 10000

// knownTTL is how long a person identified is reused without a store call
// (Slack's adapter keeps its users as long by default).
const knownTTL = 10 * time.Minute

// memberTTL is how long a member's email and name are reused.
const memberTTL = time.Hour

var _ bot.Sender = (*Adapter)(nil)

// New returns a Teams adapter over the bot's router and registers it with
// dispatcher. Returns an error when the options cannot work: no app id
// without InsecureNoAuth, or an unusable credential.
func New(router *bot.Router, people *bot.People, dispatcher *bot.Dispatcher, opts Options) (*Adapter, error) {
	if len(opts.Registrations) == 0 {
		opts.Registrations = []Registration{{AppID: opts.AppID, AppPassword: opts.AppPassword, Certificate: opts.Certificate,
			TenantID: opts.TenantID, TokenAuthority: opts.TokenAuthority}}
	}
	for _, r := range opts.Registrations {
		if r.AppID == "" && !opts.InsecureNoAuth {
			return nil, errors.New("teams: no app id")
		}
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	hc := opts.HTTPClient
	if hc == nil {
		hc = NewHTTPClient()
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = 15 * time.Second
	}
	a := &Adapter{router: router, people: people, dispatcher: dispatcher, store: router.Store, log: log,
		insecure: opts.InsecureNoAuth, now: now, metrics: opts.Metrics, regs: map[string]*registration{},
		members: map[string]cachedMember{}, convURLs: map[string]string{}, known: map[string]knownPerson{}}
	var appIDs []string
	for _, r := range opts.Registrations {
		if _, dup := a.regs[r.AppID]; dup {
			return nil, fmt.Errorf("teams: the app id %s is configured twice", r.AppID)
		}
		// Each registration trusts its own service URLs: one learned from
		// an activity for another registration is never sent this one's
		// token.
		trusted := &trustedURLs{}
		for _, u := range slices.Concat(opts.ServiceURLs, r.ServiceURLs) {
			trusted.add(u)
		}
		reg := &registration{Registration: r, conn: &connector{client: hc, trusted: trusted, timeout: timeout, tries: 4,
			base: 500 * time.Millisecond, sleep: ctxsleep.Sleep, metrics: opts.Metrics}}
		if !opts.InsecureNoAuth {
			tokens, err := newMSALTokens(r.AppID, r.AppPassword, r.Certificate, Authority(r.TokenAuthority, r.TenantID), hc)
			if err != nil {
				return nil, fmt.Errorf("teams: app %s: %w", r.AppID, err)
			}
			reg.conn.tokens = tokens
		}
		a.regs[r.AppID] = reg
		appIDs = append(appIDs, r.AppID)
		if a.first == nil {
			a.first = reg
		}
	}
	a.conn = a.first.conn
	if !opts.InsecureNoAuth {
		meta := opts.OpenIDMetadataURL
		if meta == "" {
			meta = "https://login.botframework.com/v1/.well-known/openidconfiguration"
		}
		issuers := opts.Issuers
		if len(issuers) == 0 {
			issuers = []string{DefaultIssuer}
		}
		a.auth = &validator{appIDs: appIDs, issuers: issuers, now: now,
			keys: &keySet{metadataURL: meta, client: hc, now: now}}
	}
	dispatcher.Register(a)
	return a, nil
}

// Insecure reports whether requests are accepted without token checks.
func (a *Adapter) Insecure() bool { return a.insecure }

// Wait blocks until the work started after acknowledging requests (sending
// to other people, updating cards) is done. Tests call it after each
// request; serve calls it when shutting down.
func (a *Adapter) Wait() { a.wg.Wait() }

// Platform implements bot.Sender.
func (a *Adapter) Platform() string { return Platform }

// ServeHTTP receives one Bot Framework activity: 405 for anything but POST,
// 413 for a body over MaxBody, 401 without a valid token (checked before
// anything in the activity is used, whatever its type, against the channel
// and service URL read from it), 503 when the signing keys
// cannot be fetched to check it, 400 for an unreadable activity, 200 for
// everything handled or ignored.
func (a *Adapter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	a.serve(sw, r)
	a.metrics.Request(Platform, sw.route, sw.status)
	a.metrics.Ack(Platform, sw.route, time.Since(start))
}

// statusWriter remembers the status written and the kind of activity, for
// metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
	route  string
}

func (s *statusWriter) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func (a *Adapter) serve(w *statusWriter, r *http.Request) {
	w.route = "refused"
	act, appID, ok := a.readActivity(w, r)
	if !ok {
		return
	}
	// Everything the activity causes, replies and work after the answer
	// alike, acts as the registration its token was for.
	reg := a.registrationByApp(appID)
	r = r.WithContext(withRegistration(r.Context(), reg))
	w.route = string(act.Type)
	// The token bound this service URL to this registration's activity:
	// it is trusted with this registration's token, and no other's.
	reg.conn.trusted.add(act.ServiceURL)
	a.learnURL(reg, act.Conversation.ID, act.ServiceURL)
	switch act.Type {
	case schema.Message:
		a.onMessage(w, r, act)
	case schema.ConversationUpdate, installationUpdate:
		a.onInstall(w, r, act)
	case schema.Invoke:
		a.onInvoke(w, r, act)
	default:
		w.WriteHeader(http.StatusOK)
	}
}

// readActivity is what every request goes through before any of
// resolvebot's work: the method, the token (checked before anything in the
// activity is used or answered, whatever its type) and the activity parsed;
// with the activity it returns the app id its token is for. When it returns false
// the answer has been written: an error, or 200 for an activity of a type
// the bot does not read.
func (a *Adapter) readActivity(w http.ResponseWriter, r *http.Request) (*schema.Activity, string, bool) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return nil, "", false
	}
	header := r.Header.Get("Authorization")
	if header == "" && !a.insecure {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return nil, "", false
	}
	body, err := readBody(w, r)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
			return nil, "", false
		}
		http.Error(w, "bad request", http.StatusBadRequest)
		return nil, "", false
	}
	// The activity is parsed here but nothing in it is used, and nothing
	// answered from it, until its token has been checked.
	var act schema.Activity
	parseErr := json.Unmarshal(body, &act)
	var appID string
	if !a.insecure {
		// The token binds the channel and service URL the adapter goes on
		// to use: the parsed activity's (JSON keys match fields whatever
		// their case, so peeking at the exact keys could check one value
		// while another is used). An activity that cannot be parsed is
		// never used; its token is checked against the exact keys.
		channelID, serviceURL := act.ChannelID, act.ServiceURL
		if parseErr != nil {
			channelID, serviceURL = peekRoute(body)
		}
		if appID, err = a.auth.validate(r.Context(), header, channelID, serviceURL); err != nil {
			switch {
			case errors.Is(err, errAuth):
				a.log.Warn("teams request refused", "reason", err.Error())
			case errors.Is(err, errKeysUnavailable):
				a.log.Error("teams signing keys unavailable; asking the Bot Framework to retry", "err", err)
				w.Header().Set("Retry-After", "5")
				http.Error(w, "service unavailable", http.StatusServiceUnavailable)
				return nil, "", false
			default:
				a.log.Error("teams token check failed", "err", err)
			}
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return nil, "", false
		}
	}
	if parseErr != nil {
		var peek struct {
			Type string `json:"type"`
		}
		if json.Unmarshal(body, &peek) == nil && !supported(peek.Type) {
			w.WriteHeader(http.StatusOK) // not ours to read; ignored
			return nil, "", false
		}
		http.Error(w, "unreadable activity", http.StatusBadRequest)
		return nil, "", false
	}
	return &act, appID, true
}

// peekRoute reads the channel id and service URL of a body that is not a
// readable activity, for the token check; fields that are missing or of
// another type give "", which the check then refuses.
func peekRoute(body []byte) (channelID, serviceURL string) {
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) != nil {
		return "", ""
	}
	_ = json.Unmarshal(fields["channelId"], &channelID)
	_ = json.Unmarshal(fields["serviceUrl"], &serviceURL)
	return channelID, serviceURL
}

func supported(t string) bool {
	return t == string(schema.Message) || t == string(schema.ConversationUpdate) || t == installationUpdate || t == string(schema.Invoke)
}

func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	return io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
}

// background runs fn after the request is acknowledged, with the request's
// values but not its cancellation, bounded to two minutes.
func (a *Adapter) background(r *http.Request, fn func(ctx context.Context)) {
	ctx := context.WithoutCancel(r.Context())
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		fn(ctx)
	}()
}

// tenantOf returns the activity's tenant id.
func tenantOf(act *schema.Activity) string {
	if act.Conversation.TenantID != "" {
		return act.Conversation.TenantID
	}
	if t, ok := act.ChannelData["tenant"].(map[string]any); ok {
		if id, ok := t["id"].(string); ok {
			return id
		}
	}
	return ""
}

// personal reports whether the activity is in the 1:1 chat with the bot.
func personal(act *schema.Activity) bool {
	ct := act.Conversation.ConversationType
	return ct == "personal" || (ct == "" && !act.Conversation.IsGroup)
}

// lookupMember returns a member's details from the members API, cached.
// A failure gives the zero member: the person is then known by handle only.
func (a *Adapter) lookupMember(ctx context.Context, serviceURL, convID, memberID string) member {
	key := convID + "\x00" + memberID
	a.mu.Lock()
	c, ok := a.members[key]
	a.mu.Unlock()
	if ok && a.now().Sub(c.at) < memberTTL {
		return c.m
	}
	m, err := a.connFor(ctx).member(ctx, serviceURL, convID, memberID)
	if err != nil {
		a.log.Warn("teams member lookup failed", "err", err)
		return member{}
	}
	a.mu.Lock()
	a.members[key] = cachedMember{m: m, at: a.now()}
	a.mu.Unlock()
	return m
}

// remember records a Teams member as a person: their handle (tenant and
// AAD object id), a conversation reference to reach them, and their email
// from the members API so the same person is recognised on Slack. A
// reference to a group conversation is stored without its conversation, so
// the bot opens a 1:1 chat rather than posting a case in a channel.
func (a *Adapter) remember(ctx context.Context, act *schema.Activity, user schema.ChannelAccount, m member) (*conversation.Person, error) {
	tenant, aad := tenantOf(act), aadOf(user, m)
	ref := schema.ConversationReference{
		User:       schema.ChannelAccount{ID: user.ID, AadObjectID: aad},
		Bot:        schema.ChannelAccount{ID: act.Recipient.ID},
		ChannelID:  act.ChannelID,
		ServiceURL: act.ServiceURL,
		Conversation: schema.ConversationAccount{ID: act.Conversation.ID, TenantID: tenant,
			ConversationType: act.Conversation.ConversationType},
	}
	h := conversation.Handle{Platform: Platform, Team: tenant, User: aad}
	if personal(act) {
		h.Channel = act.Conversation.ID
	} else {
		ref.Conversation = schema.ConversationAccount{TenantID: tenant}
		if per, err := a.store.FindPersonByHandle(ctx, Platform, tenant, aad); err == nil {
			for _, old := range per.Handles {
				if old.Key() == h.Key() && old.Channel != "" {
					ref = schema.ConversationReference{} // keep the 1:1 chat already known
				}
			}
		}
	}
	if ref.ServiceURL != "" {
		data, err := json.Marshal(ref)
		if err != nil {
			return nil, err
		}
		h.Ref = string(data)
	}
	email := m.Email
	if email == "" && strings.Contains(m.UserPrincipalName, "@") {
		email = m.UserPrincipalName
	}
	name := m.Name
	if name == "" {
		name = user.Name
	}
	key := h.Key()
	a.mu.Lock()
	k, ok := a.known[key]
	a.mu.Unlock()
	if ok && k.h == h && k.name == name && k.email == email && a.now().Sub(k.at) < knownTTL {
		return copyPerson(k.per), nil
	}
	per, err := a.people.Identify(ctx, h, name, email)
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	if len(a.known) >= maxKnown {
		a.known = map[string]knownPerson{}
	}
	a.known[key] = knownPerson{h: h, name: name, email: email, per: copyPerson(per), at: a.now()}
	a.mu.Unlock()
	return per, nil
}

// aadOf returns the id a Teams member's handle is keyed by: their AAD
// object id, from the activity or the members API, else their channel
// account id.
func aadOf(user schema.ChannelAccount, m member) string {
	for _, id := range []string{user.AadObjectID, m.AadObjectID} {
		if id != "" {
			return id
		}
	}
	return user.ID
}

// forget drops what remember knows of a person, so their next activity
// reads them from the store again (their profile changed).
func (a *Adapter) forget(personID string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	maps.DeleteFunc(a.known, func(_ string, k knownPerson) bool { return k.per.ID == personID })
}

func copyPerson(p *conversation.Person) *conversation.Person {
	cp := *p
	cp.Handles = slices.Clone(p.Handles)
	return &cp
}

// actor identifies who sent an activity.
func (a *Adapter) actor(ctx context.Context, act *schema.Activity) (*conversation.Person, error) {
	m := a.lookupMember(ctx, act.ServiceURL, act.Conversation.ID, act.From.ID)
	return a.remember(ctx, act, act.From, m)
}

// onInstall stores references for the members a conversation update adds
// (the bot installed for a person, or added to a team or chat).
func (a *Adapter) onInstall(w http.ResponseWriter, r *http.Request, act *schema.Activity) {
	ctx := r.Context()
	if botRemoved(act) {
		a.onRemoved(w, r, act)
		return
	}
	botAdded := slices.ContainsFunc(act.MembersAdded, func(m schema.ChannelAccount) bool { return m.ID == act.Recipient.ID })
	var people []schema.ChannelAccount
	for _, m := range act.MembersAdded {
		if m.ID != act.Recipient.ID {
			people = append(people, m)
		}
	}
	if act.Type == installationUpdate || (botAdded && personal(act)) {
		if act.From.ID != "" && act.From.ID != act.Recipient.ID && !slices.ContainsFunc(people, func(m schema.ChannelAccount) bool { return m.ID == act.From.ID }) {
			people = append(people, act.From)
		}
	}
	if botAdded && !personal(act) {
		// Added to a team or group chat: everyone in it becomes reachable.
		if ms, err := a.connFor(ctx).members(ctx, act.ServiceURL, act.Conversation.ID); err == nil {
			for _, m := range ms {
				if m.ID != act.Recipient.ID && !slices.ContainsFunc(people, func(p schema.ChannelAccount) bool { return p.ID == m.ID }) {
					people = append(people, schema.ChannelAccount{ID: m.ID, Name: m.Name, AadObjectID: m.AadObjectID})
				}
			}
		} else {
			a.log.Warn("teams members list failed", "err", err)
		}
	}
	for _, p := range people {
		m := a.lookupMember(ctx, act.ServiceURL, act.Conversation.ID, p.ID)
		// An install is always written: another replica may have
		// forgotten this reference on an uninstall this one did not see.
		a.dropKnown(conversation.Handle{Platform: Platform, Team: tenantOf(act), User: aadOf(p, m)}.Key())
		if _, err := a.remember(ctx, act, p, m); err != nil {
			a.log.Error("teams remember member failed", "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
	}
	w.WriteHeader(http.StatusOK)
	if botAdded && personal(act) && len(people) > 0 {
		a.background(r, func(ctx context.Context) {
			a.sendMessages(ctx, act.ServiceURL, act.Conversation.ID, "", []bot.Message{a.router.Cards.Help("")})
		})
	}
}
