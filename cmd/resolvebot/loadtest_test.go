package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeSlackAPI answers every Web API call the bot makes with success:
// users.info with a made-up profile, conversations.open with a DM channel,
// and {"ok":true} with a timestamp for the rest.
func fakeSlackAPI(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		method := strings.TrimPrefix(r.URL.Path, "/api/")
		out := map[string]any{"ok": true, "ts": "1790000000.000100", "channel": "D0LOAD"}
		switch method {
		case "users.info":
			id := r.Form.Get("user")
			out = map[string]any{"ok": true, "user": map[string]any{"id": id, "name": strings.ToLower(id),
				"profile": map[string]any{"real_name": "User " + id, "email": strings.ToLower(id) + "@loadtest.invalid"}}}
		case "conversations.open":
			out = map[string]any{"ok": true, "channel": map[string]any{"id": "D0LOAD"}}
		case "views.open", "views.update", "views.publish":
			out = map[string]any{"ok": true, "view": map[string]any{"id": "V0LOAD"}}
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(out)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestLoadtestAgainstServe starts serve in-process (Slack over HTTP with a
// fake Web API, Teams with insecure_no_auth) on loopback and runs a short
// load test of every kind against it: no errors, and a sane report. Then
// it checks the bot's metrics after that whole-bot run (checkScrape).
func TestLoadtestAgainstServe(t *testing.T) {
	clearPlatformEnv(t)
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "rb.yaml")
	if err := os.WriteFile(cfgPath, []byte("teams:\n  insecure_no_auth: true\nslack:\n  pace: false # the fake Slack API has no rate limits\nscheduler:\n  due_pass: \"@every 1s\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SLACK_BOT_TOKEN", "xoxb-test")
	t.Setenv("SLACK_SIGNING_SECRET", "loadtest-secret")
	t.Setenv("SLACK_API_URL", fakeSlackAPI(t).URL+"/api/")
	s, resp := startServe(t, "/healthz", "--config", cfgPath, "--data", filepath.Join(dir, "rb.db"))
	resp.Body.Close()

	code, out, errs := run(t, context.Background(), "", "loadtest", "--url", s.url(""), "--admin-url", s.adminURL(""), "--config", cfgPath,
		"--requests", "80", "--duration", "60s", "--concurrency", "4", "--mix", "action,note,command,teams", "--cases", "2")
	if code != 0 {
		t.Fatalf("loadtest exit %d\nstdout: %s\nstderr: %s\nserver: %s", code, out, errs, s.stderr.String())
	}
	t.Logf("loadtest report:\n%s", out)
	for _, want := range []string{"requests  80 in", "errors    0", "p50", "p99", "p99.9", "action", "note", "command", "teams"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	for _, secret := range []string{"Load test: a made-up concern", "Load test note"} {
		if strings.Contains(s.stderr.String(), secret) {
			t.Errorf("server logs contain case text %q", secret)
		}
	}
	// The metrics after a whole-bot run on both platforms.
	checkScrape(t, s, "Load test: a made-up", "LOADTEST-")
	if code := s.stop(); code != 0 {
		t.Errorf("serve exit %d: %s", code, s.stderr.String())
	}
}

// TestLoadtestRefusals: a remote address is refused before anything is
// sent, unless --allow-remote; unknown kinds and missing secrets are
// refused too.
func TestLoadtestRefusals(t *testing.T) {
	clearPlatformEnv(t)
	tests := []struct {
		name string
		env  string
		args []string
		code int
		want string
	}{
		{"remote address", "s", []string{"loadtest", "--url", "http://192.0.2.1:3978"}, 2, "not a loopback address"},
		{"remote name", "s", []string{"loadtest", "--url", "http://bot.example.org"}, 2, "--allow-remote"},
		{"not a URL", "s", []string{"loadtest", "--url", "127.0.0.1:3978"}, 2, "not an http URL"},
		{"no secret", "", []string{"loadtest", "--url", "http://127.0.0.1:1"}, 1, "SLACK_SIGNING_SECRET"},
		{"unknown kind", "s", []string{"loadtest", "--url", "http://127.0.0.1:1", "--mix", "bogus"}, 1, "unknown kind"},
		{"too many", "s", []string{"loadtest", "--url", "http://127.0.0.1:1", "--requests", "2000000"}, 1, "at most"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("SLACK_SIGNING_SECRET", tc.env)
			code, out, errs := run(t, context.Background(), "", tc.args...)
			if code != tc.code || !strings.Contains(out+errs, tc.want) {
				t.Fatalf("exit %d (want %d), output lacks %q:\n%s%s", code, tc.code, tc.want, out, errs)
			}
		})
	}
}
