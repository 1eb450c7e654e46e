// Package loadtest drives a running resolvebot serve the way Slack and
// Teams do: signed Slack button presses, form submissions and slash
// commands, and Teams message activities. It reports requests per second,
// latency percentiles and errors, so a deployment is measured the same way
// every time.
//
// It sets up its own cases first: two made-up Slack users (a raiser and a
// respondent) save a profile and raise a case each through the intake
// form, exactly as the modals would submit them, and the raiser finds the
// case ids with "list". The load is then a mix of:
//
//   - action: the raiser presses "Add a note" on a case card (block_actions);
//   - note: the raiser submits the note form (view_submission), which
//     writes an event to the case;
//   - command: the slash command "status <case>";
//   - teams: a Teams message "list" from a made-up Teams user.
//
// Teams traffic needs the server to run with teams.insecure_no_auth (the
// load tester cannot sign Bot Framework tokens); replies go to a fake Bot
// Connector the load tester runs on loopback. At the end each case is
// withdrawn, so the test cases leave the open lists.
//
// Loops are bounded in count and time, and only loopback addresses are
// targeted unless Options.AllowRemote is set.
package loadtest

import (
	"bytes"
	"context"
	"crypto/hmac"
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
)

// Kinds of request in the mix.
const (
	KindAction  = "action"
	KindNote    = "note"
	KindCommand = "command"
	KindTeams   = "teams"
)

// Limits on one run.
const (
	MaxRequests    = 1_000_000
	MaxDuration    = 10 * time.Minute
	MaxConcurrency = 256
	MaxCases       = 100
)

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
	// Agencies are two agency keys from the server's directory, for the
	// raiser and the respondent; Category and Command are the protocol's
	// first category and the slash command.
	Agencies [2]string
	Category string
	Command  string
	// AdminURL is the server's admin listener, whose /readyz says whether
	// Teams runs without authentication (default http://127.0.0.1:9090).
	AdminURL string
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
	raiserID    = "U0LOADRAISER"
	respondID   = "U0LOADRESPOND"
	teamsTenant = "loadtest-tenant"
	teamsUser   = "29:loadtest"
)

var caseIDRe = regexp.MustCompile(`CR-\d{4}-\d{4,}`)

type runner struct {
	opts    Options
	base    *url.URL
	admin   *url.URL
	client  *http.Client
	cases   []string
	convSrv *httptest.Server
}

// Run sets up cases, sends the load and withdraws the cases. It returns an
// error when the target is refused, the options are unusable or the setup
// fails; errors during the load are counted in the result.
func Run(ctx context.Context, opts Options) (*Result, error) {
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
	if opts.Requests > MaxRequests || opts.Duration > MaxDuration || opts.Concurrency > MaxConcurrency || opts.Cases > MaxCases {
		return nil, fmt.Errorf("at most %d requests, %s, %d at once and %d cases", MaxRequests, MaxDuration, MaxConcurrency, MaxCases)
	}
	if len(opts.Mix) == 0 {
		opts.Mix = []string{KindAction, KindNote, KindCommand}
	}
	for _, k := range opts.Mix {
		switch k {
		case KindAction, KindNote, KindCommand, KindTeams:
		default:
			return nil, fmt.Errorf("unknown kind %q (want action, note, command or teams)", k)
		}
	}
	if opts.SigningSecret == "" {
		return nil, errors.New("the Slack signing secret is needed (SLACK_SIGNING_SECRET, as the server uses)")
	}
	if opts.Agencies[0] == "" || opts.Agencies[1] == "" || opts.Category == "" {
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
	r := &runner{opts: opts, base: base, client: opts.Client}
	if slices.Contains(opts.Mix, KindTeams) {
		if opts.AdminURL == "" {
			opts.AdminURL = "http://127.0.0.1:9090"
		}
		if r.admin, err = CheckTarget(opts.AdminURL, opts.AllowRemote); err != nil {
			return nil, fmt.Errorf("admin URL: %w", err)
		}
		if err := r.checkTeams(ctx); err != nil {
			return nil, err
		}
		r.convSrv = httptest.NewServer(http.HandlerFunc(fakeConnector))
		defer r.convSrv.Close()
	}
	if err := r.setup(ctx); err != nil {
		return nil, fmt.Errorf("set up cases: %w", err)
	}
	res := r.load(ctx)
	res.Cases = r.cases
	if err := r.withdraw(ctx); err != nil {
		return res, fmt.Errorf("withdraw the test cases: %w", err)
	}
	return res, nil
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

// fakeConnector answers the calls the bot makes to the Bot Connector after
// a Teams message: member lookups and sent or updated activities.
func fakeConnector(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	w.Header().Set("Content-Type", "application/json")
	if r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/members/") {
		json.NewEncoder(w).Encode(map[string]any{"id": teamsUser, "name": "Load Test (Teams)", "aadObjectId": "loadtest-aad",
			"email": "loadtest.teams@loadtest.invalid", "tenantId": teamsTenant})
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"id": "loadtest-activity"})
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

// setup gives both users a profile, raises the cases and finds their ids.
func (r *runner) setup(ctx context.Context) error {
	for i, who := range []string{raiserID, respondID} {
		code, body, err := r.submit(ctx, who, map[string]any{"f": "profile"},
			state(map[string]string{"name": "Load Test " + strconv.Itoa(i+1)}, map[string]string{"agency": r.opts.Agencies[i]}, nil, nil))
		if err := expect(code, body, err, "clear"); err != nil {
			return fmt.Errorf("save profile: %w", err)
		}
	}
	for i := range r.opts.Cases {
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
		code, body, err := r.submit(ctx, raiserID, map[string]any{"f": "intake"}, st)
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
			return fmt.Errorf("raise case %d: unreadable check of the answers", i+1)
		}
		code, body, err = r.submit(ctx, raiserID, meta, map[string]any{"values": map[string]any{}})
		if err := expect(code, body, err, "clear"); err != nil {
			return fmt.Errorf("send case %d: %w", i+1, err)
		}
	}
	code, body, err := r.command(ctx, "list")
	if err != nil || code != http.StatusOK {
		return fmt.Errorf("list cases: status %d: %v", code, err)
	}
	seen := map[string]bool{}
	for _, id := range caseIDRe.FindAllString(string(body), -1) {
		if !seen[id] {
			seen[id] = true
			r.cases = append(r.cases, id)
		}
	}
	if len(r.cases) < r.opts.Cases {
		return fmt.Errorf("found %d of the %d cases raised in the raiser's list", len(r.cases), r.opts.Cases)
	}
	r.cases = r.cases[:r.opts.Cases]
	return nil
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

func (r *runner) command(ctx context.Context, text string) (int, []byte, error) {
	return r.slackForm(ctx, url.Values{"token": {"loadtest"}, "team_id": {team}, "team_domain": {"loadtest"},
		"channel_id": {"C0LOADTEST"}, "channel_name": {"loadtest"}, "user_id": {raiserID}, "user_name": {"loadtest"},
		"command": {r.opts.Command}, "text": {text}, "api_app_id": {"A0LOADTEST"},
		"response_url": {"https://hooks.slack.invalid/commands/loadtest"}, "trigger_id": {"loadtest.trigger"}})
}

// one sends the ith request of the mix and reports an error for anything
// but the expected answer.
func (r *runner) one(ctx context.Context, kind string, i int) error {
	caseID := r.cases[i%len(r.cases)]
	var code int
	var body []byte
	var err error
	switch kind {
	case KindAction:
		code, body, err = r.interaction(ctx, map[string]any{
			"type": "block_actions", "user": user(raiserID), "team": map[string]any{"id": team, "domain": "loadtest"},
			"api_app_id": "A0LOADTEST", "trigger_id": "loadtest.trigger",
			"container": map[string]any{"type": "message", "message_ts": "1790000000.000100", "channel_id": "D0LOADTEST"},
			"channel":   map[string]any{"id": "D0LOADTEST"},
			"actions": []any{map[string]any{"action_id": "rb_note", "block_id": "actions", "type": "button",
				"value": "note|" + caseID + "|0", "action_ts": "1790000000.1"}},
		})
	case KindNote:
		code, body, err = r.submit(ctx, raiserID, map[string]any{"f": "action:note", "c": caseID},
			state(map[string]string{"text": "Load test note " + strconv.Itoa(i)}, nil, nil, nil))
		if err == nil && code == http.StatusOK {
			return expect(code, body, nil, "clear")
		}
	case KindCommand:
		code, body, err = r.command(ctx, "status "+caseID)
		if err == nil && code == http.StatusOK && !bytes.Contains(body, []byte(caseID)) {
			return errors.New("status answer does not name the case")
		}
	case KindTeams:
		act := map[string]any{
			"type": "message", "id": "loadtest-" + strconv.Itoa(i), "timestamp": r.opts.Now().UTC().Format(time.RFC3339),
			"serviceUrl": r.convSrv.URL + "/", "channelId": "msteams",
			"from":         map[string]any{"id": teamsUser, "name": "Load Test (Teams)", "aadObjectId": "loadtest-aad"},
			"recipient":    map[string]any{"id": "28:loadtest-bot", "name": "resolvebot"},
			"conversation": map[string]any{"id": "a:loadtest-personal", "conversationType": "personal", "tenantId": teamsTenant},
			"channelData":  map[string]any{"tenant": map[string]any{"id": teamsTenant}},
			"text":         "list", "textFormat": "plain",
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

// withdraw closes the run's cases, as the raiser.
func (r *runner) withdraw(ctx context.Context) error {
	for _, id := range r.cases {
		code, body, err := r.submit(ctx, raiserID, map[string]any{"f": "action:withdraw", "c": id},
			state(map[string]string{"reason": "Load test finished."}, nil, nil, nil))
		if err := expect(code, body, err, "clear"); err != nil {
			return fmt.Errorf("%s: %w", id, err)
		}
	}
	return nil
}
