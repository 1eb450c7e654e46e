package main

import (
	"bytes"
	"fmt"
	"io"
	"mime/quotedprintable"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/adapters/email/smtptest"
)

// TestServeWebPage: with only an email section, serve serves the web page
// on its public listener, and a sign-in request is emailed by the outbox's
// worker through the configured relay, with a link to base_url that opens
// the Continue page.
func TestServeWebPage(t *testing.T) {
	clearPlatformEnv(t)
	relay := smtptest.New(t, smtptest.Options{User: "relay", Password: "relay-secret"})
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(ca, relay.CertPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	cfg := filepath.Join(dir, "resolvebot.yaml")
	yaml := fmt.Sprintf("email:\n  host: %s\n  port: %d\n  from: resolvebot@partnership.example.org\n  user: relay\n  base_url: http://%s\n  ca_file: %s\n",
		relay.Host, relay.Port, addr, ca)
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("RESOLVEBOT_SMTP_PASSWORD", "relay-secret")
	s := &server{t: t, addr: addr, admin: freeAddr(t), client: &http.Client{Timeout: 2 * time.Second}, stderr: &syncBuf{}, done: make(chan int, 1)}
	s, resp := startServeOn(t, s, "/readyz", "--config", cfg, "--data", filepath.Join(dir, "rb.db"))
	resp.Body.Close()

	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 5 * time.Second}
	get := func(path string) string {
		t.Helper()
		r, err := c.Get(s.url(path))
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("GET %s = %d: %s", path, r.StatusCode, b)
		}
		return string(b)
	}
	page := get("/web/sign-in")
	if !strings.Contains(page, "Work email address") {
		t.Fatalf("sign-in page:\n%s", page)
	}
	get("/web/static/style.css")
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)[1]
	// The example directory's partnership manager is known.
	r, err := c.PostForm(s.url("/web/sign-in"), url.Values{"csrf": {csrf}, "email": {"partnership.manager@example.org"}})
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	var link string
	for range 100 {
		for _, m := range relay.Messages() {
			body, _ := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(m.Data)))
			link = regexp.MustCompile(`http://` + regexp.QuoteMeta(addr) + `/web/sign-in/link\?t=[A-Za-z0-9_-]+`).FindString(string(body))
		}
		if link != "" {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if link == "" {
		t.Fatalf("no sign-in email arrived; logs:\n%s", s.stderr.String())
	}
	if p := get(strings.TrimPrefix(link, "http://"+addr)); !strings.Contains(p, "Continue") {
		t.Fatalf("the link's page:\n%s", p)
	}
	if code := s.stop(); code != 0 {
		t.Errorf("exit code %d: %s", code, s.stderr.String())
	}
}
