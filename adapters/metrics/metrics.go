// Package metrics holds the Prometheus metrics that every chat adapter
// reports: requests by route and status, how long acknowledgements take,
// engine commands by kind and outcome, and calls to platform APIs with their
// errors. Labels carry only routes, kinds, codes and method names: never case
// content, ids or people.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics is one set of adapter metrics on its own registry. A nil *Metrics
// records nothing, so adapters may run without metrics.
type Metrics struct {
	reg        *prometheus.Registry
	requests   *prometheus.CounterVec
	ackLatency *prometheus.HistogramVec
	commands   *prometheus.CounterVec
	calls      *prometheus.CounterVec
	callErrors *prometheus.CounterVec
	outbox     *outboxMetrics
}

// Default is the process-wide set that serve exposes on GET /metrics.
var Default = New()

// New returns a fresh set of metrics on its own registry, with the Go
// runtime and process collectors added.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "resolvebot_requests_total",
			Help: "Inbound platform requests by platform, route and HTTP status.",
		}, []string{"platform", "route", "status"}),
		ackLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "resolvebot_ack_latency_seconds",
			Help:    "Time from receiving a platform request to acknowledging it.",
			Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2, 3, 5},
		}, []string{"platform", "route"}),
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "resolvebot_engine_commands_total",
			Help: "Commands passed to the engine by kind (verb, form or typed command) and outcome.",
		}, []string{"platform", "kind", "outcome"}),
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "resolvebot_platform_calls_total",
			Help: "Outbound calls to platform APIs by platform and method.",
		}, []string{"platform", "method"}),
		callErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "resolvebot_platform_call_errors_total",
			Help: "Outbound platform API calls that failed, by platform, method and reason.",
		}, []string{"platform", "method", "reason"}),
	}
	m.reg.MustRegister(m.requests, m.ackLatency, m.commands, m.calls, m.callErrors,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.outbox = newOutboxMetrics()
	m.reg.MustRegister(m.outbox.collectors()...)
	return m
}

// Registry returns the registry the metrics are on, for tests and for
// adding more collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler returns the HTTP handler that serves the metrics in the
// Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Request counts one inbound request on route answered with status.
func (m *Metrics) Request(platform, route string, status int) {
	if m == nil {
		return
	}
	m.requests.WithLabelValues(platform, route, strconv.Itoa(status)).Inc()
}

// Ack records how long a request on route took to acknowledge.
func (m *Metrics) Ack(platform, route string, d time.Duration) {
	if m == nil {
		return
	}
	m.ackLatency.WithLabelValues(platform, route).Observe(d.Seconds())
}

// Command counts one engine command of kind with its outcome, such as "ok"
// or an error code. Keep kind to a fixed set (verbs, form keys, command
// words) so the label stays small.
func (m *Metrics) Command(platform, kind, outcome string) {
	if m == nil {
		return
	}
	m.commands.WithLabelValues(platform, kind, outcome).Inc()
}

// Call counts one outbound API call of method and, when err is not nil, an
// error with reason (a short, fixed word such as "rate_limited" or
// "timeout").
func (m *Metrics) Call(platform, method, reason string, err error) {
	if m == nil {
		return
	}
	m.calls.WithLabelValues(platform, method).Inc()
	if err != nil {
		if reason == "" {
			reason = "error"
		}
		m.callErrors.WithLabelValues(platform, method, reason).Inc()
	}
}
