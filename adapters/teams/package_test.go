package teams

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/config"
	"github.com/resolvebot/resolvebot/internal/schemacheck"
)

const packageAppID = "6f1c2a3b-4d5e-6f70-8192-a3b4c5d6e7f8"

// teamsSchema is Microsoft's Teams app manifest schema of the version the
// package declares (see testdata/schema/README.md).
func teamsSchema(t *testing.T) *schemacheck.Schema {
	t.Helper()
	s, err := schemacheck.Load("testdata/schema/v" + ManifestVersion + "/MicrosoftTeams.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestManifestSchema: every manifest.json the package can hold — defaults
// with placeholder pages, the README's example, each preset, the longest
// names allowed, long URLs, partnerships and protocols longer than any
// preset's — is one the Teams schema of the declared version accepts.
func TestManifestSchema(t *testing.T) {
	schema := teamsSchema(t)
	long := bot.AppInfo{
		Protocol:    "Resolving Professional Differences and Escalation Policy and Procedure",
		Partnership: "North and South Somewhere-upon-Avon Safeguarding Children and Young People Partnership Board",
	}
	longURL := "https://scp.example.org/" + strings.Repeat("p", MaxURL-len("https://scp.example.org/"))
	tests := []struct {
		name string
		o    PackageOptions
	}{
		{"defaults and placeholders", PackageOptions{AppID: packageAppID}},
		{"a later version", PackageOptions{AppID: packageAppID, Version: "2.10.0"}},
		{"README example", PackageOptions{AppID: packageAppID, Developer: "Example SCP", WebsiteURL: "https://bot.example.org",
			ValidDomains: []string{"bot.example.org"}}},
		{"longest names", PackageOptions{AppID: packageAppID, Name: strings.Repeat("N", MaxShortName), Developer: strings.Repeat("D", MaxDeveloperName)}},
		{"long partnership and protocol", PackageOptions{AppID: packageAppID, App: long}},
		{"long partnership, short name", PackageOptions{AppID: packageAppID, App: bot.AppInfo{Protocol: long.Protocol, Partnership: long.Partnership, PartnershipShort: "NSSA SCP"}}},
		{"longest URLs", PackageOptions{AppID: packageAppID, WebsiteURL: longURL, PrivacyURL: longURL, TermsURL: longURL,
			ValidDomains: []string{"bot.example.org", " ", "bot.example.org", "cases.example.org"}}},
	}
	for _, k := range config.PresetKeys() {
		p, err := config.Preset(k)
		if err != nil {
			t.Fatal(err)
		}
		tests = append(tests, struct {
			name string
			o    PackageOptions
		}{"preset " + k, PackageOptions{AppID: packageAppID, App: bot.AppInfoFrom(p)}})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Manifest(tt.o)
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.JSON(m); err != nil {
				t.Errorf("the Teams v%s schema refuses manifest.json:\n%v\n%s", ManifestVersion, err, m)
			}
			// Draft-04, which the schema declares, has no const: check the
			// version against the schema's own by hand.
			var head struct {
				Schema          string `json:"$schema"`
				ManifestVersion string `json:"manifestVersion"`
			}
			if err := json.Unmarshal(m, &head); err != nil || head.ManifestVersion != ManifestVersion ||
				head.Schema != "https://developer.microsoft.com/json-schemas/teams/v"+ManifestVersion+"/MicrosoftTeams.schema.json" {
				t.Errorf("declares %+v (%v)", head, err)
			}
		})
	}
}

// TestManifestRefusesWhatTeamsWould: names and URLs Teams would refuse are
// refused with the limit named (and a short form where there is one),
// never written into a package.
func TestManifestRefusesWhatTeamsWould(t *testing.T) {
	tests := []struct {
		name string
		o    PackageOptions
		want []string
	}{
		{"README's old developer name", PackageOptions{AppID: packageAppID, Developer: "Example Safeguarding Children Partnership"},
			[]string{`developer name "Example Safeguarding Children Partnership" is 41 characters; Teams allows at most 32`, `--developer "Example SCP"`}},
		{"developer without a short form", PackageOptions{AppID: packageAppID, Developer: strings.Repeat("D", MaxDeveloperName+1)},
			[]string{"is 33 characters; Teams allows at most 32: give a shorter --developer"}},
		{"name", PackageOptions{AppID: packageAppID, Name: strings.Repeat("N", MaxShortName+1)},
			[]string{"app name", "is 31 characters; Teams allows at most 30", "--name"}},
		{"URL", PackageOptions{AppID: packageAppID, PrivacyURL: "https://scp.example.org/" + strings.Repeat("p", MaxURL)},
			[]string{"Teams allows at most 2048"}},
		{"plain http", PackageOptions{AppID: packageAppID, TermsURL: "http://scp.example.org/terms"}, []string{"must be an https URL"}},
		{"version", PackageOptions{AppID: packageAppID, Version: "v1.0"}, []string{`the app version "v1.0" must be three numbers`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Manifest(tt.o)
			if err == nil {
				t.Fatalf("Manifest wrote:\n%s", m)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// TestManifestNamesThePreset: the app's full name and description name
// each preset's own protocol and partnership, and the developer defaults
// to a name Teams accepts.
func TestManifestNamesThePreset(t *testing.T) {
	tests := []struct {
		preset, protocol, partnership, developer string
	}{
		{"rotherham", "Practice Resolution Protocol", "Rotherham Safeguarding Children Partnership", "Rotherham SCP"},
		{"devon", "Conflict Resolution and Case Resolution Protocol", "Devon Safeguarding Children Partnership (Devon SCP)", "Devon SCP"},
		{"wiltshire", "Case Resolution Protocol", "Wiltshire Safeguarding Children Board (WSCB)", "WSCB"},
		{"plymouth", "Case Resolution Protocol", "Plymouth Safeguarding Children Partnership", "Plymouth SCP"},
		{"generic", "Case Resolution Protocol", "Safeguarding Children Partnership", "SCP"},
	}
	for _, tt := range tests {
		t.Run(tt.preset, func(t *testing.T) {
			p, err := config.Preset(tt.preset)
			if err != nil {
				t.Fatal(err)
			}
			b, err := Manifest(PackageOptions{AppID: packageAppID, App: bot.AppInfoFrom(p)})
			if err != nil {
				t.Fatal(err)
			}
			var m struct {
				Developer   struct{ Name string }
				Name        struct{ Short, Full string }
				Description struct{ Short, Full string }
			}
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(m.Name.Full, tt.protocol) {
				t.Errorf("full name %q does not name %q", m.Name.Full, tt.protocol)
			}
			if !strings.Contains(m.Description.Full, tt.protocol+" of the "+tt.partnership) {
				t.Errorf("description %q does not name the %s of the %s", m.Description.Full, tt.protocol, tt.partnership)
			}
			if m.Developer.Name != tt.developer {
				t.Errorf("developer %q, want %q", m.Developer.Name, tt.developer)
			}
			if tt.preset != "generic" && strings.Contains(string(b), "Case Resolution Protocol of the Safeguarding Children Partnership") {
				t.Errorf("the %s package names the generic protocol:\n%s", tt.preset, b)
			}
		})
	}
}
