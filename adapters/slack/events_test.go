package slack

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/resolvebot/resolvebot/adapters/slack/slackfake"
	"github.com/resolvebot/resolvebot/conversation"
)

// logBuffer is a log destination safe for the adapter's goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// newLoggedHarness is a harness whose adapter logs, at debug level, to
// the returned buffer.
func newLoggedHarness(t *testing.T) (*harness, *logBuffer) {
	t.Helper()
	h := newHarness(t, false)
	logs := &logBuffer{}
	client := slack.New("xoxb-test-token", slack.OptionAPIURL(h.fake.URL()))
	ad := New(client, h.env.Router, h.env.Dispatcher, Options{SigningSecret: testSecret, Now: h.env.Clock.Now, Metrics: h.metrics,
		Log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	handler, err := ad.HTTPHandler()
	if err != nil {
		t.Fatal(err)
	}
	h.ad, h.handler = ad, handler
	return h, logs
}

// TestPayloadsSlackExpectsAcceptedGet200: Slack's certificate check, its
// rate-limit notice and events the bot does not know are answered 200
// (Slack counts anything else as a failure, retries, and in the end turns
// the app's events off), and change nothing. Each got 400 before.
func TestPayloadsSlackExpectsAcceptedGet200(t *testing.T) {
	form, js := "application/x-www-form-urlencoded", "application/json"
	unsigned := map[string]string{"X-Slack-Signature": "", "X-Slack-Request-Timestamp": ""}
	tests := []struct {
		name        string
		contentType string
		body        string
		headers     map[string]string
		wantLog     []string
	}{
		{"ssl_check, signed", form, "ssl_check=1&token=legacy-verification-token", nil, nil},
		{"ssl_check, unsigned", form, "ssl_check=1&token=legacy-verification-token", unsigned, nil},
		{"app_rate_limited", js, `{"token":"legacy","type":"app_rate_limited","team_id":"T0TEAM","minute_rate_limited":1518467820,"api_app_id":"A0APP"}`, nil,
			[]string{"level=WARN", "rate limiting", "minute_rate_limited=1518467820", "since=2018-02-12T20:37:00Z", "team=T0TEAM"}},
		{"event the SDK does not know", js, `{"token":"legacy","team_id":"T0TEAM","api_app_id":"A0APP","type":"event_callback","event_id":"Ev0NEW",` +
			`"event_time":1790000000,"event":{"type":"some_future_event","user":"U01SAM","text":"about the child"}}`, nil,
			[]string{"level=DEBUG", "slack event ignored", "type=some_future_event"}},
		{"outer type the bot does not know", js, `{"token":"legacy","type":"something_else","team_id":"T0TEAM"}`, nil,
			[]string{"slack event ignored", "type=something_else"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, logs := newLoggedHarness(t)
			before := snapshot(t, h)
			r := h.postSigned(tc.contentType, []byte(tc.body), tc.headers)
			if r.Status != http.StatusOK {
				t.Fatalf("status %d, want 200 (%s)", r.Status, strings.TrimSpace(r.Raw))
			}
			if after := snapshot(t, h); after != before {
				t.Errorf("it changed something:\nbefore %s\nafter  %s", before, after)
			}
			out := logs.String()
			for _, w := range tc.wantLog {
				if !strings.Contains(out, w) {
					t.Errorf("log lacks %q:\n%s", w, out)
				}
			}
			if strings.Contains(out, "about the child") || strings.Contains(out, "legacy") {
				t.Errorf("the log holds the request's body:\n%s", out)
			}
		})
	}
}

// TestUnsignedEventsStillRefused: the payloads above are accepted only as
// Slack sends them: an unsigned rate-limit notice or unknown event is
// refused like any other, and an ssl_check that carries a command is a
// command, verified.
func TestUnsignedEventsStillRefused(t *testing.T) {
	unsigned := map[string]string{"X-Slack-Signature": "", "X-Slack-Request-Timestamp": ""}
	tests := []struct{ name, contentType, body string }{
		{"app_rate_limited", "application/json", `{"type":"app_rate_limited","team_id":"T0TEAM","minute_rate_limited":1518467820}`},
		{"unknown event", "application/json", `{"type":"event_callback","event":{"type":"some_future_event"}}`},
		{"ssl_check with a command", "application/x-www-form-urlencoded", "ssl_check=1&" + string(slashBody(sam.ID))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, false)
			if r := h.postSigned(tc.contentType, []byte(tc.body), unsigned); r.Status != http.StatusUnauthorized {
				t.Errorf("status %d, want 401", r.Status)
			}
		})
	}
}

// TestRefusalsLoggedWithReason: every 4xx the endpoint answers is logged
// at info level with its status and reason, so an operator can see why
// Slack is unhappy, and never with anything from the body.
func TestRefusalsLoggedWithReason(t *testing.T) {
	const marker = "CR-2026-0001-the-child"
	form := "application/x-www-form-urlencoded"
	tests := []struct {
		name        string
		method      string
		contentType string
		body        string
		headers     map[string]string
		status      int
		reason      string
	}{
		{"forged signature", "POST", form, "command=%2Fresolve&text=" + marker, map[string]string{"X-Slack-Signature": "v0=00"}, 401, "request not verified: invalid signature"},
		{"wrong secret", "POST", form, "command=%2Fresolve&text=" + marker,
			map[string]string{"X-Slack-Signature": slackfake.Sign("not-the-secret", time.Now().Unix(), []byte("command=%2Fresolve&text="+marker))}, 401, "request not verified: bad signature"},
		{"no signature", "POST", form, "command=%2Fresolve&text=" + marker, map[string]string{"X-Slack-Signature": "", "X-Slack-Request-Timestamp": ""}, 401, "request not verified: missing headers"},
		{"malformed event", "POST", "application/json", `{"type":"event_callback","event":"` + marker, nil, 400, "malformed event"},
		{"malformed payload", "POST", form, url.Values{"payload": {`{"text":"` + marker + `"}`}}.Encode(), nil, 400, "malformed payload"},
		{"command without a user", "POST", form, "command=%2Fresolve&team_id=T0TEAM&text=" + marker, nil, 400, "malformed command"},
		{"unknown form", "POST", form, "note=" + marker, nil, 400, "unknown request"},
		{"unsupported content type", "POST", "text/plain", marker, nil, 415, "unsupported content type"},
		{"GET", "GET", form, "", nil, 405, "method not allowed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, logs := newLoggedHarness(t)
			var r response
			if tc.method == "POST" {
				r = h.postSigned(tc.contentType, []byte(tc.body), tc.headers)
			} else {
				rec := httptest.NewRecorder()
				h.handler.ServeHTTP(rec, httptest.NewRequest(tc.method, EventsPath, nil))
				r.Status = rec.Code
			}
			if r.Status != tc.status {
				t.Fatalf("status %d, want %d", r.Status, tc.status)
			}
			out := logs.String()
			var line string
			for _, l := range strings.Split(out, "\n") {
				if strings.Contains(l, "slack request refused") {
					line = l
				}
			}
			if !strings.Contains(line, "level=INFO") || !strings.Contains(line, "status="+strconv.Itoa(tc.status)) ||
				!strings.Contains(line, `reason="`+tc.reason+`"`) {
				t.Errorf("no info line with status %d and reason %q:\n%s", tc.status, tc.reason, out)
			}
			if strings.Contains(out, marker) {
				t.Errorf("the log holds the request's body:\n%s", out)
			}
		})
	}
}

// TestUnknownButtonAnswered: a press the bot's cards never send — an
// unknown action id, a case button with no case or an unknown step, a
// "View full case" with no case — is answered privately and calmly and
// changes nothing. It was met with silence.
func TestUnknownButtonAnswered(t *testing.T) {
	tests := []struct{ name, actionID, value string }{
		{"unknown action id", "something_else", "x"},
		{"case button with no case", "rb_acknowledge", "acknowledge||3"},
		{"unknown step", "rb_frobnicate", "frobnicate|CR-2026-0001|3"},
		{"value that is not a button's", "rb_acknowledge", "hello"},
		{"view with no case", actionView, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, false)
			ch := sam.DM()
			r := h.interact(map[string]any{
				"type": "block_actions", "user": h.userJSON(sam), "api_app_id": "A0APP", "team": h.team(),
				"container":  map[string]any{"type": "message", "message_ts": "1790000000.000100", "channel_id": ch},
				"channel":    map[string]any{"id": ch, "name": "directmessage"},
				"trigger_id": "trig-u",
				"actions": []any{map[string]any{"action_id": tc.actionID, "block_id": "actions", "type": "button", "value": tc.value,
					"action_ts": "1790000000.1"}},
			})
			if r.Status != http.StatusOK {
				t.Fatalf("status %d", r.Status)
			}
			var told []string
			for _, c := range h.fake.Calls("chat.postEphemeral") {
				told = append(told, c.Text+c.Blocks)
			}
			if len(told) != 1 || !strings.Contains(told[0], "That button isn't one I know") {
				t.Errorf("ephemeral answers = %q", told)
			}
			if n := len(h.fake.Calls("chat.postMessage")) + len(h.fake.Calls("views.open")); n != 0 {
				t.Errorf("%d messages or views besides the answer", n)
			}
			if cases, err := h.env.Store.ListCases(context.Background(), conversation.CaseFilter{}); err != nil || len(cases) != 0 {
				t.Errorf("cases after the press: %d (%v)", len(cases), err)
			}
		})
	}
}
