package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack/socketmode"

	"github.com/resolvebot/resolvebot/adapters/slack/slackfake"
	"github.com/resolvebot/resolvebot/conversation"
)

// snapshot is what a refused request must not change.
func snapshot(t *testing.T, h *harness) string {
	t.Helper()
	ctx := context.Background()
	people, err := h.env.Store.ListPeople(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cases, err := h.env.Store.ListCases(ctx, conversation.CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range people {
		p.UpdatedAt = time.Time{}
	}
	b, _ := json.Marshal(map[string]any{"people": people, "cases": cases, "calls": len(h.fake.Calls(""))})
	return string(b)
}

func slashBody(user string) []byte {
	return []byte(url.Values{"team_id": {"T0TEAM"}, "user_id": {user}, "command": {"/resolve"}, "text": {"list"}, "trigger_id": {"t1"}}.Encode())
}

func TestRefusedRequests(t *testing.T) {
	form := "application/x-www-form-urlencoded"
	stale := time.Now().Add(-6 * time.Minute).Unix()
	big := append([]byte("text="), bytes.Repeat([]byte("a"), MaxBody)...)
	tests := []struct {
		name        string
		method      string
		contentType string
		body        []byte
		headers     func(body []byte) map[string]string
		chunked     bool
		want        int
	}{
		{"forged signature", "POST", form, slashBody(sam.ID), func(b []byte) map[string]string {
			return map[string]string{"X-Slack-Signature": slackfake.Sign("not-the-secret", time.Now().Unix(), b)}
		}, false, http.StatusUnauthorized},
		{"signature not hex", "POST", form, slashBody(sam.ID), func([]byte) map[string]string {
			return map[string]string{"X-Slack-Signature": "v0=zzzz"}
		}, false, http.StatusUnauthorized},
		{"stale signature", "POST", form, slashBody(sam.ID), func(b []byte) map[string]string {
			return map[string]string{"X-Slack-Request-Timestamp": strconv.FormatInt(stale, 10), "X-Slack-Signature": slackfake.Sign(testSecret, stale, b)}
		}, false, http.StatusUnauthorized},
		{"missing headers", "POST", form, slashBody(sam.ID), func([]byte) map[string]string {
			return map[string]string{"X-Slack-Request-Timestamp": "", "X-Slack-Signature": ""}
		}, false, http.StatusUnauthorized},
		{"missing signature", "POST", form, slashBody(sam.ID), func([]byte) map[string]string {
			return map[string]string{"X-Slack-Signature": ""}
		}, false, http.StatusUnauthorized},
		{"body over 1 MiB", "POST", form, big, nil, false, http.StatusRequestEntityTooLarge},
		{"body over 1 MiB, no length", "POST", form, big, nil, true, http.StatusRequestEntityTooLarge},
		{"payload not JSON", "POST", form, []byte("payload=%7Bnot+json"), nil, false, http.StatusBadRequest},
		{"payload without a type", "POST", form, []byte(url.Values{"payload": {`{"user":{"id":"U01SAM"}}`}}.Encode()), nil, false, http.StatusBadRequest},
		{"form with neither payload nor command", "POST", form, []byte("hello=world"), nil, false, http.StatusBadRequest},
		{"command without a user", "POST", form, []byte("command=%2Fresolve&team_id=T0TEAM"), nil, false, http.StatusBadRequest},
		{"event not JSON", "POST", "application/json", []byte(`{"type":`), nil, false, http.StatusBadRequest},
		{"unknown content type", "POST", "text/plain", []byte("hello"), nil, false, http.StatusUnsupportedMediaType},
		{"GET", "GET", form, nil, nil, false, http.StatusMethodNotAllowed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, false)
			before := snapshot(t, h)
			ts := time.Now().Unix()
			req := httptest.NewRequest(tc.method, EventsPath, bytes.NewReader(tc.body))
			if tc.chunked {
				req.ContentLength = -1
			}
			req.Header.Set("Content-Type", tc.contentType)
			req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
			req.Header.Set("X-Slack-Signature", slackfake.Sign(testSecret, ts, tc.body))
			if tc.headers != nil {
				for k, v := range tc.headers(tc.body) {
					if v == "" {
						req.Header.Del(k)
					} else {
						req.Header.Set(k, v)
					}
				}
			}
			rec := httptest.NewRecorder()
			h.handler.ServeHTTP(rec, req)
			h.ad.Wait()
			if rec.Code != tc.want {
				t.Fatalf("status %d, want %d (%s)", rec.Code, tc.want, strings.TrimSpace(rec.Body.String()))
			}
			if after := snapshot(t, h); after != before {
				t.Fatalf("a refused request changed something:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

func TestHTTPHandlerNeedsSigningSecret(t *testing.T) {
	h := newHarness(t, false)
	ad := newAdapter(nil, h.env.Router, h.env.Dispatcher, Options{})
	if _, err := ad.HTTPHandler(); err == nil {
		t.Fatal("an HTTP handler without a signing secret was served")
	}
}

func TestURLVerification(t *testing.T) {
	h := newHarness(t, false)
	r := h.postSigned("application/json", []byte(`{"token":"legacy","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`), nil)
	if r.Status != 200 || r.Raw != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Fatalf("url_verification: %d %q", r.Status, r.Raw)
	}
}

// TestRetriedEventHasOneEffect sends the same event three times, as Slack
// retries do: one App Home is published.
func TestRetriedEventHasOneEffect(t *testing.T) {
	for _, socket := range []bool{false, true} {
		h := newHarness(t, socket)
		for i := range 3 {
			hdr := map[string]string{}
			if i > 0 {
				hdr["X-Slack-Retry-Num"] = strconv.Itoa(i)
				hdr["X-Slack-Retry-Reason"] = "http_timeout"
			}
			if r := h.appHome(jo, "Ev0PV52K25", hdr); r.Status != 200 {
				t.Fatalf("socket=%v attempt %d: status %d", socket, i, r.Status)
			}
		}
		if n := len(h.fake.Calls("views.publish")); n != 1 {
			t.Fatalf("socket=%v: %d views.publish calls for one event, want 1", socket, n)
		}
	}
}

func TestSocketModeAcksEveryEnvelope(t *testing.T) {
	h := newHarness(t, true)
	// One the library could not parse: acked by its envelope id.
	raw := []byte(`{"envelope_id":"env-bad","type":"interactive","payload":{"type":42}}`)
	evt := socketEvent(t, raw)
	if evt.Type != socketmode.EventTypeErrorBadMessage {
		t.Fatalf("event type %s, want a bad message", evt.Type)
	}
	h.ad.HandleSocketEvent(context.Background(), h.acker, evt)
	if acks, ok := h.acker.get("env-bad"); !ok || len(acks) != 1 {
		t.Fatal("a message the library could not parse was not acknowledged")
	}
	// An interaction the adapter does not use is still acknowledged.
	if r := h.viaSocket(socketmode.RequestTypeInteractive, map[string]any{"type": "view_closed", "user": h.userJSON(sam), "team": h.team()}); r.Status != 200 {
		t.Fatal("view_closed was not acknowledged")
	}
	// Connection events carry no envelope and need no ack.
	for _, typ := range []socketmode.EventType{socketmode.EventTypeConnecting, socketmode.EventTypeConnected, socketmode.EventTypeHello, socketmode.EventTypeDisconnect} {
		h.ad.HandleSocketEvent(context.Background(), h.acker, socketmode.Event{Type: typ})
	}
}
