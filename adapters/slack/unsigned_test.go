package slack

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/adapters/slack/slackfake"
)

// countingBody counts the bytes read from a request body.
type countingBody struct {
	r    *bytes.Reader
	read int
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.read += n
	return n, err
}

func (b *countingBody) Close() error { return nil }

// A request without the signature headers, or with a stale timestamp, is
// refused before its body is read, so an unsigned sender cannot make the
// bot read (or wait for) a body at all.
func TestUnsignedBodyIsNotRead(t *testing.T) {
	stale := time.Now().Add(-6 * time.Minute).Unix()
	tests := []struct {
		name    string
		headers map[string]string
	}{
		{"no signature headers", map[string]string{}},
		{"no signature", map[string]string{"X-Slack-Request-Timestamp": strconv.FormatInt(time.Now().Unix(), 10)}},
		{"stale timestamp", map[string]string{"X-Slack-Request-Timestamp": strconv.FormatInt(stale, 10),
			"X-Slack-Signature": slackfake.Sign(testSecret, stale, slashBody(sam.ID))}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, false)
			body := &countingBody{r: bytes.NewReader(slashBody(sam.ID))}
			req := httptest.NewRequest(http.MethodPost, EventsPath, body)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range tc.headers {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			h.handler.ServeHTTP(rec, req)
			if rec.Code != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401", rec.Code)
			}
			if body.read != 0 {
				t.Fatalf("%d bytes of an unsigned body were read", body.read)
			}
		})
	}
}
