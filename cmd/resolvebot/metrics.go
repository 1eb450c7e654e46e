package main

import (
	"context"
	"net/http"

	"github.com/resolvebot/resolvebot/adapters/metrics"
	"github.com/resolvebot/resolvebot/config"
)

func init() { platforms = append(platforms, mountMetrics) }

// mountMetrics serves GET /metrics (Prometheus) for every adapter. It is a
// platform hook only so that it reaches serve's mux; it starts nothing.
func mountMetrics(_ context.Context, _ *app, _ *config.Config, mux *http.ServeMux) (func(), error) {
	mux.Handle("GET /metrics", metrics.Default.Handler())
	return nil, nil
}
