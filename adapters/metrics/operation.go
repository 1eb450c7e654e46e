package metrics

import (
	"context"
	"errors"
	"net"
	"net/http"
	"regexp"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/resolvebot/resolvebot/conversation"
)

// operation holds the metrics about the bot's own workings.
type operation struct {
	buildInfo     *prometheus.GaugeVec
	passDuration  *prometheus.HistogramVec
	lastPass      prometheus.Gauge
	dueBacklog    prometheus.Gauge
	dueLag        prometheus.Gauge
	storeDuration *prometheus.HistogramVec
	casesOpen     *prometheus.GaugeVec
	casesOverdue  *prometheus.GaugeVec
	callDuration  *prometheus.HistogramVec
}

func newOperation(reg *prometheus.Registry) *operation {
	o := &operation{
		buildInfo: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "resolvebot_build_info",
			Help: "Always 1; its labels say which build is running.",
		}, []string{"version", "commit", "goversion"}),
		passDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "resolvebot_scheduler_pass_duration_seconds",
			Help:    "How long each due pass of the scheduler took, by outcome (ok or error).",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
		}, []string{"outcome"}),
		lastPass: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "resolvebot_scheduler_last_pass_timestamp_seconds",
			Help: "Unix time at which the last due pass ended.",
		}),
		dueBacklog: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "resolvebot_scheduler_due_backlog",
			Help: "Due-index entries due at the end of the last due pass and not yet handled (includes nudges held back by quiet hours or beyond one pass's batch).",
		}),
		dueLag: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "resolvebot_scheduler_lag_seconds",
			Help: "How long the oldest entry of the due backlog has been due at the end of the last due pass; 0 when none is.",
		}),
		storeDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "resolvebot_store_operation_duration_seconds",
			Help:    "Store operations by operation and outcome (ok, not_found, conflict, declined, error).",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"operation", "outcome"}),
		casesOpen: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "resolvebot_cases_open",
			Help: "Active cases (open or referred) by current stage key, as last counted by the scheduler.",
		}, []string{"stage"}),
		casesOverdue: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "resolvebot_cases_overdue",
			Help: "Active cases whose current stage is past its deadline, by stage key, as last counted by the scheduler.",
		}, []string{"stage"}),
		callDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "resolvebot_platform_call_duration_seconds",
			Help:    "Each HTTP attempt to a platform API (Slack Web API, Bot Connector, token and key endpoints) by platform, method and outcome (ok, http_4xx, http_5xx, rate_limited, conn_error, timeout, canceled).",
			Buckets: []float64{.025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"platform", "method", "outcome"}),
	}
	reg.MustRegister(o.buildInfo, o.passDuration, o.lastPass, o.dueBacklog, o.dueLag, o.storeDuration,
		o.casesOpen, o.casesOverdue, o.callDuration)
	return o
}

// BuildInfo sets resolvebot_build_info for the running build.
func (m *Metrics) BuildInfo(version, commit, goversion string) {
	if m == nil {
		return
	}
	m.op.buildInfo.Reset()
	m.op.buildInfo.WithLabelValues(version, commit, goversion).Set(1)
}

// SchedulerPass records one due pass: how long it took and whether it
// failed, and, when known (backlog >= 0), the due backlog left at its end
// and how long the oldest of it has been due.
func (m *Metrics) SchedulerPass(d time.Duration, err error, backlog int, lag time.Duration, end time.Time) {
	if m == nil {
		return
	}
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	m.op.passDuration.WithLabelValues(outcome).Observe(d.Seconds())
	m.op.lastPass.Set(float64(end.UnixNano()) / 1e9)
	if backlog >= 0 {
		m.op.dueBacklog.Set(float64(backlog))
		m.op.dueLag.Set(max(lag, 0).Seconds())
	}
}

// StoreOp records one store operation named op (such as "get_case") that
// took d and ended with err.
func (m *Metrics) StoreOp(op string, d time.Duration, err error) {
	if m == nil {
		return
	}
	m.op.storeDuration.WithLabelValues(op, StoreOutcome(err)).Observe(d.Seconds())
}

// StoreOutcome names a store result for the outcome label: "ok",
// "not_found", "conflict", "declined" (the caller's update function said
// no: invalid or forbidden) or "error" (the store failed).
func StoreOutcome(err error) string {
	if err == nil {
		return "ok"
	}
	switch code := conversation.ErrorCode(err); code {
	case conversation.ENOTFOUND, conversation.ECONFLICT:
		return code
	case conversation.EINVALID, conversation.EFORBIDDEN:
		return "declined"
	}
	return "error"
}

// Cases sets the open and overdue case counts by stage key. Stages
// missing from the maps drop out; give every stage, with 0, to keep it.
func (m *Metrics) Cases(open, overdue map[string]int) {
	if m == nil {
		return
	}
	m.op.casesOpen.Reset()
	m.op.casesOverdue.Reset()
	for k, n := range open {
		m.op.casesOpen.WithLabelValues(k).Set(float64(n))
	}
	for k, n := range overdue {
		m.op.casesOverdue.WithLabelValues(k).Set(float64(n))
	}
}

// PlatformCall records one HTTP attempt to a platform API.
func (m *Metrics) PlatformCall(platform, method, outcome string, d time.Duration) {
	if m == nil {
		return
	}
	m.op.callDuration.WithLabelValues(platform, method, outcome).Observe(d.Seconds())
}

// CallOutcome names the result of one HTTP attempt: "ok" below 400,
// "rate_limited" for 429, "http_4xx" and "http_5xx" for other refusals,
// and, when no answer came, "timeout", "canceled" or "conn_error" (refused,
// reset, DNS or TLS failures).
func CallOutcome(resp *http.Response, err error) string {
	if err != nil {
		var ne net.Error
		switch {
		case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
			return "timeout"
		case errors.Is(err, context.Canceled):
			return "canceled"
		}
		return "conn_error"
	}
	switch s := resp.StatusCode; {
	case s == http.StatusTooManyRequests:
		return "rate_limited"
	case s >= 500:
		return "http_5xx"
	case s >= 400:
		return "http_4xx"
	}
	return "ok"
}

// Transport returns a RoundTripper that sends through next (nil for
// http.DefaultTransport) and records each attempt's latency and outcome
// under platform and the method that name gives the request. name must
// return a word from a small fixed set (an API method, never an id).
func (m *Metrics) Transport(platform string, name func(*http.Request) string, next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	if m == nil {
		return next
	}
	return roundTripper(func(req *http.Request) (*http.Response, error) {
		start := time.Now()
		resp, err := next.RoundTrip(req)
		m.PlatformCall(platform, name(req), CallOutcome(resp, err), time.Since(start))
		return resp, err
	})
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// methodWord is what a method label may be: a short API method name.
var methodWord = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9._]{0,47}$`)

// SafeMethod returns name when it looks like an API method name, else
// "other", so no id or free text becomes a label.
func SafeMethod(name string) string {
	if methodWord.MatchString(name) {
		return name
	}
	return "other"
}
