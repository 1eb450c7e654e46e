package main

import (
	"context"
	"html"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSlackManifest(t *testing.T) {
	clearPlatformEnv(t)
	const secret, appToken = "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		code    int
		want    []string
		notWant []string
	}{
		{"http", nil, []string{"slack", "manifest", "--url", "https://bot.example.org/"}, 0,
			[]string{"request_url: https://bot.example.org/slack/events", "socket_mode_enabled: false", "command: /resolve",
				"users:read.email", "home_tab_enabled: true", "callback_id: raise_about_message"}, nil},
		{"socket mode", nil, []string{"slack", "manifest"}, 0, []string{"socket_mode_enabled: true", "im:write"}, []string{"request_url"}},
		{"bad url", nil, []string{"slack", "manifest", "--url", "bot.example.org"}, 2, []string{"not an absolute"}, nil},
		{"no subcommand", nil, []string{"slack"}, 2, []string{"Usage: resolvebot slack manifest"}, nil},
		{"http mode config without url", map[string]string{secret: "s3cret"}, []string{"slack", "manifest"}, 2,
			[]string{"HTTP mode", "give --url", "SLACK_SIGNING_SECRET is set"}, []string{"socket_mode_enabled", "s3cret"}},
		{"http mode config with url", map[string]string{secret: "s3cret"}, []string{"slack", "manifest", "--url", "https://bot.example.org"}, 0,
			[]string{"request_url: https://bot.example.org/slack/events", "socket_mode_enabled: false"}, []string{"s3cret"}},
		{"socket mode config", map[string]string{appToken: "xapp-1-test", secret: "s3cret"}, []string{"slack", "manifest"}, 0,
			[]string{"socket_mode_enabled: true"}, []string{"request_url", "xapp-1-test", "warning"}},
		{"socket mode config ignores url", map[string]string{appToken: "xapp-1-test"}, []string{"slack", "manifest", "--url", "https://bot.example.org"}, 0,
			[]string{"socket_mode_enabled: true", "--url is not used"}, []string{"request_url"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			code, out, errs := run(t, context.Background(), "", tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d: %s%s", code, tt.code, out, errs)
			}
			for _, w := range tt.want {
				if !strings.Contains(out+errs, w) {
					t.Errorf("output lacks %q:\n%s%s", w, out, errs)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(out+errs, w) {
					t.Errorf("output has %q:\n%s%s", w, out, errs)
				}
			}
		})
	}
}

// TestServeSlackEndpointAndMetrics: in HTTP mode serve refuses unsigned
// Slack requests and serves /metrics on the admin listener.
func TestServeSlackEndpointAndMetrics(t *testing.T) {
	clearPlatformEnv(t)
	t.Setenv("SLACK_BOT_TOKEN", "xoxb-test")
	t.Setenv("SLACK_SIGNING_SECRET", "test-secret")
	t.Setenv("SLACK_API_URL", "http://127.0.0.1:1/api/") // never called
	s, resp := startServe(t, "/healthz", "--data", filepath.Join(t.TempDir(), "rb.db"))
	resp.Body.Close()
	resp, err := s.client.Post(s.url("/slack/events"), "application/x-www-form-urlencoded", strings.NewReader("command=%2Fresolve"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("unsigned Slack request = %d, want 401", resp.StatusCode)
	}
	resp, err = s.client.Get(s.adminURL("/metrics"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `resolvebot_requests_total{platform="slack",route="unknown",status="401"}`) {
		t.Errorf("metrics = %d:\n%.500s", resp.StatusCode, body)
	}
	if code := s.stop(); code != 0 {
		t.Errorf("exit code after shutdown = %d: %s", code, s.stderr.String())
	}
}

// TestServeSlackInstalls: with SLACK_CLIENT_ID serve offers the "Add to
// Slack" page, whose button goes to Slack's consent page (beside the
// configured Web API) with the client id, the bot scopes, the redirect URL
// and a state; the page links the web page's stylesheet, served even with
// the web page off; the redirect refuses a request without a state; and
// the manifest lists the redirect URL.
func TestServeSlackInstalls(t *testing.T) {
	clearPlatformEnv(t)
	t.Setenv("SLACK_CLIENT_ID", "1234.5678")
	t.Setenv("SLACK_CLIENT_SECRET", "client-secret")
	t.Setenv("SLACK_SIGNING_SECRET", "test-secret")
	t.Setenv("SLACK_API_URL", "http://127.0.0.1:1/api/") // never called
	cfg := filepath.Join(t.TempDir(), "resolvebot.yaml")
	if err := os.WriteFile(cfg, []byte("slack:\n  redirect_url: https://bot.example.org/slack/oauth_redirect\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, resp := startServe(t, "/healthz", "--config", cfg, "--data", filepath.Join(t.TempDir(), "rb.db"))
	resp.Body.Close()
	resp, err := s.client.Get(s.url("/slack/install"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := html.UnescapeString(string(body))
	for _, want := range []string{"Add to Slack", `href="http://127.0.0.1:1/oauth/v2/authorize?client_id=1234.5678`,
		"redirect_uri=https%3A%2F%2Fbot.example.org%2Fslack%2Foauth_redirect", "scope=chat%3Awrite%2Ccommands", "state=v1.",
		`<link rel="stylesheet" href="/web/static/style.css">`} {
		if !strings.Contains(page, want) {
			t.Errorf("install page lacks %q:\n%s", want, page)
		}
	}
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Set-Cookie"), "HttpOnly") {
		t.Errorf("install page: %d, cookie %q", resp.StatusCode, resp.Header.Get("Set-Cookie"))
	}
	resp, err = s.client.Get(s.url("/web/static/style.css"))
	if err != nil {
		t.Fatal(err)
	}
	css, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") || !strings.Contains(string(css), ".govuk-button") {
		t.Errorf("the install page's stylesheet, with the web page off: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	resp, err = s.client.Get(s.url("/slack/oauth_redirect?code=x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("redirect without a state = %d, want 400", resp.StatusCode)
	}
	code, out, errs := run(t, context.Background(), "", "slack", "manifest", "--config", cfg, "--url", "https://bot.example.org")
	if code != 0 || !strings.Contains(out, "- https://bot.example.org/slack/oauth_redirect") || !strings.Contains(out, "org_deploy_enabled: true") {
		t.Errorf("manifest: exit %d\n%s%s", code, out, errs)
	}
	if code, _, errs := run(t, context.Background(), "", "slack", "manifest", "--config", cfg); code != 2 || !strings.Contains(errs, "give --url") {
		t.Errorf("manifest without --url: exit %d: %s", code, errs)
	}
}
