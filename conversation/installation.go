package conversation

import (
	"context"
	"time"
)

// SlackInstallation is the Slack app installed into one workspace, or
// into a whole Enterprise Grid organisation (an org-wide install), through
// Slack's OAuth flow: the bot token that acts there and what Slack said
// about the install. The token is a secret: the stores seal it (see
// conversation/sealed) and it is never logged.
type SlackInstallation struct {
	TeamID         string `json:"team_id,omitempty"` // "" for an org-wide install
	TeamName       string `json:"team_name,omitempty"`
	EnterpriseID   string `json:"enterprise_id,omitempty"`
	EnterpriseName string `json:"enterprise_name,omitempty"`
	// EnterpriseInstall marks an org-wide install: one token for every
	// workspace of the organisation, found by EnterpriseID.
	EnterpriseInstall bool      `json:"is_enterprise_install,omitempty"`
	AppID             string    `json:"app_id,omitempty"`
	BotToken          string    `json:"bot_token"` // xoxb-…; sealed at rest
	BotUserID         string    `json:"bot_user_id,omitempty"`
	Scopes            []string  `json:"scopes,omitempty"`
	InstalledBy       string    `json:"installed_by,omitempty"` // the Slack user id who installed it
	InstalledAt       time.Time `json:"installed_at"`
	// RefreshToken and ExpiresAt are set when the app rotates its tokens
	// (Slack's token rotation): BotToken stops working at ExpiresAt, and
	// the refresh token (sealed at rest, used once) buys the next one.
	// Both are empty for a token that never expires.
	RefreshToken string    `json:"refresh_token,omitempty"`
	ExpiresAt    time.Time `json:"expires_at,omitzero"`
}

// SlackInstallKey returns the key an installation is stored and found
// under: "E:<enterprise id>" for an org-wide install, "T:<team id>" for a
// workspace.
func SlackInstallKey(team, enterprise string, enterpriseInstall bool) string {
	if enterpriseInstall {
		return "E:" + enterprise
	}
	return "T:" + team
}

// Key returns the key the installation is stored under (see SlackInstallKey).
func (i *SlackInstallation) Key() string {
	return SlackInstallKey(i.TeamID, i.EnterpriseID, i.EnterpriseInstall)
}

// SlackInstalls keeps the Slack app's OAuth installations, one per
// workspace or org-wide install, so that every replica serves every
// workspace.
type SlackInstalls interface {
	// PutSlackInstallation stores inst under its Key, replacing an earlier
	// install there (a reinstall brings new scopes and a new token).
	// Returns EINVALID for an install with no token or no key, and
	// EINTERNAL on failure.
	PutSlackInstallation(ctx context.Context, inst *SlackInstallation) error
	// SlackInstallation returns the install stored under key. Returns
	// ENOTFOUND if there is none, and EINTERNAL on failure.
	SlackInstallation(ctx context.Context, key string) (*SlackInstallation, error)
	// SlackInstallations returns every install, ordered by key.
	SlackInstallations(ctx context.Context) ([]*SlackInstallation, error)
	// DeleteSlackInstallation removes the install under key; removing none
	// is not an error. Returns EINTERNAL on failure.
	DeleteSlackInstallation(ctx context.Context, key string) error
	// RefreshSlackInstallation stores inst, whose token was just
	// refreshed, under its Key only if the install stored there still
	// expires at expiresAt (the one the refresh started from): of two
	// replicas refreshing at once, the first to store wins and the other's
	// tokens are not kept. Returns ECONFLICT when another write came
	// first (read the install again), ENOTFOUND when it was removed,
	// EINVALID for an install that cannot be stored, and EINTERNAL on
	// failure.
	RefreshSlackInstallation(ctx context.Context, inst *SlackInstallation, expiresAt time.Time) error
}

// ErrRefreshedElsewhere is RefreshSlackInstallation's answer when the
// install stored is not the one the refresh started from.
func ErrRefreshedElsewhere() error { return Conflict("install.error.refreshed_elsewhere", nil) }

// CheckSlackInstallation returns EINVALID when inst cannot be stored: it
// has no token, or nothing to find it by.
func CheckSlackInstallation(inst *SlackInstallation) error {
	switch {
	case inst == nil || inst.BotToken == "":
		return Invalid("install.error.no_token", nil)
	case inst.EnterpriseInstall && inst.EnterpriseID == "", !inst.EnterpriseInstall && inst.TeamID == "":
		return Invalid("install.error.no_workspace", nil)
	}
	return nil
}
