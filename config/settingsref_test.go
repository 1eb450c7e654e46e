package config

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/configuration.md")

// TestReferenceDocIsCurrent: docs/configuration.md is what `resolvebot
// config reference` prints today. Regenerate it with
// go test ./config -run TestReferenceDocIsCurrent -update
func TestReferenceDocIsCurrent(t *testing.T) {
	var b bytes.Buffer
	if err := WriteReference(&b); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("..", "docs", "configuration.md")
	if *update {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, b.Bytes()) {
		t.Errorf("%s is out of date; regenerate it with: go test ./config -run TestReferenceDocIsCurrent -update", path)
	}
}

// TestReferenceCoversTheDecoder: every key the file may hold is in the
// reference with a meaning, and every key in the reference is accepted by
// the decoder (a file holding it has no "unknown key" problem).
func TestReferenceCoversTheDecoder(t *testing.T) {
	settings := Settings()
	byKey := map[string]Setting{}
	for _, s := range settings {
		if s.Doc == "" {
			t.Errorf("%s has no meaning in the reference", s.Key)
		}
		if _, dup := byKey[s.Key]; dup {
			t.Errorf("%s is listed twice", s.Key)
		}
		byKey[s.Key] = s
	}
	// Each top-level section and scalar, written in a file, is known.
	for _, s := range settings {
		if s.EnvOnly || strings.Contains(s.Key, ".") {
			continue
		}
		data := s.Key + ":\n"
		dir := t.TempDir()
		p := filepath.Join(dir, "c.yaml")
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		_, probs, _ := Load(Options{Path: p, Getenv: func(string) string { return "" }})
		if strings.Contains(probs.String(), "unknown key") {
			t.Errorf("the file key %s is in the reference but the decoder does not know it: %s", s.Key, probs.String())
		}
	}
	// Keys a person would look for are there, with what they take.
	for key, typ := range map[string]string{
		"scheduler.quiet_hours.start":                   "time of day (HH:MM)",
		"protocol.stages[].urgent_days":                 "whole number",
		"directory.agencies[].contacts.manager[].email": "email address",
		"retention.closed_after":                        "period (2y, 730d, 104w or 17520h)",
		"slack.pace":                                    "true or false",
		"store.encryption_keys":                         "string",
	} {
		if s, ok := byKey[key]; !ok || s.Type != typ {
			t.Errorf("%s: %+v, want type %q", key, s, typ)
		}
	}
	if s := byKey["store.redis_url"]; s.Env != EnvRedisURL || !s.EnvOnly || !s.Secret {
		t.Errorf("store.redis_url: %+v", s)
	}
	if s := byKey["drafts.ttl"]; s.Default != "72h" {
		t.Errorf("drafts.ttl default %q, want 72h", s.Default)
	}
	if s := byKey["scheduler.quiet_hours.end"]; s.Default != "09:00" {
		t.Errorf("quiet hours end default %q, want 09:00", s.Default)
	}
}

// TestEnvironmentColumnIsTrue: every environment variable the reference
// names sets the value it is listed against, and the variables are exactly
// the ones the loader documents.
func TestEnvironmentColumnIsTrue(t *testing.T) {
	want := map[string]bool{EnvConfig: true, EnvAddr: true, EnvAdminAddr: true, EnvData: true, EnvRedisURL: true, EnvSlackAPIURL: true,
		EnvSlackBotToken: true, EnvSlackSigningSecret: true, EnvSlackAppToken: true, EnvTeamsAppID: true,
		EnvTeamsAppPassword: true, EnvTeamsAppCertificate: true, EnvTeamsTenantID: true, EnvTeamsAppType: true,
		EnvTeamsOpenIDMetadataURL: true, EnvTeamsTokenAuthority: true, EnvEncryptionKeys: true, EnvSMTPPassword: true,
		EnvOIDCClientSecret: true, EnvSlackClientID: true, EnvSlackClientSecret: true}
	values := map[string]string{
		// REDIS_URL is left out: it would hide store.path (shown for bolt only).
		EnvAddr: "127.0.0.1:4000", EnvAdminAddr: "127.0.0.1:4001", EnvData: "/tmp/x.db",
		EnvSlackAPIURL: "http://127.0.0.1:9/api/", EnvSlackBotToken: "xoxb-1", EnvSlackSigningSecret: "s",
		EnvSlackAppToken: "xapp-1", EnvTeamsAppID: "00000000-0000-0000-0000-000000000001", EnvTeamsAppPassword: "p",
		EnvTeamsTenantID: "t", EnvTeamsAppType: TeamsSingleTenant,
		EnvTeamsOpenIDMetadataURL: "https://example.org/openid", EnvTeamsTokenAuthority: "https://login.example.org/t",
		EnvEncryptionKeys: "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
	}
	cfg, probs, err := Load(Options{Getenv: func(k string) string { return values[k] }})
	if err != nil {
		t.Fatalf("%v\n%s", err, probs.String())
	}
	effective := cfg.String()
	for _, s := range Settings() {
		if s.Env == "" {
			continue
		}
		if !want[s.Env] {
			t.Errorf("%s lists %s, which the loader does not document", s.Key, s.Env)
		}
		delete(want, s.Env)
		v, ok := values[s.Env]
		if !ok || s.Secret {
			continue
		}
		if !strings.Contains(effective, s.Key+": "+v+"\n") {
			t.Errorf("%s=%s does not set %s:\n%s", s.Env, v, s.Key, effective)
		}
	}
	for env := range want {
		t.Errorf("%s is read by the loader but not in the reference", env)
	}
}

// TestPrintCoversEverySetting: `config check --print` (Config.String) has a
// line for every setting of the reference, so a new key cannot be left out
// of it, and shows no secret.
func TestPrintCoversEverySetting(t *testing.T) {
	env := map[string]string{EnvRedisURL: "redis://:hunter2@127.0.0.1:6379/2", EnvSlackBotToken: "xoxb-secret-token",
		EnvSlackSigningSecret: "signing-secret", EnvEncryptionKeys: "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
		EnvSMTPPassword: "smtp-secret"}
	file := writeFile(t, "email: {host: smtp.example.org, from: bot@example.org, user: bot, base_url: https://resolve.example.org}\n")
	cfg, probs, err := Load(Options{Path: file, Getenv: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatalf("%v\n%s", err, probs.String())
	}
	out := cfg.String()
	// Settings shown on a summary line of their own.
	summary := map[string]string{
		"calendar.workday_start": "calendar.workday", "calendar.workday_end": "calendar.workday",
		"protocol.stages": "protocol.stages[0]", "protocol.referral": "protocol.referral", "protocol.routes": "protocol.routes.front_door",
		"directory": "directory", "config": "file", "protocol": "protocol.name", "calendar": "calendar.nation", "store": "store.driver",
		"drafts": "drafts.ttl", "scheduler": "scheduler.due_pass", "retention": "retention.closed_after", "slack": "slack.enabled",
		"teams": "teams.enabled", "log": "log.level", "scheduler.quiet_hours": "scheduler.quiet_hours.start",
		"store.path": "store.driver", // shown only for bolt
		"server":     "server.timeouts", "server.read_header_timeout": "server.timeouts", "server.read_timeout": "server.timeouts",
		"server.write_timeout": "server.timeouts", "server.idle_timeout": "server.timeouts",
		"server.max_header_bytes": "server.limits", "server.max_body_bytes": "server.limits", "server.max_connections": "server.limits",
		"server.max_client_connections": "server.limits", "server.max_client_body_reads": "server.limits",
		"protocol.conference.category": "protocol.conference", "protocol.conference.guidance": "protocol.conference",
		"protocol.conference.answer":    "protocol.conference",
		"protocol.observations.service": "protocol.observations", "protocol.observations.role": "protocol.observations",
		"protocol.observations.report_to": "protocol.observations",
		"protocol.serious_concern.role":   "protocol.serious_concern", "protocol.serious_concern.guidance": "protocol.serious_concern",
		"email": "email.enabled", "email.host": "email.relay", "email.port": "email.relay", "email.tls": "email.relay",
		"email.from": "email.relay", "email.from_name": "email.relay", "email.user": "email.relay", "email.timeout": "email.relay",
		"web": "web.oidc.enabled", "web.oidc": "web.oidc.enabled",
	}
	for _, s := range Settings() {
		if strings.Contains(s.Key, "[]") || strings.HasPrefix(s.Key, "directory.") || strings.HasPrefix(s.Key, "protocol.referral.") {
			continue // items of lists, and the directory, are summarised
		}
		line := s.Key
		if l, ok := summary[s.Key]; ok {
			line = l
		}
		if !strings.Contains(out, line+": ") && !strings.HasPrefix(out, line+": ") {
			t.Errorf("--print has no line for %s (%s)", s.Key, line)
		}
	}
	for _, secret := range []string{"hunter2", "xoxb-secret-token", "signing-secret", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", "smtp-secret"} {
		if strings.Contains(out, secret) {
			t.Errorf("--print shows a secret: %q", secret)
		}
	}
}
