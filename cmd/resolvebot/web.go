package main

import (
	"context"
	"net/http"
	"time"

	"github.com/resolvebot/resolvebot/adapters/web"
	"github.com/resolvebot/resolvebot/config"
	"github.com/resolvebot/resolvebot/internal/httpedge"
	"github.com/resolvebot/resolvebot/internal/livesettings"
)

// startWeb mounts the web page under /web/ when email is configured: the
// emails link to it, and it signs people in by emailed links.
func startWeb(_ context.Context, a *app, cfg *config.Config, mux *http.ServeMux) (func(), error) {
	if !webEnabled(a, cfg) {
		return nil, nil
	}
	edge := httpedge.Limits{TrustedProxies: cfg.Server.TrustedProxies}
	opts := web.Options{Router: a.router, Store: a.store, Mailer: a.mailer, BaseURL: cfg.Email.BaseURL,
		ClientIP: func(r *http.Request) string { return httpedge.Client(r, edge) }, Log: a.log.With("platform", "web")}
	if o := cfg.Web.OIDC; o.Enabled {
		opts.OIDC = &web.OIDC{Name: o.Name, Issuer: o.Issuer, ClientID: o.ClientID, ClientSecret: o.ClientSecret,
			HTTPClient: &http.Client{Timeout: 15 * time.Second}}
	}
	if a.settings != nil {
		opts.Settings = livesettings.Web(a.settings)
	}
	if len(a.hosted) > 0 {
		opts.SettingsFor = livesettings.WebHosted(a.hosted, a.people)
	}
	w := web.New(opts)
	w.Mount(mux)
	a.signIn = w.SendSignIn
	a.log.Info("web: http", "path", web.Prefix, "base_url", cfg.Email.BaseURL, "oidc", cfg.Web.OIDC.Enabled)
	return nil, nil
}

// webEnabled reports whether startWeb mounts the web page.
func webEnabled(a *app, cfg *config.Config) bool { return cfg.Email.Enabled && a.mailer != nil }
