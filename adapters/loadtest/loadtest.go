// Package loadtest drives a running resolvebot serve the way Slack and
// Teams do: signed Slack button presses, form submissions and slash
// commands, and Teams message activities. It reports requests per second,
// latency percentiles and errors, and, given the server's process id, the
// server's CPU time per request and its resident memory, so a deployment
// is measured the same way every time.
//
// It sets up its own cases first. Each case has a raiser of its own, a
// made-up Slack user whose id carries the run's random mark (U0LT<mark>…):
// the raiser saves a profile and raises the case through the intake form,
// exactly as the modals would submit them, and then asks for "list", which
// names that one case and no other, however many cases earlier runs left
// on the store. Optionally each case is given a history of notes first, so
// the load lands on long cases. The load is then a mix of:
//
//   - action: the raiser presses "Add a note" on a case card (block_actions);
//   - note: the raiser submits the note form (view_submission), which
//     writes an event to the case;
//   - command: the slash command "status <case>";
//   - help: the slash command "help";
//   - teams: a Teams message "help" from a made-up Teams user.
//
// Teams traffic needs the server to run with teams.insecure_no_auth (the
// load tester cannot sign Bot Framework tokens); replies go to a fake Bot
// Connector the load tester runs on loopback. Whatever happens (a failed
// set-up, an error, the context cancelled by Ctrl-C), every case the run
// may have opened is withdrawn before Run returns, so no test case is left
// open, and the fakes serve until the server's outbox has delivered the
// withdrawals' messages (or Options.Drain has passed).
//
// Loops are bounded in count and time, and only loopback addresses are
// targeted unless Options.AllowRemote is set.
package loadtest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/resolvebot/resolvebot/internal/cpustat"
)

// Kinds of request in the mix.
const (
	KindAction  = "action"
	KindNote    = "note"
	KindCommand = "command"
	KindHelp    = "help"
	KindTeams   = "teams"
)

// Limits on one run.
const (
	MaxRequests    = 1_000_000
	MaxDuration    = 10 * time.Minute
	MaxConcurrency = 256
	MaxCases       = 100
	MaxHistory     = 5000
)

// cleanupTimeout bounds the withdrawal of a run's cases, which goes on
// after the run's context is cancelled.
const cleanupTimeout = 2 * time.Minute

// Options configure a run. Zero values give the defaults.
type Options struct {
	// URL is the base URL of resolvebot serve (default http://127.0.0.1:3978).
	URL string
	// AllowRemote permits a URL whose host is not a loopback address.
	AllowRemote bool
	// SigningSecret is the Slack signing secret the server uses. Required
	// for Slack kinds.
	SigningSecret string
	// Requests is how many requests to send at most (default 1000).
	Requests int
	// Duration bounds the run (default 30s).
	Duration time.Duration
	// Concurrency is how many requests are in flight at once (default 4).
	Concurrency int
	// Mix lists the kinds to send, in turn (default action, note, command).
	Mix []string
	// Cases is how many cases to raise for the load (default 2).
	Cases int
	// History is how many notes each case gets before the load, so the
	// load lands on long cases (default 0; at most MaxHistory).
	History int
	// PID is the server's process id on this machine; when set, the result
	// holds the server's CPU time per request and its resident memory.
	PID int
	// SlackAPI is a loopback address (such as 127.0.0.1:3979) at which to
	// serve a fake Slack Web API for the run, for a server started with
	// SLACK_API_URL=http://<address>/api/: every call succeeds at once, so
	// a server is measured without Slack. The result counts its calls and
	// the TCP connections it accepted.
	SlackAPI string
	// Agencies are two agency keys from the server's directory, for the
	// raiser and the respondent; Category and Command are the protocol's
	// first category and the slash command.
	Agencies [2]string
	Category string
	Command  string
	// Drain is how long to wait after the load for the server's outbox to
	// empty (its resolvebot_outbox_depth on the admin listener's /metrics),
	// so the messages the load caused are delivered, and counted in the
	// server's CPU, before the fakes close; and again as long after the
	// withdrawals, for their messages (default 2m; negative for no wait).
	Drain time.Duration
	// AdminURL is the server's admin listener, whose /readyz says whether
	// Teams runs without authentication (default http://127.0.0.1:9090).
	AdminURL string
	// Peer is set when the server is not resolvebot but a peer answering
	// the same paths (tools/gobare, or a Bolt or Bot Framework SDK app) for
	// a side-by-side comparison: no cases are raised or withdrawn, the
	// requests name made-up cases (CR-2026-0001 …) and users, Teams
	// traffic is sent without asking the admin listener, and an answer is
	// only checked for its status 200.
	Peer bool
	// Client is the HTTP client (default one with a 10s timeout).
	Client *http.Client
	// Now is the clock for signatures (default time.Now).
	Now func() time.Time
}

// Result is what a run measured.
type Result struct {
	// Requests were answered (or failed) within the run; Errors of them
	// failed: a transport error, a status other than 200, or an answer
	// other than the one expected.
	Requests int
	Errors   int
	// Elapsed is the load's wall time and PerSecond its throughput.
	Elapsed   time.Duration
	PerSecond float64
	// P50, P99, P999 and Max are latencies over every request.
	P50, P99 time.Duration
	P999     time.Duration
	Max      time.Duration
	// ByKind counts requests and errors per kind.
	ByKind map[string]*KindResult
	// FirstErrors holds up to five error descriptions (status and kind,
	// never case text).
	FirstErrors []string
	// Cases are the case ids the run raised.
	Cases []string
	// Server is what the server's process used, when Options.PID was set.
	Server *ServerUsage
	// Outbox is what became of the server's outbox after the load, when
	// its admin listener answered: drained, or how much was left.
	Outbox *OutboxDrain
	// Fakes counts the calls the server made to the fake platform APIs
	// the run served (the Slack Web API with Options.SlackAPI, the Bot
	// Connector for Teams traffic), by fake.
	Fakes map[string]*FakeUsage
}

// OutboxDrain is the server's outbox after the load.
type OutboxDrain struct {
	// Left is the effects still waiting when the wait ended (0: drained);
	// Waited is how long after the load that was.
	Left   int64
	Waited time.Duration
}

// FakeUsage counts what a fake platform API saw.
type FakeUsage struct {
	// Calls is the requests it answered, Conns the TCP connections it
	// accepted for them: with connections reused, Conns stays near the
	// number of calls in flight at once.
	Calls, Conns int64
}

// ServerUsage is what the server process used during the load.
type ServerUsage struct {
	// CPU is the server's CPU time (user + system) from the start of the
	// load until its work after the last request settled, and PerRequest
	// that divided by the requests answered.
	CPU, PerRequest time.Duration
	// RSSBefore and RSSAfter are its resident memory in bytes before the
	// set-up and after the load.
	RSSBefore, RSSAfter int64
}

// KindResult counts one kind of request.
type KindResult struct {
	// Requests and Errors count this kind's requests and failures.
	Requests, Errors int
	// P50 and P99 are this kind's latencies.
	P50, P99 time.Duration
}

// String formats the result for people.
func (r *Result) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "requests  %d in %s (%.1f/s)\n", r.Requests, r.Elapsed.Round(time.Millisecond), r.PerSecond)
	fmt.Fprintf(&b, "errors    %d\n", r.Errors)
	fmt.Fprintf(&b, "latency   p50 %s  p99 %s  p99.9 %s  max %s\n", r.P50.Round(time.Microsecond), r.P99.Round(time.Microsecond),
		r.P999.Round(time.Microsecond), r.Max.Round(time.Microsecond))
	for _, k := range slices.Sorted(maps.Keys(r.ByKind)) {
		kr := r.ByKind[k]
		fmt.Fprintf(&b, "  %-8s %6d requests %4d errors  p50 %s  p99 %s\n", k, kr.Requests, kr.Errors, kr.P50.Round(time.Microsecond), kr.P99.Round(time.Microsecond))
	}
	if u := r.Server; u != nil {
		fmt.Fprintf(&b, "server    cpu %s, %s per request; rss %.1f MiB before, %.1f MiB after\n", u.CPU.Round(time.Millisecond),
			u.PerRequest.Round(time.Microsecond), float64(u.RSSBefore)/(1<<20), float64(u.RSSAfter)/(1<<20))
	}
	if o := r.Outbox; o != nil && o.Left == 0 {
		fmt.Fprintf(&b, "outbox    drained %s after the load\n", o.Waited.Round(time.Millisecond))
	} else if o != nil {
		fmt.Fprintf(&b, "outbox    %d effects still waiting %s after the load\n", o.Left, o.Waited.Round(time.Millisecond))
	}
	for _, k := range slices.Sorted(maps.Keys(r.Fakes)) {
		fmt.Fprintf(&b, "fake %-9s %d calls over %d connections\n", k, r.Fakes[k].Calls, r.Fakes[k].Conns)
	}
	for _, e := range r.FirstErrors {
		fmt.Fprintf(&b, "error: %s\n", e)
	}
	return b.String()
}

// CheckTarget returns an error unless base is an http(s) URL whose host is
// a loopback address, or allowRemote is set.
func CheckTarget(base string, allowRemote bool) (*url.URL, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%q is not an http URL such as http://127.0.0.1:3978", base)
	}
	if allowRemote {
		return u, nil
	}
	host := u.Hostname()
	if host == "localhost" {
		return u, nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("%s is not a loopback address; pass --allow-remote to load a remote server", host)
	}
	return u, nil
}

// The made-up people and places of a run.
const (
	team        = "T0LOADTEST"
	respondID   = "U0LOADRESPOND"
	teamsTenant = "loadtest-tenant"
	teamsUser   = "29:loadtest"
)

var caseIDRe = regexp.MustCompile(`CR-\d{4}-\d{4,}`)

// testCase is one case of the run and its own raiser.
type testCase struct {
	id, raiser string
}

type runner struct {
	opts    Options
	base    *url.URL
	admin   *url.URL
	client  *http.Client
	convSrv *httptest.Server
	mark    string // this run's random mark, in its raisers' ids

	mu      sync.Mutex
	raisers []string // every raiser who submitted a raise, in order
	cases   []testCase
}

// newMark returns a random mark for a run's made-up user ids.
func newMark() string {
	var b [5]byte
	rand.Read(b[:])
	return strings.ToUpper(hex.EncodeToString(b[:]))
}

// raiser returns the id of the run's ith raiser.
func (r *runner) raiser(i int) string { return fmt.Sprintf("U0LT%s%03d", r.mark, i+1) }

// Run sets up cases, sends the load and withdraws the cases. It returns an
// error when the target is refused, the options are unusable, the set-up
// fails or the context ends (with the result so far), and when a case
// could not be withdrawn; errors during the load are counted in the
// result. Every case the run may have opened is withdrawn before it
// returns, also after an error or a cancelled context.
func Run(ctx context.Context, opts Options) (res *Result, err error) {
	if opts.URL == "" {
		opts.URL = "http://127.0.0.1:3978"
	}
	base, err := CheckTarget(opts.URL, opts.AllowRemote)
	if err != nil {
		return nil, err
	}
	if opts.Requests <= 0 {
		opts.Requests = 1000
	}
	if opts.Duration <= 0 {
		opts.Duration = 30 * time.Second
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 4
	}
	if opts.Cases <= 0 {
		opts.Cases = 2
	}
	if opts.Requests > MaxRequests || opts.Duration > MaxDuration || opts.Concurrency > MaxConcurrency || opts.Cases > MaxCases ||
		opts.History < 0 || opts.History > MaxHistory || opts.History*opts.Cases > MaxRequests {
		return nil, fmt.Errorf("at most %d requests, %s, %d at once, %d cases and %d notes of history each (%d in all)",
			MaxRequests, MaxDuration, MaxConcurrency, MaxCases, MaxHistory, MaxRequests)
	}
	if len(opts.Mix) == 0 {
		opts.Mix = []string{KindAction, KindNote, KindCommand}
	}
	for _, k := range opts.Mix {
		switch k {
		case KindAction, KindNote, KindCommand, KindHelp, KindTeams:
		default:
			return nil, fmt.Errorf("unknown kind %q (want action, note, command, help or teams)", k)
		}
	}
	if opts.SigningSecret == "" {
		return nil, errors.New("the Slack signing secret is needed (SLACK_SIGNING_SECRET, as the server uses)")
	}
	if !opts.Peer && (opts.Agencies[0] == "" || opts.Agencies[1] == "" || opts.Category == "") {
		return nil, errors.New("two agencies and a category from the server's configuration are needed")
	}
	if opts.Command == "" {
		opts.Command = "/resolve"
	}
	if opts.Client == nil {
		opts.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Drain == 0 {
		opts.Drain = 2 * time.Minute
	}
	if opts.AdminURL == "" {
		opts.AdminURL = "http://127.0.0.1:9090"
	}
	r := &runner{opts: opts, base: base, client: opts.Client, mark: newMark()}
	fakes := map[string]*fake{}
	admin, adminErr := CheckTarget(opts.AdminURL, opts.AllowRemote)
	if adminErr == nil {
		r.admin = admin
	}
	if slices.Contains(opts.Mix, KindTeams) {
		if adminErr != nil {
			return nil, fmt.Errorf("admin URL: %w", adminErr)
		}
		if !opts.Peer {
			if err := r.checkTeams(ctx); err != nil {
				return nil, err
			}
		}
		var conn *fake
		r.convSrv, conn = startFake(http.HandlerFunc(fakeConnector), nil)
		defer r.convSrv.Close()
		fakes["connector"] = conn
	}
	if opts.SlackAPI != "" {
		ln, err := listenLoopback(opts.SlackAPI)
		if err != nil {
			return nil, fmt.Errorf("fake slack api: %w", err)
		}
		srv, api := startFake(http.HandlerFunc(fakeSlackAPI), ln)
		defer srv.Close()
		fakes["slack-api"] = api
	}
	defer func() {
		if res != nil && len(fakes) > 0 {
			res.Fakes = map[string]*FakeUsage{}
			for k, f := range fakes {
				res.Fakes[k] = &FakeUsage{Calls: f.calls.Load(), Conns: f.conns.Load()}
			}
		}
	}()
	var usage *ServerUsage
	if opts.PID > 0 {
		usage = &ServerUsage{}
		if usage.RSSBefore, err = cpustat.RSS(opts.PID); err != nil {
			return nil, fmt.Errorf("the server's process: %w", err)
		}
	}
	// From here on, whatever happens, the cases are withdrawn, and the
	// messages of the withdrawals delivered before the fakes close (the
	// deferred Close calls above run after this).
	defer func() {
		if werr := r.cleanup(ctx); werr != nil {
			err = errors.Join(err, fmt.Errorf("withdraw the test cases: %w", werr))
		}
		if werr := r.drainCleanup(ctx); werr != nil {
			err = errors.Join(err, werr)
		}
	}()
	if opts.Peer {
		r.madeUpCases()
	} else if err := r.setup(ctx); err != nil {
		return nil, fmt.Errorf("set up cases: %w", err)
	}
	var cpu0 time.Duration
	if usage != nil {
		if cpu0, err = cpustat.OfProcess(opts.PID); err != nil {
			return nil, fmt.Errorf("the server's process: %w", err)
		}
	}
	res = r.load(ctx)
	for _, c := range r.cases {
		res.Cases = append(res.Cases, c.id)
	}
	if r.admin != nil && opts.Drain > 0 && !opts.Peer {
		res.Outbox = r.drain(ctx, opts.Drain)
	}
	if usage != nil {
		cpu1, err := settled(ctx, opts.PID)
		if err != nil {
			return res, fmt.Errorf("the server's process: %w", err)
		}
		usage.CPU = cpu1 - cpu0
		if res.Requests > 0 {
			usage.PerRequest = usage.CPU / time.Duration(res.Requests)
		}
		if usage.RSSAfter, err = cpustat.RSS(opts.PID); err != nil {
			return res, fmt.Errorf("the server's process: %w", err)
		}
		res.Server = usage
	}
	if err := ctx.Err(); err != nil {
		return res, fmt.Errorf("load stopped: %w", err)
	}
	return res, nil
}

// outboxDepth is the metric of the effects waiting in the outbox.
const outboxDepth = "resolvebot_outbox_depth "

// drain waits up to d for the server's outbox to empty, reading its depth
// from the admin listener's /metrics. It returns nil when the metric
// cannot be read (no admin listener, or one that does not say).
func (r *runner) drain(ctx context.Context, d time.Duration) *OutboxDrain {
	start := time.Now()
	for {
		left, ok := r.outboxDepth(ctx)
		if !ok {
			return nil
		}
		waited := time.Since(start)
		if left <= 0 || waited >= d || ctx.Err() != nil {
			return &OutboxDrain{Left: max(left, 0), Waited: waited}
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

// depthFresh is how long the server's resolvebot_outbox_depth may answer
// with a reading already taken: serve reads its outbox for the gauge at
// most once a second (outboxStats in cmd/resolvebot).
const depthFresh = 1100 * time.Millisecond

// drainCleanup waits up to Options.Drain for the server's outbox to empty
// after the withdrawals, even when ctx has ended (Ctrl-C), so the fake
// Slack Web API and Bot Connector still answer the messages the
// withdrawals caused: closed, they would leave those effects failing and
// retried on the server. It returns an error naming the effects still
// waiting when the wait ended, and nil without an admin listener or with
// a negative Drain.
func (r *runner) drainCleanup(ctx context.Context) error {
	if r.admin == nil || r.opts.Drain <= 0 {
		return nil
	}
	// The depth read before the withdrawals answers scrapes for a while;
	// wait that out, so the depth read counts the withdrawals' effects.
	time.Sleep(depthFresh)
	d := r.drain(context.WithoutCancel(ctx), r.opts.Drain)
	if d != nil && d.Left > 0 {
		return fmt.Errorf("%d effects still waiting in the server's outbox %s after the withdrawals", d.Left, d.Waited.Round(time.Second))
	}
	return nil
}

// outboxDepth reads resolvebot_outbox_depth from the admin listener.
func (r *runner) outboxDepth(ctx context.Context) (int64, bool) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.admin.JoinPath("/metrics").String(), nil)
	if err != nil {
		return 0, false
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return 0, false
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil || resp.StatusCode != http.StatusOK {
		return 0, false
	}
	for line := range strings.SplitSeq(string(body), "\n") {
		if v, ok := strings.CutPrefix(line, outboxDepth); ok {
			n, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return int64(n), err == nil
		}
	}
	return 0, false
}

// settled returns the server's CPU time once its work after the last
// request (the messages it sends after acknowledging) has finished: when
// a tenth of a second passes with no more than a tick of CPU used, or
// after two seconds at most.
func settled(ctx context.Context, pid int) (time.Duration, error) {
	last, err := cpustat.OfProcess(pid)
	if err != nil {
		return 0, err
	}
	for range 20 {
		select {
		case <-ctx.Done():
			return last, nil
		case <-time.After(100 * time.Millisecond):
		}
		now, err := cpustat.OfProcess(pid)
		if err != nil {
			return 0, err
		}
		if now-last <= 10*time.Millisecond {
			return now, nil
		}
		last = now
	}
	return last, nil
}

// checkTeams makes sure the server accepts Teams traffic without tokens.
func (r *runner) checkTeams(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.admin.JoinPath("/readyz").String(), nil)
	if err != nil {
		return err
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return fmt.Errorf("readyz on the admin listener %s: %w", r.admin, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if !bytes.Contains(body, []byte("insecure_no_auth")) {
		return errors.New("teams load needs the server to run with teams.insecure_no_auth (the load tester cannot sign Bot Framework tokens)")
	}
	return nil
}

// fake counts the calls and connections of a fake platform API.
type fake struct {
	calls, conns atomic.Int64
}

// startFake serves h on ln (a new loopback port when nil), counting its
// calls and the TCP connections it accepts.
func startFake(h http.Handler, ln net.Listener) (*httptest.Server, *fake) {
	f := &fake{}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.calls.Add(1)
		h.ServeHTTP(w, r)
	}))
	if ln != nil {
		srv.Listener.Close()
		srv.Listener = ln
	}
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			f.conns.Add(1)
		}
	}
	srv.Start()
	return srv, f
}

// listenLoopback listens on addr, which must be a loopback address.
func listenLoopback(addr string) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("%q is not a host:port such as 127.0.0.1:3979", addr)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("%s is not a loopback address", host)
	}
	return net.Listen("tcp", addr)
}

// The fakes' constant answers, encoded once, so the load tester spends
// its core on the load rather than on answering the server's calls.
var (
	slackOK        = mustJSON(map[string]any{"ok": true, "ts": "1790000000.000100", "channel": "D0LOADTEST"})
	slackOpened    = mustJSON(map[string]any{"ok": true, "channel": map[string]any{"id": "D0LOADTEST"}})
	slackView      = mustJSON(map[string]any{"ok": true, "view": map[string]any{"id": "V0LOADTEST"}})
	connectorSent  = mustJSON(map[string]any{"id": "loadtest-activity"})
	connectorTeams = mustJSON(map[string]any{"id": teamsUser, "name": "Load Test (Teams)", "aadObjectId": "loadtest-aad",
		"email": "loadtest.teams@loadtest.invalid", "tenantId": teamsTenant})
)

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return append(b, '\n')
}

// fakeSlackAPI answers every Slack Web API call with success: users.info
// with a made-up profile, conversations.open with a DM channel, views.*
// with a view, and {"ok":true} with a timestamp for the rest.
func fakeSlackAPI(w http.ResponseWriter, r *http.Request) {
	method := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
	w.Header().Set("Content-Type", "application/json")
	switch method {
	case "users.info":
		r.ParseForm()
		id := r.Form.Get("user")
		json.NewEncoder(w).Encode(map[string]any{"ok": true, "user": map[string]any{"id": id, "name": strings.ToLower(id), "team_id": team,
			"profile": map[string]any{"real_name": "Load Test " + id, "email": strings.ToLower(id) + "@loadtest.invalid"}}})
	case "conversations.open":
		w.Write(slackOpened)
	case "views.open", "views.update", "views.publish", "views.push":
		w.Write(slackView)
	default:
		w.Write(slackOK)
	}
}

// fakeConnector answers the calls the bot makes to the Bot Connector after
// a Teams message: member lookups and sent or updated activities.
func fakeConnector(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	w.Header().Set("Content-Type", "application/json")
	if r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/members/") {
		w.Write(connectorTeams)
		return
	}
	w.Write(connectorSent)
}

// sign returns the Slack signature headers for body.
func (r *runner) sign(body []byte) (ts, sig string) {
	t := strconv.FormatInt(r.opts.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(r.opts.SigningSecret))
	mac.Write([]byte("v0:" + t + ":"))
	mac.Write(body)
	return t, "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// post sends one request and returns the status and body.
func (r *runner) post(ctx context.Context, path, contentType string, body []byte, signed bool) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.base.JoinPath(path).String(), bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", contentType)
	if signed {
		ts, sig := r.sign(body)
		req.Header.Set("X-Slack-Request-Timestamp", ts)
		req.Header.Set("X-Slack-Signature", sig)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, out, err
}

func (r *runner) slackForm(ctx context.Context, form url.Values) (int, []byte, error) {
	return r.post(ctx, "/slack/events", "application/x-www-form-urlencoded", []byte(form.Encode()), true)
}

func user(id string) map[string]any {
	return map[string]any{"id": id, "username": strings.ToLower(id), "name": strings.ToLower(id), "team_id": team}
}

// interaction sends an interactivity payload.
func (r *runner) interaction(ctx context.Context, payload map[string]any) (int, []byte, error) {
	b, err := json.Marshal(payload)
	if err != nil {
		return 0, nil, err
	}
	return r.slackForm(ctx, url.Values{"payload": {string(b)}})
}

// state shapes form answers as a modal's state: a value per block, typed
// by element.
func state(text, selects, users map[string]string, checks map[string][]string) map[string]any {
	values := map[string]any{}
	for k, v := range text {
		values[k] = map[string]any{k: map[string]any{"type": "plain_text_input", "value": v}}
	}
	for k, v := range selects {
		values[k] = map[string]any{k: map[string]any{"type": "static_select", "selected_option": map[string]any{"value": v}}}
	}
	for k, v := range users {
		values[k] = map[string]any{k: map[string]any{"type": "users_select", "selected_user": v}}
	}
	for k, vs := range checks {
		var opts []any
		for _, v := range vs {
			opts = append(opts, map[string]any{"value": v})
		}
		values[k] = map[string]any{k: map[string]any{"type": "checkboxes", "selected_options": opts}}
	}
	return map[string]any{"values": values}
}

// submit sends a view_submission of a form with private metadata meta.
func (r *runner) submit(ctx context.Context, as string, meta map[string]any, st map[string]any) (int, []byte, error) {
	m, _ := json.Marshal(meta)
	return r.interaction(ctx, map[string]any{
		"type": "view_submission", "team": map[string]any{"id": team, "domain": "loadtest"}, "user": user(as),
		"api_app_id": "A0LOADTEST", "trigger_id": "loadtest.trigger",
		"view": map[string]any{"id": "V0LOADTEST", "team_id": team, "type": "modal", "callback_id": "rb_form",
			"private_metadata": string(m), "hash": "loadtest", "state": st},
	})
}

// setup gives the respondent a profile, then for each case gives its own
// raiser a profile, raises the case as them and finds its id in their
// list, where it is the only one, and adds its history of notes. Cases are
// set up Concurrency at a time. A raiser is recorded before their raise is
// sent, so cleanup finds a case whose raise was answered too late.
func (r *runner) setup(ctx context.Context) error {
	if err := r.profile(ctx, respondID, "Load Test respondent", r.opts.Agencies[1]); err != nil {
		return err
	}
	var next atomic.Int64
	errs := make(chan error, r.opts.Concurrency)
	var wg sync.WaitGroup
	for range min(r.opts.Concurrency, r.opts.Cases) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= r.opts.Cases || ctx.Err() != nil {
					errs <- ctx.Err()
					return
				}
				if err := r.setupCase(ctx, i); err != nil {
					errs <- err
					next.Store(int64(r.opts.Cases)) // the others stop too
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	var all []error
	for err := range errs {
		all = append(all, err)
	}
	if err := errors.Join(all...); err != nil {
		return err
	}
	// The load goes round the cases in the order they were raised.
	slices.SortFunc(r.cases, func(a, b testCase) int { return strings.Compare(a.raiser, b.raiser) })
	return nil
}

// madeUpCases names the cases of a run against a peer, which keeps none:
// made-up case ids, each with the run's raiser.
func (r *runner) madeUpCases() {
	for i := range r.opts.Cases {
		r.cases = append(r.cases, testCase{id: fmt.Sprintf("CR-2026-%04d", i+1), raiser: r.raiser(i)})
	}
}

// setupCase raises case i as its own raiser and gives it its history.
func (r *runner) setupCase(ctx context.Context, i int) error {
	raiser := r.raiser(i)
	if err := r.profile(ctx, raiser, "Load Test "+strconv.Itoa(i+1), r.opts.Agencies[0]); err != nil {
		return err
	}
	st := state(map[string]string{
		"child_ref": fmt.Sprintf("LT-%06d", i+1),
		"decision":  "Load test: a made-up decision.", "concern": "Load test: a made-up concern.",
		"evidence": "Load test: no evidence.", "outcome_sought": "Load test: nothing.", "cross_border": "",
	}, map[string]string{
		"immediate_risk": "no", "about": "other_agency", "raiser_agency": r.opts.Agencies[0],
		"respondent_agency": r.opts.Agencies[1], "category": r.opts.Category, "evidence_kind": "evidence",
		"urgency": "standard", "family_informed": "no", "serious_concern": "no",
	}, map[string]string{"respondent": respondID},
		map[string][]string{"reflection": {"discussed_with_lead", "child_best_interest", "motivation_considered"}})
	r.mu.Lock()
	r.raisers = append(r.raisers, raiser)
	r.mu.Unlock()
	code, body, err := r.submit(ctx, raiser, map[string]any{"f": "intake"}, st)
	if err := expect(code, body, err, "update"); err != nil {
		return fmt.Errorf("raise case %d: %w", i+1, err)
	}
	// The answers come back to be checked; Send them as shown.
	var check struct {
		View struct {
			Meta string `json:"private_metadata"`
		} `json:"view"`
	}
	var meta map[string]any
	if err := json.Unmarshal(body, &check); err != nil || json.Unmarshal([]byte(check.View.Meta), &meta) != nil {
		return fmt.Errorf("raise case %d: the answers did not come back to check; the bot showed %s", i+1, modalWords(body))
	}
	code, body, err = r.submit(ctx, raiser, meta, map[string]any{"values": map[string]any{}})
	if err := expect(code, body, err, "clear"); err != nil {
		return fmt.Errorf("send case %d: %w", i+1, err)
	}
	ids, err := r.casesOf(ctx, raiser)
	if err != nil {
		return fmt.Errorf("find case %d: %w", i+1, err)
	}
	if len(ids) != 1 {
		return fmt.Errorf("find case %d: its raiser's list names %d cases, want 1", i+1, len(ids))
	}
	c := testCase{id: ids[0], raiser: raiser}
	r.mu.Lock()
	r.cases = append(r.cases, c)
	r.mu.Unlock()
	for n := range r.opts.History {
		if err := r.note(ctx, c, "Load test history note "+strconv.Itoa(n+1)); err != nil {
			return fmt.Errorf("history of case %d: %w", i+1, err)
		}
	}
	return nil
}

// profile saves who's profile with a name and an agency.
func (r *runner) profile(ctx context.Context, who, name, agency string) error {
	code, body, err := r.submit(ctx, who, map[string]any{"f": "profile"},
		state(map[string]string{"name": name}, map[string]string{"agency": agency}, nil, nil))
	if err := expect(code, body, err, "clear"); err != nil {
		return fmt.Errorf("save profile: %w", err)
	}
	return nil
}

// note submits the note form on c as its raiser.
func (r *runner) note(ctx context.Context, c testCase, text string) error {
	code, body, err := r.submit(ctx, c.raiser, map[string]any{"f": "action:note", "c": c.id},
		state(map[string]string{"text": text}, nil, nil, nil))
	return expect(code, body, err, "clear")
}

// casesOf returns the case ids in who's answer to "list". A run's raiser
// has one case, so the answer is short enough to come back as the
// command's answer rather than by direct message.
func (r *runner) casesOf(ctx context.Context, who string) ([]string, error) {
	code, body, err := r.command(ctx, who, "list")
	if err != nil {
		return nil, err
	}
	if code != http.StatusOK {
		return nil, fmt.Errorf("list: status %d", code)
	}
	var ids []string
	for _, id := range caseIDRe.FindAllString(string(body), -1) {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// expect checks a view submission was answered 200 with response_action want.
func expect(code int, body []byte, err error, want string) error {
	if err != nil {
		return err
	}
	if code != http.StatusOK {
		return fmt.Errorf("status %d", code)
	}
	var ack struct {
		ResponseAction string            `json:"response_action"`
		Errors         map[string]string `json:"errors"`
	}
	if err := json.Unmarshal(body, &ack); err != nil {
		return fmt.Errorf("unreadable answer: %w", err)
	}
	if ack.ResponseAction != want {
		return fmt.Errorf("answered %q, want %q (fields refused: %s)", ack.ResponseAction, want, strings.Join(slices.Sorted(maps.Keys(ack.Errors)), ", "))
	}
	return nil
}

// modalWords is what a modal in an answer says, its title and the text of
// its blocks, quoted, so a run that fails says what the bot showed instead
// (the load test's own made-up answers, never a person's).
func modalWords(body []byte) string {
	var a struct {
		View struct {
			Title struct {
				Text string `json:"text"`
			} `json:"title"`
			Blocks []struct {
				Text struct {
					Text string `json:"text"`
				} `json:"text"`
			} `json:"blocks"`
		} `json:"view"`
	}
	if json.Unmarshal(body, &a) != nil {
		return "an answer that is not JSON"
	}
	words := []string{a.View.Title.Text}
	for _, b := range a.View.Blocks {
		if b.Text.Text != "" {
			words = append(words, b.Text.Text)
		}
	}
	return strconv.Quote(strings.Join(words, " / "))
}

// command sends the slash command with text as who.
func (r *runner) command(ctx context.Context, who, text string) (int, []byte, error) {
	return r.slackForm(ctx, url.Values{"token": {"loadtest"}, "team_id": {team}, "team_domain": {"loadtest"},
		"channel_id": {"C0LOADTEST"}, "channel_name": {"loadtest"}, "user_id": {who}, "user_name": {"loadtest"},
		"command": {r.opts.Command}, "text": {text}, "api_app_id": {"A0LOADTEST"},
		"response_url": {"https://hooks.slack.invalid/commands/loadtest"}, "trigger_id": {"loadtest.trigger"}})
}

// one sends the ith request of the mix and reports an error for anything
// but the expected answer.
func (r *runner) one(ctx context.Context, kind string, i int) error {
	c := r.cases[i%len(r.cases)]
	var code int
	var body []byte
	var err error
	switch kind {
	case KindAction:
		code, body, err = r.interaction(ctx, map[string]any{
			"type": "block_actions", "user": user(c.raiser), "team": map[string]any{"id": team, "domain": "loadtest"},
			"api_app_id": "A0LOADTEST", "trigger_id": "loadtest.trigger",
			"container": map[string]any{"type": "message", "message_ts": "1790000000.000100", "channel_id": "D0LOADTEST"},
			"channel":   map[string]any{"id": "D0LOADTEST"},
			"actions": []any{map[string]any{"action_id": "rb_note", "block_id": "actions", "type": "button",
				"value": "note|" + c.id + "|0", "action_ts": "1790000000.1"}},
		})
	case KindNote:
		if r.opts.Peer {
			code, _, err = r.submit(ctx, c.raiser, map[string]any{"f": "action:note", "c": c.id},
				state(map[string]string{"text": "Load test note " + strconv.Itoa(i)}, nil, nil, nil))
			break
		}
		return r.note(ctx, c, "Load test note "+strconv.Itoa(i))
	case KindCommand:
		code, body, err = r.command(ctx, c.raiser, "status "+c.id)
		if err == nil && code == http.StatusOK && !r.opts.Peer && !bytes.Contains(body, []byte(c.id)) {
			return errors.New("status answer does not name the case")
		}
	case KindHelp:
		code, body, err = r.command(ctx, c.raiser, "help")
		if err == nil && code == http.StatusOK && !r.opts.Peer && !bytes.Contains(body, []byte(r.opts.Command)) {
			return errors.New("help answer does not name the slash command")
		}
	case KindTeams:
		act := map[string]any{
			"type": "message", "id": "loadtest-" + strconv.Itoa(i), "timestamp": r.opts.Now().UTC().Format(time.RFC3339),
			"serviceUrl": r.convSrv.URL + "/", "channelId": "msteams",
			"from":         map[string]any{"id": teamsUser, "name": "Load Test (Teams)", "aadObjectId": "loadtest-aad"},
			"recipient":    map[string]any{"id": "28:loadtest-bot", "name": "resolvebot"},
			"conversation": map[string]any{"id": "a:loadtest-personal", "conversationType": "personal", "tenantId": teamsTenant},
			"channelData":  map[string]any{"tenant": map[string]any{"id": teamsTenant}},
			"text":         "help", "textFormat": "plain",
		}
		b, _ := json.Marshal(act)
		code, body, err = r.post(ctx, "/api/messages", "application/json", b, false)
	}
	if err != nil {
		return err
	}
	if code != http.StatusOK {
		return fmt.Errorf("status %d", code)
	}
	return nil
}

// load sends the mix until the count or the time runs out.
func (r *runner) load(ctx context.Context) *Result {
	ctx, cancel := context.WithTimeout(ctx, r.opts.Duration)
	defer cancel()
	n := r.opts.Requests
	lat := make([]time.Duration, n)
	kinds := make([]string, n)
	failed := make([]bool, n)
	var next atomic.Int64
	var mu sync.Mutex
	var firstErrors []string
	var done atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	for range r.opts.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				kind := r.opts.Mix[i%len(r.opts.Mix)]
				t := time.Now()
				err := r.one(ctx, kind, i)
				if err != nil && ctx.Err() != nil {
					return // the time ran out mid-request: not counted
				}
				lat[i], kinds[i] = time.Since(t), kind
				if err != nil {
					failed[i] = true
					mu.Lock()
					if len(firstErrors) < 5 {
						firstErrors = append(firstErrors, kind+": "+err.Error())
					}
					mu.Unlock()
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	res := &Result{Elapsed: elapsed, ByKind: map[string]*KindResult{}, FirstErrors: firstErrors}
	var all []time.Duration
	per := map[string][]time.Duration{}
	for i := range n {
		if kinds[i] == "" {
			continue
		}
		kr := res.ByKind[kinds[i]]
		if kr == nil {
			kr = &KindResult{}
			res.ByKind[kinds[i]] = kr
		}
		kr.Requests++
		res.Requests++
		if failed[i] {
			kr.Errors++
			res.Errors++
		}
		all = append(all, lat[i])
		per[kinds[i]] = append(per[kinds[i]], lat[i])
	}
	slices.Sort(all)
	res.P50, res.P99, res.P999 = percentile(all, 0.50), percentile(all, 0.99), percentile(all, 0.999)
	if len(all) > 0 {
		res.Max = all[len(all)-1]
	}
	for k, ls := range per {
		slices.Sort(ls)
		res.ByKind[k].P50, res.ByKind[k].P99 = percentile(ls, 0.50), percentile(ls, 0.99)
	}
	if elapsed > 0 {
		res.PerSecond = float64(res.Requests) / elapsed.Seconds()
	}
	return res
}

// percentile returns the q-quantile of sorted (nearest rank).
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// cleanup withdraws every case the run may have opened, as its raiser,
// even when ctx has ended (Ctrl-C): the cases found in set-up, and for a
// raiser whose case was not found (a raise answered too late, or a set-up
// stopped between the raise and the list), whatever their list names.
// It returns the failures, naming the cases left open.
func (r *runner) cleanup(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	r.mu.Lock()
	found := map[string]string{}
	for _, c := range r.cases {
		found[c.raiser] = c.id
	}
	raisers := slices.Clone(r.raisers)
	r.mu.Unlock()
	var errs []error
	for _, raiser := range raisers {
		ids := []string{found[raiser]}
		if ids[0] == "" {
			var err error
			if ids, err = r.casesOf(ctx, raiser); err != nil {
				errs = append(errs, fmt.Errorf("find the case of %s: %w", raiser, err))
				continue
			}
		}
		for _, id := range ids {
			code, body, err := r.submit(ctx, raiser, map[string]any{"f": "action:withdraw", "c": id},
				state(map[string]string{"reason": "Load test finished."}, nil, nil, nil))
			if err := expect(code, body, err, "clear"); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", id, err))
			}
		}
	}
	return errors.Join(errs...)
}
