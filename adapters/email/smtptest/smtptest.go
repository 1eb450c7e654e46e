// Package smtptest runs a real SMTP server (github.com/emersion/go-smtp) in
// the test process, with STARTTLS or implicit TLS on a self-signed
// certificate, AUTH PLAIN, and refusals on demand, so the email adapter is
// tested against the wire protocol rather than a mock of its library.
package smtptest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// The modes a server can run in.
const (
	STARTTLS = "starttls" // plain at first, offering STARTTLS
	TLS      = "tls"      // TLS from the first byte
	Plain    = "plain"    // no TLS at all
)

// Options set up a server.
type Options struct {
	Mode     string // STARTTLS (default), TLS or Plain
	User     string // the one account AUTH PLAIN accepts
	Password string
	// AllowInsecureAuth offers and accepts AUTH before TLS: a server a
	// client that falls back to plain text would happily talk to.
	AllowInsecureAuth bool
}

// Message is one message the server accepted.
type Message struct {
	From string
	To   []string
	Data []byte
	TLS  bool // it arrived over TLS
	User string
}

// Server is a running SMTP server on loopback.
type Server struct {
	Host string // "127.0.0.1"
	Port int
	// RootCAs trusts the server's self-signed certificate; CertPEM is that
	// certificate in PEM.
	RootCAs *x509.CertPool
	CertPEM []byte

	opts Options
	srv  *smtp.Server

	mu       sync.Mutex
	messages []Message
	faults   []*fault
	auths    int // AUTH attempts
	commands int // MAIL commands
}

type fault struct {
	rcpt  string
	code  int
	times int // <0: always
}

// New starts a server for the test and stops it at the end.
func New(tb testing.TB, opts Options) *Server {
	tb.Helper()
	if opts.Mode == "" {
		opts.Mode = STARTTLS
	}
	s := &Server{Host: "127.0.0.1", opts: opts}
	cert, certPEM, err := selfSigned()
	if err != nil {
		tb.Fatalf("smtptest: certificate: %v", err)
	}
	s.CertPEM = certPEM
	s.RootCAs = x509.NewCertPool()
	s.RootCAs.AppendCertsFromPEM(certPEM)
	s.srv = smtp.NewServer(backend{s})
	s.srv.Domain = "smtp.test"
	s.srv.AllowInsecureAuth = opts.AllowInsecureAuth
	s.srv.ReadTimeout, s.srv.WriteTimeout = 10*time.Second, 10*time.Second
	s.srv.MaxMessageBytes = 1 << 20
	s.srv.MaxRecipients = 10
	tlsConfig := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("smtptest: listen: %v", err)
	}
	switch opts.Mode {
	case STARTTLS:
		s.srv.TLSConfig = tlsConfig
	case TLS:
		s.srv.TLSConfig = tlsConfig
		ln = tls.NewListener(ln, tlsConfig)
	}
	s.Port = ln.Addr().(*net.TCPAddr).Port
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.srv.Serve(ln)
	}()
	tb.Cleanup(func() {
		// Close stops only the listeners Serve has registered: a test that
		// ends at once (a skip) can close the server before Serve starts,
		// so the listener is closed here too and Serve always returns.
		s.srv.Close()
		ln.Close()
		<-done
	})
	return s
}

// Addr returns "host:port".
func (s *Server) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// Messages returns the messages accepted so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Auths returns how many AUTH attempts the server has seen.
func (s *Server) Auths() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.auths
}

// Tries returns how many messages clients have begun (MAIL FROM commands
// after signing in), accepted or not.
func (s *Server) Tries() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.commands
}

// FailRcpt makes the next times RCPT TO commands for rcpt fail with code
// (a 4xx is temporary, a 5xx permanent); times < 0 fails them all.
func (s *Server) FailRcpt(rcpt string, code, times int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &fault{rcpt: strings.ToLower(rcpt), code: code, times: times})
}

func (s *Server) rcptFault(rcpt string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.faults {
		if f.rcpt != strings.ToLower(rcpt) || f.times == 0 {
			continue
		}
		if f.times > 0 {
			f.times--
		}
		if f.code >= 500 {
			return &smtp.SMTPError{Code: f.code, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user here"}
		}
		return &smtp.SMTPError{Code: f.code, EnhancedCode: smtp.EnhancedCode{4, 2, 0}, Message: "Mailbox busy, try again later"}
	}
	return nil
}

type backend struct{ s *Server }

func (b backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{s: b.s, conn: c}, nil
}

type session struct {
	s    *Server
	conn *smtp.Conn
	user string
	msg  Message
}

var _ smtp.AuthSession = (*session)(nil)

func (x *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (x *session) Auth(mech string) (sasl.Server, error) {
	x.s.mu.Lock()
	x.s.auths++
	x.s.mu.Unlock()
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != x.s.opts.User || password != x.s.opts.Password || (identity != "" && identity != username) {
			return smtp.ErrAuthFailed
		}
		x.user = username
		return nil
	}), nil
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	if x.user == "" {
		return smtp.ErrAuthRequired
	}
	x.s.mu.Lock()
	x.s.commands++
	x.s.mu.Unlock()
	_, isTLS := x.conn.TLSConnectionState()
	x.msg = Message{From: from, TLS: isTLS, User: x.user}
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := x.s.rcptFault(to); err != nil {
		return err
	}
	x.msg.To = append(x.msg.To, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if len(x.msg.To) == 0 {
		return errors.New("no recipients")
	}
	x.msg.Data = data
	x.s.mu.Lock()
	x.s.messages = append(x.s.messages, x.msg)
	x.s.mu.Unlock()
	x.msg = Message{}
	return nil
}

func (x *session) Reset()        { x.msg = Message{} }
func (x *session) Logout() error { return nil }

// selfSigned makes a certificate for 127.0.0.1 and localhost.
func selfSigned() (tls.Certificate, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "smtptest"},
		NotBefore:    time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	cert, err := tls.X509KeyPair(certPEM, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}))
	return cert, certPEM, err
}
