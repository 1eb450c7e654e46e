package main

import (
	"net"
	"net/http"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/resolvebot/resolvebot/adapters/metrics"
	"github.com/resolvebot/resolvebot/config"
	"github.com/resolvebot/resolvebot/internal/httpedge"
)

// httpRefused counts connections and requests the listener refused, by
// reason (see httpedge.Limits.Refused).
var httpRefused = sync.OnceValue(func() *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "resolvebot_http_refused_total",
		Help: "Connections and requests refused by the public listener's caps, by reason.",
	}, []string{"reason"})
	metrics.Default.Registry().MustRegister(c)
	return c
})

// newHTTPServer returns the public HTTP server for h with the configured
// timeouts, and ln wrapped so that slow or greedy clients cannot use up
// its connections (see internal/httpedge).
func newHTTPServer(h http.Handler, ln net.Listener, s config.Server) (*http.Server, net.Listener) {
	refused := httpRefused()
	l := httpedge.Limits{
		ReadHeaderTimeout: s.ReadHeaderTimeout, ReadTimeout: s.ReadTimeout, WriteTimeout: s.WriteTimeout, IdleTimeout: s.IdleTimeout,
		MaxHeaderBytes: s.MaxHeaderBytes, MaxBodyBytes: int64(s.MaxBodyBytes), MaxConns: s.MaxConnections,
		MaxConnsPerClient: s.MaxClientConnections, MaxBodyReadsPerClient: s.MaxClientBodyReads, TrustedProxies: s.TrustedProxies,
		Refused: func(reason string) { refused.WithLabelValues(reason).Inc() },
	}
	return httpedge.NewServer(h, l), httpedge.Listener(ln, l)
}
