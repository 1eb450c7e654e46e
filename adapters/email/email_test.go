package email_test

import (
	"bytes"
	"context"
	"flag"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/adapters/email"
	"github.com/resolvebot/resolvebot/adapters/email/smtptest"
	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
)

var update = flag.Bool("update", false, "rewrite the golden email files in testdata/")

const (
	smtpUser = "resolvebot@partnership.example.org"
	smtpPass = "relay-password"
	gpEmail  = "dr.grey@gp.example.org"
)

// world is a bot whose chat people are reached through the test inbox and
// whose email-only people through a real SMTP server.
type world struct {
	t      *testing.T
	env    *bottest.Env
	smtp   *smtptest.Server
	sender *email.Sender
	sent   *spy
	raiser string
	gp     string
}

// spy records the neutral messages the email sender is given.
type spy struct {
	bot.Sender
	mu   sync.Mutex
	msgs []bot.Message
}

func (s *spy) Send(ctx context.Context, to *conversation.Person, h conversation.Handle, m bot.Message) (conversation.MessageRef, error) {
	s.mu.Lock()
	s.msgs = append(s.msgs, m)
	s.mu.Unlock()
	return s.Sender.Send(ctx, to, h, m)
}

func newWorld(t *testing.T, srv smtptest.Options, change func(*email.Options)) *world {
	t.Helper()
	return newWorldOf(t, srv, change, bottest.Options{})
}

// newWorldOf is newWorld with the bot built from bo.
func newWorldOf(t *testing.T, srv smtptest.Options, change func(*email.Options), bo bottest.Options) *world {
	t.Helper()
	if srv.User == "" {
		srv.User, srv.Password = smtpUser, smtpPass
	}
	env := bottest.New(t, bo)
	s := smtptest.New(t, srv)
	opts := email.Options{Host: s.Host, Port: s.Port, ImplicitTLS: srv.Mode == smtptest.TLS, RootCAs: s.RootCAs,
		User: smtpUser, Password: smtpPass, From: "resolvebot@partnership.example.org", FromName: "Exampleshire resolvebot",
		BaseURL: "https://resolve.example.org", Operator: "the Exampleshire partnership business unit", Contact: "scp@example.org",
		Timeout: 5 * time.Second, Now: env.Clock.Now}
	if change != nil {
		change(&opts)
	}
	sender, err := email.New(env.Store, env.Router.Cards, opts)
	if err != nil {
		t.Fatal(err)
	}
	sp := &spy{Sender: sender}
	env.Dispatcher.Register(env.Inbox) // chat people (test handles)
	env.Dispatcher.Register(sp)
	w := &world{t: t, env: env, smtp: s, sender: sender, sent: sp}
	w.raiser = env.Person(t, "sam.patel@school.example.org", "Sam Patel", "school", "")
	per, err := env.People.Resolve(context.Background(), gpEmail) // known by email only
	if err != nil {
		t.Fatal(err)
	}
	w.gp = per.ID
	return w
}

// raise opens a case by Sam against the GP and delivers what it causes.
func (w *world) raise(in conversation.RaiseInput) *conversation.Case {
	w.t.Helper()
	in.RespondentID = w.gp
	res, err := w.env.Engine.Raise(context.Background(), w.raiser, in)
	if err != nil {
		w.t.Fatal(err)
	}
	w.env.Settle(w.t)
	return res.Case
}

// parsed is one received email, decoded.
type parsed struct {
	raw     []byte
	header  mail.Header
	subject string
	text    string
	html    string
}

func parse(t *testing.T, m smtptest.Message) parsed {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatalf("read email: %v\n%s", err, m.Data)
	}
	p := parsed{raw: m.Data, header: msg.Header}
	p.subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("content type %q (%v), want multipart/alternative", msg.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		var r io.Reader = part // multipart decodes quoted-printable itself
		if part.Header.Get("Content-Transfer-Encoding") == "base64" {
			t.Fatalf("unexpected base64 part")
		}
		body, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		ct, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
		switch ct {
		case "text/plain":
			p.text = string(body)
		case "text/html":
			p.html = string(body)
		}
	}
	if p.text == "" || p.html == "" {
		t.Fatalf("email lacks a plain-text or HTML part:\n%s", m.Data)
	}
	return p
}

// received returns the emails the server accepted, decoded.
func (w *world) received() []parsed {
	w.t.Helper()
	var out []parsed
	for _, m := range w.smtp.Messages() {
		out = append(out, parse(w.t, m))
	}
	return out
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != strings.ReplaceAll(got, "\r\n", "\n") && string(want) != got {
		t.Errorf("%s differs from the golden file (run with -update and read the diff):\n%s", name, got)
	}
}

// TestAcknowledgeEmail: the respondent known only by email is sent one
// email over STARTTLS after AUTH PLAIN, saying which case needs them, what
// to do and by when, with a link to the case page; plain text and HTML.
func TestAcknowledgeEmail(t *testing.T) {
	w := newWorld(t, smtptest.Options{}, nil)
	c := w.raise(bottest.Intake("", "school", "health-visiting"))
	got := w.smtp.Messages()
	if len(got) != 1 {
		t.Fatalf("%d emails, want 1", len(got))
	}
	m := got[0]
	if !m.TLS || m.User != smtpUser || len(m.To) != 1 || m.To[0] != gpEmail || m.From != "resolvebot@partnership.example.org" {
		t.Errorf("envelope: TLS %v, user %q, from %q, to %v", m.TLS, m.User, m.From, m.To)
	}
	p := parse(t, m)
	if want := c.ID + ": please acknowledge by Tue 24 Nov"; p.subject != want {
		t.Errorf("subject %q, want %q", p.subject, want)
	}
	link := "https://resolve.example.org/web/cases/" + c.ID
	for _, part := range []string{p.text, p.html} {
		for _, want := range []string{c.ID, "Please acknowledge it by Tue 24 Nov, 17:00", link, "run by the Exampleshire partnership business unit", "scp@example.org"} {
			if !strings.Contains(part, want) {
				t.Errorf("a part lacks %q:\n%s", want, part)
			}
		}
	}
	if !strings.Contains(p.html, `<a href="`+link+`"`) {
		t.Errorf("the HTML part has no link to the case:\n%s", p.html)
	}
	if from := p.header.Get("From"); !strings.Contains(from, "Exampleshire resolvebot") {
		t.Errorf("From: %q", from)
	}
	if p.header.Get("Auto-Submitted") != "auto-generated" {
		t.Errorf("Auto-Submitted: %q", p.header.Get("Auto-Submitted"))
	}
	golden(t, "acknowledge.txt", p.text)
	golden(t, "acknowledge.html", p.html)
	if n := w.smtp.Auths(); n != 1 {
		t.Errorf("%d AUTH attempts, want 1", n)
	}
	// The raiser heard on chat, and nothing is left in the outbox.
	st, err := w.env.Store.OutboxStats(context.Background())
	if err != nil || st.Depth != 0 {
		t.Errorf("outbox depth %d (%v), want 0", st.Depth, err)
	}
}

// TestImplicitTLS: a relay that speaks TLS from the first byte (465).
func TestImplicitTLS(t *testing.T) {
	w := newWorld(t, smtptest.Options{Mode: smtptest.TLS}, nil)
	w.raise(bottest.Intake("", "school", "health-visiting"))
	got := w.smtp.Messages()
	if len(got) != 1 || !got[0].TLS {
		t.Fatalf("emails %d (TLS %v), want 1 over TLS", len(got), len(got) > 0 && got[0].TLS)
	}
}

// TestNeverInPlainText: a relay that offers no STARTTLS (but would take
// the password in plain text), one whose certificate is not trusted, and a
// wrong password each leave the email unsent, the password unsent over
// plain text, and the email waiting in the outbox for a retry, not given up.
func TestNeverInPlainText(t *testing.T) {
	tests := []struct {
		name   string
		srv    smtptest.Options
		change func(*email.Options)
		auths  int
	}{
		{"no STARTTLS offered", smtptest.Options{Mode: smtptest.Plain, AllowInsecureAuth: true}, nil, 0},
		{"untrusted certificate", smtptest.Options{}, func(o *email.Options) { o.RootCAs = nil }, 0},
		{"implicit TLS to a plain server", smtptest.Options{Mode: smtptest.Plain, AllowInsecureAuth: true}, func(o *email.Options) { o.ImplicitTLS = true }, 0},
		{"wrong password", smtptest.Options{}, func(o *email.Options) { o.Password = "wrong" }, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t, tt.srv, tt.change)
			w.raise(bottest.Intake("", "school", "health-visiting"))
			if n := len(w.smtp.Messages()); n != 0 {
				t.Fatalf("%d emails accepted, want 0", n)
			}
			if n := w.smtp.Auths(); n != tt.auths {
				t.Errorf("%d AUTH attempts, want %d", n, tt.auths)
			}
			pending, err := w.env.Store.PendingEffects(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			waiting := false
			for _, e := range pending {
				if e.Kind == conversation.EffectMessage && e.Recipient == w.gp {
					waiting = e.Attempts == 1 && !e.NextAt.IsZero()
				}
			}
			if !waiting {
				t.Errorf("the GP's email is not waiting for a retry: %+v", pending)
			}
			for _, m := range w.env.Inbox.Take()[w.raiser] {
				if strings.Contains(m.Title, "could not be reached") {
					t.Errorf("Sam was told the GP is unreachable after a relay problem: %+v", m)
				}
			}
		})
	}
}

// TestTemporaryRefusalIsRetried: a 4xx on RCPT TO leaves the email in the
// outbox; the retry a second later delivers it, once.
func TestTemporaryRefusalIsRetried(t *testing.T) {
	w := newWorld(t, smtptest.Options{}, nil)
	w.smtp.FailRcpt(gpEmail, 451, 1)
	c := w.raise(bottest.Intake("", "school", "health-visiting"))
	if n := len(w.smtp.Messages()); n != 0 {
		t.Fatalf("%d emails after a 451, want 0", n)
	}
	w.env.Clock.Advance(2 * time.Second)
	w.env.Settle(t)
	w.env.Clock.Advance(time.Minute)
	w.env.Settle(t)
	got := w.received()
	if len(got) != 1 || !strings.Contains(got[0].subject, c.ID) {
		t.Fatalf("%d emails after the retry, want 1", len(got))
	}
	for _, m := range w.env.Inbox.Take()[w.raiser] {
		if strings.Contains(m.Title, "could not be reached") {
			t.Errorf("Sam was told the GP is unreachable after a temporary refusal")
		}
	}
}

// TestPermanentRefusalTellsTheRaiser: a 5xx on RCPT TO is not retried; the
// person who raised the case is told on chat who could not be reached.
func TestPermanentRefusalTellsTheRaiser(t *testing.T) {
	w := newWorld(t, smtptest.Options{}, nil)
	w.smtp.FailRcpt(gpEmail, 550, -1)
	c := w.raise(bottest.Intake("", "school", "health-visiting"))
	w.env.Clock.Advance(time.Hour)
	w.env.Settle(t)
	if n := len(w.smtp.Messages()); n != 0 {
		t.Fatalf("%d emails, want 0", n)
	}
	if n := w.smtp.Tries(); n != 1 {
		t.Errorf("%d tries at the refused address, want 1 (a 5xx is not retried)", n)
	}
	var notice *bot.Message
	for _, m := range w.env.Inbox.Take()[w.raiser] {
		if strings.Contains(m.Title, "could not be reached") {
			notice = &m
		}
	}
	if notice == nil || notice.CaseID != c.ID || !strings.Contains(notice.Text, "Dr Grey") || !strings.Contains(notice.Text, "by email") {
		t.Fatalf("Sam was not told the GP could not be reached: %+v", notice)
	}
	st, err := w.env.Store.OutboxStats(context.Background())
	if err != nil || st.Depth != 0 {
		t.Errorf("outbox depth %d (%v), want 0: a refused address is not retried", st.Depth, err)
	}
}

// TestOneThreadPerCase: the first email about a case has the case's stable
// Message-ID for this person; the next replies to it (In-Reply-To and
// References), with an id of its own. The card refresh after each step,
// which cannot edit an email, is done, not retried.
func TestOneThreadPerCase(t *testing.T) {
	w := newWorld(t, smtptest.Options{}, nil)
	ctx := context.Background()
	outcomes := &deliveries{}
	w.env.Worker.Metrics = outcomes
	c := w.raise(bottest.Intake("", "school", "health-visiting"))
	if _, err := w.env.Engine.AddNote(ctx, conversation.Cmd{Actor: w.raiser, CaseID: c.ID, Version: c.Version}, "I have also phoned the surgery."); err != nil {
		t.Fatal(err)
	}
	w.env.Settle(t)
	got := w.received()
	if len(got) != 2 {
		t.Fatalf("%d emails, want 2", len(got))
	}
	first, second := got[0].header, got[1].header
	root := first.Get("Message-ID")
	if !strings.HasPrefix(root, "<"+c.ID+".") || !strings.HasSuffix(root, ".resolvebot@partnership.example.org>") {
		t.Errorf("first Message-ID %q", root)
	}
	if first.Get("In-Reply-To") != "" || first.Get("References") != "" {
		t.Errorf("the first email replies to something: %q %q", first.Get("In-Reply-To"), first.Get("References"))
	}
	if id := second.Get("Message-ID"); id == root || !strings.HasPrefix(id, "<"+c.ID+".") {
		t.Errorf("second Message-ID %q (first %q)", id, root)
	}
	if second.Get("In-Reply-To") != root || second.Get("References") != root {
		t.Errorf("second email: In-Reply-To %q, References %q, want %q", second.Get("In-Reply-To"), second.Get("References"), root)
	}
	if want := c.ID + ": "; !strings.HasPrefix(got[1].subject, want) {
		t.Errorf("second subject %q", got[1].subject)
	}
	// A second case starts a thread of its own.
	c2 := w.raise(bottest.Intake("", "school", "health-visiting"))
	all := w.received()
	if id := all[len(all)-1].header.Get("Message-ID"); !strings.HasPrefix(id, "<"+c2.ID+".") || all[len(all)-1].header.Get("In-Reply-To") != "" {
		t.Errorf("second case's first email: Message-ID %q, In-Reply-To %q", id, all[len(all)-1].header.Get("In-Reply-To"))
	}
	refs, err := w.env.Store.MessageRefs(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	threads := 0
	for _, r := range refs {
		if r.Platform == email.Platform {
			threads++
		}
	}
	if threads != 1 {
		t.Errorf("%d email threads recorded for %s, want 1", threads, c.ID)
	}
	st, err := w.env.Store.OutboxStats(ctx)
	if err != nil || st.Depth != 0 {
		t.Errorf("outbox depth %d (%v), want 0: refreshing an email is done at once", st.Depth, err)
	}
	outcomes.mu.Lock()
	defer outcomes.mu.Unlock()
	if outcomes.got["refresh delivered"] < 3 || len(outcomes.got) != 3 {
		t.Errorf("delivery outcomes %v: want every step, message and refresh delivered, none retried or failed", outcomes.got)
	}
}

// deliveries counts the worker's outcomes by kind.
type deliveries struct {
	mu  sync.Mutex
	got map[string]int
}

func (d *deliveries) Delivery(kind, _, outcome string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.got == nil {
		d.got = map[string]int{}
	}
	d.got[kind+" "+outcome]++
}

// TestHTMLIsEscaped: settings shown in an email (the operator, the
// contact) are escaped in the HTML part and shown as written in the text.
func TestHTMLIsEscaped(t *testing.T) {
	w := newWorld(t, smtptest.Options{}, func(o *email.Options) {
		o.Operator = `Smith & Jones <script>alert(1)</script>`
		o.Contact = `"help" <desk@example.org>`
	})
	w.raise(bottest.Intake("", "school", "health-visiting"))
	got := w.received()
	if len(got) != 1 {
		t.Fatalf("%d emails", len(got))
	}
	p := got[0]
	if strings.Contains(p.html, "<script>") || !strings.Contains(p.html, "Smith &amp; Jones &lt;script&gt;") ||
		!strings.Contains(p.html, "&lt;desk@example.org&gt;") {
		t.Errorf("HTML part not escaped:\n%s", p.html)
	}
	if !strings.Contains(p.text, "Smith & Jones <script>alert(1)</script>") || !strings.Contains(p.text, `"help" <desk@example.org>`) {
		t.Errorf("text part altered:\n%s", p.text)
	}
}

// TestFooterOperatorIsThePartnership checks the footer when the operator is
// the partnership's bare name, as configuration defaults it: the sentence
// gives it its article, as it does the partnership ("run by the
// Safeguarding Children Partnership", not "run by Safeguarding …"); an
// operator of another name is left as configured.
func TestFooterOperatorIsThePartnership(t *testing.T) {
	for _, tc := range []struct{ operator, want string }{
		{"Safeguarding Children Partnership", "resolvebot is run by the Safeguarding Children Partnership."},
		{"", "resolvebot is run by the Safeguarding Children Partnership."},
		{"Exampleshire SCP business unit", "resolvebot is run by Exampleshire SCP business unit."},
	} {
		t.Run(tc.operator, func(t *testing.T) {
			w := newWorld(t, smtptest.Options{}, func(o *email.Options) { o.Operator = tc.operator })
			w.raise(bottest.Intake("", "school", "health-visiting"))
			got := w.received()
			if len(got) != 1 {
				t.Fatalf("%d emails", len(got))
			}
			text := strings.Join(strings.Fields(got[0].text), " ")
			if !strings.Contains(text, tc.want) {
				t.Errorf("footer does not say %q:\n%s", tc.want, got[0].text)
			}
		})
	}
}
