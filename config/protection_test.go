package config

import (
	"strings"
	"testing"
	"time"
)

// testKey is a usable RESOLVEBOT_ENCRYPTION_KEYS value.
const testKey = "k1:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="

// secretKey is a key that must never be printed.
const secretKey = "U0VDUkVUS0VZU0VDUkVUS0VZU0VDUkVUS0VZU0VDUks="

func TestEncryptionKeys(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		env     map[string]string
		wantErr string // "" for a usable config
		check   func(t *testing.T, c *Config)
	}{
		{"bolt without a key works, with a startup warning", "", nil, "", func(t *testing.T, c *Config) {
			if k, err := c.Keyring(); k != nil || err != nil {
				t.Errorf("Keyring = %v, %v; want none", k, err)
			}
			if !strings.Contains(c.PlaintextWarning(), EnvEncryptionKeys) {
				t.Errorf("PlaintextWarning = %q", c.PlaintextWarning())
			}
		}},
		{"bolt with allow_plaintext has no warning", "store: {allow_plaintext: true}\n", nil, "", func(t *testing.T, c *Config) {
			if w := c.PlaintextWarning(); w != "" {
				t.Errorf("PlaintextWarning = %q", w)
			}
		}},
		{"keys from the environment, first is primary", "", map[string]string{EnvEncryptionKeys: "k2:" + secretKey + ", " + testKey}, "", func(t *testing.T, c *Config) {
			k, err := c.Keyring()
			if err != nil || k.Primary() != "k2" || len(k.IDs()) != 2 {
				t.Errorf("Keyring = %v, %v", k, err)
			}
			if c.PlaintextWarning() != "" {
				t.Errorf("warning with keys set")
			}
			if s := c.String(); strings.Contains(s, secretKey) || !strings.Contains(s, "store.encryption_keys: (set: 2 keys, primary k2)") {
				t.Errorf("String():\n%s", s)
			}
		}},
		{"redis without a key refuses to start", "", map[string]string{EnvRedisURL: "redis://localhost:6379/0"}, "store.allow_plaintext: true", nil},
		{"redis without a key, explicitly allowed", "store: {allow_plaintext: true}\n", map[string]string{EnvRedisURL: "redis://localhost:6379/0"}, "", func(t *testing.T, c *Config) {
			if c.Store.Driver != DriverRedis {
				t.Errorf("driver %q", c.Store.Driver)
			}
		}},
		{"redis with a key", "", map[string]string{EnvRedisURL: "redis://localhost:6379/0", EnvEncryptionKeys: testKey}, "", nil},
		{"malformed key", "", map[string]string{EnvEncryptionKeys: "k1:" + secretKey[:20]}, "32 bytes", nil},
		{"key without id", "", map[string]string{EnvEncryptionKeys: secretKey}, "id:base64key", nil},
		{"key in the file is refused", "store: {encryption_keys: \"k1:" + secretKey + "\"}\n", nil, "secrets come from the environment", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := Options{Getenv: env(tt.env)}
			if tt.file != "" {
				opts.Path = writeFile(t, tt.file)
			}
			cfg, probs, err := Load(opts)
			if strings.Contains(probs.String(), secretKey) || strings.Contains(probs.String(), secretKey[:20]) {
				t.Errorf("problems print key material:\n%s", probs)
			}
			if tt.wantErr != "" {
				if err == nil || !hasProblem(probs, SeverityError, tt.wantErr) {
					t.Fatalf("err %v, problems:\n%s", err, probs)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v\n%s", err, probs)
			}
			if tt.check != nil {
				tt.check(t, cfg)
			}
		})
	}
}

func TestRetention(t *testing.T) {
	tests := []struct {
		file    string
		want    time.Duration
		wantErr string
	}{
		{"", 0, ""},
		{"retention: {closed_after: 2y}\n", 730 * Day, ""},
		{"retention: {closed_after: 730d}\n", 730 * Day, ""},
		{"retention: {closed_after: 6w}\n", 42 * Day, ""},
		{"retention: {closed_after: 17520h}\n", 730 * Day, ""},
		{"retention: {closed_after: 2 years}\n", 0, "expected a period"},
		{"retention: {closed_after: 1h}\n", 0, "under a day"},
		{"retention: {closed_after: 2y, purge: nonsense}\n", 0, "not a cron schedule"},
		{"retention: {closed_afterr: 2y}\n", 0, "did you mean"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			opts := Options{Getenv: env(nil)}
			if tt.file != "" {
				opts.Path = writeFile(t, tt.file)
			}
			cfg, probs, err := Load(opts)
			if tt.wantErr != "" {
				if err == nil || !hasProblem(probs, SeverityError, tt.wantErr) {
					t.Fatalf("err %v, problems:\n%s", err, probs)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v\n%s", err, probs)
			}
			if cfg.Retention.ClosedAfter != tt.want || cfg.Retention.Purge == "" {
				t.Errorf("retention %+v, want closed_after %v", cfg.Retention, tt.want)
			}
		})
	}
}

func TestSafeguardingLeads(t *testing.T) {
	file := `directory:
  agencies:
    - key: school
      name: Riverside School
      safeguarding_leads:
        - {name: Dana Lead, email: dana.lead@school.example.org}
    - key: csc
      name: Children's Social Care
  partnership_roles:
    - {name: Pat, email: pat@example.org, role: partnership manager}
`
	cfg, _ := mustLoad(t, Options{Path: writeFile(t, file), Getenv: env(nil)})
	leads := cfg.Directory.Agencies[0].SafeguardingLeads
	if len(leads) != 1 || leads[0].Email != "dana.lead@school.example.org" || len(cfg.Directory.Agencies[1].SafeguardingLeads) != 0 {
		t.Errorf("safeguarding leads = %+v", cfg.Directory.Agencies)
	}
	bad := "directory:\n  agencies:\n    - key: school\n      name: School\n      safeguarding_leads:\n        - {name: No Email}\n"
	_, probs, err := Load(Options{Path: writeFile(t, bad), Getenv: env(nil)})
	if err == nil || !hasProblem(probs, SeverityError, "needs a name and an email") {
		t.Errorf("err %v, problems:\n%s", err, probs)
	}
}
