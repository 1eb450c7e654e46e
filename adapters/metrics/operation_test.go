package metrics

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
)

// TestTransportOutcomes: each attempt through Transport is counted by
// method and outcome, with refusals by class and connection failures and
// timeouts told apart from HTTP errors.
func TestTransportOutcomes(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/slow":
			time.Sleep(200 * time.Millisecond)
		case "/429":
			w.WriteHeader(http.StatusTooManyRequests)
		case "/404":
			w.WriteHeader(http.StatusNotFound)
		case "/502":
			w.WriteHeader(http.StatusBadGateway)
		}
	}))
	defer srv.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()

	m := New()
	c := &http.Client{Transport: m.Transport("slack", func(r *http.Request) string { return strings.TrimPrefix(r.URL.Path, "/") }, nil)}
	tests := []struct {
		url     string
		timeout time.Duration
		label   string
	}{
		{srv.URL + "/ok", 0, `method="ok",outcome="ok"`},
		{srv.URL + "/429", 0, `method="429",outcome="rate_limited"`},
		{srv.URL + "/404", 0, `method="404",outcome="http_4xx"`},
		{srv.URL + "/502", 0, `method="502",outcome="http_5xx"`},
		{closedURL + "/refused", 0, `method="refused",outcome="conn_error"`},
		{srv.URL + "/slow", 20 * time.Millisecond, `method="slow",outcome="timeout"`},
	}
	for _, tt := range tests {
		ctx := context.Background()
		if tt.timeout > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, tt.timeout)
			defer cancel()
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, tt.url, nil)
		if resp, err := c.Do(req); err == nil {
			resp.Body.Close()
		}
	}
	body := scrape(t, m)
	for _, tt := range tests {
		want := `resolvebot_platform_call_duration_seconds_count{` + tt.label + `,platform="slack"} 1`
		if !strings.Contains(body, want) {
			t.Errorf("scrape lacks %s", want)
		}
	}
}

// TestOperationMetrics: build info, scheduler passes, store operations
// and case counts appear under their documented names.
func TestOperationMetrics(t *testing.T) {
	var none *Metrics // records nothing and does not panic
	none.BuildInfo("v1", "abc", "go1.26")
	none.SchedulerPass(time.Second, nil, 1, time.Second, time.Now())
	none.StoreOp("get_case", time.Millisecond, nil)
	none.Cases(map[string]int{"manager": 1}, nil)
	none.PlatformCall("slack", "chat.update", "ok", time.Millisecond)

	m := New()
	m.BuildInfo("v1.2.3", "abc123", "go1.26.8")
	m.SchedulerPass(300*time.Millisecond, nil, 3, 90*time.Second, time.Unix(1790000000, 0))
	m.SchedulerPass(time.Second, errors.New("boom"), -1, 0, time.Unix(1790000060, 0)) // backlog unknown: gauges keep their values
	m.StoreOp("get_case", time.Millisecond, nil)
	m.StoreOp("get_case", time.Millisecond, conversation.NotFound("error.store.no_record", nil))
	m.StoreOp("update_case", time.Millisecond, conversation.Forbidden("refusal.lead_reads_only", nil))
	m.StoreOp("update_case", time.Millisecond, errors.New("redis down"))
	m.Cases(map[string]int{"professional": 2, "manager": 0}, map[string]int{"professional": 1, "manager": 0})
	body := scrape(t, m)
	for _, want := range []string{
		`resolvebot_build_info{commit="abc123",goversion="go1.26.8",version="v1.2.3"} 1`,
		`resolvebot_scheduler_pass_duration_seconds_count{outcome="ok"} 1`,
		`resolvebot_scheduler_pass_duration_seconds_count{outcome="error"} 1`,
		`resolvebot_scheduler_last_pass_timestamp_seconds 1.79000006e+09`,
		`resolvebot_scheduler_due_backlog 3`,
		`resolvebot_scheduler_lag_seconds 90`,
		`resolvebot_store_operation_duration_seconds_count{operation="get_case",outcome="ok"} 1`,
		`resolvebot_store_operation_duration_seconds_count{operation="get_case",outcome="not_found"} 1`,
		`resolvebot_store_operation_duration_seconds_count{operation="update_case",outcome="declined"} 1`,
		`resolvebot_store_operation_duration_seconds_count{operation="update_case",outcome="error"} 1`,
		`resolvebot_cases_open{stage="professional"} 2`,
		`resolvebot_cases_open{stage="manager"} 0`,
		`resolvebot_cases_overdue{stage="professional"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("scrape lacks %s", want)
		}
	}
}

func TestSafeMethod(t *testing.T) {
	for in, want := range map[string]string{
		"chat.postMessage": "chat.postMessage", "get_member": "get_member", "": "other",
		"CR-2026-0001": "other", "a b": "other", strings.Repeat("a", 49): "other", "users.lookupByEmail?x": "other",
	} {
		if got := SafeMethod(in); got != want {
			t.Errorf("SafeMethod(%q) = %q, want %q", in, got, want)
		}
	}
}
