package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
)

// The web page's time limits.
const (
	// LinkTTL is how long a sign-in link works (once).
	LinkTTL = 15 * time.Minute
	// SessionIdle is how long a session lasts without a request.
	SessionIdle = 8 * time.Hour
	// touchEvery is how often a request moves the session's expiry on:
	// not on every request, so reading pages costs few writes.
	touchEvery = 5 * time.Minute
)

// Cookie names. The session cookie holds only a random token; the session
// itself is in the store, under the token's hash.
const (
	sessionCookie = "resolvebot_session"
	csrfCookie    = "resolvebot_csrf" // the CSRF token of forms shown before sign-in
)

// session is a signed-in person's session as stored.
type session struct {
	Person  string    `json:"person"`
	CSRF    string    `json:"csrf"`
	Touched time.Time `json:"touched"`
	// Flash is said once, on the next page: the confirmation of a step.
	Flash *flash `json:"flash,omitempty"`
	// Partnership is the hosted partnership whose settings they chose
	// to change, when they are admin of several.
	Partnership string `json:"partnership,omitempty"`
	key         string
}

// flash is a one-off banner.
type flash struct {
	Title string `json:"title"`
	Text  string `json:"text"`
}

// linkRecord is a sign-in link as stored: whom it signs in, bound to the
// address it was sent to, and where to go after.
type linkRecord struct {
	Person string `json:"person"`
	Email  string `json:"email"`
	Next   string `json:"next,omitempty"`
}

// newToken returns 32 random bytes, URL-safe.
func newToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// hashKey is the store key of a token: only its hash is stored, so a copy
// of the store signs nobody in.
func hashKey(kind, token string) string {
	sum := sha256.Sum256([]byte(token))
	return "web:" + kind + ":" + hex.EncodeToString(sum[:])
}

// sameToken compares two tokens in constant time; empty never matches.
func sameToken(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// startSession stores a new session for person and sets its cookie.
func (s *Server) startSession(ctx context.Context, w http.ResponseWriter, r *http.Request, person string, f *flash) error {
	token := newToken()
	now := s.opts.Now()
	sess := session{Person: person, CSRF: newToken(), Touched: now, Flash: f}
	if err := s.saveSession(ctx, hashKey("session", token), &sess); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: Prefix, HttpOnly: true,
		Secure: s.secure(r), SameSite: http.SameSiteLaxMode})
	return nil
}

func (s *Server) saveSession(ctx context.Context, key string, sess *session) error {
	v, err := json.Marshal(sess)
	if err != nil {
		return conversation.Internal("encode session", err)
	}
	return s.opts.Store.PutSecret(ctx, key, v, sess.Touched.Add(SessionIdle), s.opts.Now())
}

// currentSession returns the request's session, or nil when it has none
// or it has lapsed. A session idle for SessionIdle has expired in the
// store; one in use has its expiry moved on every touchEvery.
func (s *Server) currentSession(r *http.Request) (*session, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" || len(c.Value) > 100 {
		return nil, nil
	}
	key := hashKey("session", c.Value)
	v, err := s.opts.Store.GetSecret(r.Context(), key, s.opts.Now())
	if conversation.ErrorCode(err) == conversation.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var sess session
	if err := json.Unmarshal(v, &sess); err != nil {
		return nil, nil
	}
	sess.key = key
	if now := s.opts.Now(); now.Sub(sess.Touched) >= touchEvery {
		sess.Touched = now
		if err := s.saveSession(r.Context(), key, &sess); err != nil {
			return nil, err
		}
	}
	return &sess, nil
}

// takeFlash returns the session's banner and forgets it.
func (s *Server) takeFlash(ctx context.Context, sess *session) *flash {
	f := sess.Flash
	if f == nil {
		return nil
	}
	sess.Flash = nil
	if err := s.saveSession(ctx, sess.key, sess); err != nil {
		s.opts.Log.Error("web: save session", "err", err)
	}
	return f
}

// setFlash keeps a banner for the session's next page.
func (s *Server) setFlash(ctx context.Context, sess *session, f *flash) {
	sess.Flash = f
	if err := s.saveSession(ctx, sess.key, sess); err != nil {
		s.opts.Log.Error("web: save session", "err", err)
	}
}

// handler is a page for a signed-in person.
type handler func(w http.ResponseWriter, r *http.Request, sess *session)

// signedIn runs h for a signed-in person. Anyone else is sent to sign in
// and brought back to the page afterwards. A POST must carry the session's
// CSRF token, or it is refused and changes nothing.
func (s *Server) signedIn(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess, err := s.currentSession(r)
		if err != nil {
			s.internal(w, r, err)
			return
		}
		if sess == nil {
			if r.Method != http.MethodGet {
				s.problem(w, r, nil, http.StatusForbidden, s.words().Say("web.session.ended.title", nil), s.words().Say("web.session.ended.text", nil))
				return
			}
			http.Redirect(w, r, "/web/sign-in?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if r.Method == http.MethodPost && !sameToken(r.PostFormValue("csrf"), sess.CSRF) {
			s.badForm(w, r, sess)
			return
		}
		h(w, r, sess)
	}
}

// badForm refuses a form whose CSRF token is missing or wrong.
func (s *Server) badForm(w http.ResponseWriter, r *http.Request, sess *session) {
	s.problem(w, r, sess, http.StatusForbidden, s.words().Say("web.expired.title", nil), s.words().Say("web.expired.nothing_changed", nil))
}

// preCSRF returns the CSRF token for forms shown before sign-in, setting
// its cookie when the browser has none.
func (s *Server) preCSRF(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 40 && len(c.Value) <= 60 {
		return c.Value
	}
	t := newToken()
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: t, Path: Prefix, HttpOnly: true,
		Secure: s.secure(r), SameSite: http.SameSiteLaxMode})
	return t
}

// preCSRFOK reports whether a form posted before sign-in carries the
// token of the browser's CSRF cookie.
func preCSRFOK(r *http.Request) bool {
	c, err := r.Cookie(csrfCookie)
	return err == nil && sameToken(r.PostFormValue("csrf"), c.Value)
}

// safeNext keeps a return path only if it is a page of ours.
func safeNext(next string) string {
	if !strings.HasPrefix(next, Prefix) || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") ||
		strings.HasPrefix(next, "/web/sign-in") || len(next) > 200 {
		return ""
	}
	return next
}

// allow takes one of limit places in window for key, across replicas:
// each place is a remembered key, and a request that finds every place
// taken is refused.
func (s *Server) allow(ctx context.Context, key string, limit int, window time.Duration) (bool, error) {
	now := s.opts.Now()
	slot := now.Truncate(window).Unix()
	for i := range limit {
		fresh, err := s.opts.Store.Remember(ctx, fmt.Sprintf("web:rate:%s:%d:%d", key, slot, i), window, now)
		if err != nil {
			return false, err
		}
		if fresh {
			return true, nil
		}
	}
	return false, nil
}
