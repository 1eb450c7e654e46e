package config

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
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

// testCertificatePEM makes a throwaway self-signed certificate with its
// private key, in PEM.
func testCertificatePEM(t *testing.T) string {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "resolvebot test"},
		NotBefore: time.Unix(0, 0), NotAfter: time.Unix(0, 0).Add(100 * 365 * 24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})) +
		string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}))
}

func TestTeamsCertificate(t *testing.T) {
	certPEM := testCertificatePEM(t)
	dir := t.TempDir()
	certFile := filepath.Join(dir, "bot.pem")
	if err := os.WriteFile(certFile, []byte(certPEM), 0o600); err != nil {
		t.Fatal(err)
	}
	certOnly := certPEM[:strings.Index(certPEM, "-----BEGIN PRIVATE KEY")]
	base := map[string]string{EnvTeamsAppID: "00000000-0000-0000-0000-000000000b07", EnvTeamsTenantID: "tenant"}
	with := func(extra map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		name    string
		file    string
		env     map[string]string
		problem string // a substring of the problems; "" for none
		warning bool   // the problem is a warning, and Load succeeds
		cert    bool   // the certificate is loaded
	}{
		{name: "pem text", env: with(map[string]string{EnvTeamsAppCertificate: certPEM}), cert: true},
		{name: "pem with escaped newlines", env: with(map[string]string{EnvTeamsAppCertificate: strings.ReplaceAll(certPEM, "\n", `\n`)}), cert: true},
		{name: "path to a pem file", env: with(map[string]string{EnvTeamsAppCertificate: certFile}), cert: true},
		{name: "missing file", env: with(map[string]string{EnvTeamsAppCertificate: filepath.Join(dir, "nope.pem")}),
			problem: "env MICROSOFT_APP_CERTIFICATE teams.app_certificate: MICROSOFT_APP_CERTIFICATE is neither PEM text nor a readable PEM file"},
		{name: "no private key", env: with(map[string]string{EnvTeamsAppCertificate: certOnly}), problem: "holds no PRIVATE KEY block"},
		{name: "not pem", env: with(map[string]string{EnvTeamsAppCertificate: "-----BEGIN nonsense"}), problem: "holds no PEM blocks"},
		{name: "no credential at all", env: base, problem: "no MICROSOFT_APP_PASSWORD or MICROSOFT_APP_CERTIFICATE"},
		{name: "both credentials", env: with(map[string]string{EnvTeamsAppCertificate: certPEM, EnvTeamsAppPassword: "pw"}),
			problem: "the certificate is used", warning: true, cert: true},
		{name: "in the file", env: with(map[string]string{EnvTeamsAppPassword: "pw"}), file: "teams:\n  app_certificate: /etc/bot.pem\n",
			problem: "teams.app_certificate: secrets come from the environment: set MICROSOFT_APP_CERTIFICATE there"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := Options{Getenv: env(tc.env)}
			if tc.file != "" {
				opts.Path = writeFile(t, tc.file)
			}
			cfg, probs, err := Load(opts)
			if tc.problem != "" && !strings.Contains(probs.String(), tc.problem) {
				t.Fatalf("problems lack %q:\n%s", tc.problem, probs)
			}
			if strings.Contains(probs.String(), "BEGIN") || strings.Contains(probs.String(), certPEM[100:140]) {
				t.Errorf("a problem quotes the certificate:\n%s", probs)
			}
			if tc.problem != "" && !tc.warning {
				if err == nil {
					t.Fatal("Load succeeded")
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v\n%s", err, probs)
			}
			if got := len(cfg.Teams.AppCertificate) > 0; got != tc.cert {
				t.Fatalf("certificate loaded %v, want %v", got, tc.cert)
			}
			if tc.cert && !strings.Contains(string(cfg.Teams.AppCertificate), "\n-----END PRIVATE KEY-----") {
				t.Errorf("certificate is not the PEM")
			}
			s := cfg.String()
			if !strings.Contains(s, "teams.app_certificate: (set)") || strings.Contains(s, "BEGIN") || strings.Contains(s, certFile) {
				t.Errorf("String() shows the certificate or not that it is set:\n%s", s)
			}
		})
	}
}

func TestTeamsServiceURLsAndIssuers(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		urls    []string
		issuers []string
		problem string
	}{
		{name: "none"},
		{name: "both", file: "teams:\n  service_urls:\n    - https://smba.trafficmanager.net/uk/\n    - http://localhost:9000/\n" +
			"  issuers:\n    - https://api.botframework.com\n    - https://api.botframework.us\n",
			urls:    []string{"https://smba.trafficmanager.net/uk/", "http://localhost:9000/"},
			issuers: []string{"https://api.botframework.com", "https://api.botframework.us"}},
		{name: "plain http", file: "teams:\n  service_urls:\n    - https://smba.trafficmanager.net/uk/\n    - http://smba.example.org/\n",
			problem: ":4:7 teams.service_urls[1]: must use https"},
		{name: "not a url", file: "teams:\n  service_urls: [smba]\n", problem: "teams.service_urls[0]: must be an absolute URL"},
		{name: "not a list", file: "teams:\n  issuers: https://api.botframework.com\n", problem: "teams.issuers: expected a list"},
		{name: "empty issuer", file: "teams:\n  issuers: [\"\"]\n", problem: "teams.issuers[0]: expected a single value"},
		{name: "nested", file: "teams:\n  issuers:\n    - [a, b]\n", problem: "teams.issuers[0]: expected a single value"},
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
					t.Fatalf("want problem %q, got err %v:\n%s", tc.problem, err, probs)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v\n%s", err, probs)
			}
			if !slices.Equal(cfg.Teams.ServiceURLs, tc.urls) || !slices.Equal(cfg.Teams.Issuers, tc.issuers) {
				t.Errorf("got service URLs %q, issuers %q", cfg.Teams.ServiceURLs, cfg.Teams.Issuers)
			}
			if !strings.Contains(cfg.String(), "teams.service_urls: "+strings.Join(tc.urls, ", ")+"\n") {
				t.Errorf("String() lacks the service URLs:\n%s", cfg.String())
			}
		})
	}
}

// TestTeamsRegistrations: more bot registrations come from the file, each
// secret from the environment variable it names; a registration without
// its app id, tenant or secret, one listed twice, a secret written in the
// file, a variable name that is not one or a service URL that is not https
// is refused; a registration's own service URLs are kept for it.
func TestTeamsRegistrations(t *testing.T) {
	main := map[string]string{EnvTeamsAppID: "00000000-0000-0000-0000-0000000000a1", EnvTeamsAppPassword: "main-secret",
		EnvTeamsTenantID: "tenant-main", "POLICE_BOT_SECRET": "police-secret"}
	const police = "teams:\n  registrations:\n    - app_id: 00000000-0000-0000-0000-0000000000b2\n      tenant_id: tenant-police\n      password_env: POLICE_BOT_SECRET\n"
	tests := []struct {
		name, file string
		env        map[string]string
		problem    string // a place a problem is wanted at; "" for none
	}{
		{"one more", police, main, ""},
		{"variable not set", police, map[string]string{EnvTeamsAppID: "a", EnvTeamsAppPassword: "s", EnvTeamsTenantID: "t"}, "teams.registrations[0]"},
		{"no tenant", strings.Replace(police, "      tenant_id: tenant-police\n", "", 1), main, "teams.registrations[0].tenant_id"},
		{"no app id", strings.Replace(police, "app_id: 00000000-0000-0000-0000-0000000000b2", "tenant_id: x", 1), main, "teams.registrations[0].app_id"},
		{"twice", police + strings.TrimPrefix(police, "teams:\n  registrations:\n"), main, "teams.registrations[1].app_id"},
		{"same as the main one", strings.Replace(police, "0000000000b2", "0000000000a1", 1), main, "teams.registrations[0].app_id"},
		{"secret in the file", police + "      password: hunter2\n", main, "teams.registrations[0].password"},
		{"not a variable name", strings.Replace(police, "POLICE_BOT_SECRET", "police secret", 1), main, "teams.registrations[0].password_env"},
		{"no main registration", police, map[string]string{"POLICE_BOT_SECRET": "s"}, "teams.registrations"},
		{"its own service URL", police + "      service_urls: [https://smba.trafficmanager.net/uk/]\n", main, ""},
		{"a service URL that is not https", police + "      service_urls: [ftp://smba.example.org/]\n", main, "teams.registrations[0].service_urls[0]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, probs, err := Load(Options{Path: writeFile(t, tc.file), Getenv: env(tc.env)})
			if tc.problem != "" {
				for _, p := range probs {
					if p.Severity == SeverityError && strings.HasSuffix(p.Place, " "+tc.problem) {
						return
					}
				}
				t.Fatalf("want an error at %s, got:\n%s", tc.problem, probs)
			}
			if err != nil {
				t.Fatalf("Load: %v\n%s", err, probs)
			}
			if len(cfg.Teams.Registrations) != 1 || cfg.Teams.Registrations[0].AppPassword != "police-secret" || cfg.Teams.Registrations[0].TenantID != "tenant-police" {
				t.Fatalf("registrations %+v", cfg.Teams.Registrations)
			}
			if want := strings.Contains(tc.file, "service_urls"); want != (len(cfg.Teams.Registrations[0].ServiceURLs) == 1) {
				t.Errorf("the registration's service URLs: %v", cfg.Teams.Registrations[0].ServiceURLs)
			}
			if strings.Contains(cfg.String(), "police-secret") {
				t.Errorf("the effective configuration shows the secret")
			}
		})
	}
}
