package slack

import (
	"fmt"
	"net/url"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ManifestOptions say how the app is reached.
type ManifestOptions struct {
	// Name is the app's name in Slack (default "resolvebot").
	Name string
	// Command is the slash command (default "/resolve").
	Command string
	// URL is the public base URL of serve, such as https://bot.example.org.
	// When set, the manifest uses HTTP request URLs ending in /slack/events;
	// when empty, it turns on Socket Mode.
	URL string
}

// BotScopes are the bot token scopes the adapter needs.
var BotScopes = []string{"chat:write", "commands", "files:write", "im:write", "users:read", "users:read.email"}

type manifest struct {
	Metadata struct {
		MajorVersion int `yaml:"major_version"`
		MinorVersion int `yaml:"minor_version"`
	} `yaml:"_metadata"`
	DisplayInformation struct {
		Name            string `yaml:"name"`
		Description     string `yaml:"description"`
		LongDescription string `yaml:"long_description"`
	} `yaml:"display_information"`
	Features struct {
		AppHome struct {
			HomeTabEnabled             bool `yaml:"home_tab_enabled"`
			MessagesTabEnabled         bool `yaml:"messages_tab_enabled"`
			MessagesTabReadOnlyEnabled bool `yaml:"messages_tab_read_only_enabled"`
		} `yaml:"app_home"`
		BotUser struct {
			DisplayName  string `yaml:"display_name"`
			AlwaysOnline bool   `yaml:"always_online"`
		} `yaml:"bot_user"`
		Shortcuts     []manifestShortcut `yaml:"shortcuts"`
		SlashCommands []manifestCommand  `yaml:"slash_commands"`
	} `yaml:"features"`
	OAuthConfig struct {
		Scopes struct {
			Bot []string `yaml:"bot"`
		} `yaml:"scopes"`
	} `yaml:"oauth_config"`
	Settings struct {
		EventSubscriptions struct {
			RequestURL string   `yaml:"request_url,omitempty"`
			BotEvents  []string `yaml:"bot_events"`
		} `yaml:"event_subscriptions"`
		Interactivity struct {
			IsEnabled  bool   `yaml:"is_enabled"`
			RequestURL string `yaml:"request_url,omitempty"`
		} `yaml:"interactivity"`
		OrgDeployEnabled     bool `yaml:"org_deploy_enabled"`
		SocketModeEnabled    bool `yaml:"socket_mode_enabled"`
		TokenRotationEnabled bool `yaml:"token_rotation_enabled"`
	} `yaml:"settings"`
}

type manifestShortcut struct {
	Name        string `yaml:"name"`
	Type        string `yaml:"type"`
	CallbackID  string `yaml:"callback_id"`
	Description string `yaml:"description"`
}

type manifestCommand struct {
	Command      string `yaml:"command"`
	URL          string `yaml:"url,omitempty"`
	Description  string `yaml:"description"`
	UsageHint    string `yaml:"usage_hint"`
	ShouldEscape bool   `yaml:"should_escape"`
}

// Manifest returns the Slack app manifest (YAML) for creating the app: the
// slash command, both shortcuts, interactivity, the App Home and the bot
// scopes, with request URLs in HTTP mode or Socket Mode on. Returns an error
// for a URL that is not an absolute http(s) URL.
func Manifest(o ManifestOptions) (string, error) {
	if o.Name == "" {
		o.Name = "resolvebot"
	}
	if o.Command == "" {
		o.Command = "/resolve"
	}
	var m manifest
	m.Metadata.MajorVersion, m.Metadata.MinorVersion = 1, 1
	m.DisplayInformation.Name = o.Name
	m.DisplayInformation.Description = "Raise and resolve professional disagreements about a child, stage by stage."
	m.DisplayInformation.LongDescription = "Puts your Safeguarding Children Partnership's case resolution protocol into Slack. " +
		"Raise a disagreement with another professional or agency, bring in the other side, escalate stage by stage " +
		"when a stage does not resolve it, and keep the record. It is not for emergencies: if a child is at immediate " +
		"risk, contact the front door or the police, or call 999."
	m.Features.AppHome.HomeTabEnabled = true
	m.Features.AppHome.MessagesTabEnabled = true
	m.Features.AppHome.MessagesTabReadOnlyEnabled = true
	m.Features.BotUser.DisplayName = o.Name
	m.Features.BotUser.AlwaysOnline = true
	m.Features.Shortcuts = []manifestShortcut{
		{Name: "Raise a disagreement", Type: "global", CallbackID: shortcutRaise,
			Description: "Raise a professional disagreement about a decision for a child"},
		{Name: "Raise a disagreement about this", Type: "message", CallbackID: shortcutRaiseAbout,
			Description: "Raise a disagreement, linking to this message"},
	}
	m.Features.SlashCommands = []manifestCommand{{Command: o.Command,
		Description: "Raise a disagreement, or see your cases",
		UsageHint:   "[list | status CR-… | profile | help]"}}
	m.OAuthConfig.Scopes.Bot = BotScopes
	m.Settings.EventSubscriptions.BotEvents = []string{"app_home_opened"}
	m.Settings.Interactivity.IsEnabled = true
	if o.URL != "" {
		u, err := url.Parse(o.URL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return "", fmt.Errorf("the URL %q is not an absolute http(s) URL", o.URL)
		}
		endpoint := strings.TrimRight(o.URL, "/") + EventsPath
		m.Features.SlashCommands[0].URL = endpoint
		m.Settings.EventSubscriptions.RequestURL = endpoint
		m.Settings.Interactivity.RequestURL = endpoint
	} else {
		m.Settings.SocketModeEnabled = true
	}
	var b strings.Builder
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&m); err != nil {
		return "", fmt.Errorf("encode manifest: %w", err)
	}
	return b.String(), nil
}
