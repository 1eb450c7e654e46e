package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWebOIDCSection(t *testing.T) {
	env := map[string]string{EnvSMTPPassword: "s3cret-smtp", EnvOIDCClientSecret: "s3cret-oidc"}
	oidc := "web:\n  oidc:\n    issuer: https://login.example.org/tenant/v2.0/\n    client_id: abc-123\n"
	tests := []struct {
		name  string
		yaml  string
		env   map[string]string
		place string // "" when the file is fine
		says  string
		check func(t *testing.T, o OIDC)
	}{
		{"no section: off", goodEmail, env, "", "", func(t *testing.T, o OIDC) {
			if o.Enabled {
				t.Errorf("oidc on without a section: %+v", o)
			}
		}},
		{"on", goodEmail + oidc, env, "", "", func(t *testing.T, o OIDC) {
			if !o.Enabled || o.Issuer != "https://login.example.org/tenant/v2.0" || o.ClientID != "abc-123" ||
				o.ClientSecret != "s3cret-oidc" || o.Name != "your organisation" {
				t.Errorf("oidc = %+v", o)
			}
		}},
		{"named", goodEmail + oidc + "    name: Exampleshire Council\n", env, "", "", func(t *testing.T, o OIDC) {
			if o.Name != "Exampleshire Council" {
				t.Errorf("name = %q", o.Name)
			}
		}},
		{"no secret", goodEmail + oidc, map[string]string{EnvSMTPPassword: "s3cret-smtp"}, "web.oidc", EnvOIDCClientSecret, nil},
		{"secret in the file", goodEmail + oidc + "    client_secret: hunter2\n", env, "web.oidc.client_secret", EnvOIDCClientSecret, nil},
		{"no issuer", goodEmail + "web:\n  oidc:\n    client_id: abc\n", env, "web.oidc.issuer", "issuer URL", nil},
		{"plain http issuer", goodEmail + strings.Replace(oidc, "https://", "http://", 1), env, "web.oidc.issuer", "must use https", nil},
		{"no client id", goodEmail + "web:\n  oidc:\n    issuer: https://login.example.org\n", env, "web.oidc.client_id", "client id", nil},
		{"no email section", oidc, env, "web.oidc", "needs an email section", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "resolvebot.yaml")
			if err := os.WriteFile(path, []byte(tt.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			cfg, probs, err := Load(Options{Path: path, Getenv: func(k string) string { return tt.env[k] }})
			if tt.place == "" {
				if err != nil {
					t.Fatalf("load: %v\n%s", err, probs.String())
				}
				tt.check(t, cfg.Web.OIDC)
				if strings.Contains(cfg.String(), "s3cret-oidc") {
					t.Errorf("the dump shows the client secret:\n%s", cfg.String())
				}
				return
			}
			if err == nil {
				t.Fatalf("no error for %q", tt.yaml)
			}
			for _, p := range probs {
				if p.Severity == SeverityError && strings.HasSuffix(p.Place, tt.place) && strings.Contains(p.Message, tt.says) {
					return
				}
			}
			t.Fatalf("no error at %s saying %q:\n%s", tt.place, tt.says, probs.String())
		})
	}
}
