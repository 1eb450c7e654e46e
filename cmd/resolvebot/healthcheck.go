package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/resolvebot/resolvebot/config"
)

const healthcheckUsage = `Usage: resolvebot healthcheck [--ready] [--url URL] [--timeout 5s]

Asks a running resolvebot whether it is healthy and exits 0 when it answers
200, 1 otherwise: for container health checks, where there is no curl.

It asks /healthz (the process is up) or, with --ready, /readyz (the store
answers too) on this machine at the configured admin listener
(--admin-addr, RESOLVEBOT_ADMIN_ADDR or admin_addr in the file; default
127.0.0.1:9090). --url asks another URL.

Flags:
  --ready        ask /readyz instead of /healthz
  --url URL      the whole URL to ask, instead of the listen address
  --timeout D    give up after D (default 5s)
  --config FILE  configuration file (or RESOLVEBOT_CONFIG), for addr
  --admin-addr ADDR
                 admin listen address of the serve to ask
`

// healthcheckCommand is `resolvebot healthcheck`.
func healthcheckCommand(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("healthcheck", healthcheckUsage, stderr)
	var opts config.Options
	fs.StringVar(&opts.Path, "config", "", "configuration file")
	fs.StringVar(&opts.AdminAddr, "admin-addr", "", "admin listen address")
	ready := fs.Bool("ready", false, "ask /readyz")
	target := fs.String("url", "", "URL to ask")
	timeout := fs.Duration("timeout", 5*time.Second, "time limit")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "resolvebot healthcheck takes no arguments.\n\n%s", healthcheckUsage)
		return 2
	}
	u := *target
	if u == "" {
		cfg, _, ok := loadConfig(opts, stderr)
		if !ok {
			return 1
		}
		path := "/healthz"
		if *ready {
			path = "/readyz"
		}
		if cfg.AdminAddr == "" {
			fmt.Fprintf(stderr, "resolvebot healthcheck: the admin listener is off (admin_addr: %s), so there is nothing to ask; turn it on or give --url\n", config.AdminOff)
			return 2
		}
		u = "http://" + localAddr(cfg.AdminAddr) + path
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		fmt.Fprintf(stderr, "resolvebot healthcheck: %v\n", err)
		return 2
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "unhealthy: %v\n", err)
		return 1
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "unhealthy: %s answered %s: %s", u, resp.Status, body)
		return 1
	}
	fmt.Fprintf(stdout, "%s", body)
	return 0
}

// localAddr turns a listen address into one to dial on this machine: an
// empty or unspecified host (":3978", "0.0.0.0:3978", "[::]:3978") becomes
// the loopback address.
func localAddr(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return listen
	}
	switch ip := net.ParseIP(host); {
	case host == "" || (ip != nil && ip.IsUnspecified() && ip.To4() != nil):
		host = "127.0.0.1"
	case ip != nil && ip.IsUnspecified():
		host = "::1"
	}
	return net.JoinHostPort(host, port)
}
