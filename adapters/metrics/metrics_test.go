package metrics

import (
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestMetrics(t *testing.T) {
	var none *Metrics // a nil set records nothing and does not panic
	none.Request("slack", "command", 200)
	none.Ack("slack", "command", time.Millisecond)
	none.Command("slack", "acknowledge", "ok")
	none.Call("slack", "chat.update", "", nil)

	m := New()
	m.Request("slack", "command", 200)
	m.Ack("slack", "command", 20*time.Millisecond)
	m.Command("teams", "acknowledge", "forbidden")
	m.Call("slack", "chat.update", "", nil)
	m.Call("slack", "chat.update", "rate_limited", errors.New("429"))
	m.Call("slack", "views.open", "", errors.New("boom"))
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		`resolvebot_requests_total{platform="slack",route="command",status="200"} 1`,
		`resolvebot_ack_latency_seconds_count{platform="slack",route="command"} 1`,
		`resolvebot_engine_commands_total{kind="acknowledge",outcome="forbidden",platform="teams"} 1`,
		`resolvebot_platform_calls_total{method="chat.update",platform="slack"} 2`,
		`resolvebot_platform_call_errors_total{method="chat.update",platform="slack",reason="rate_limited"} 1`,
		`resolvebot_platform_call_errors_total{method="views.open",platform="slack",reason="error"} 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}
