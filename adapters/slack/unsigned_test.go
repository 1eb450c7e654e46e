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
// bot read (or wait for) a body; of a form, which might be an unsigned
// ssl_check, no more than an ssl_check's few bytes are read.
func TestUnsignedBodyIsNotRead(t *testing.T) {
	stale := time.Now().Add(-6 * time.Minute).Unix()
	now := strconv.FormatInt(time.Now().Unix(), 10)
	form, event := "application/x-www-form-urlencoded", "application/json"
	bigForm := append(slashBody(sam.ID), bytes.Repeat([]byte("&text=a"), (MaxBody-1000)/7)...)
	event1 := []byte(`{"type":"event_callback","event":{"type":"app_mention","user":"U01SAM","text":"hi"}}`)
	tests := []struct {
		name        string
		contentType string
		body        []byte
		headers     map[string]string
		maxRead     int
	}{
		{"event, no signature headers", event, event1, map[string]string{}, 0},
		{"event, no signature", event, event1, map[string]string{"X-Slack-Request-Timestamp": now}, 0},
		{"event, stale timestamp", event, event1, map[string]string{"X-Slack-Request-Timestamp": strconv.FormatInt(stale, 10),
			"X-Slack-Signature": slackfake.Sign(testSecret, stale, event1)}, 0},
		{"large form, no signature headers", form, bigForm, map[string]string{}, maxSSLCheck + 1},
		{"large form, stale timestamp", form, bigForm, map[string]string{"X-Slack-Request-Timestamp": strconv.FormatInt(stale, 10),
			"X-Slack-Signature": slackfake.Sign(testSecret, stale, bigForm)}, maxSSLCheck + 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, false)
			body := &countingBody{r: bytes.NewReader(tc.body)}
			req := httptest.NewRequest(http.MethodPost, EventsPath, body)
			req.ContentLength = -1 // as a sender that gives no length
			req.Header.Set("Content-Type", tc.contentType)
			for k, v := range tc.headers {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			h.handler.ServeHTTP(rec, req)
			if rec.Code != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401", rec.Code)
			}
			if body.read > tc.maxRead {
				t.Fatalf("%d bytes of an unsigned %d-byte body were read; at most %d may be", body.read, len(tc.body), tc.maxRead)
			}
		})
	}
}
