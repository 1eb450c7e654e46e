package metrics

import (
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	return string(body)
}

func TestOutboxMetrics(t *testing.T) {
	var none *Metrics
	none.Delivery("message", "slack", "delivered")
	none.WatchOutbox(nil)

	m := New()
	if body := scrape(t, m); !strings.Contains(body, "resolvebot_outbox_depth 0") {
		t.Errorf("with no outbox watched the depth is not 0:\n%s", body)
	}
	m.Delivery("message", "slack", "delivered")
	m.Delivery("message", "slack", "delivered")
	m.Delivery("refresh", "", "retry")
	oldest := time.Now().Add(-90 * time.Second)
	m.WatchOutbox(func() (int, time.Time, error) { return 7, oldest, nil })
	body := scrape(t, m)
	for _, want := range []string{
		`resolvebot_outbox_deliveries_total{kind="message",outcome="delivered",platform="slack"} 2`,
		`resolvebot_outbox_deliveries_total{kind="refresh",outcome="retry",platform="none"} 1`,
		"resolvebot_outbox_depth 7",
		"resolvebot_outbox_oldest_age_seconds 9", // 90.x seconds
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	m.WatchOutbox(func() (int, time.Time, error) { return 0, time.Time{}, errors.New("store down") })
	if body := scrape(t, m); !strings.Contains(body, "resolvebot_outbox_depth -1") || !strings.Contains(body, "resolvebot_outbox_oldest_age_seconds -1") {
		t.Errorf("an unreadable store is not shown as -1:\n%s", body)
	}
}
