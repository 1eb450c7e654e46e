package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// Sign-in rate limits: per address and per client, each in a window.
const (
	perAddress = 3
	perClient  = 10
	rateWindow = 15 * time.Minute
)

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// signInData is what the sign-in pages show.
type signInData struct {
	Next   string
	Email  string
	Errors []fieldError
	OIDC   string // the identity provider's name when offered
	Out    bool   // just signed out
}

// SignInPath is the sign-in page's path, bringing the person back to Next
// afterwards.
func (d signInData) SignInPath() string {
	if d.Next == "" {
		return "/web/sign-in"
	}
	return "/web/sign-in?next=" + urlQueryEscape(d.Next)
}

// signInPage asks for an email address (GET: changes nothing).
func (s *Server) signInPage(w http.ResponseWriter, r *http.Request) {
	if sess, _ := s.currentSession(r); sess != nil {
		if next := safeNext(r.URL.Query().Get("next")); next != "" {
			http.Redirect(w, r, next, http.StatusSeeOther)
			return
		}
		http.Redirect(w, r, Prefix, http.StatusSeeOther)
		return
	}
	d := signInData{Next: safeNext(r.URL.Query().Get("next")), Out: r.URL.Query().Has("out")}
	if o := s.opts.OIDC; o != nil {
		d.OIDC = o.Name
		// Read the provider's discovery document now, so this page's
		// form-action names the provider's sign-in page (see formOrigin).
		if _, _, err := o.setup(r.Context(), s.opts.BaseURL); err != nil {
			s.opts.Log.Warn("web: identity provider", "err", err)
		}
	}
	s.render(w, r, http.StatusOK, "signin", page{Title: s.words().Say("web.signin.title", nil), CSRF: s.preCSRF(w, r), Data: d})
}

// signInRequest emails a sign-in link to a known address. Its answer is
// the same whether or not the address is known.
func (s *Server) signInRequest(w http.ResponseWriter, r *http.Request) {
	csrf := s.preCSRF(w, r)
	if !preCSRFOK(r) {
		s.problem(w, r, nil, http.StatusForbidden, s.words().Say("web.expired.title", nil), s.words().Say("web.expired.nothing_sent", nil))
		return
	}
	d := signInData{Next: safeNext(r.PostFormValue("next")), Email: strings.TrimSpace(r.PostFormValue("email"))}
	if s.opts.OIDC != nil {
		d.OIDC = s.opts.OIDC.Name
	}
	addr, err := mail.ParseAddress(d.Email)
	switch {
	case d.Email == "":
		d.Errors = []fieldError{{Field: "email", Text: s.words().Say("web.signin.email.missing", nil)}}
	case err != nil || addr.Address != d.Email || len(d.Email) > 254:
		d.Errors = []fieldError{{Field: "email", Text: s.words().Say("web.signin.email.format", nil)}}
	}
	if len(d.Errors) > 0 {
		s.render(w, r, http.StatusBadRequest, "signin", page{Title: s.words().Say("web.signin.title", nil), CSRF: csrf, Data: d, Errors: d.Errors})
		return
	}
	email := bot.PersonID(d.Email)
	ctx := r.Context()
	okAddr, err := s.allow(ctx, "addr:"+hashKey("a", email), perAddress, rateWindow)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	okClient, err := s.allow(ctx, "client:"+s.opts.ClientIP(r), perClient, rateWindow)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	if !okAddr || !okClient {
		s.problem(w, r, nil, http.StatusTooManyRequests, s.words().Say("web.signin.too_many.title", nil), s.words().Say("web.signin.too_many.text", nil))
		return
	}
	if err := s.sendLink(ctx, email, d.Next); err != nil {
		s.internal(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "checkemail", page{Title: s.words().Say("web.checkemail.title", nil), CSRF: csrf, Data: d})
}

// sendLink asks the outbox to email a sign-in link to the person with
// email, if there is one. An unknown address gets nothing, and the caller
// answers the same either way; the email itself is sent by the delivery
// worker (see SendSignIn), so how long the answer takes does not tell.
func (s *Server) sendLink(ctx context.Context, email, next string) error {
	per, err := s.opts.Store.FindPersonByEmail(ctx, email)
	if conversation.ErrorCode(err) == conversation.ENOTFOUND || (err == nil && per.Email == "") {
		return nil
	}
	if err != nil {
		return err
	}
	e := conversation.Effect{Kind: conversation.EffectSignIn, Recipient: per.ID, Next: next, CreatedAt: s.opts.Now()}
	if err := s.opts.Store.EnqueueEffect(ctx, e); err != nil {
		return err
	}
	if s.opts.Router.Wake != nil {
		s.opts.Router.Wake()
	}
	return nil
}

// SendSignIn sends the sign-in email an outbox effect asks for: it makes a
// new link (its hash stored until it expires, bound to the person's
// address on record) and hands it to the mailer. A retry makes a new link;
// an earlier one that was never sent simply expires. It is the delivery
// worker's bot.Worker.SignIn. Returns an error marked permanent when the
// person is gone, has no address, or no mailer or BaseURL is configured.
func (s *Server) SendSignIn(ctx context.Context, e conversation.Effect) error {
	per, err := s.opts.Store.GetPerson(ctx, e.Recipient)
	if conversation.ErrorCode(err) == conversation.ENOTFOUND {
		return bot.Permanent(errors.New("web: the person to sign in is gone"))
	}
	if err != nil {
		return err
	}
	if per.Email == "" || s.opts.Mailer == nil || s.opts.BaseURL == "" {
		return bot.Permanent(errors.New("web: no address, no email or no base_url to send a sign-in link with"))
	}
	token := newToken()
	now := s.opts.Now()
	rec, _ := json.Marshal(linkRecord{Person: per.ID, Email: bot.PersonID(per.Email), Next: safeNext(e.Next)})
	if err := s.opts.Store.PutSecret(ctx, hashKey("link", token), rec, now.Add(LinkTTL), now); err != nil {
		return err
	}
	return s.opts.Mailer.SendSignIn(ctx, per, s.opts.BaseURL+"/web/sign-in/link?t="+token, now.Add(LinkTTL))
}

// linkData is what the page a sign-in link opens shows.
type linkData struct {
	Token string
	Email string
	Other string // the name of someone else already signed in here
}

// linkPage is what a sign-in link opens: a Continue button. A GET never
// uses up the link, because mail scanners open links before people do.
func (s *Server) linkPage(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("t")
	rec, ok := s.peekLink(w, r, token)
	if !ok {
		return
	}
	d := linkData{Token: token, Email: rec.Email}
	status := http.StatusOK
	if sess, _ := s.currentSession(r); sess != nil && sess.Person != rec.Person {
		d.Other = s.opts.Router.People.Name(r.Context(), sess.Person)
		status = http.StatusConflict
	}
	s.render(w, r, status, "link", page{Title: s.words().Say("web.signin.title", nil), CSRF: s.preCSRF(w, r), Data: d})
}

// peekLink reads a link's record without using it up, answering the
// person itself when the link does not work.
func (s *Server) peekLink(w http.ResponseWriter, r *http.Request, token string) (*linkRecord, bool) {
	if token == "" || len(token) > 100 {
		s.deadLink(w, r)
		return nil, false
	}
	v, err := s.opts.Store.GetSecret(r.Context(), hashKey("link", token), s.opts.Now())
	if conversation.ErrorCode(err) == conversation.ENOTFOUND {
		s.deadLink(w, r)
		return nil, false
	}
	if err != nil {
		s.internal(w, r, err)
		return nil, false
	}
	var rec linkRecord
	if err := json.Unmarshal(v, &rec); err != nil {
		s.deadLink(w, r)
		return nil, false
	}
	return &rec, true
}

// deadLink answers a link that is unknown, used or expired, without saying which.
func (s *Server) deadLink(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusGone, "deadlink", page{Title: s.words().Say("web.deadlink.title", nil)})
}

// linkContinue signs the person in with the link and uses it up.
func (s *Server) linkContinue(w http.ResponseWriter, r *http.Request) {
	if !preCSRFOK(r) {
		s.problem(w, r, nil, http.StatusForbidden, s.words().Say("web.expired.title", nil), s.words().Say("web.expired.link", nil))
		return
	}
	token := r.PostFormValue("t")
	rec, ok := s.peekLink(w, r, token)
	if !ok {
		return
	}
	if sess, _ := s.currentSession(r); sess != nil && sess.Person != rec.Person {
		s.problem(w, r, sess, http.StatusConflict, s.words().Say("web.link.other.title", nil), s.words().Say("web.link.other.refused", nil))
		return
	}
	v, err := s.opts.Store.TakeSecret(r.Context(), hashKey("link", token), s.opts.Now())
	if conversation.ErrorCode(err) == conversation.ENOTFOUND {
		s.deadLink(w, r) // another tab or replica used it a moment ago
		return
	}
	if err != nil {
		s.internal(w, r, err)
		return
	}
	if err := json.Unmarshal(v, rec); err != nil {
		s.deadLink(w, r)
		return
	}
	// The link is bound to the address it was sent to: if the person's
	// address on record has changed since, it signs nobody in.
	per, err := s.opts.Store.GetPerson(r.Context(), rec.Person)
	if err != nil || bot.PersonID(per.Email) != rec.Email {
		s.deadLink(w, r)
		return
	}
	if err := s.startSession(r.Context(), w, r, per.ID, nil); err != nil {
		s.internal(w, r, err)
		return
	}
	s.opts.Log.Info("web: signed in", "by", "link")
	next := safeNext(rec.Next)
	if next == "" {
		next = Prefix
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// signOut ends the session.
func (s *Server) signOut(w http.ResponseWriter, r *http.Request) {
	sess, err := s.currentSession(r)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	if sess != nil {
		if !sameToken(r.PostFormValue("csrf"), sess.CSRF) {
			s.badForm(w, r, sess)
			return
		}
		if _, err := s.opts.Store.TakeSecret(r.Context(), sess.key, s.opts.Now()); err != nil && conversation.ErrorCode(err) != conversation.ENOTFOUND {
			s.internal(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: Prefix, MaxAge: -1, HttpOnly: true,
		Secure: s.secure(r), SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/web/sign-in?out=1", http.StatusSeeOther)
}
