package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// get fetches url and returns its status and body, failing the test on a
// transport error.
func get(t *testing.T, c *http.Client, url string) (int, string) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestAdminListenerApartFromPublic: /metrics, /healthz, /readyz and the
// profiler answer on the admin listener only; the public listener, which
// Slack and the Bot Framework reach, answers 404 for them and still takes
// platform requests, which the admin listener does not.
func TestAdminListenerApartFromPublic(t *testing.T) {
	clearPlatformEnv(t)
	t.Setenv("SLACK_BOT_TOKEN", "xoxb-test")
	t.Setenv("SLACK_SIGNING_SECRET", "test-secret")
	t.Setenv("SLACK_API_URL", "http://127.0.0.1:1/api/") // never called
	s, resp := startServe(t, "/healthz", "--data", filepath.Join(t.TempDir(), "rb.db"))
	resp.Body.Close()
	tests := []struct {
		path       string
		admin      int    // status on the admin listener
		adminBody  string // in the admin answer
		publicWant int    // status on the public listener
	}{
		{"/metrics", 200, "resolvebot_build_info", 404},
		{"/healthz", 200, "ok", 404},
		{"/readyz", 200, "ready", 404},
		{"/debug/pprof/", 200, "goroutine", 404},
		{"/debug/pprof/cmdline", 200, "", 404},
		{"/debug/pprof/goroutine?debug=1", 200, "goroutine profile", 404},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			if code, body := get(t, s.client, s.adminURL(tt.path)); code != tt.admin || !strings.Contains(body, tt.adminBody) {
				t.Errorf("admin %s = %d, want %d with %q:\n%.300s", tt.path, code, tt.admin, tt.adminBody, body)
			}
			if code, body := get(t, s.client, s.url(tt.path)); code != tt.publicWant {
				t.Errorf("public %s = %d, want %d:\n%.300s", tt.path, code, tt.publicWant, body)
			}
		})
	}
	for _, base := range []struct {
		url  func(string) string
		want int
	}{{s.url, http.StatusUnauthorized}, {s.adminURL, http.StatusNotFound}} {
		resp, err := s.client.Post(base.url("/slack/events"), "application/x-www-form-urlencoded", strings.NewReader("command=%2Fresolve"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != base.want {
			t.Errorf("POST %s = %d, want %d", base.url("/slack/events"), resp.StatusCode, base.want)
		}
	}
	if code := s.stop(); code != 0 {
		t.Errorf("exit code after shutdown = %d: %s", code, s.stderr.String())
	}
}

// TestAdminListenerOff: --admin-addr off, or an empty --admin-addr, opens
// no admin listener even when RESOLVEBOT_ADMIN_ADDR names one; serve still
// takes platform requests.
func TestAdminListenerOff(t *testing.T) {
	for _, flag := range []string{"off", ""} {
		t.Run("--admin-addr="+flag, func(t *testing.T) {
			clearPlatformEnv(t)
			t.Setenv("SLACK_BOT_TOKEN", "xoxb-test")
			t.Setenv("SLACK_SIGNING_SECRET", "test-secret")
			admin, public := freeAddr(t), freeAddr(t)
			t.Setenv("RESOLVEBOT_ADMIN_ADDR", admin)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			errs := &syncBuf{}
			done := make(chan int, 1)
			go func() {
				done <- Run(ctx, []string{"serve", "--addr", public, "--admin-addr", flag, "--data", filepath.Join(t.TempDir(), "rb.db")},
					strings.NewReader(""), io.Discard, errs)
			}()
			c := &http.Client{Timeout: 2 * time.Second}
			var up bool
			for range 100 {
				if resp, err := c.Post("http://"+public+"/slack/events", "text/plain", nil); err == nil {
					resp.Body.Close()
					up = true
					break
				}
				time.Sleep(50 * time.Millisecond)
			}
			if !up {
				t.Fatalf("serve never listened:\n%s", errs.String())
			}
			if conn, err := net.DialTimeout("tcp", admin, time.Second); err == nil {
				conn.Close()
				t.Errorf("something listens on %s (RESOLVEBOT_ADMIN_ADDR) though --admin-addr is %q", admin, flag)
			}
			if strings.Contains(errs.String(), "admin listener") {
				t.Errorf("the log says an admin listener started:\n%s", errs.String())
			}
			cancel()
			if code := <-done; code != 0 {
				t.Errorf("exit %d: %s", code, errs.String())
			}
		})
	}
}

// TestConsoleAdminListenerWhenAsked: the console opens the admin listener
// when --admin-addr is given, and it answers while the console runs.
func TestConsoleAdminListenerWhenAsked(t *testing.T) {
	clearPlatformEnv(t)
	t.Chdir(t.TempDir())
	admin := freeAddr(t)
	in, w := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- Run(context.Background(), []string{"console", "--admin-addr", admin}, in, io.Discard, io.Discard)
	}()
	c := &http.Client{Timeout: 2 * time.Second}
	var code int
	var body string
	for range 100 {
		if resp, err := c.Get("http://" + admin + "/readyz"); err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			code, body = resp.StatusCode, string(b)
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code != http.StatusOK || !strings.Contains(body, "ready") {
		t.Errorf("console's admin /readyz = %d %q", code, body)
	}
	w.Close()
	if code := <-done; code != 0 {
		t.Errorf("console exit %d", code)
	}
}

// TestAdminAddressTaken: when the admin address cannot be listened on,
// serve stops with exit 1 and says which setting to change.
func TestAdminAddressTaken(t *testing.T) {
	clearPlatformEnv(t)
	t.Setenv("SLACK_BOT_TOKEN", "xoxb-test")
	t.Setenv("SLACK_SIGNING_SECRET", "test-secret")
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	code, _, errs := run(t, context.Background(), "", "serve", "--addr", freeAddr(t), "--admin-addr", taken.Addr().String(),
		"--data", filepath.Join(t.TempDir(), "rb.db"))
	if code != 1 || !strings.Contains(errs, "admin listener on "+taken.Addr().String()) || !strings.Contains(errs, `\"off\" turns it off`) {
		t.Errorf("exit %d, want 1 naming the admin address and how to turn it off:\n%s", code, errs)
	}
}
