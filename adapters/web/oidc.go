package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// oidcTTL is how long a sign-in with the identity provider may take, from
// pressing the button to coming back.
const oidcTTL = 10 * time.Minute

// oidcCookie holds the state of this browser's sign-in in progress, so the
// provider's answer is taken only in the browser that asked.
const oidcCookie = "resolvebot_oidc"

// OIDC configures sign-in through an OpenID Connect provider: the
// authorization code flow with PKCE and a nonce, the ID token checked with
// github.com/coreos/go-oidc against the provider's published keys, and the
// person matched by the token's verified email address.
type OIDC struct {
	Name         string // the provider as people know it, on its button
	Issuer       string
	ClientID     string
	ClientSecret string
	// HTTPClient calls the provider (discovery, keys, token); nil for
	// http.DefaultClient.
	HTTPClient *http.Client

	mu       sync.Mutex
	provider *oidc.Provider
}

// setup returns the OAuth 2 configuration and the ID token verifier,
// reading the provider's discovery document the first time (not at
// start, so a provider that is down does not stop the bot).
func (o *OIDC) setup(ctx context.Context, base string) (*oauth2.Config, *oidc.IDTokenVerifier, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.provider == nil {
		p, err := oidc.NewProvider(o.client(context.WithoutCancel(ctx)), o.Issuer)
		if err != nil {
			return nil, nil, fmt.Errorf("oidc discovery: %w", err)
		}
		o.provider = p
	}
	cfg := &oauth2.Config{ClientID: o.ClientID, ClientSecret: o.ClientSecret, Endpoint: o.provider.Endpoint(),
		RedirectURL: base + "/web/sign-in/oidc/callback", Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}
	return cfg, o.provider.Verifier(&oidc.Config{ClientID: o.ClientID}), nil
}

// formOrigin is the provider's sign-in page's origin, with a leading
// space, for the form-action of the Content-Security-Policy: the sign-in
// form's POST is redirected there, and browsers apply form-action to the
// redirect. It is "" without a provider.
func (o *OIDC) formOrigin() string {
	if o == nil {
		return ""
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	at := o.Issuer
	if o.provider != nil {
		at = o.provider.Endpoint().AuthURL
	}
	u, err := url.Parse(at)
	if err != nil || u.Host == "" {
		return ""
	}
	return " " + u.Scheme + "://" + u.Host
}

// client puts the configured HTTP client in ctx for go-oidc and oauth2.
func (o *OIDC) client(ctx context.Context) context.Context {
	if o.HTTPClient == nil {
		return ctx
	}
	return oidc.ClientContext(context.WithValue(ctx, oauth2.HTTPClient, o.HTTPClient), o.HTTPClient)
}

// oidcRecord is a sign-in with the provider in progress, stored under the
// hash of its state.
type oidcRecord struct {
	Nonce    string `json:"nonce"`
	Verifier string `json:"verifier"`
	Next     string `json:"next,omitempty"`
}

// oidcStart sends the browser to the provider (a POST: it starts
// something).
func (s *Server) oidcStart(w http.ResponseWriter, r *http.Request) {
	o := s.opts.OIDC
	if o == nil {
		s.notFound(w, r)
		return
	}
	if !preCSRFOK(r) {
		s.problem(w, r, nil, http.StatusForbidden, s.words().Say("web.expired.title", nil), s.words().Say("web.expired.retry", nil))
		return
	}
	cfg, _, err := o.setup(r.Context(), s.opts.BaseURL)
	if err != nil {
		s.providerDown(w, r, err)
		return
	}
	state, now := newToken(), s.opts.Now()
	rec := oidcRecord{Nonce: newToken(), Verifier: oauth2.GenerateVerifier(), Next: safeNext(r.PostFormValue("next"))}
	v, _ := json.Marshal(rec)
	if err := s.opts.Store.PutSecret(r.Context(), hashKey("oidc", state), v, now.Add(oidcTTL), now); err != nil {
		s.internal(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: state, Path: Prefix, MaxAge: int(oidcTTL.Seconds()), HttpOnly: true,
		Secure: s.secure(r), SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, cfg.AuthCodeURL(state, oidc.Nonce(rec.Nonce), oauth2.S256ChallengeOption(rec.Verifier)), http.StatusSeeOther)
}

// providerDown answers when the identity provider cannot be reached.
func (s *Server) providerDown(w http.ResponseWriter, r *http.Request, err error) {
	s.opts.Log.Error("web: identity provider", "err", err)
	s.problem(w, r, nil, http.StatusBadGateway, s.words().Say("web.oidc.down.title", nil), s.words().Say("web.oidc.down.text", nil))
}

// oidcData is the page the provider sends the browser back to.
type oidcData struct {
	Code, State string
}

// oidcCallback is where the provider sends the browser back: a page with a
// Continue button, because a GET never signs anyone in.
func (s *Server) oidcCallback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if s.opts.OIDC == nil {
		s.notFound(w, r)
		return
	}
	if q.Get("error") != "" || q.Get("code") == "" {
		s.oidcRefused(w, r, s.words().Say("web.oidc.refused.denied", nil))
		return
	}
	if _, ok := s.oidcState(w, r, q.Get("state"), false); !ok {
		return
	}
	s.render(w, r, http.StatusOK, "oidc", page{Title: s.words().Say("web.signin.title", nil), CSRF: s.preCSRF(w, r), Data: oidcData{Code: q.Get("code"), State: q.Get("state")}})
}

// oidcState checks that state is this browser's sign-in in progress and
// returns it, using it up when take is set.
func (s *Server) oidcState(w http.ResponseWriter, r *http.Request, state string, take bool) (*oidcRecord, bool) {
	c, err := r.Cookie(oidcCookie)
	if err != nil || !sameToken(state, c.Value) {
		s.oidcRefused(w, r, s.words().Say("web.oidc.refused.other_browser", nil))
		return nil, false
	}
	get := s.opts.Store.GetSecret
	if take {
		get = s.opts.Store.TakeSecret
	}
	v, err := get(r.Context(), hashKey("oidc", state), s.opts.Now())
	if conversation.ErrorCode(err) == conversation.ENOTFOUND {
		s.oidcRefused(w, r, s.words().Say("web.oidc.refused.used", nil))
		return nil, false
	}
	if err != nil {
		s.internal(w, r, err)
		return nil, false
	}
	var rec oidcRecord
	if err := json.Unmarshal(v, &rec); err != nil {
		s.oidcRefused(w, r, s.words().Say("web.oidc.refused.expired", nil))
		return nil, false
	}
	return &rec, true
}

// oidcRefused answers a sign-in with the provider that did not work.
func (s *Server) oidcRefused(w http.ResponseWriter, r *http.Request, text string) {
	s.problem(w, r, nil, http.StatusForbidden, s.words().Say("web.oidc.refused.title", nil), text)
}

// errUnverified refuses an ID token without a verified email address.
var errUnverified = errors.New("the ID token has no verified email address")

// oidcFinish exchanges the code for an ID token, checks it, and signs in
// the person whose email it verifies.
func (s *Server) oidcFinish(w http.ResponseWriter, r *http.Request) {
	o := s.opts.OIDC
	if o == nil {
		s.notFound(w, r)
		return
	}
	if !preCSRFOK(r) {
		s.problem(w, r, nil, http.StatusForbidden, s.words().Say("web.expired.title", nil), s.words().Say("web.expired.oidc", nil))
		return
	}
	rec, ok := s.oidcState(w, r, r.PostFormValue("state"), true)
	if !ok {
		return
	}
	ctx := r.Context()
	cfg, verifier, err := o.setup(ctx, s.opts.BaseURL)
	if err != nil {
		s.providerDown(w, r, err)
		return
	}
	email, err := s.exchange(ctx, o, cfg, verifier, r.PostFormValue("code"), rec)
	if err != nil {
		s.opts.Log.Info("web: identity provider sign-in refused", "err", err)
		s.oidcRefused(w, r, s.words().Say("web.oidc.refused.unchecked", nil))
		return
	}
	per, err := s.opts.Store.FindPersonByEmail(ctx, email)
	if conversation.ErrorCode(err) == conversation.ENOTFOUND {
		s.oidcRefused(w, r, s.words().Say("web.oidc.refused.unknown", nil))
		return
	}
	if err != nil {
		s.internal(w, r, err)
		return
	}
	if err := s.startSession(ctx, w, r, per.ID, nil); err != nil {
		s.internal(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: "", Path: Prefix, MaxAge: -1, HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode})
	s.opts.Log.Info("web: signed in", "by", "oidc")
	next := rec.Next
	if next == "" {
		next = Prefix
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// exchange trades the code for tokens and returns the verified email of
// the ID token: signed by the provider's key, for this client, not
// expired, with this sign-in's nonce, and email_verified true.
func (s *Server) exchange(ctx context.Context, o *OIDC, cfg *oauth2.Config, verifier *oidc.IDTokenVerifier, code string, rec *oidcRecord) (string, error) {
	ctx, cancel := context.WithTimeout(o.client(ctx), 15*time.Second)
	defer cancel()
	tok, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(rec.Verifier))
	if err != nil {
		return "", fmt.Errorf("token exchange: %w", err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		return "", errors.New("the token response has no id_token")
	}
	id, err := verifier.Verify(ctx, raw)
	if err != nil {
		return "", fmt.Errorf("verify id token: %w", err)
	}
	if !sameToken(id.Nonce, rec.Nonce) {
		return "", errors.New("the ID token's nonce is not this sign-in's")
	}
	var claims struct {
		Email string `json:"email"`
		// Verified is true, or "true" from providers that send strings
		// (Amazon Cognito); anything else, or none, is not verified.
		Verified json.RawMessage `json:"email_verified"`
	}
	if err := id.Claims(&claims); err != nil {
		return "", fmt.Errorf("id token claims: %w", err)
	}
	if v := string(claims.Verified); claims.Email == "" || (v != "true" && v != `"true"`) {
		return "", errUnverified
	}
	return bot.PersonID(claims.Email), nil
}
