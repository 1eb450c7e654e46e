package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/adapters/email/smtptest"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/config"
)

// TestEmailFromConfig: the email section, the password from the
// environment and a private CA file make a working sender (STARTTLS and
// implicit TLS); without the section nobody is emailed.
func TestEmailFromConfig(t *testing.T) {
	for _, mode := range []string{smtptest.STARTTLS, smtptest.TLS, ""} {
		name := "tls " + mode
		if mode == "" {
			name = "no email section"
		}
		t.Run(name, func(t *testing.T) {
			srv := smtptest.New(t, smtptest.Options{Mode: mode, User: "relay", Password: "relay-secret"})
			dir := t.TempDir()
			ca := filepath.Join(dir, "ca.pem")
			if err := os.WriteFile(ca, srv.CertPEM, 0o600); err != nil {
				t.Fatal(err)
			}
			yaml := ""
			if mode != "" {
				yaml = fmt.Sprintf("email:\n  host: %s\n  port: %d\n  tls: %s\n  from: resolvebot@partnership.example.org\n  user: relay\n"+
					"  base_url: https://resolve.example.org\n  ca_file: %s\n", srv.Host, srv.Port, mode, ca)
			}
			path := filepath.Join(dir, "resolvebot.yaml")
			if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			cfg, probs, err := config.Load(config.Options{Path: path, Getenv: func(k string) string {
				return map[string]string{config.EnvSMTPPassword: "relay-secret"}[k]
			}})
			if err != nil {
				t.Fatalf("%v\n%s", err, probs.String())
			}
			env := bottest.New(t, bottest.Options{})
			env.Dispatcher.Register(env.Inbox)
			if _, err := registerEmail(cfg, env.Store, env.Router.Cards, env.Dispatcher, slog.New(slog.DiscardHandler)); err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			sam := env.Person(t, "sam.patel@school.example.org", "Sam Patel", "school", "")
			gp, err := env.People.Resolve(ctx, "dr.grey@gp.example.org")
			if err != nil {
				t.Fatal(err)
			}
			res, err := env.Engine.Raise(ctx, sam, bottest.Intake(gp.ID, "school", "health-visiting"))
			if err != nil {
				t.Fatal(err)
			}
			env.Settle(t)
			got := srv.Messages()
			if mode == "" {
				if len(got) != 0 {
					t.Fatalf("%d emails with no email section", len(got))
				}
				return
			}
			if len(got) != 1 || !got[0].TLS || !strings.Contains(string(got[0].Data), res.Case.ID) {
				t.Fatalf("emails: %d", len(got))
			}
		})
	}
}
