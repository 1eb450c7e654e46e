package slack

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/config"
	"github.com/resolvebot/resolvebot/internal/schemacheck"
)

// slackSchema is Slack's own app manifest schema (see
// testdata/manifest-schema.md).
func slackSchema(t *testing.T) *schemacheck.Schema {
	t.Helper()
	s, err := schemacheck.Load("testdata/manifest.schema.1.0.0.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestManifestSchema: every manifest the bot writes — HTTP and Socket
// Mode, the default and configured commands, the longest name allowed,
// each preset's partnership and protocol, and names longer than any
// preset's — is one Slack's schema accepts.
func TestManifestSchema(t *testing.T) {
	schema := slackSchema(t)
	long := bot.AppInfo{
		Protocol:    "Resolving Professional Differences and Escalation Policy and Procedure",
		Partnership: "North and South Somewhere-upon-Avon Safeguarding Children and Young People Partnership Board",
	}
	tests := []struct {
		name string
		o    ManifestOptions
	}{
		{"http", ManifestOptions{URL: "https://bot.example.org"}},
		{"socket mode", ManifestOptions{}},
		{"configured command", ManifestOptions{Command: "/cr", URL: "https://bot.example.org/"}},
		{"longest command", ManifestOptions{Command: "/" + strings.Repeat("r", MaxSlashCommand-1)}},
		{"longest name", ManifestOptions{Name: strings.Repeat("N", MaxAppName), URL: "https://bot.example.org"}},
		{"long partnership and protocol", ManifestOptions{App: long}},
		{"long URL", ManifestOptions{URL: "https://bot.example.org/" + strings.Repeat("p", 2900)}},
		{"installs", ManifestOptions{URL: "https://bot.example.org/", Installs: true}},
	}
	for _, k := range config.PresetKeys() {
		p, err := config.Preset(k)
		if err != nil {
			t.Fatal(err)
		}
		tests = append(tests, struct {
			name string
			o    ManifestOptions
		}{"preset " + k, ManifestOptions{URL: "https://bot.example.org", App: bot.AppInfoFrom(p)}})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := Manifest(tt.o)
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.YAML([]byte(out)); err != nil {
				t.Errorf("Slack's schema refuses the manifest:\n%v\n%s", err, out)
			}
		})
	}
}

// TestManifestRefusesWhatSlackWould: a name or command Slack would refuse
// is refused with the limit named, never written.
func TestManifestRefusesWhatSlackWould(t *testing.T) {
	tests := []struct {
		name string
		o    ManifestOptions
		want string
	}{
		{"name too long", ManifestOptions{Name: strings.Repeat("N", MaxAppName+1)}, "at most 35"},
		{"command too long", ManifestOptions{Command: "/" + strings.Repeat("r", MaxSlashCommand)}, "2 to 32 characters"},
		{"command without slash", ManifestOptions{Command: "resolve"}, "must start with /"},
		{"URL too long", ManifestOptions{URL: "https://bot.example.org/" + strings.Repeat("p", MaxRequestURL)}, "at most 3000"},
		{"relative URL", ManifestOptions{URL: "bot.example.org"}, "not an absolute"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := Manifest(tt.o)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Manifest = %v, want an error with %q\n%s", err, tt.want, out)
			}
		})
	}
}

// TestManifestNamesThePreset: the app's description names each preset's
// own protocol and partnership (Rotherham's Practice Resolution Protocol,
// Devon's Conflict Resolution and Case Resolution Protocol), and the
// shortcuts keep their meaning within Slack's 24 characters.
func TestManifestNamesThePreset(t *testing.T) {
	tests := []struct {
		preset, protocol, partnership, longPartnership string
	}{
		{"rotherham", "Practice Resolution Protocol", "Rotherham SCP", "Rotherham Safeguarding Children Partnership"},
		{"devon", "Conflict Resolution and Case Resolution Protocol", "Devon SCP", "Devon Safeguarding Children Partnership (Devon SCP)"},
		{"wiltshire", "Case Resolution Protocol", "Wiltshire Safeguarding Children Board (WSCB)", "Wiltshire Safeguarding Children Board (WSCB)"},
		{"plymouth", "Case Resolution Protocol", "Plymouth SCP", "Plymouth Safeguarding Children Partnership"},
		{"generic", "Case Resolution Protocol", "Safeguarding Children Partnership", "Safeguarding Children Partnership"},
	}
	for _, tt := range tests {
		t.Run(tt.preset, func(t *testing.T) {
			p, err := config.Preset(tt.preset)
			if err != nil {
				t.Fatal(err)
			}
			out, err := Manifest(ManifestOptions{App: bot.AppInfoFrom(p)})
			if err != nil {
				t.Fatal(err)
			}
			var m manifest
			if err := yaml.Unmarshal([]byte(out), &m); err != nil {
				t.Fatal(err)
			}
			d := m.DisplayInformation
			if !strings.Contains(d.Description, tt.protocol) ||
				!strings.Contains(d.Description, tt.partnership) && !strings.Contains(d.Description, tt.longPartnership) {
				t.Errorf("description %q does not name %q of %q", d.Description, tt.protocol, tt.longPartnership)
			}
			if !strings.Contains(d.LongDescription, tt.protocol+" of the "+tt.longPartnership) {
				t.Errorf("long description %q does not name %q of the %q", d.LongDescription, tt.protocol, tt.longPartnership)
			}
			if tt.preset != "generic" && strings.Contains(out, "Case Resolution Protocol of the Safeguarding Children Partnership") {
				t.Errorf("the %s manifest names the generic protocol:\n%s", tt.preset, out)
			}
			var names []string
			for _, s := range m.Features.Shortcuts {
				names = append(names, s.Name)
			}
			if strings.Join(names, "|") != "Raise a disagreement|Raise about this message" {
				t.Errorf("shortcuts = %q", names)
			}
		})
	}
}

// TestManifestOptionsURL: over HTTP, Slack asks the bot's own endpoint for
// the people a person field offers (block_suggestion goes to the options
// load URL); in Socket Mode it asks over the socket, so no URL is given.
func TestManifestOptionsURL(t *testing.T) {
	tests := []struct {
		url, want string
	}{
		{"https://bot.example.org/", "https://bot.example.org" + EventsPath},
		{"", ""},
	}
	for _, tt := range tests {
		out, err := Manifest(ManifestOptions{URL: tt.url})
		if err != nil {
			t.Fatal(err)
		}
		var m manifest
		if err := yaml.Unmarshal([]byte(out), &m); err != nil {
			t.Fatal(err)
		}
		if got := m.Settings.Interactivity.MessageMenuOptionsURL; got != tt.want {
			t.Errorf("URL %q: message_menu_options_url = %q, want %q", tt.url, got, tt.want)
		}
		if tt.want != "" && !strings.Contains(out, "message_menu_options_url: "+tt.want) {
			t.Errorf("the manifest does not spell the options URL as Slack reads it:\n%s", out)
		}
	}
}

// TestManifestInstalls: an app installed through Slack's OAuth flow lists
// the redirect URL, can be deployed org-wide on Enterprise Grid, and hears
// when it is removed; installs need the HTTP endpoint.
func TestManifestInstalls(t *testing.T) {
	out, err := Manifest(ManifestOptions{URL: "https://bot.example.org/", Installs: true})
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := yaml.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	if got := m.OAuthConfig.RedirectURLs; len(got) != 1 || got[0] != "https://bot.example.org/slack/oauth_redirect" {
		t.Errorf("redirect_urls %v", got)
	}
	if !m.Settings.OrgDeployEnabled || !strings.Contains(strings.Join(m.Settings.EventSubscriptions.BotEvents, " "), "app_uninstalled tokens_revoked") {
		t.Errorf("org deploy %v, events %v", m.Settings.OrgDeployEnabled, m.Settings.EventSubscriptions.BotEvents)
	}
	single, _ := Manifest(ManifestOptions{URL: "https://bot.example.org/"})
	if strings.Contains(single, "redirect_urls") || strings.Contains(single, "app_uninstalled") {
		t.Errorf("a single-workspace manifest changed:\n%s", single)
	}
	if _, err := Manifest(ManifestOptions{Installs: true}); err == nil || !strings.Contains(err.Error(), "HTTP endpoint") {
		t.Errorf("installs over Socket Mode: %v", err)
	}
}
