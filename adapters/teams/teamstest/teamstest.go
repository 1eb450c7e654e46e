// Package teamstest provides offline fakes of the services the Teams adapter
// talks to, each an httptest server speaking the real wire format: the Bot
// Framework OpenID metadata and signing keys (with test RSA keys that sign
// real-shaped tokens), the Entra token endpoint, and the Bot Connector.
package teamstest

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Issuer is the issuer of tokens the Bot Framework sends to bots.
const Issuer = "https://api.botframework.com"

// Keys is a fake Bot Framework OpenID metadata and JWKS endpoint.
type Keys struct {
	Server *httptest.Server
	mu     sync.Mutex
	keys   map[string]*key // published keys by kid
	fetch  int             // JWKS fetches
	down   int             // status the metadata answers with while down; 0 when up
}

type key struct {
	priv         *rsa.PrivateKey
	endorsements []string
	published    bool
}

// NewKeys starts the metadata server with one published key "key-1"
// endorsing msteams. It stops at the end of the test.
func NewKeys(tb testing.TB) *Keys {
	tb.Helper()
	k := &Keys{keys: map[string]*key{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/.well-known/openidconfiguration", func(w http.ResponseWriter, r *http.Request) {
		k.mu.Lock()
		down := k.down
		k.mu.Unlock()
		if down != 0 {
			http.Error(w, "unavailable", down)
			return
		}
		writeJSON(w, map[string]any{
			"issuer":                                Issuer,
			"authorization_endpoint":                "https://invalid.example.org/auth",
			"jwks_uri":                              k.Server.URL + "/v1/.well-known/keys",
			"id_token_signing_alg_values_supported": []string{"RS256"},
			"token_endpoint_auth_methods_supported": []string{"private_key_jwt"},
		})
	})
	mux.HandleFunc("GET /v1/.well-known/keys", func(w http.ResponseWriter, r *http.Request) {
		k.mu.Lock()
		k.fetch++
		var out []any
		for kid, kk := range k.keys {
			if !kk.published {
				continue
			}
			out = append(out, map[string]any{
				"kty": "RSA", "use": "sig", "kid": kid,
				"n":            base64.RawURLEncoding.EncodeToString(kk.priv.N.Bytes()),
				"e":            base64.RawURLEncoding.EncodeToString(big.NewInt(int64(kk.priv.E)).Bytes()),
				"endorsements": kk.endorsements,
			})
		}
		k.mu.Unlock()
		writeJSON(w, map[string]any{"keys": out})
	})
	k.Server = httptest.NewServer(mux)
	tb.Cleanup(k.Server.Close)
	k.AddKey(tb, "key-1", true, "msteams")
	return k
}

// MetadataURL is the OpenID metadata address to configure.
func (k *Keys) MetadataURL() string { return k.Server.URL + "/v1/.well-known/openidconfiguration" }

// AddKey makes a new 2048-bit key; published keys appear in the JWKS.
func (k *Keys) AddKey(tb testing.TB, kid string, published bool, endorsements ...string) {
	tb.Helper()
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		tb.Fatal(err)
	}
	k.mu.Lock()
	k.keys[kid] = &key{priv: priv, endorsements: endorsements, published: published}
	k.mu.Unlock()
}

// Fail makes the metadata endpoint answer every request with status (such
// as 500), as when it is down; Fail(0) brings it back.
func (k *Keys) Fail(status int) {
	k.mu.Lock()
	k.down = status
	k.mu.Unlock()
}

// Publish makes a key appear in the JWKS from the next fetch on.
func (k *Keys) Publish(kid string) {
	k.mu.Lock()
	k.keys[kid].published = true
	k.mu.Unlock()
}

// Fetches returns how many times the JWKS was fetched.
func (k *Keys) Fetches() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.fetch
}

// Claims returns real-shaped claims for a request to appID from serviceURL,
// valid from now for an hour.
func Claims(appID, serviceURL string, now time.Time) jwt.MapClaims {
	return jwt.MapClaims{
		"serviceurl": serviceURL,
		"nbf":        now.Add(-time.Minute).Unix(),
		"exp":        now.Add(time.Hour).Unix(),
		"iss":        Issuer,
		"aud":        appID,
	}
}

// Sign signs claims with the key kid (which need not be published) and
// returns the compact token. A kid of "" leaves the header without one.
func (k *Keys) Sign(tb testing.TB, kid string, claims jwt.MapClaims) string {
	tb.Helper()
	k.mu.Lock()
	kk, ok := k.keys[kid]
	if !ok && kid == "" {
		kk, ok = k.keys["key-1"]
	}
	k.mu.Unlock()
	if !ok {
		tb.Fatalf("no key %q", kid)
	}
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	if kid != "" {
		t.Header["kid"] = kid
	}
	s, err := t.SignedString(kk.priv)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// Entra is a fake Entra ID token endpoint for MSAL's client credentials
// flow. It is a TLS server, as MSAL requires https.
type Entra struct {
	Server *httptest.Server
	Tenant string
	// Prefix starts every token issued; "" for "app-token-". Set it
	// before the first request.
	Prefix string
	mu     sync.Mutex
	issued int
	grants []Grant
}

// Grant is how one token request proved the app's identity.
type Grant struct {
	ClientID string
	// Secret is true for a client secret (its value is not kept).
	Secret bool
	// Assertion is the signed client assertion JWT of a certificate
	// credential, or "".
	Assertion string
}

// NewEntra starts a fake authority for tenant.
func NewEntra(tb testing.TB, tenant string) *Entra {
	tb.Helper()
	e := &Entra{Tenant: tenant}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /"+tenant+"/v2.0/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		base := e.Server.URL + "/" + tenant
		writeJSON(w, map[string]any{
			"authorization_endpoint": base + "/oauth2/v2.0/authorize",
			"token_endpoint":         base + "/oauth2/v2.0/token",
			"issuer":                 base + "/v2.0",
		})
	})
	mux.HandleFunc("POST /"+tenant+"/oauth2/v2.0/token", func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" || r.PostForm.Get("client_id") == "" {
			w.WriteHeader(http.StatusBadRequest)
			writeJSON(w, map[string]any{"error": "invalid_request"})
			return
		}
		g := Grant{ClientID: r.PostForm.Get("client_id"), Secret: r.PostForm.Get("client_secret") != ""}
		if r.PostForm.Get("client_assertion_type") == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" {
			g.Assertion = r.PostForm.Get("client_assertion")
		}
		if !g.Secret && g.Assertion == "" {
			w.WriteHeader(http.StatusUnauthorized)
			writeJSON(w, map[string]any{"error": "invalid_client"})
			return
		}
		e.mu.Lock()
		e.issued++
		n := e.issued
		e.grants = append(e.grants, g)
		prefix := e.Prefix
		e.mu.Unlock()
		if prefix == "" {
			prefix = "app-token-"
		}
		writeJSON(w, map[string]any{"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599,
			"access_token": fmt.Sprintf("%s%d", prefix, n)})
	})
	e.Server = httptest.NewTLSServer(mux)
	tb.Cleanup(e.Server.Close)
	return e
}

// Authority is the authority to configure.
func (e *Entra) Authority() string { return e.Server.URL + "/" + e.Tenant }

// Issued returns how many tokens were issued.
func (e *Entra) Issued() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.issued
}

// Grants returns how each issued token was asked for, in order.
func (e *Entra) Grants() []Grant {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]Grant(nil), e.grants...)
}

// Call is one request the fake connector received.
type Call struct {
	Method         string
	Path           string
	Conversation   string // unescaped conversation id
	ActivityID     string
	Authorization  string
	Body           map[string]any
	ResponseStatus int
	// Sent is the id given to a posted activity.
	Sent string
}

// Member is a person the fake connector knows.
type Member struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	AadObjectID string `json:"aadObjectId"`
	Email       string `json:"email"`
	TenantID    string `json:"tenantId"`
}

// Connector is a fake Bot Connector service.
type Connector struct {
	Server *httptest.Server
	mu     sync.Mutex
	calls  []Call
	seq    int
	// members by conversation id ("" for every conversation).
	members map[string][]Member
	// fail holds statuses to answer the next calls with, in order.
	fail       []int
	retryAfter string
	conns      atomic.Int64
}

// NewConnector starts a fake connector.
func NewConnector(tb testing.TB) *Connector {
	tb.Helper()
	c := &Connector{members: map[string][]Member{}}
	c.Server = httptest.NewUnstartedServer(http.HandlerFunc(c.serve))
	c.Server.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			c.conns.Add(1)
		}
	}
	c.Server.Start()
	tb.Cleanup(c.Server.Close)
	return c
}

// Conns returns how many TCP connections the connector has accepted.
func (c *Connector) Conns() int64 { return c.conns.Load() }

// URL is the service URL activities carry (with a trailing slash, as Teams
// sends it).
func (c *Connector) URL() string { return c.Server.URL + "/" }

// AddMember makes a member known in every conversation.
func (c *Connector) AddMember(m Member) {
	c.mu.Lock()
	c.members[""] = append(c.members[""], m)
	c.mu.Unlock()
}

// FailNext answers the next calls with these statuses, each with
// Retry-After set to retryAfter when not "".
func (c *Connector) FailNext(retryAfter string, statuses ...int) {
	c.mu.Lock()
	c.fail = append(c.fail, statuses...)
	c.retryAfter = retryAfter
	c.mu.Unlock()
}

// Calls returns the calls so far.
func (c *Connector) Calls() []Call {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Call(nil), c.calls...)
}

// Reset forgets the calls so far.
func (c *Connector) Reset() {
	c.mu.Lock()
	c.calls = nil
	c.mu.Unlock()
}

// Sent returns the activities posted to conversation, in order.
func (c *Connector) Sent(conversation string) []Call {
	var out []Call
	for _, call := range c.Calls() {
		if call.Method == http.MethodPost && call.Conversation == conversation && call.ActivityID == "" && call.ResponseStatus == 200 {
			out = append(out, call)
		}
	}
	return out
}

// Updates returns the successful activity updates, in order.
func (c *Connector) Updates() []Call {
	var out []Call
	for _, call := range c.Calls() {
		if call.Method == http.MethodPut && call.ResponseStatus == 200 {
			out = append(out, call)
		}
	}
	return out
}

func (c *Connector) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	call := Call{Method: r.Method, Path: r.URL.EscapedPath(), Authorization: r.Header.Get("Authorization")}
	if len(body) > 0 {
		_ = json.Unmarshal(body, &call.Body)
	}
	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), "/v3/conversations")
	if !ok {
		http.NotFound(w, r)
		return
	}
	parts := strings.Split(strings.TrimPrefix(rest, "/"), "/")
	if len(parts) > 0 && parts[0] != "" {
		call.Conversation, _ = url.PathUnescape(parts[0])
	}
	if len(parts) > 2 && parts[1] == "activities" {
		call.ActivityID, _ = url.PathUnescape(parts[2])
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	record := func(status int) {
		call.ResponseStatus = status
		c.calls = append(c.calls, call)
	}
	if len(c.fail) > 0 {
		status := c.fail[0]
		c.fail = c.fail[1:]
		if c.retryAfter != "" {
			w.Header().Set("Retry-After", c.retryAfter)
		}
		record(status)
		w.WriteHeader(status)
		writeJSON(w, map[string]any{"error": map[string]any{"code": "ServiceError", "message": http.StatusText(status)}})
		return
	}
	if !strings.HasPrefix(call.Authorization, "Bearer ") {
		record(http.StatusUnauthorized)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	switch {
	case r.Method == http.MethodPost && call.Conversation == "":
		members, _ := call.Body["members"].([]any)
		user := ""
		if len(members) == 1 {
			m, _ := members[0].(map[string]any)
			user, _ = m["id"].(string)
		}
		record(200)
		writeJSON(w, map[string]any{"id": "a:1:1-" + user})
	case r.Method == http.MethodPost && len(parts) == 2 && parts[1] == "activities":
		c.seq++
		call.Sent = fmt.Sprintf("act-%d", c.seq)
		record(200)
		writeJSON(w, map[string]any{"id": call.Sent})
	case r.Method == http.MethodPut && call.ActivityID != "":
		record(200)
		writeJSON(w, map[string]any{"id": call.ActivityID})
	case r.Method == http.MethodDelete && call.ActivityID != "":
		record(200)
	case r.Method == http.MethodGet && len(parts) >= 2 && parts[1] == "members":
		all := append(append([]Member(nil), c.members[""]...), c.members[call.Conversation]...)
		if len(parts) == 3 {
			id, _ := url.PathUnescape(parts[2])
			for _, m := range all {
				if m.ID == id {
					record(200)
					writeJSON(w, m)
					return
				}
			}
			record(404)
			w.WriteHeader(http.StatusNotFound)
			writeJSON(w, map[string]any{"error": map[string]any{"code": "MemberNotFoundInConversation"}})
			return
		}
		record(200)
		writeJSON(w, all)
	default:
		record(404)
		http.NotFound(w, r)
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
