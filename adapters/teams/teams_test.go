package teams

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/resolvebot/resolvebot/adapters/teams/teamstest"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
)

const (
	testAppID  = "00000000-0000-0000-0000-000000000b07"
	testTenant = "11111111-2222-3333-4444-555555555555"
)

// harness is a whole bot with the Teams adapter and the fakes around it.
type harness struct {
	env       *bottest.Env
	adapter   *Adapter
	keys      *teamstest.Keys
	entra     *teamstest.Entra
	connector *teamstest.Connector
	client    *teamstest.Client
	waits     *waits
}

// waits records the connector's waits between tries instead of sleeping.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) sleep(_ context.Context, d time.Duration) error {
	w.mu.Lock()
	w.d = append(w.d, d)
	w.mu.Unlock()
	return nil
}

func (w *waits) all() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.d...)
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	return newHarnessOf(t, bottest.Options{})
}

// newHarnessOf is newHarness with the bot built from bo.
func newHarnessOf(t *testing.T, bo bottest.Options) *harness {
	t.Helper()
	env := bottest.New(t, bo)
	h := &harness{env: env, keys: teamstest.NewKeys(t), entra: teamstest.NewEntra(t, testTenant),
		connector: teamstest.NewConnector(t), waits: &waits{}}
	a, err := New(env.Router, env.People, env.Dispatcher, Options{
		AppID: testAppID, AppPassword: "test-secret", TenantID: testTenant,
		TokenAuthority: h.entra.Authority(), OpenIDMetadataURL: h.keys.MetadataURL(),
		HTTPClient: h.entra.Server.Client(), Now: env.Clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	a.conn.sleep = h.waits.sleep
	h.adapter = a
	h.client = &teamstest.Client{Handler: a, Keys: h.keys, Connector: h.connector, AppID: testAppID, Now: env.Clock.Now}
	return h
}

// user makes a Teams user known to the fake connector's members API.
func (h *harness) user(name, email string) teamstest.User {
	local, _, _ := strings.Cut(email, "@")
	u := teamstest.User{ID: "29:" + local, AAD: "aad-" + local, Name: name, Email: email, Tenant: testTenant}
	h.connector.AddMember(u.Member())
	return u
}

// post sends an activity with a valid token, waits for the work after the
// acknowledgement, and checks the status.
func (h *harness) post(t *testing.T, activity map[string]any, want int) map[string]any {
	t.Helper()
	rec := h.client.Post(t, activity)
	h.adapter.Wait()
	h.env.Settle(t)
	if rec.Code != want {
		t.Fatalf("status %d, want %d: %s", rec.Code, want, rec.Body.String())
	}
	var out map[string]any
	if rec.Body.Len() > 0 && strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("invoke answer: %v", err)
		}
	}
	return out
}

// lastSent returns the last activity sent to u's chat.
func (h *harness) lastSent(t *testing.T, u teamstest.User) teamstest.Call {
	t.Helper()
	sent := h.connector.Sent(u.Conversation())
	if len(sent) == 0 {
		t.Fatalf("nothing was sent to %s", u.Name)
	}
	return sent[len(sent)-1]
}

// sentID returns the activity id the fake connector gave to the nth
// successful send overall, found by matching the call.
func (h *harness) activityIDOf(t *testing.T, call teamstest.Call) string {
	t.Helper()
	n := 0
	for _, c := range h.connector.Calls() {
		if c.Method == http.MethodPost && c.ActivityID == "" && c.Conversation != "" && c.ResponseStatus == 200 {
			n++
			if c.Conversation == call.Conversation && jsonEqual(c.Body, call.Body) {
				return "act-" + strconv.Itoa(n)
			}
		}
	}
	t.Fatal("activity not found")
	return ""
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func peopleCount(t *testing.T, h *harness) int {
	t.Helper()
	ps, err := h.env.Store.ListPeople(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range ps {
		n += 1 + len(p.Handles)
	}
	return n
}

func TestRefusedTokens(t *testing.T) {
	h := newHarness(t)
	sam := h.user("Sam Teacher", "sam.teacher@example.org")
	now := h.env.Clock.Now()
	su := h.connector.URL()
	h.keys.AddKey(t, "forger", false, "msteams")
	h.keys.AddKey(t, "unendorsed", true, "skype")
	h.keys.AddKey(t, "key-9", false, "msteams")
	// A first valid request fetches the keys once.
	h.post(t, h.client.Message(sam, "help"), http.StatusOK)
	if got := h.keys.Fetches(); got != 1 {
		t.Fatalf("key fetches after first request = %d, want 1", got)
	}
	var logs syncBuffer
	h.adapter.log = slog.New(slog.NewTextHandler(&logs, nil))
	claims := func(edit func(jwt.MapClaims)) jwt.MapClaims {
		c := teamstest.Claims(testAppID, su, now)
		edit(c)
		return c
	}
	valid := h.keys.Sign(t, "key-1", claims(func(jwt.MapClaims) {}))
	forged := h.keys.Sign(t, "forger", claims(func(jwt.MapClaims) {}))
	parts := strings.Split(forged, ".")
	forgedAsKey1 := strings.Join([]string{strings.Split(valid, ".")[0], parts[1], parts[2]}, ".")

	tests := []struct {
		name   string
		header string
		reason string // what the refusal logs ("" when refused before any check)
	}{
		{"no authorization", "", ""},
		{"not bearer", "Basic dXNlcjpwYXNz", "no bearer token"},
		{"garbage", "Bearer not.a.jwt", "token is malformed"},
		{"forged signature", "Bearer " + forgedAsKey1, "signature is invalid"},
		{"wrong audience", "Bearer " + h.keys.Sign(t, "key-1", claims(func(c jwt.MapClaims) { c["aud"] = "someone-else" })), "invalid audience"},
		{"wrong issuer", "Bearer " + h.keys.Sign(t, "key-1", claims(func(c jwt.MapClaims) { c["iss"] = "https://sts.windows.net/evil/" })), "wrong issuer"},
		{"expired", "Bearer " + h.keys.Sign(t, "key-1", claims(func(c jwt.MapClaims) { c["exp"] = now.Add(-6 * time.Minute).Unix() })), "token is expired"},
		{"no exp", "Bearer " + h.keys.Sign(t, "key-1", claims(func(c jwt.MapClaims) { delete(c, "exp") })), "missing required claim"},
		{"exp of odd type", "Bearer " + h.keys.Sign(t, "key-1", claims(func(c jwt.MapClaims) { c["exp"] = map[string]any{"x": 1} })), "invalid"},
		{"serviceurl mismatch", "Bearer " + h.keys.Sign(t, "key-1", claims(func(c jwt.MapClaims) { c["serviceurl"] = "https://evil.example.org/" })), "serviceurl claim does not match"},
		{"missing serviceurl claim", "Bearer " + h.keys.Sign(t, "key-1", claims(func(c jwt.MapClaims) { delete(c, "serviceurl") })), "no serviceurl claim"},
		{"serviceurl of odd type", "Bearer " + h.keys.Sign(t, "key-1", claims(func(c jwt.MapClaims) { c["serviceurl"] = 42 })), "no serviceurl claim"},
		{"missing issuer claim", "Bearer " + h.keys.Sign(t, "key-1", claims(func(c jwt.MapClaims) { delete(c, "iss") })), "wrong issuer"},
		{"audience of odd type", "Bearer " + h.keys.Sign(t, "key-1", claims(func(c jwt.MapClaims) { c["aud"] = 7 })), "invalid"},
		{"missing kid", "Bearer " + h.keys.Sign(t, "", claims(func(jwt.MapClaims) {})), "no key id"},
		{"key without endorsement", "Bearer " + h.keys.Sign(t, "unendorsed", claims(func(jwt.MapClaims) {})), "does not endorse the channel"},
		{"alg none", "Bearer " + noneToken(claims(func(jwt.MapClaims) {})), "signature is invalid"},
	}
	before := peopleCount(t, h)
	h.connector.Reset()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stranger := h.user("Mallory", "mallory@example.org")
			rec := h.client.PostWith(t, h.client.Message(stranger, "raise"), tc.header)
			h.adapter.Wait()
			h.env.Settle(t)
			if rec.Code != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401", rec.Code)
			}
			logged := logs.take()
			if !strings.Contains(logged, tc.reason) {
				t.Errorf("logged %q, want the reason %q", logged, tc.reason)
			}
			if tc.header != "" && strings.Contains(logged, strings.TrimPrefix(tc.header, "Bearer ")) {
				t.Errorf("the token was logged")
			}
		})
	}
	if got := peopleCount(t, h); got != before {
		t.Errorf("refused requests changed the store: %d people and handles, was %d", got, before)
	}
	if calls := h.connector.Calls(); len(calls) != 0 {
		t.Errorf("refused requests reached the connector: %+v", calls)
	}
	if got := h.keys.Fetches(); got != 1 {
		t.Errorf("refused tokens with known kids fetched the keys again: %d fetches", got)
	}

	t.Run("unknown kid after exactly one refresh", func(t *testing.T) {
		h.env.Clock.Advance(2 * time.Minute) // past the refresh interval
		start := h.keys.Fetches()
		tok := h.keys.Sign(t, "key-9", teamstest.Claims(testAppID, su, h.env.Clock.Now()))
		rec := h.client.PostWith(t, h.client.Message(sam, "list"), "Bearer "+tok)
		if rec.Code != http.StatusUnauthorized {
			t.Fatalf("status %d, want 401", rec.Code)
		}
		if got := h.keys.Fetches() - start; got != 1 {
			t.Fatalf("key fetches for an unknown kid = %d, want exactly 1", got)
		}
		// Within the minute another unknown kid fetches nothing.
		rec = h.client.PostWith(t, h.client.Message(sam, "list"), "Bearer "+tok)
		if rec.Code != http.StatusUnauthorized || h.keys.Fetches()-start != 1 {
			t.Fatalf("second unknown kid: status %d, fetches %d", rec.Code, h.keys.Fetches()-start)
		}
		// Once published and a minute on, the new key is fetched and accepted.
		h.keys.Publish("key-9")
		h.env.Clock.Advance(61 * time.Second)
		tok = h.keys.Sign(t, "key-9", teamstest.Claims(testAppID, su, h.env.Clock.Now()))
		rec = h.client.PostWith(t, h.client.Message(sam, "list"), "Bearer "+tok)
		h.adapter.Wait()
		h.env.Settle(t)
		if rec.Code != http.StatusOK || h.keys.Fetches()-start != 2 {
			t.Fatalf("rotated key: status %d, fetches %d", rec.Code, h.keys.Fetches()-start)
		}
	})

	t.Run("skew of five minutes is allowed", func(t *testing.T) {
		n := h.env.Clock.Now()
		c := teamstest.Claims(testAppID, su, n)
		c["exp"] = n.Add(-4 * time.Minute).Unix()
		rec := h.client.PostWith(t, h.client.Message(sam, "help"), "Bearer "+h.keys.Sign(t, "key-1", c))
		h.adapter.Wait()
		h.env.Settle(t)
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d, want 200", rec.Code)
		}
	})
}

// syncBuffer collects log output from the handler's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// take returns what was written and clears it.
func (s *syncBuffer) take() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.b.String()
	s.b.Reset()
	return out
}

// noneToken makes an unsigned token.
func noneToken(c jwt.MapClaims) string {
	s, _ := jwt.NewWithClaims(jwt.SigningMethodNone, c).SignedString(jwt.UnsafeAllowNoneSignatureType)
	return s
}

func TestRequestLimits(t *testing.T) {
	h := newHarness(t)
	sam := h.user("Sam Teacher", "sam.teacher@example.org")
	tests := []struct {
		name     string
		activity any
		want     int
	}{
		{"too large", map[string]any{"type": "message", "text": strings.Repeat("x", MaxBody)}, http.StatusRequestEntityTooLarge},
		{"typing is ignored", func() map[string]any { a := h.client.Message(sam, ""); a["type"] = "typing"; return a }(), http.StatusOK},
		{"messageReaction is ignored", func() map[string]any { a := h.client.Message(sam, ""); a["type"] = "messageReaction"; return a }(), http.StatusOK},
		{"other invoke is ignored", func() map[string]any {
			a := h.client.Execute(sam, "", "x", nil)
			a["name"] = "composeExtension/query"
			return a
		}(), http.StatusOK},
		{"unreadable", func() map[string]any { a := h.client.Message(sam, ""); a["text"] = 42; return a }(), http.StatusBadRequest},
		{"not an activity has no serviceUrl to match", "not an activity", http.StatusUnauthorized},
	}
	before := peopleCount(t, h)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tok := h.keys.Sign(t, "key-1", teamstest.Claims(testAppID, h.connector.URL(), h.env.Clock.Now()))
			rec := h.client.PostWith(t, tc.activity, "Bearer "+tok)
			h.adapter.Wait()
			h.env.Settle(t)
			if rec.Code != tc.want {
				t.Fatalf("status %d, want %d", rec.Code, tc.want)
			}
		})
	}
	if got := peopleCount(t, h); got != before {
		t.Errorf("ignored requests changed the store")
	}
	t.Run("get is not allowed", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, "/api/messages", nil)
		rec := &recorder{header: http.Header{}}
		h.adapter.ServeHTTP(rec, req)
		if rec.code != http.StatusMethodNotAllowed {
			t.Fatalf("status %d", rec.code)
		}
	})
}

type recorder struct {
	header http.Header
	code   int
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return len(b), nil }
func (r *recorder) WriteHeader(code int)        { r.code = code }

func TestInstallStoresReferenceAndEmail(t *testing.T) {
	h := newHarness(t)
	mgr := h.user("CSC Manager", "csc.manager@example.org")
	h.post(t, h.client.Install(mgr), http.StatusOK)
	per, err := h.env.Store.FindPersonByEmail(context.Background(), "csc.manager@example.org")
	if err != nil {
		t.Fatal(err)
	}
	var found *conversation.Handle
	for i, hd := range per.Handles {
		if hd.Platform == Platform {
			found = &per.Handles[i]
		}
	}
	if found == nil || found.Team != testTenant || found.User != mgr.AAD || found.Channel != mgr.Conversation() || !strings.Contains(found.Ref, h.connector.URL()) {
		t.Fatalf("teams handle = %+v", found)
	}
	// The configured contact (seeded from the directory) is the same person.
	if per.ID != "csc.manager@example.org" || per.Agency != "csc" {
		t.Errorf("person = %+v", per)
	}
	// A welcome with the help text went to the new chat.
	if !strings.Contains(teamstest.Text(h.lastSent(t, mgr).Card()), "raise") {
		t.Errorf("no welcome sent")
	}
}

func TestMentionAndCaseInsensitiveCommands(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<at>resolvebot</at> HELP", "HELP"},
		{"<at id=\"0\">Resolve Bot</at>&nbsp;status cr-2026-0001", "status cr-2026-0001"},
		{"  List  ", "List"},
		{"<p>raise</p>", "raise"},
	}
	for _, tc := range tests {
		if got := commandText(tc.in); got != tc.want {
			t.Errorf("commandText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	h := newHarness(t)
	sam := h.user("Sam Teacher", "sam.teacher@example.org")
	h.post(t, h.client.Install(sam), http.StatusOK)
	h.post(t, h.client.Message(sam, "<at>resolvebot</at> LIST"), http.StatusOK)
	if text := teamstest.Text(h.lastSent(t, sam).Card()); !strings.Contains(text, "Your cases") {
		t.Errorf("LIST with a mention got %q", text)
	}
}

// TestTokenCheckedFirst: every request without a valid token gets 401,
// whatever its activity type, before anything is read or ignored.
func TestTokenCheckedFirst(t *testing.T) {
	h := newHarness(t)
	sam := h.user("Sam Teacher", "sam.teacher@example.org")
	h.keys.AddKey(t, "forger", false, "msteams")
	typed := func(typ string) map[string]any { a := h.client.Message(sam, "help"); a["type"] = typ; return a }
	activities := map[string]any{
		"message":          h.client.Message(sam, "help"),
		"typing":           typed("typing"),
		"messageReaction":  typed("messageReaction"),
		"unknown type":     typed("somethingNew"),
		"odd-typed fields": map[string]any{"type": "typing", "text": 42, "from": "x"},
		"not an activity":  "not an activity",
	}
	forged := h.keys.Sign(t, "forger", teamstest.Claims(testAppID, h.connector.URL(), h.env.Clock.Now()))
	before := peopleCount(t, h)
	for name, act := range activities {
		for _, header := range []string{"", "Bearer not.a.jwt", "Bearer " + forged} {
			rec := h.client.PostWith(t, act, header)
			h.adapter.Wait()
			h.env.Settle(t)
			if rec.Code != http.StatusUnauthorized {
				t.Errorf("%s with authorization %.20q: status %d, want 401", name, header, rec.Code)
			}
		}
	}
	if got := peopleCount(t, h); got != before {
		t.Errorf("refused requests changed the store")
	}
	if calls := h.connector.Calls(); len(calls) != 0 {
		t.Errorf("refused requests reached the connector: %d calls", len(calls))
	}
	// With a valid token an unsupported type is still ignored with 200.
	tok := h.keys.Sign(t, "key-1", teamstest.Claims(testAppID, h.connector.URL(), h.env.Clock.Now()))
	if rec := h.client.PostWith(t, typed("typing"), "Bearer "+tok); rec.Code != http.StatusOK {
		t.Errorf("typing with a valid token: status %d, want 200", rec.Code)
	}
}

// TestKeysUnavailable: while the OpenID metadata endpoint fails, a token
// that could be valid gets 503 so the Bot Framework retries; a token that
// is plainly invalid still gets 401; once the endpoint is back the
// request is accepted.
func TestKeysUnavailable(t *testing.T) {
	h := newHarness(t)
	sam := h.user("Sam Teacher", "sam.teacher@example.org")
	h.keys.Fail(http.StatusInternalServerError)
	now := h.env.Clock.Now()
	claims := func(edit func(jwt.MapClaims)) string {
		c := teamstest.Claims(testAppID, h.connector.URL(), now)
		edit(c)
		return "Bearer " + h.keys.Sign(t, "key-1", c)
	}
	valid := claims(func(jwt.MapClaims) {})
	tests := []struct {
		name   string
		header string
		want   int
	}{
		{"valid token", valid, http.StatusServiceUnavailable},
		{"valid token again", valid, http.StatusServiceUnavailable},
		{"no token", "", http.StatusUnauthorized},
		{"garbage", "Bearer not.a.jwt", http.StatusUnauthorized},
		{"expired", claims(func(c jwt.MapClaims) { c["exp"] = now.Add(-time.Hour).Unix() }), http.StatusUnauthorized},
		{"wrong audience", claims(func(c jwt.MapClaims) { c["aud"] = "someone-else" }), http.StatusUnauthorized},
		{"wrong issuer", claims(func(c jwt.MapClaims) { c["iss"] = "https://sts.windows.net/evil/" }), http.StatusUnauthorized},
		{"serviceurl mismatch", claims(func(c jwt.MapClaims) { c["serviceurl"] = "https://evil.example.org/" }), http.StatusUnauthorized},
	}
	before := peopleCount(t, h)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := h.client.PostWith(t, h.client.Message(sam, "help"), tc.header)
			h.adapter.Wait()
			h.env.Settle(t)
			if rec.Code != tc.want {
				t.Fatalf("status %d, want %d", rec.Code, tc.want)
			}
			if tc.want == http.StatusServiceUnavailable && rec.Header().Get("Retry-After") == "" {
				t.Error("503 without Retry-After")
			}
		})
	}
	if got := peopleCount(t, h); got != before {
		t.Errorf("unchecked requests changed the store")
	}
	if got := h.keys.Fetches(); got != 0 {
		t.Errorf("JWKS fetched %d times while the metadata was down", got)
	}
	h.keys.Fail(0)
	h.env.Clock.Advance(keyRetryInterval)
	rec := h.client.PostWith(t, h.client.Message(sam, "help"), valid)
	h.adapter.Wait()
	h.env.Settle(t)
	if rec.Code != http.StatusOK {
		t.Fatalf("after the endpoint recovered: status %d, want 200", rec.Code)
	}
}
