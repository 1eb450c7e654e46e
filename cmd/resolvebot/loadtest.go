package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/resolvebot/resolvebot/adapters/loadtest"
	"github.com/resolvebot/resolvebot/config"
)

const loadtestUsage = `Usage: resolvebot loadtest [--url URL] [--requests N] [--duration D] [--concurrency N]
                          [--mix KINDS] [--cases N] [--history N] [--pid PID]
                          [--slack-api ADDR] [--config FILE] [--allow-remote] [--peer]

Sends signed Slack button presses, form submissions and slash commands, and
Teams message activities, at a running "resolvebot serve", and reports
requests per second, p50/p99/p99.9 latency and errors, and with --pid the
server's CPU time per request and its memory. It first raises its own test
cases (child reference LT-…, each raised by a made-up Slack user of its own
in team T0LOADTEST, U0LT… with a mark new to each run, so it finds them
however many earlier runs left on the store) and withdraws them at the
end, also when set-up fails or the run is interrupted with Ctrl-C. The
made-up users stay in the directory.

The Slack signing secret must be the server's, in SLACK_SIGNING_SECRET.
Use the same --config as the server, so the agencies, categories and slash
command match. Teams traffic ("teams" in --mix) needs the server to run
with teams.insecure_no_auth; only do that on a test instance.

  --url URL          the server (default http://127.0.0.1:3978); only loopback
                     addresses unless --allow-remote
  --admin-url URL    the server's admin listener, asked whether Teams runs
                     without authentication and, after the load, how many
                     effects wait in its outbox (default http://127.0.0.1:9090)
  --drain D          after the load, and again after the withdrawals, wait up
                     to this long for the server's outbox to empty, so what
                     the load and the withdrawals caused is delivered (and
                     counted in --pid's CPU) before the fakes close
                     (default 2m; 0s for no wait)
  --requests N       requests to send at most (default 1000, at most 1000000)
  --duration D       stop after this long at most (default 30s, at most 10m)
  --concurrency N    requests in flight at once (default 4, at most 256)
  --mix KINDS        comma-separated, sent in turn: action (press "Add a note"),
                     note (submit a note), command (/resolve status), help
                     (/resolve help), teams (a Teams message "help")
                     (default action,note,command)
  --cases N          test cases to raise and spread the load over (default 2,
                     at most 100)
  --history N        notes to add to each case before the load, so notes and
                     presses land on long cases (default 0, at most 5000)
  --pid PID          the server's process id on this machine: report its CPU
                     time per request and its resident memory (Linux)
  --slack-api ADDR   serve a fake Slack Web API on this loopback address for
                     the run (start the server with
                     SLACK_API_URL=http://ADDR/api/): every call succeeds, so
                     the server is measured without Slack; the report counts
                     its calls and the connections they came on
  --allow-remote     allow a server that is not on this machine
  --peer             the server is a peer to compare with, not resolvebot
                     (tools/gobare, a Bolt or a Bot Framework SDK app serving
                     /slack/events and /api/messages): raise no cases, name
                     made-up ones, send Teams traffic without asking the
                     admin listener, and check answers for status 200 only
`

// loadtestCommand runs "resolvebot loadtest".
func loadtestCommand(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("loadtest", loadtestUsage, stderr)
	var o loadtest.Options
	var mix, path string
	fs.StringVar(&o.URL, "url", "http://127.0.0.1:3978", "server base URL")
	fs.StringVar(&o.AdminURL, "admin-url", "http://127.0.0.1:9090", "server admin URL")
	fs.IntVar(&o.Requests, "requests", 1000, "requests to send at most")
	fs.DurationVar(&o.Duration, "duration", 30*time.Second, "longest run")
	fs.IntVar(&o.Concurrency, "concurrency", 4, "requests in flight")
	fs.StringVar(&mix, "mix", "action,note,command", "kinds of request")
	fs.IntVar(&o.Cases, "cases", 2, "test cases to raise")
	fs.IntVar(&o.History, "history", 0, "notes on each case before the load")
	fs.IntVar(&o.PID, "pid", 0, "the server's process id")
	fs.StringVar(&o.SlackAPI, "slack-api", "", "address for a fake Slack Web API")
	var drain time.Duration
	fs.DurationVar(&drain, "drain", 2*time.Minute, "longest wait for the outbox to empty")
	fs.BoolVar(&o.AllowRemote, "allow-remote", false, "allow a non-loopback server")
	fs.BoolVar(&o.Peer, "peer", false, "the server is a peer, not resolvebot")
	fs.StringVar(&path, "config", "", "configuration file")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	o.Drain = drain
	if drain <= 0 {
		o.Drain = -1
	}
	if _, err := loadtest.CheckTarget(o.URL, o.AllowRemote); err != nil {
		fmt.Fprintf(stderr, "resolvebot loadtest: %v\n", err)
		return 2
	}
	for _, k := range strings.Split(mix, ",") {
		if k = strings.TrimSpace(k); k != "" {
			o.Mix = append(o.Mix, k)
		}
	}
	cfg, _, ok := loadConfig(config.Options{Path: path}, stderr)
	if !ok {
		return 1
	}
	o.SigningSecret = cfg.Slack.SigningSecret
	o.Command = cfg.Slack.Command
	switch {
	case len(cfg.Directory.Agencies) >= 2 && len(cfg.Protocol.Categories) > 0:
		o.Agencies = [2]string{cfg.Directory.Agencies[0].Key, cfg.Directory.Agencies[1].Key}
		o.Category = cfg.Protocol.Categories[0].Key
	case !o.Peer:
		fmt.Fprintln(stderr, "resolvebot loadtest: the configuration needs two agencies and a category")
		return 1
	}
	fmt.Fprintf(stdout, "Loading %s: up to %d requests over %s, %d at once, mix %s\n", o.URL, o.Requests, o.Duration, o.Concurrency, strings.Join(o.Mix, ","))
	res, err := loadtest.Run(ctx, o)
	if res != nil {
		fmt.Fprint(stdout, res.String())
	}
	if err != nil {
		fmt.Fprintf(stderr, "resolvebot loadtest: %v\n", err)
		return 1
	}
	if res.Errors > 0 {
		return 1
	}
	return 0
}
