package metrics

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// outboxMetrics are the delivery worker's: deliveries by kind, platform and
// outcome, and the outbox's depth and oldest age, read from the store at
// each scrape.
type outboxMetrics struct {
	deliveries *prometheus.CounterVec

	mu    sync.Mutex
	stats func() (depth int, oldest time.Time, err error)
}

func newOutboxMetrics() *outboxMetrics {
	return &outboxMetrics{deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "resolvebot_outbox_deliveries_total",
		Help: "Outbox effects handled by the delivery worker, by kind (step, message, refresh, unreached, digest, summary), platform and outcome (delivered, retry, failed).",
	}, []string{"kind", "platform", "outcome"})}
}

// collectors returns the outbox's collectors to register.
func (o *outboxMetrics) collectors() []prometheus.Collector {
	read := func(age bool) float64 {
		o.mu.Lock()
		stats := o.stats
		o.mu.Unlock()
		if stats == nil {
			return 0
		}
		depth, oldest, err := stats()
		if err != nil {
			return -1
		}
		if age {
			if oldest.IsZero() {
				return 0
			}
			return time.Since(oldest).Seconds()
		}
		return float64(depth)
	}
	return []prometheus.Collector{
		o.deliveries,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "resolvebot_outbox_depth",
			Help: "Effects waiting in the outbox to be delivered (-1 when the store cannot be read).",
		}, func() float64 { return read(false) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "resolvebot_outbox_oldest_age_seconds",
			Help: "Age of the oldest effect waiting in the outbox; 0 when it is empty (-1 when the store cannot be read).",
		}, func() float64 { return read(true) }),
	}
}

// Delivery counts one effect handled by the delivery worker: its kind, the
// platform it went to ("" when none) and the outcome ("delivered", "retry"
// or "failed"). It implements bot.DeliveryMetrics.
func (m *Metrics) Delivery(kind, platform, outcome string) {
	if m == nil {
		return
	}
	if platform == "" {
		platform = "none"
	}
	m.outbox.deliveries.WithLabelValues(kind, platform, outcome).Inc()
}

// WatchOutbox makes the outbox depth and oldest-age gauges read stats at
// each scrape, replacing any earlier function.
func (m *Metrics) WatchOutbox(stats func() (depth int, oldest time.Time, err error)) {
	if m == nil {
		return
	}
	m.outbox.mu.Lock()
	m.outbox.stats = stats
	m.outbox.mu.Unlock()
}
