// Package email reaches people by email: a bot.Sender that sends over SMTP
// (STARTTLS or implicit TLS, never plain text, always with SMTP AUTH)
// through github.com/wneessen/go-mail. An email never carries case content:
// it says which case needs the person, what is asked of them and by when,
// and links to the case page. Each person's emails about one case form one
// thread.
package email

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// Platform is the handle platform name of email.
const Platform = bot.EmailPlatform

// Store is what the sender reads and writes: the case an email is about,
// and the record of each person's thread per case.
type Store interface {
	GetCase(ctx context.Context, id string) (*conversation.Case, error)
	MessageRefs(ctx context.Context, caseID string) ([]conversation.MessageRef, error)
	AddMessageRef(ctx context.Context, ref conversation.MessageRef) error
}

// Options configure the sender.
type Options struct {
	Host string
	Port int
	// ImplicitTLS speaks TLS from the first byte; otherwise STARTTLS is
	// required before anything else (a relay that does not offer it is
	// refused: there is no fall back to plain text).
	ImplicitTLS bool
	// RootCAs verifies the relay's certificate; nil trusts the system's.
	RootCAs  *x509.CertPool
	User     string
	Password string
	From     string // the sender's address; Message-IDs use its domain
	FromName string
	BaseURL  string // links go to BaseURL/web/cases/<id>
	Operator string // who runs the service, in the footer
	Contact  string // where people can ask; optional
	Timeout  time.Duration
	Now      func() time.Time
	Log      *slog.Logger
}

// Sender sends emails over SMTP. It implements bot.Sender.
type Sender struct {
	opts   Options
	store  Store
	cards  *bot.Cards
	domain string
}

var _ bot.Sender = (*Sender)(nil)

// New returns a sender. cards gives the protocol, calendar and deadline
// wording. Returns an error when the options cannot make an email (no
// host, or a sender address without a domain).
func New(store Store, cards *bot.Cards, opts Options) (*Sender, error) {
	_, domain, ok := strings.Cut(opts.From, "@")
	if opts.Host == "" || !ok || domain == "" {
		return nil, errors.New("email: a relay host and a sender address are needed")
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 15 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	opts.BaseURL = strings.TrimRight(opts.BaseURL, "/")
	return &Sender{opts: opts, store: store, cards: cards, domain: domain}, nil
}

// Platform implements bot.Sender.
func (s *Sender) Platform() string { return Platform }

// errNoCase refuses a message that is about no case and is neither a
// digest nor a summary: an email can only point at case pages.
var errNoCase = bot.Permanent(errors.New("email: only messages about cases are sent by email"))

// Send implements bot.Sender: it emails the address in h (the person's
// email) about m's case, or the morning digest of their cases, or the
// periodic summary. The first email to a person about a case starts their
// thread; the rest reply to it. It returns an empty MessageRef (an
// email cannot be updated) and an error marked permanent when the relay
// refuses the address or the message for good (5xx); other failures
// (4xx, connection, TLS, sign-in) are temporary, for the outbox to retry.
func (s *Sender) Send(ctx context.Context, to *conversation.Person, h conversation.Handle, m bot.Message) (conversation.MessageRef, error) {
	addr := h.User
	if addr == "" {
		addr = to.Email
	}
	if m.CaseID == "" {
		return conversation.MessageRef{}, s.sendAboutNoCase(ctx, to, addr, m)
	}
	c, err := s.store.GetCase(ctx, m.CaseID)
	if conversation.ErrorCode(err) == conversation.ENOTFOUND {
		return conversation.MessageRef{}, bot.Permanent(fmt.Errorf("email: case %s is gone", m.CaseID))
	}
	if err != nil {
		return conversation.MessageRef{}, fmt.Errorf("load case %s: %w", m.CaseID, err)
	}
	refs, err := s.store.MessageRefs(ctx, c.ID)
	if err != nil {
		return conversation.MessageRef{}, fmt.Errorf("load threads of %s: %w", c.ID, err)
	}
	root := s.threadID(c.ID, to.ID)
	first := true
	for _, r := range refs {
		if r.Platform == Platform && r.PersonID == to.ID {
			first = false
		}
	}
	n := s.compose(m, c, to.ID)
	msg, err := s.message(n, addr, root, first)
	if err != nil {
		return conversation.MessageRef{}, bot.Permanent(err)
	}
	if err := s.send(ctx, msg); err != nil {
		return conversation.MessageRef{}, err
	}
	if first {
		// The thread is recorded only once its first email is accepted. If
		// this write fails, the email is sent again with the same
		// Message-ID, which mail programs show once.
		ref := conversation.MessageRef{CaseID: c.ID, PersonID: to.ID, Platform: Platform, Channel: addr, ID: root, SentAt: s.opts.Now()}
		if err := s.store.AddMessageRef(ctx, ref); err != nil {
			return conversation.MessageRef{}, fmt.Errorf("record the thread of %s: %w", c.ID, err)
		}
	}
	return conversation.MessageRef{}, nil
}

// sendAboutNoCase emails a message about no one case: the morning digest
// (built from the ids of its cases) or the periodic summary (from the
// report's counts). Each stands alone, in no thread. Anything else is
// refused for good: an email can only point at case pages.
func (s *Sender) sendAboutNoCase(ctx context.Context, to *conversation.Person, addr string, m bot.Message) error {
	var n Notice
	switch {
	case m.Kind == "digest" && len(m.Cases) > 0:
		var err error
		if n, err = s.digest(ctx, m, to.ID); err != nil {
			return err
		}
	case m.Report != nil:
		n = s.summary(m)
	default:
		return errNoCase
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	msg, err := s.message(n, addr, hex.EncodeToString(b[:])+".resolvebot@"+s.domain, true)
	if err != nil {
		return bot.Permanent(err)
	}
	return s.send(ctx, msg)
}

// Update implements bot.Sender. A sent email cannot be changed, so there
// is nothing to do: the next email tells of the next step.
func (s *Sender) Update(context.Context, conversation.MessageRef, bot.Message) error { return nil }

// threadID is the Message-ID of the first email to person about caseID:
// stable, so every later one can refer to it, and distinct per person, so
// no two different messages share an id.
func (s *Sender) threadID(caseID, person string) string {
	sum := sha256.Sum256([]byte(person))
	return caseID + "." + hex.EncodeToString(sum[:5]) + ".resolvebot@" + s.domain
}

// message builds the email for n to addr in the thread root.
func (s *Sender) message(n Notice, addr, root string, first bool) (*mail.Msg, error) {
	text, html, err := s.fixed(n).render()
	if err != nil {
		return nil, fmt.Errorf("render email: %w", err)
	}
	msg := mail.NewMsg(mail.WithNoDefaultUserAgent())
	if err := msg.FromFormat(s.opts.FromName, s.opts.From); err != nil {
		return nil, fmt.Errorf("sender address: %w", err)
	}
	if err := msg.To(addr); err != nil {
		return nil, fmt.Errorf("recipient address: %w", err)
	}
	msg.Subject(n.Subject)
	msg.SetDateWithValue(s.opts.Now())
	if first {
		msg.SetMessageIDWithValue(root)
	} else {
		var b [8]byte
		_, _ = rand.Read(b[:])
		msg.SetMessageIDWithValue(strings.TrimSuffix(root, ".resolvebot@"+s.domain) + "." + hex.EncodeToString(b[:]) + ".resolvebot@" + s.domain)
		msg.SetGenHeaderPreformatted(mail.HeaderInReplyTo, "<"+root+">")
		msg.SetGenHeaderPreformatted(mail.HeaderReferences, "<"+root+">")
	}
	// An automatic notice: out-of-office and other auto-replies stay away.
	msg.SetGenHeaderPreformatted("Auto-Submitted", "auto-generated")
	msg.SetGenHeaderPreformatted(mail.HeaderXAutoResponseSuppress, "All")
	msg.SetBodyString(mail.TypeTextPlain, text)
	msg.AddAlternativeString(mail.TypeTextHTML, html)
	return msg, nil
}

// send delivers msg through the relay and classifies a failure.
func (s *Sender) send(ctx context.Context, msg *mail.Msg) error {
	opts := []mail.Option{
		mail.WithPort(s.opts.Port), mail.WithTimeout(s.opts.Timeout),
		mail.WithTLSConfig(&tls.Config{ServerName: s.opts.Host, RootCAs: s.opts.RootCAs, MinVersion: tls.VersionTLS12}),
		mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(s.opts.User), mail.WithPassword(s.opts.Password),
	}
	if s.opts.ImplicitTLS {
		opts = append(opts, mail.WithSSL())
	} else {
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	}
	client, err := mail.NewClient(s.opts.Host, opts...)
	if err != nil {
		return bot.Permanent(fmt.Errorf("email client: %w", err))
	}
	conn, err := client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return fmt.Errorf("connect to the mail relay: %w", err)
	}
	err = client.SendWithSMTPClient(conn, msg)
	if cerr := client.CloseWithSMTPClient(conn); cerr != nil && err == nil {
		// The message was accepted; a failed QUIT changes nothing.
		s.opts.Log.Debug("closing the mail relay connection failed", "err", cerr)
	}
	if err == nil {
		return nil
	}
	err = redact(err, msg)
	var se *mail.SendError
	if errors.As(err, &se) && !se.IsTemp() && se.ErrorCode() >= 500 &&
		(se.Reason == mail.ErrSMTPRcptTo || se.Reason == mail.ErrSMTPData || se.Reason == mail.ErrSMTPDataClose) {
		return bot.Permanent(fmt.Errorf("the mail relay refused the email: %w", err))
	}
	return fmt.Errorf("send email: %w", err)
}

// redactedError is a relay's error with the recipients' addresses taken
// out of its text, so logs keep the SMTP code but not whom it was for. It
// unwraps to the original, for classifying it.
type redactedError struct {
	text string
	err  error
}

func (e *redactedError) Error() string { return e.text }
func (e *redactedError) Unwrap() error { return e.err }

// redact returns err with every recipient address of msg in its text
// replaced by "[recipient]", in whatever case the relay echoed it.
func redact(err error, msg *mail.Msg) error {
	text := err.Error()
	rcpts, _ := msg.GetRecipients()
	for _, a := range rcpts {
		if a != "" {
			text = regexp.MustCompile("(?i)"+regexp.QuoteMeta(a)).ReplaceAllLiteralString(text, "[recipient]")
		}
	}
	return &redactedError{text: text, err: err}
}
