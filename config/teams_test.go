package config

import (
	"strings"
	"testing"
)

func TestTeamsURLs(t *testing.T) {
	tests := []struct {
		name      string
		file      string
		env       map[string]string
		metadata  string
		authority string
		problem   string // a substring of an error, or "" for none
	}{
		{name: "defaults", metadata: DefaultTeamsOpenIDMetadataURL},
		{name: "env overrides", env: map[string]string{
			EnvTeamsOpenIDMetadataURL: "https://login.botframework.azure.us/v1/.well-known/openidconfiguration",
			EnvTeamsTokenAuthority:    "https://login.microsoftonline.us/tenant/",
		}, metadata: "https://login.botframework.azure.us/v1/.well-known/openidconfiguration", authority: "https://login.microsoftonline.us/tenant"},
		{name: "file sets both", file: "teams:\n  openid_metadata_url: http://127.0.0.1:9000/meta\n  token_authority: https://login.example.org/t\n",
			metadata: "http://127.0.0.1:9000/meta", authority: "https://login.example.org/t"},
		{name: "env beats file", file: "teams:\n  openid_metadata_url: https://a.example.org/m\n",
			env: map[string]string{EnvTeamsOpenIDMetadataURL: "https://b.example.org/m"}, metadata: "https://b.example.org/m"},
		{name: "plain http elsewhere", env: map[string]string{EnvTeamsOpenIDMetadataURL: "http://keys.example.org/m"},
			problem: "env MICROSOFT_OPENID_METADATA_URL teams.openid_metadata_url: must use https"},
		{name: "not a url", file: "teams:\n  token_authority: login\n", problem: "teams.token_authority: must be an absolute URL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := Options{Getenv: env(tc.env)}
			if tc.file != "" {
				opts.Path = writeFile(t, tc.file)
			}
			cfg, probs, err := Load(opts)
			if tc.problem != "" {
				if err == nil || !strings.Contains(probs.String(), tc.problem) {
					t.Fatalf("want problem %q, got err %v:\n%s", tc.problem, err, probs)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v\n%s", err, probs)
			}
			if cfg.Teams.OpenIDMetadataURL != tc.metadata || cfg.Teams.TokenAuthority != tc.authority {
				t.Errorf("got metadata %q authority %q", cfg.Teams.OpenIDMetadataURL, cfg.Teams.TokenAuthority)
			}
			if !strings.Contains(cfg.String(), "teams.openid_metadata_url: "+tc.metadata) {
				t.Errorf("String() lacks the metadata URL:\n%s", cfg.String())
			}
		})
	}
}
