package main

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestTeamsPackageCommand(t *testing.T) {
	clearPlatformEnv(t)
	for _, k := range []string{"MICROSOFT_OPENID_METADATA_URL", "MICROSOFT_TOKEN_AUTHORITY"} {
		t.Setenv(k, "")
	}
	out := filepath.Join(t.TempDir(), "app.zip")
	tests := []struct {
		name  string
		appID string
		args  []string
		code  int
		want  string
	}{
		{"no subcommand", "app-id", []string{"teams"}, 2, "Usage: resolvebot teams package"},
		{"no app id", "", []string{"teams", "package", "--out", out}, 2, "MICROSOFT_APP_ID"},
		{"plain http url", "app-id", []string{"teams", "package", "--out", out, "--url", "http://bot.example.org"}, 2, "https"},
		{"writes the zip", "app-id", []string{"teams", "package", "--out", out, "--url", "https://bot.example.org", "--developer", "Example SCP"}, 0, "Wrote " + out},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("MICROSOFT_APP_ID", tc.appID)
			t.Setenv("MICROSOFT_APP_PASSWORD", "pw")
			if tc.appID == "" {
				t.Setenv("MICROSOFT_APP_PASSWORD", "")
			}
			code, stdout, stderr := run(t, context.Background(), "", tc.args...)
			if code != tc.code || !strings.Contains(stdout+stderr, tc.want) {
				t.Fatalf("exit %d, want %d; output lacks %q:\n%s%s", code, tc.code, tc.want, stdout, stderr)
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
			for _, want := range []string{`"botId": "app-id"`, `"bot.example.org"`, `"Example SCP"`} {
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
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	var stderr syncBuf
	go func() {
		var out bytes.Buffer
		done <- Run(ctx, []string{"serve", "--addr", addr, "--config", cfgPath, "--data", filepath.Join(dir, "rb.db")}, strings.NewReader(""), &out, &stderr)
	}()
	client := &http.Client{Timeout: 2 * time.Second}
	var resp *http.Response
	var err error
	for range 100 {
		resp, err = client.Get("http://" + addr + "/readyz")
		if err == nil {
			break
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited early with %d: %s", code, stderr.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	if err != nil {
		t.Fatalf("readyz never answered: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "NOT authenticated") {
		t.Errorf("readyz = %d %q", resp.StatusCode, body)
	}
	resp, err = client.Post("http://"+addr+"/api/messages", "application/json", strings.NewReader(`{"type":"typing"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("api/messages = %d", resp.StatusCode)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d: %s", code, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
	if !strings.Contains(stderr.String(), "NOT authenticated") {
		t.Errorf("no start-up warning in the log:\n%s", stderr.String())
	}
}

// syncBuf is a buffer safe for the server's goroutines.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
