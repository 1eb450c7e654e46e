package main

import (
	"net/http"
	"runtime"
	"runtime/debug"

	"github.com/resolvebot/resolvebot/adapters/metrics"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/internal/storeobs"
	"github.com/resolvebot/resolvebot/scheduler"
)

// This file wires the bot's own metrics: the build, the store's operation
// latency, the scheduler's passes and case counts, and the latency of
// every call to a platform API.

// observeStore measures every operation of store in
// resolvebot_store_operation_duration_seconds.
func observeStore(store conversation.Store) conversation.Store {
	return storeobs.Wrap(store, metrics.Default.StoreOp)
}

// observeScheduler reports the scheduler's passes and case counts, and
// the build, to the metrics.
func observeScheduler(s *scheduler.Scheduler) {
	metrics.Default.BuildInfo(buildVersion(), vcsCommit(), runtime.Version())
	s.Observe = schedulerMetrics{metrics.Default}
}

// schedulerMetrics is a scheduler.Observer that sets the scheduler gauges.
type schedulerMetrics struct{ m *metrics.Metrics }

func (o schedulerMetrics) DuePass(s scheduler.PassStats) {
	o.m.SchedulerPass(s.Duration, s.Err, s.Backlog, s.Lag, s.End)
}

func (o schedulerMetrics) Cases(c scheduler.CaseCounts) { o.m.Cases(c.Open, c.Overdue) }

// platformClient is the HTTP client for calls to a platform's APIs: each
// attempt is measured by method (from name) and outcome.
func platformClient(platform string, name func(*http.Request) string, base *http.Client) *http.Client {
	c := *base
	c.Transport = metrics.Default.Transport(platform, name, base.Transport)
	return &c
}

// vcsCommit is the commit the binary was built from ("-dirty" when the
// tree had changes), or "unknown".
func vcsCommit() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "-dirty"
			}
		}
	}
	if rev == "" {
		return "unknown"
	}
	return rev + dirty
}
