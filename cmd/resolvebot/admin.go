package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/resolvebot/resolvebot/adapters/metrics"
	"github.com/resolvebot/resolvebot/config"
)

// This file holds the admin listener: /metrics, /healthz, /readyz and
// /debug/pprof on their own address (admin_addr, default 127.0.0.1:9090),
// apart from the public listener that Slack and the Bot Framework reach.

// readyCheck is one thing /readyz checks: it returns "" when all is well,
// else the line to answer with 503 ("store not answering"). Checks run in
// order with a shared 2 s budget; the first failure answers.
type readyCheck func(ctx context.Context, a *app) (problem string)

// storeAnswers is the check that the store answers a ping.
func storeAnswers(ctx context.Context, a *app) string {
	if err := a.store.Ping(ctx); err != nil {
		return storeProblem(a.log, err)
	}
	return ""
}

// readyNotes are the lines /readyz adds after "ready", such as a platform
// running without authentication.
func (a *app) readyNotes() []string {
	var notes []string
	if a.teamsInsecure.Load() {
		notes = append(notes, "warning: teams.insecure_no_auth is on: Teams requests are NOT authenticated")
	}
	return notes
}

// adminMux returns the admin listener's routes: Prometheus metrics,
// liveness, readiness (readyChecks, then readyNotes) and the Go profiler.
func (a *app) adminMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics.Default.Handler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", a.readyz)
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("POST /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	return mux
}

// readyz answers 200 "ready" and any notes when every check passes, else
// 503 naming the first check that failed.
func (a *app) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	for _, check := range readyChecks() {
		if problem := check(ctx, a); problem != "" {
			http.Error(w, problem, http.StatusServiceUnavailable)
			return
		}
	}
	w.Write([]byte("ready\n"))
	for _, note := range a.readyNotes() {
		w.Write([]byte(note + "\n"))
	}
}

// startAdmin listens on addr and serves the admin routes until the
// returned stop is called. With addr "" (admin_addr: off) it starts
// nothing and stop does nothing. Returns an error when addr cannot be
// listened on.
func (a *app) startAdmin(addr string, log *slog.Logger) (stop func(), err error) {
	if addr == "" {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("admin listener on %s (admin_addr; %q turns it off): %w", addr, config.AdminOff, err)
	}
	srv := &http.Server{Handler: a.adminMux(), ReadHeaderTimeout: 10 * time.Second}
	log.Info("admin listener", "addr", ln.Addr().String(), "serves", "/metrics /healthz /readyz /debug/pprof")
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("admin listener stopped", "err", err)
		}
	}()
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			srv.Close()
		}
		<-done
	}, nil
}

// adminOffFlag turns an explicit --admin-addr "" into "off", so an empty
// flag turns the admin listener off rather than meaning "not given".
func adminOffFlag(fs *flag.FlagSet, opts *config.Options) {
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "admin-addr" && opts.AdminAddr == "" {
			opts.AdminAddr = config.AdminOff
		}
	})
}
