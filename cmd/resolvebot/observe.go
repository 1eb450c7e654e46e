package main

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/resolvebot/resolvebot/adapters/metrics"
	slackadapter "github.com/resolvebot/resolvebot/adapters/slack"
	"github.com/resolvebot/resolvebot/adapters/teams"
	"github.com/resolvebot/resolvebot/config"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/redisstore"
	"github.com/resolvebot/resolvebot/internal/storeobs"
	"github.com/resolvebot/resolvebot/internal/tracing"
	"github.com/resolvebot/resolvebot/scheduler"
)

// This file wires the bot's own metrics (the build, the store's operation
// latency, the scheduler's passes and case counts, the latency of every
// call to a platform API) and its tracing (spans for inbound requests,
// store calls, Redis commands and platform calls, exported only when the
// OTEL_* environment turns tracing on).

// startTracing exports spans over OTLP when cfg.Tracing says so; the
// returned stop flushes them. With tracing off it does nothing, and the
// spans the bot makes are not recorded.
func startTracing(ctx context.Context, cfg *config.Config, log *slog.Logger) (stop func(), err error) {
	if !cfg.Tracing.Enabled {
		return func() {}, nil
	}
	shutdown, err := tracing.Start(ctx, tracing.Options{ServiceName: cfg.Tracing.ServiceName, Version: currentBuild().Version})
	if err != nil {
		return nil, err
	}
	log.Info("tracing on: OTLP over HTTP", "service", cfg.Tracing.ServiceName)
	return func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := shutdown(sctx); err != nil {
			log.Warn("flush traces", "err", err)
		}
	}, nil
}

// publicHandler traces each request to the public listener.
func publicHandler(mux *http.ServeMux) http.Handler {
	return tracing.Handler(mux, map[string]string{slackadapter.EventsPath: slackadapter.Platform, teamsPath: teams.Platform})
}

// traceRedis traces the Redis store's commands, without their arguments.
func traceRedis(s *redisstore.Store) error { return tracing.InstrumentRedis(s.Client(), nil) }

// observeStore measures every operation of store in
// resolvebot_store_operation_duration_seconds.
func observeStore(store conversation.Store) conversation.Store {
	return storeobs.Wrap(store, metrics.Default.StoreOp)
}

// observeScheduler reports the scheduler's passes and case counts, and
// the build, to the metrics.
func observeScheduler(s *scheduler.Scheduler) {
	b := currentBuild()
	commit := b.Commit
	if commit == "" {
		commit = "unknown"
	} else if b.Modified {
		commit += "-dirty"
	}
	metrics.Default.BuildInfo(b.Version, commit, b.Go)
	s.Observe = schedulerMetrics{metrics.Default}
}

// schedulerMetrics is a scheduler.Observer that sets the scheduler gauges.
type schedulerMetrics struct{ m *metrics.Metrics }

func (o schedulerMetrics) DuePass(s scheduler.PassStats) {
	o.m.SchedulerPass(s.Duration, s.Err, s.Backlog, s.Lag, s.End)
}

func (o schedulerMetrics) Cases(c scheduler.CaseCounts) { o.m.Cases(c.Open, c.Overdue) }

// platformClient is the HTTP client for calls to a platform's APIs: each
// attempt is measured by method (from name) and outcome, and traced.
func platformClient(platform string, name func(*http.Request) string, base *http.Client) *http.Client {
	c := *base
	c.Transport = tracing.Transport(platform, name, metrics.Default.Transport(platform, name, base.Transport))
	return &c
}
