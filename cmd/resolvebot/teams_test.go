package main

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/adapters/teams"
	"github.com/resolvebot/resolvebot/config"
)

func TestTeamsPackageCommand(t *testing.T) {
	clearPlatformEnv(t)
	for _, k := range []string{"MICROSOFT_OPENID_METADATA_URL", "MICROSOFT_TOKEN_AUTHORITY"} {
		t.Setenv(k, "")
	}
	out := filepath.Join(t.TempDir(), "app.zip")
	const appID = "6f1c2a3b-4d5e-6f70-8192-a3b4c5d6e7f8"
	other := filepath.Join(t.TempDir(), "other.zip")
	tests := []struct {
		name    string
		appID   string
		args    []string
		code    int
		want    []string
		notWant []string // in stderr
	}{
		{"no subcommand", appID, []string{"teams"}, 2, []string{"Usage: resolvebot teams package"}, nil},
		{"no app id", "", []string{"teams", "package", "--out", out}, 2, []string{"MICROSOFT_APP_ID"}, nil},
		{"app id not a GUID", "app-id", []string{"teams", "package", "--out", out}, 2,
			[]string{`the app id "app-id" is not a GUID`, "MICROSOFT_APP_ID"}, nil},
		{"plain http url", appID, []string{"teams", "package", "--out", out, "--url", "http://bot.example.org"}, 2, []string{"https"}, nil},
		{"writes the zip", appID, []string{"teams", "package", "--out", out, "--url", "https://bot.example.org", "--developer", "Example SCP"}, 0,
			[]string{"Wrote " + out, "warning: no --privacy URL given; the package links to the placeholder https://example.org/resolvebot",
				"warning: no --terms URL given"},
			[]string{"--website"}},
		{"every page given", appID, []string{"teams", "package", "--out", other, "--developer", "Example SCP", "--website", "https://scp.example.org",
			"--privacy", "https://scp.example.org/privacy", "--terms", "https://scp.example.org/terms"}, 0,
			[]string{"Wrote " + other}, []string{"warning"}},
		{"no url nor pages", appID, []string{"teams", "package", "--out", other}, 0,
			[]string{"no --website URL given", "no --privacy URL given", "no --terms URL given"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("MICROSOFT_APP_ID", tc.appID)
			t.Setenv("MICROSOFT_APP_PASSWORD", "pw")
			if tc.appID == "" {
				t.Setenv("MICROSOFT_APP_PASSWORD", "")
			}
			code, stdout, stderr := run(t, context.Background(), "", tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d:\n%s%s", code, tc.code, stdout, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stdout+stderr, w) {
					t.Errorf("output lacks %q:\n%s%s", w, stdout, stderr)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(stderr, w) {
					t.Errorf("stderr has %q:\n%s", w, stderr)
				}
			}
		})
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if f.Name == "manifest.json" {
			rc, _ := f.Open()
			m, _ := io.ReadAll(rc)
			rc.Close()
			for _, want := range []string{`"botId": "` + appID + `"`, `"bot.example.org"`, `"Example SCP"`} {
				if !bytes.Contains(m, []byte(want)) {
					t.Errorf("manifest lacks %s", want)
				}
			}
		}
	}
	if strings.Join(names, ",") != "manifest.json,color.png,outline.png" {
		t.Errorf("zip holds %v", names)
	}
}

// TestServeTeamsInsecure: with insecure_no_auth, serve mounts
// /api/messages without authentication and /readyz says so.
func TestServeTeamsInsecure(t *testing.T) {
	clearPlatformEnv(t)
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "rb.yaml")
	if err := os.WriteFile(cfgPath, []byte("teams:\n  insecure_no_auth: true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, resp := startServe(t, "/readyz", "--config", cfgPath, "--data", filepath.Join(dir, "rb.db"))
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "NOT authenticated") {
		t.Errorf("readyz = %d %q", resp.StatusCode, body)
	}
	resp, err := s.client.Post(s.url("/api/messages"), "application/json", strings.NewReader(`{"type":"typing"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("api/messages = %d", resp.StatusCode)
	}
	if code := s.stop(); code != 0 {
		t.Errorf("exit %d: %s", code, s.stderr.String())
	}
	if !strings.Contains(s.stderr.String(), "NOT authenticated") {
		t.Errorf("no start-up warning in the log:\n%s", s.stderr.String())
	}
}

// TestTeamsOptionsFromConfig: the certificate, service URLs and issuers
// loaded by config reach the adapter's options.
func TestTeamsOptionsFromConfig(t *testing.T) {
	cfgFile := filepath.Join(t.TempDir(), "resolvebot.yaml")
	if err := os.WriteFile(cfgFile, []byte("teams:\n  service_urls: [\"https://smba.trafficmanager.net/uk/\"]\n  issuers: [\"https://api.botframework.us\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	certFile := filepath.Join(t.TempDir(), "bot.pem")
	if err := os.WriteFile(certFile, testCertificatePEM(t), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"MICROSOFT_APP_ID": "00000000-0000-0000-0000-000000000b07",
		"MICROSOFT_APP_TENANT_ID": "11111111-2222-3333-4444-555555555555", "MICROSOFT_APP_CERTIFICATE": certFile}
	cfg, probs, err := config.Load(config.Options{Path: cfgFile, Getenv: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatalf("Load: %v\n%s", err, probs)
	}
	o := teamsOptions(cfg.Teams)
	if len(o.Registrations) != 0 {
		t.Errorf("one registration became %d", len(o.Registrations))
	}
	if !bytes.Contains(o.Certificate, []byte("-----BEGIN CERTIFICATE-----")) || o.AppPassword != "" {
		t.Errorf("certificate not passed on (%d bytes)", len(o.Certificate))
	}
	if len(o.ServiceURLs) != 1 || o.ServiceURLs[0] != "https://smba.trafficmanager.net/uk/" {
		t.Errorf("service URLs %q", o.ServiceURLs)
	}
	if len(o.Issuers) != 1 || o.Issuers[0] != "https://api.botframework.us" {
		t.Errorf("issuers %q", o.Issuers)
	}
	if o.AppID != env["MICROSOFT_APP_ID"] || o.TenantID != env["MICROSOFT_APP_TENANT_ID"] {
		t.Errorf("app id %q tenant %q", o.AppID, o.TenantID)
	}
}

// TestTeamsOptionsWithRegistrations: the main registration comes first,
// then each of teams.registrations with the secret its variable holds.
func TestTeamsOptionsWithRegistrations(t *testing.T) {
	cfgFile := filepath.Join(t.TempDir(), "resolvebot.yaml")
	body := "teams:\n  registrations:\n    - app_id: 00000000-0000-0000-0000-0000000000b2\n      tenant_id: tenant-police\n      password_env: POLICE_BOT_SECRET\n"
	if err := os.WriteFile(cfgFile, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"MICROSOFT_APP_ID": "00000000-0000-0000-0000-000000000b07", "MICROSOFT_APP_PASSWORD": "main-secret",
		"MICROSOFT_APP_TENANT_ID": "tenant-council", "POLICE_BOT_SECRET": "police-secret"}
	cfg, probs, err := config.Load(config.Options{Path: cfgFile, Getenv: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatalf("Load: %v\n%s", err, probs)
	}
	o := teamsOptions(cfg.Teams)
	want := []teams.Registration{
		{AppID: "00000000-0000-0000-0000-000000000b07", AppPassword: "main-secret", TenantID: "tenant-council"},
		{AppID: "00000000-0000-0000-0000-0000000000b2", AppPassword: "police-secret", TenantID: "tenant-police"},
	}
	if !reflect.DeepEqual(o.Registrations, want) {
		t.Errorf("registrations %+v, want %+v", o.Registrations, want)
	}
}

// testCertificatePEM makes a throwaway self-signed certificate with its
// private key, in PEM.
func testCertificatePEM(t *testing.T) []byte {
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
	return append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})...)
}

// TestTeamsPackagePerRegistration: --app-id builds the package of one of
// the registrations in teams.registrations, for its tenant to upload; an
// app id that is not configured is refused, naming those that are.
func TestTeamsPackagePerRegistration(t *testing.T) {
	clearPlatformEnv(t)
	const mainID, policeID = "6f1c2a3b-4d5e-6f70-8192-a3b4c5d6e7f8", "7a2d3b4c-5e6f-7081-92a3-b4c5d6e7f809"
	t.Setenv("MICROSOFT_APP_ID", mainID)
	t.Setenv("MICROSOFT_APP_TENANT_ID", "tenant-council")
	cfg := filepath.Join(t.TempDir(), "resolvebot.yaml")
	body := "teams:\n  registrations:\n    - app_id: " + policeID + "\n      tenant_id: tenant-police\n      password_env: POLICE_BOT_SECRET\n"
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"", policeID} {
		out := filepath.Join(t.TempDir(), "app.zip")
		args := []string{"teams", "package", "--config", cfg, "--out", out, "--developer", "Example SCP", "--url", "https://bot.example.org"}
		if id != "" {
			args = append(args, "--app-id", id)
		}
		if code, stdout, stderr := run(t, context.Background(), "", args...); code != 0 {
			t.Fatalf("--app-id %q: exit %d\n%s%s", id, code, stdout, stderr)
		}
		want := id
		if want == "" {
			want = mainID
		}
		if m := packageManifest(t, out); !bytes.Contains(m, []byte(`"botId": "`+want+`"`)) {
			t.Errorf("--app-id %q: the package is not for %s:\n%s", id, want, m)
		}
	}
	code, _, stderr := run(t, context.Background(), "", "teams", "package", "--config", cfg, "--app-id", "8b3e4c5d-6f70-8192-a3b4-c5d6e7f8091a")
	if code != 2 || !strings.Contains(stderr, "not a configured registration") || !strings.Contains(stderr, policeID) {
		t.Errorf("an app id not configured: exit %d: %s", code, stderr)
	}
}
