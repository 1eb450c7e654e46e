package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// TestHealthcheck: the container's health check says healthy while serve
// answers, and unhealthy once it has stopped or when a URL answers an error.
func TestHealthcheck(t *testing.T) {
	clearPlatformEnv(t)
	t.Setenv("SLACK_BOT_TOKEN", "xoxb-test")
	t.Setenv("SLACK_SIGNING_SECRET", "test-secret")
	s, resp := startServe(t, "/healthz", "--data", filepath.Join(t.TempDir(), "rb.db"))
	resp.Body.Close()
	_, port, _ := strings.Cut(s.admin, ":")
	t.Setenv("RESOLVEBOT_ADMIN_ADDR", ":"+port) // as in the container, whose admin address has no host

	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "store not answering", http.StatusServiceUnavailable)
	}))
	defer failing.Close()

	tests := []struct {
		name string
		args []string
		code int
		want string // in stdout+stderr
	}{
		{"live, from RESOLVEBOT_ADMIN_ADDR", nil, 0, "ok"},
		{"ready", []string{"--ready"}, 0, "ready"},
		{"an explicit address", []string{"--admin-addr", s.admin}, 0, "ok"},
		{"the public address answers 404", []string{"--url", s.url("/healthz")}, 1, "404"},
		{"admin listener off", []string{"--admin-addr", "off"}, 2, "admin listener is off"},
		{"a URL that answers 503", []string{"--url", failing.URL + "/readyz"}, 1, "503 Service Unavailable: store not answering"},
		{"an argument", []string{"now"}, 2, "takes no arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := run(t, context.Background(), "", append([]string{"healthcheck"}, tt.args...)...)
			if code != tt.code || !strings.Contains(out+errs, tt.want) {
				t.Errorf("exit %d (want %d), output lacks %q?\nstdout: %s\nstderr: %s", code, tt.code, tt.want, out, errs)
			}
		})
	}
	if code := s.stop(); code != 0 {
		t.Fatalf("serve exit %d", code)
	}
	if code, _, errs := run(t, context.Background(), "", "healthcheck", "--admin-addr", s.admin); code != 1 || !strings.Contains(errs, "unhealthy") {
		t.Errorf("after serve stopped: exit %d, stderr %s", code, errs)
	}
}

func TestLocalAddr(t *testing.T) {
	for listen, want := range map[string]string{
		":3978":          "127.0.0.1:3978",
		"0.0.0.0:3978":   "127.0.0.1:3978",
		"[::]:3978":      "[::1]:3978",
		"10.0.0.5:8080":  "10.0.0.5:8080",
		"localhost:3978": "localhost:3978",
	} {
		if got := localAddr(listen); got != want {
			t.Errorf("localAddr(%q) = %q, want %q", listen, got, want)
		}
	}
}
