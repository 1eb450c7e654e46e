package slack

import (
	"fmt"
	"net/url"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// Limits of Slack's app manifest schema (manifest.schema.1.0.0.json of
// github.com/slackapi/manifest-schema; a copy is in testdata). Manifest
// refuses a name or command beyond them and shortens descriptions to fit.
const (
	MaxAppName          = 35   // display_information.name
	MaxDescription      = 140  // display_information.description
	MinLongDescription  = 175  // display_information.long_description
	MaxLongDescription  = 4000 // display_information.long_description
	MaxBotDisplayName   = 80   // features.bot_user.display_name
	MaxShortcutName     = 24   // features.shortcuts[].name
	MaxShortcutDesc     = 150  // features.shortcuts[].description
	MaxSlashCommand     = 32   // features.slash_commands[].command, "/" included
	MaxCommandDesc      = 2000 // features.slash_commands[].description
	MaxCommandUsageHint = 1000 // features.slash_commands[].usage_hint
	MaxRequestURL       = 3000 // features.slash_commands[].url (3500 for the others)
)

// ManifestOptions say how the app is reached and whose it is.
type ManifestOptions struct {
	// Name is the app's name in Slack (default "resolvebot"), at most
	// MaxAppName characters.
	Name string
	// Command is the slash command (default "/resolve").
	Command string
	// URL is the public base URL of serve, such as https://bot.example.org.
	// When set, the manifest uses HTTP request URLs ending in /slack/events;
	// when empty, it turns on Socket Mode.
	URL string
	// App names the partnership and its protocol in the app's description.
	App bot.AppInfo
}

// BotScopes are the bot token scopes the adapter needs.
var BotScopes = []string{"chat:write", "commands", "files:write", "im:write", "users:read", "users:read.email"}

// shortcuts are the app's shortcuts as the manifest declares them, worded
// as app's catalogue has them: the global one and the one on a message.
func shortcuts(app bot.AppInfo) []manifestShortcut {
	return []manifestShortcut{
		{Name: app.Say("slack.shortcut.raise", nil), Type: "global", CallbackID: shortcutRaise,
			Description: app.Say("slack.shortcut.raise.description", nil)},
		{Name: app.Say("slack.shortcut.raise_about", nil), Type: "message", CallbackID: shortcutRaiseAbout,
			Description: app.Say("slack.shortcut.raise_about.description", nil)},
	}
}

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
			// MessageMenuOptionsURL is where Slack asks for the options
			// of an external_select (block_suggestion): the people
			// search behind every person field.
			MessageMenuOptionsURL string `yaml:"message_menu_options_url,omitempty"`
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
// slash command, both shortcuts, interactivity (with the options load
// URL of the person fields' search), the App Home and the bot
// scopes, with request URLs in HTTP mode or Socket Mode on; its
// description names the partnership and its protocol. Returns an error for
// a URL that is not an absolute http(s) URL, or a name or command longer
// than Slack accepts.
func Manifest(o ManifestOptions) (string, error) {
	if o.Name == "" {
		o.Name = "resolvebot"
	}
	if o.Command == "" {
		o.Command = "/resolve"
	}
	if n := bot.Chars(o.Name); n > MaxAppName {
		return "", fmt.Errorf("the app name %q is %d characters; Slack allows at most %d: give a shorter --name", o.Name, n, MaxAppName)
	}
	if n := bot.Chars(o.Command); n > MaxSlashCommand || !strings.HasPrefix(o.Command, "/") || n < 2 {
		return "", fmt.Errorf("the slash command %q must start with / and be 2 to %d characters (slack.command)", o.Command, MaxSlashCommand)
	}
	if o.App == (bot.AppInfo{}) {
		o.App = bot.AppInfoFrom(conversation.Protocol{})
	}
	var m manifest
	m.Metadata.MajorVersion, m.Metadata.MinorVersion = 1, 1
	m.DisplayInformation.Name = o.Name
	m.DisplayInformation.Description = o.App.Description(MaxDescription)
	m.DisplayInformation.LongDescription = bot.Fit(MaxLongDescription, o.App.LongDescription("Slack"))
	m.Features.AppHome.HomeTabEnabled = true
	m.Features.AppHome.MessagesTabEnabled = true
	m.Features.AppHome.MessagesTabReadOnlyEnabled = true
	m.Features.BotUser.DisplayName = o.Name
	m.Features.BotUser.AlwaysOnline = true
	for _, s := range shortcuts(o.App) {
		s.Name, s.Description = bot.Fit(MaxShortcutName, s.Name), bot.Fit(MaxShortcutDesc, s.Description)
		m.Features.Shortcuts = append(m.Features.Shortcuts, s)
	}
	m.Features.SlashCommands = []manifestCommand{{Command: o.Command,
		Description: bot.Fit(MaxCommandDesc, o.App.Say("slack.command.description", nil)),
		UsageHint:   bot.Fit(MaxCommandUsageHint, o.App.Say("slack.command.usage_hint", nil))}}
	m.OAuthConfig.Scopes.Bot = BotScopes
	m.Settings.EventSubscriptions.BotEvents = []string{"app_home_opened"}
	m.Settings.Interactivity.IsEnabled = true
	if o.URL != "" {
		u, err := url.Parse(o.URL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return "", fmt.Errorf("the URL %q is not an absolute http(s) URL", o.URL)
		}
		endpoint := strings.TrimRight(o.URL, "/") + EventsPath
		if n := bot.Chars(endpoint); n > MaxRequestURL {
			return "", fmt.Errorf("the request URL is %d characters; Slack allows at most %d", n, MaxRequestURL)
		}
		m.Features.SlashCommands[0].URL = endpoint
		m.Settings.EventSubscriptions.RequestURL = endpoint
		m.Settings.Interactivity.RequestURL = endpoint
		m.Settings.Interactivity.MessageMenuOptionsURL = endpoint
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
