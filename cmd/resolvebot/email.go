package main

import (
	"crypto/x509"
	"errors"
	"log/slog"

	"github.com/resolvebot/resolvebot/adapters/email"
	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/config"
	"github.com/resolvebot/resolvebot/conversation"
)

// registerEmail adds the email sender to the dispatcher when the
// configuration has an email section, and returns it (for the web page's
// sign-in links); without one nobody is emailed and it returns nil.
// Returns an error when the section's CA file holds no usable certificate.
func registerEmail(cfg *config.Config, store conversation.Store, cards *bot.Cards, d *bot.Dispatcher, log *slog.Logger) (*email.Sender, error) {
	em := cfg.Email
	if !em.Enabled {
		return nil, nil
	}
	var roots *x509.CertPool
	if len(em.RootCAs) > 0 {
		roots = x509.NewCertPool()
		if !roots.AppendCertsFromPEM(em.RootCAs) {
			return nil, errors.New("email.ca_file holds no usable certificate")
		}
	}
	s, err := email.New(store, cards, email.Options{Host: em.Host, Port: em.Port, ImplicitTLS: em.TLS == config.EmailImplicitTLS,
		RootCAs: roots, User: em.User, Password: em.Password, From: em.From, FromName: em.FromName, BaseURL: em.BaseURL,
		Operator: em.Operator, Contact: em.Contact, Timeout: em.Timeout, Log: log})
	if err != nil {
		return nil, err
	}
	d.Register(s)
	log.Info("email on", "relay", em.Host, "port", em.Port, "tls", em.TLS)
	return s, nil
}
