package config

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// EnvSMTPPassword is the SMTP password for the email section. Secret: it
// comes from the environment only and is never printed.
const EnvSMTPPassword = "RESOLVEBOT_SMTP_PASSWORD"

// The email section's TLS modes. There is no plain-text mode: partnership
// mail relays (NHSmail, police, councils) enforce TLS, and so does the bot.
const (
	// EmailSTARTTLS connects in plain text and must upgrade with STARTTLS
	// before anything else is said; a server that does not offer it is
	// refused (port 587 by default).
	EmailSTARTTLS = "starttls"
	// EmailImplicitTLS speaks TLS from the first byte (port 465 by default).
	EmailImplicitTLS = "tls"
)

// Email configures sending notifications by email over SMTP (the email
// section). With no section, Enabled is false and nobody is emailed.
type Email struct {
	Enabled bool   // the file has an email section
	Host    string // host: the SMTP relay's name, checked against its certificate
	Port    int    // port: 587 for starttls and 465 for tls unless given
	TLS     string // tls: EmailSTARTTLS (default) or EmailImplicitTLS
	// From and FromName are the sender's address and display name
	// (from, from_name; the name defaults to "resolvebot"). Message-IDs use
	// the address's domain.
	From     string
	FromName string
	// User is the SMTP AUTH user name (user); Password comes from
	// RESOLVEBOT_SMTP_PASSWORD only. Both are required: the bot always
	// authenticates.
	User     string
	Password string
	// BaseURL is the bot's public address (base_url), such as
	// "https://resolve.example.org": emails link to BaseURL/web/cases/<id>.
	BaseURL string
	// Operator says who runs the service, in every email's footer
	// (operator; default the protocol's partnership).
	Operator string
	// Contact is where people can ask about an email (contact: an address
	// or a phone number; optional).
	Contact string
	// CAFile (ca_file) names a PEM file of the certificate authorities that
	// sign the relay's certificate, for a relay with a private CA; empty
	// trusts the system's. RootCAs holds the file's PEM.
	CAFile  string
	RootCAs []byte
	// Timeout bounds connecting and each SMTP command (timeout, default 15s).
	Timeout time.Duration
}

var emailKeys = []string{"host", "port", "tls", "from", "from_name", "user", "base_url", "operator", "contact", "ca_file", "timeout"}

// emailSection decodes the email section, checking each value where it is written.
func (d *nodeDecoder) emailSection(n *yaml.Node, em *Email) {
	m := d.mapping(n, "email", emailKeys, map[string]string{
		"password":      secret(EnvSMTPPassword),
		"smtp_password": secret(EnvSMTPPassword),
	})
	if m == nil {
		return
	}
	em.Enabled = true
	d.fields(m, "email", field{"host", &em.Host}, field{"tls", &em.TLS}, field{"from_name", &em.FromName},
		field{"user", &em.User}, field{"base_url", &em.BaseURL}, field{"operator", &em.Operator},
		field{"contact", &em.Contact}, field{"ca_file", &em.CAFile}, field{"timeout", &em.Timeout})
	if e, ok := m["from"]; ok {
		d.email(e, "email.from", &em.From)
	}
	if e, ok := m["tls"]; ok && em.TLS != EmailSTARTTLS && em.TLS != EmailImplicitTLS {
		d.errorf(e.val, "email.tls", "unknown TLS mode %q; choose %s (upgrade on port 587) or %s (TLS from the start, port 465); plain text is never used",
			em.TLS, EmailSTARTTLS, EmailImplicitTLS)
	}
	if e, ok := m["port"]; ok {
		d.integer(e, "email.port", &em.Port)
		if em.Port < 1 || em.Port > 65535 {
			d.errorf(e.val, "email.port", "a port is a number from 1 to 65535, such as 587 (starttls) or 465 (tls)")
		}
	}
	if e, ok := m["base_url"]; ok && em.BaseURL != "" {
		if msg := checkTeamsURL(em.BaseURL); msg != "" {
			d.errorf(e.val, "email.base_url", "%s", msg)
		} else {
			em.BaseURL = strings.TrimRight(em.BaseURL, "/")
		}
	}
	if e, ok := m["timeout"]; ok && em.Timeout < time.Second {
		d.errorf(e.val, "email.timeout", "must be at least 1s")
	}
	if e, ok := m["ca_file"]; ok && em.CAFile != "" {
		data, err := os.ReadFile(em.CAFile)
		switch {
		case err != nil:
			d.errorf(e.val, "email.ca_file", "cannot read it: %v", unwrapPath(err))
		case !hasCertificate(data):
			d.errorf(e.val, "email.ca_file", "holds no PEM CERTIFICATE block that can be read")
		default:
			em.RootCAs = data
		}
	}
	for _, k := range []struct{ key, what string }{{"host", "the SMTP relay's host name"}, {"from", "the sender's address"},
		{"user", "the SMTP user name"}, {"base_url", "the bot's public address, for the link to each case"}} {
		if _, ok := m[k.key]; !ok {
			d.errorf(n, "email."+k.key, "the email section needs %s (%s)", k.key, k.what)
		}
	}
}

// hasCertificate reports whether data holds a readable PEM certificate.
func hasCertificate(data []byte) bool {
	for rest := data; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			return false
		}
		if b.Type == "CERTIFICATE" {
			if _, err := x509.ParseCertificate(b.Bytes); err == nil {
				return true
			}
		}
	}
}

// validateEmail fills the email section's defaults and checks what only
// the merged configuration shows: the password from the environment.
func validateEmail(cfg *Config, col *collector) {
	em := &cfg.Email
	if !em.Enabled {
		if em.Password != "" {
			col.warnAt("email.password", "%s is set but the file has no email section, so nobody is emailed", EnvSMTPPassword)
		}
		return
	}
	if em.TLS == "" {
		em.TLS = EmailSTARTTLS
	}
	if em.Port == 0 {
		em.Port = 587
		if em.TLS == EmailImplicitTLS {
			em.Port = 465
		}
	}
	if em.FromName == "" {
		em.FromName = "resolvebot"
	}
	if em.Operator == "" {
		em.Operator = cfg.Protocol.Partnership
	}
	if em.Timeout == 0 {
		em.Timeout = 15 * time.Second
	}
	if em.Password == "" {
		col.errorAt("email", "email needs %s set in the environment: the bot always signs in to the SMTP relay", EnvSMTPPassword)
	}
}
