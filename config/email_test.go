package config

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const goodEmail = "email:\n  host: smtp.example.org\n  from: resolvebot@partnership.example.org\n  user: resolvebot\n  base_url: https://resolve.example.org/\n"

func TestEmailSection(t *testing.T) {
	pass := map[string]string{EnvSMTPPassword: "s3cret-smtp"}
	tests := []struct {
		name    string
		yaml    string
		env     map[string]string
		place   string // "" when the file is fine
		message string
		check   func(t *testing.T, em Email)
	}{
		{"no section: off", "", nil, "", "", func(t *testing.T, em Email) {
			if em.Enabled {
				t.Errorf("email on without a section: %+v", em)
			}
		}},
		{"defaults", goodEmail, pass, "", "", func(t *testing.T, em Email) {
			if !em.Enabled || em.Port != 587 || em.TLS != EmailSTARTTLS || em.FromName != "resolvebot" || em.Timeout != 15*time.Second ||
				em.BaseURL != "https://resolve.example.org" || em.Password != "s3cret-smtp" || em.Operator == "" {
				t.Errorf("email = %+v", em)
			}
		}},
		{"implicit tls", goodEmail + "  tls: tls\n  operator: Exampleshire SCP business unit\n  contact: scp@example.org\n", pass, "", "", func(t *testing.T, em Email) {
			if em.Port != 465 || em.TLS != EmailImplicitTLS || em.Operator != "Exampleshire SCP business unit" || em.Contact != "scp@example.org" {
				t.Errorf("email = %+v", em)
			}
		}},
		{"bad port", goodEmail + "  port: 70000\n", pass, ":6:9 email.port", "1 to 65535", nil},
		{"port not a number", goodEmail + "  port: smtp\n", pass, ":6:9 email.port", "whole number", nil},
		{"bad tls mode", goodEmail + "  tls: none\n", pass, ":6:8 email.tls", "plain text is never used", nil},
		{"bad sender", strings.Replace(goodEmail, "resolvebot@partnership.example.org", "resolvebot", 1), pass, ":3:9 email.from", "not an email address", nil},
		{"bad base url", strings.Replace(goodEmail, "https://resolve.example.org/", "resolve.example.org", 1), pass, ":5:13 email.base_url", "absolute URL", nil},
		{"plain http base url", strings.Replace(goodEmail, "https://", "http://", 1), pass, ":5:13 email.base_url", "must use https", nil},
		{"no host", strings.Replace(goodEmail, "  host: smtp.example.org\n", "", 1), pass, ":2:3 email.host", "needs host", nil},
		{"password in the file", goodEmail + "  password: hunter2\n", pass, ":6:3 email.password", "RESOLVEBOT_SMTP_PASSWORD", nil},
		{"no password", goodEmail, nil, ":2:3 email", "RESOLVEBOT_SMTP_PASSWORD", nil},
		{"unreadable ca file", goodEmail + "  ca_file: /nonexistent/ca.pem\n", pass, ":6:12 email.ca_file", "cannot read it", nil},
		{"unknown key", goodEmail + "  sender: x@example.org\n", pass, ":6:3 email.sender", "unknown key", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "resolvebot.yaml")
			if err := os.WriteFile(path, []byte(tt.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			getenv := func(k string) string { return tt.env[k] }
			cfg, probs, err := Load(Options{Path: path, Getenv: getenv})
			if tt.place == "" {
				if err != nil {
					t.Fatalf("load: %v\n%s", err, probs.String())
				}
				tt.check(t, cfg.Email)
				if strings.Contains(cfg.String(), "s3cret-smtp") {
					t.Errorf("the dump shows the SMTP password:\n%s", cfg.String())
				}
				return
			}
			if err == nil {
				t.Fatalf("no error for %q", tt.yaml)
			}
			found := false
			for _, p := range probs {
				if p.Severity == SeverityError && strings.HasSuffix(p.Place, tt.place) && strings.Contains(p.Message, tt.message) {
					found = true
				}
				if strings.Contains(p.Message, "hunter2") || strings.Contains(p.Message, "s3cret-smtp") {
					t.Errorf("a problem quotes a secret: %s", p.Message)
				}
			}
			if !found {
				t.Errorf("no error at %q saying %q:\n%s", tt.place, tt.message, probs.String())
			}
			// config check reports the same and says the file is unusable.
			var out bytes.Buffer
			if Check(Options{Path: path, Getenv: getenv}, &out) || !strings.Contains(out.String(), tt.place) {
				t.Errorf("config check:\n%s", out.String())
			}
		})
	}
}

func TestEmailCAFile(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "not.pem")
	if err := os.WriteFile(notPEM, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	ca := filepath.Join(dir, "ca.pem")
	pemCert, _, _ := bytes.Cut([]byte(testCertificatePEM(t)), []byte("-----BEGIN"+" PRIVATE KEY"))
	if err := os.WriteFile(ca, pemCert, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		file string
		ok   bool
	}{{notPEM, false}, {ca, true}} {
		path := filepath.Join(dir, "resolvebot.yaml")
		if err := os.WriteFile(path, []byte(goodEmail+"  ca_file: "+tt.file+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, probs, err := Load(Options{Path: path, Getenv: func(k string) string { return map[string]string{EnvSMTPPassword: "x"}[k] }})
		if (err == nil) != tt.ok {
			t.Fatalf("%s: err %v\n%s", tt.file, err, probs.String())
		}
		if tt.ok && !bytes.Contains(cfg.Email.RootCAs, []byte("BEGIN CERTIFICATE")) {
			t.Errorf("root CAs not loaded: %q", cfg.Email.RootCAs)
		}
		if !tt.ok && !strings.Contains(probs.String(), "no PEM CERTIFICATE") {
			t.Errorf("problems:\n%s", probs.String())
		}
	}
}
