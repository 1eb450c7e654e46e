package config

import (
	"strings"
	"testing"
)

func TestSlackPace(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		pace    bool
		problem string
	}{
		{name: "on by default", pace: true},
		{name: "turned off", file: "slack:\n  pace: false\n", pace: false},
		{name: "not a boolean", file: "slack:\n  pace: sometimes\n", problem: "slack.pace"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := Options{Getenv: env(nil)}
			if tc.file != "" {
				opts.Path = writeFile(t, tc.file)
			}
			cfg, probs, err := Load(opts)
			if tc.problem != "" {
				if err == nil || !strings.Contains(probs.String(), tc.problem) {
					t.Fatalf("want a problem at %q, got err %v:\n%s", tc.problem, err, probs)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v\n%s", err, probs)
			}
			if cfg.Slack.Pace != tc.pace {
				t.Errorf("pace %v, want %v", cfg.Slack.Pace, tc.pace)
			}
		})
	}
}

// Installs through Slack's OAuth flow: the client id and secret come from
// the environment together, need the HTTP endpoint and a public redirect
// URL, and leave the single-workspace bot token unused.
func TestSlackInstalls(t *testing.T) {
	base := map[string]string{EnvSlackClientID: "123.456", EnvSlackClientSecret: "shh", EnvSlackSigningSecret: "sig",
		EnvEncryptionKeys: "k1:" + strings.Repeat("A", 43) + "="}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == "" {
				delete(m, kv[i])
			} else {
				m[kv[i]] = kv[i+1]
			}
		}
		return m
	}
	tests := []struct {
		name     string
		env      map[string]string
		file     string
		redirect string // the redirect URL wanted, when it loads
		problem  string // a problem wanted: its severity and setting
	}{
		{name: "redirect given", env: base, file: "slack:\n  redirect_url: https://bot.example.org/slack/oauth_redirect\n",
			redirect: "https://bot.example.org/slack/oauth_redirect"},
		{name: "no redirect", env: base, problem: "error: slack.redirect_url"},
		{name: "redirect elsewhere", env: base, file: "slack:\n  redirect_url: https://bot.example.org/oauth\n", problem: "error: slack.redirect_url"},
		{name: "redirect over http", env: base, file: "slack:\n  redirect_url: http://bot.example.org/slack/oauth_redirect\n", problem: "error: slack.redirect_url"},
		{name: "no secret", env: with(EnvSlackClientSecret, ""), file: "slack:\n  redirect_url: https://b.example.org/slack/oauth_redirect\n", problem: "error: slack.client_secret"},
		{name: "no signing secret", env: with(EnvSlackSigningSecret, ""), file: "slack:\n  redirect_url: https://b.example.org/slack/oauth_redirect\n", problem: "error: slack.signing_secret"},
		{name: "socket mode", env: with(EnvSlackAppToken, "xapp-1"), file: "slack:\n  redirect_url: https://b.example.org/slack/oauth_redirect\n", problem: "error: slack.app_token"},
		{name: "bot token unused", env: with(EnvSlackBotToken, "xoxb-1"), file: "slack:\n  redirect_url: https://b.example.org/slack/oauth_redirect\n", problem: "warning: slack.bot_token"},
		{name: "tokens in plain text", env: with(EnvEncryptionKeys, ""), file: "slack:\n  redirect_url: https://b.example.org/slack/oauth_redirect\n", problem: "warning: slack.client_id"},
		{name: "secret alone", env: map[string]string{EnvSlackClientSecret: "shh"}, problem: "warning: slack.client_id"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := Options{Getenv: env(tc.env)}
			if tc.file != "" {
				opts.Path = writeFile(t, tc.file)
			}
			cfg, probs, err := Load(opts)
			if tc.problem != "" {
				sev, at, _ := strings.Cut(tc.problem, ": ")
				for _, p := range probs {
					if p.Severity == sev && strings.HasSuffix(p.Place, at) {
						return
					}
				}
				t.Fatalf("want %q, got:\n%s", tc.problem, probs)
			}
			if err != nil || strings.Contains(probs.String(), "slack") {
				t.Fatalf("Load: %v\n%s", err, probs)
			}
			if !cfg.SlackEnabled() || !cfg.SlackInstalls() || cfg.Slack.RedirectURL != tc.redirect {
				t.Fatalf("enabled %v, installs %v, redirect %q; want on, on, %q", cfg.SlackEnabled(), cfg.SlackInstalls(), cfg.Slack.RedirectURL, tc.redirect)
			}
		})
	}
}
