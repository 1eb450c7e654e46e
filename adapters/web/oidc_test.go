package web_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/resolvebot/resolvebot/adapters/web"
)

// fakeIdP is a local OpenID Connect provider speaking the real wire
// format: a discovery document, a JWKS, an authorization endpoint that
// signs in whoever it is told to at once, and a token endpoint that checks
// the client's secret and the PKCE verifier and returns an RS256 ID token.
type fakeIdP struct {
	t   *testing.T
	srv *httptest.Server
	key *rsa.PrivateKey
	// The person the next sign-in is for, and how the token misbehaves.
	mu       sync.Mutex
	email    string
	verified any    // the email_verified claim; nil leaves it out
	nonce    string // when set, the ID token carries this nonce instead
	wrongKey bool   // sign with a key the JWKS does not hold
	codes    map[string]grant
}

type grant struct {
	nonce, challenge, redirect, email string
	verified                          any
}

const (
	clientID     = "resolvebot-web"
	clientSecret = "client-s3cret"
)

func newIdP(t *testing.T) *fakeIdP {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &fakeIdP{t: t, key: key, verified: true, codes: map[string]grant{}}
	mux := http.NewServeMux()
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]any{"issuer": p.srv.URL, "authorization_endpoint": p.srv.URL + "/authorize",
			"token_endpoint": p.srv.URL + "/token", "jwks_uri": p.srv.URL + "/jwks", "response_types_supported": []string{"code"},
			"subject_types_supported": []string{"public"}, "id_token_signing_alg_values_supported": []string{"RS256"},
			"code_challenge_methods_supported": []string{"S256"}, "token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"}})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("client_id") != clientID || q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" ||
			!strings.Contains(q.Get("scope"), "openid") || q.Get("nonce") == "" {
			http.Error(w, "bad authorization request", http.StatusBadRequest)
			return
		}
		p.mu.Lock()
		code := base64.RawURLEncoding.EncodeToString([]byte(time.Now().String()))
		p.codes[code] = grant{nonce: q.Get("nonce"), challenge: q.Get("code_challenge"), redirect: q.Get("redirect_uri"), email: p.email, verified: p.verified}
		p.mu.Unlock()
		http.Redirect(w, r, q.Get("redirect_uri")+"?code="+url.QueryEscape(code)+"&state="+url.QueryEscape(q.Get("state")), http.StatusFound)
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		id, secret, ok := r.BasicAuth()
		if !ok {
			id, secret = r.PostFormValue("client_id"), r.PostFormValue("client_secret")
		}
		p.mu.Lock()
		g, found := p.codes[r.PostFormValue("code")]
		delete(p.codes, r.PostFormValue("code"))
		p.mu.Unlock()
		sum := sha256.Sum256([]byte(r.PostFormValue("code_verifier")))
		switch {
		case id != clientID || secret != clientSecret:
			w.WriteHeader(http.StatusUnauthorized)
			writeJSON(w, map[string]string{"error": "invalid_client"})
			return
		case !found || r.PostFormValue("grant_type") != "authorization_code" || r.PostFormValue("redirect_uri") != g.redirect ||
			base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge:
			w.WriteHeader(http.StatusBadRequest)
			writeJSON(w, map[string]string{"error": "invalid_grant"})
			return
		}
		writeJSON(w, map[string]any{"access_token": "at-1", "token_type": "Bearer", "expires_in": 3600, "id_token": p.idToken(g)})
	})
	return p
}

// idToken signs the ID token of a grant.
func (p *fakeIdP) idToken(g grant) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	key := p.key
	if p.wrongKey {
		other, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			p.t.Fatal(err)
		}
		key = other
	}
	nonce := g.nonce
	if p.nonce != "" {
		nonce = p.nonce
	}
	now := time.Now()
	claims := map[string]any{"iss": p.srv.URL, "aud": clientID, "sub": "user-" + g.email, "iat": now.Unix(),
		"exp": now.Add(time.Hour).Unix(), "nonce": nonce, "email": g.email}
	if g.verified != nil {
		claims["email_verified"] = g.verified
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, (&jose.SignerOptions{}).WithHeader("kid", "k1").WithType("JWT"))
	if err != nil {
		p.t.Fatal(err)
	}
	payload, _ := json.Marshal(claims)
	jws, err := signer.Sign(payload)
	if err != nil {
		p.t.Fatal(err)
	}
	s, err := jws.CompactSerialize()
	if err != nil {
		p.t.Fatal(err)
	}
	return s
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// withIdP gives the world's web page sign-in through p.
func (w *world) withIdP(p *fakeIdP) {
	w.web = web.New(web.Options{Router: w.env.Router, Store: w.env.Store, Mailer: w.sender, BaseURL: w.srv.URL, Now: w.env.Clock.Now,
		OIDC: &web.OIDC{Name: "Exampleshire NHS", Issuer: p.srv.URL, ClientID: clientID, ClientSecret: clientSecret}})
	mux := http.NewServeMux()
	w.web.Mount(mux)
	w.srv.Config.Handler = mux
}

// TestOIDCSignIn: the GP signs in with their organisation's provider and
// lands on the case they came for; tokens that are unverified, for another
// sign-in, badly signed, or for someone unknown are refused, as is a
// sign-in finished in another browser.
func TestOIDCSignIn(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(p *fakeIdP)
		other  bool // finish in another browser
		status int
		says   string
	}{
		{"verified email", nil, false, http.StatusOK, "Acknowledge"},
		{"email not verified", func(p *fakeIdP) { p.verified = false }, false, http.StatusForbidden, "could not be checked"},
		{"no email_verified claim", func(p *fakeIdP) { p.verified = nil }, false, http.StatusForbidden, "could not be checked"},
		{"email_verified as a string", func(p *fakeIdP) { p.verified = "true" }, false, http.StatusOK, "Acknowledge"},
		{"another sign-in's nonce", func(p *fakeIdP) { p.nonce = "not-this-one" }, false, http.StatusForbidden, "could not be checked"},
		{"signed with another key", func(p *fakeIdP) { p.wrongKey = true }, false, http.StatusForbidden, "could not be checked"},
		{"unknown person", func(p *fakeIdP) { p.email = "stranger@example.nhs.uk" }, false, http.StatusForbidden, "nobody with your email address"},
		{"finished in another browser", nil, true, http.StatusForbidden, "started in another browser"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			c := w.raise()
			p := newIdP(t)
			p.email = gpEmail
			if tc.setup != nil {
				tc.setup(p)
			}
			w.withIdP(p)
			gp := w.browser()
			gp.get("/web/cases/"+c.ID).expect(http.StatusOK, "Sign in with Exampleshire NHS")
			v := url.Values{}
			if m := nextRE.FindStringSubmatch(gp.body); m != nil {
				v.Set("next", m[1])
			}
			gp.submit("/web/sign-in/oidc", v).expect(http.StatusOK, "Your organisation has confirmed who you are", "Continue")
			if gp.cookie("resolvebot_session") != nil {
				t.Fatal("coming back from the provider (a GET) signed in")
			}
			code, state := hiddenValue(t, gp.body, "code"), hiddenValue(t, gp.body, "state")
			b := gp
			if tc.other {
				b = w.browser()
				b.get("/web/sign-in")
			}
			b.submit("/web/sign-in/oidc/callback", url.Values{"code": {code}, "state": {state}}).expect(tc.status, tc.says)
			if tc.status == http.StatusOK && !strings.HasSuffix(b.url, "/web/cases/"+c.ID) {
				t.Fatalf("signed in at %s, want the case page", b.url)
			}
			if tc.status != http.StatusOK && b.cookie("resolvebot_session") != nil {
				t.Fatal("a refused sign-in left a session")
			}
		})
	}
}

// hiddenValue returns the value of the hidden input name on a page.
func hiddenValue(t *testing.T, body, name string) string {
	t.Helper()
	i := strings.Index(body, `name="`+name+`" value="`)
	if i < 0 {
		t.Fatalf("no hidden %s:\n%s", name, body)
	}
	rest := body[i+len(`name="`+name+`" value="`):]
	return htmlUnescape(rest[:strings.Index(rest, `"`)])
}
