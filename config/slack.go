package config

import "strings"

// SlackRedirectPath is where Slack sends people back after they approve an
// install (the adapter serves it).
const SlackRedirectPath = "/slack/oauth_redirect"

// validateSlackInstalls checks the OAuth install settings: the client id
// and secret go together, installs need the HTTP endpoint (a Socket Mode
// app cannot be installed into other workspaces) and a public redirect
// URL, and the bot token of single-workspace mode is not used beside them.
func validateSlackInstalls(cfg *Config, col *collector) {
	s := &cfg.Slack
	if s.ClientID == "" {
		if s.ClientSecret != "" {
			col.warnAt("slack.client_id", "%s is set but %s is not, so installs through Slack's OAuth flow stay off", EnvSlackClientSecret, EnvSlackClientID)
		}
		return
	}
	if s.ClientSecret == "" {
		col.errorAt("slack.client_secret", "%s is set but %s is not; the OAuth flow needs both", EnvSlackClientID, EnvSlackClientSecret)
	}
	if s.SigningSecret == "" {
		col.errorAt("slack.signing_secret", "installs through Slack's OAuth flow need the HTTP endpoint: set %s", EnvSlackSigningSecret)
	}
	if s.AppToken != "" {
		col.errorAt("slack.app_token", "a Socket Mode app cannot be installed into other workspaces: unset %s to use installs through Slack's OAuth flow", EnvSlackAppToken)
	}
	if s.BotToken != "" {
		col.warnAt("slack.bot_token", "%s is not used when %s is set: every workspace, that one too, is installed through /slack/install", EnvSlackBotToken, EnvSlackClientID)
	}
	if cfg.Store.EncryptionKeys == "" {
		col.warnAt("slack.client_id", "each workspace's bot token is stored in plain text until %s is set", EnvEncryptionKeys)
	}
	if s.RedirectURL == "" && cfg.Email.BaseURL != "" {
		s.RedirectURL = strings.TrimRight(cfg.Email.BaseURL, "/") + SlackRedirectPath
	}
	switch {
	case s.RedirectURL == "":
		col.errorAt("slack.redirect_url", "installs through Slack's OAuth flow need the public address of %s: set slack.redirect_url (or email.base_url)", SlackRedirectPath)
	case checkTeamsURL(s.RedirectURL) != "":
		col.errorAt("slack.redirect_url", "%s", checkTeamsURL(s.RedirectURL))
	case !strings.HasSuffix(strings.TrimRight(s.RedirectURL, "/"), SlackRedirectPath):
		col.errorAt("slack.redirect_url", "must end in %s, where the bot takes the answer", SlackRedirectPath)
	}
}
