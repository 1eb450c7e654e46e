//go:build faults

package faults

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/boltstore"
	"github.com/resolvebot/resolvebot/conversation/redisstore"
)

// binary is the resolvebot executable built once for this test run.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "resolvebot-faults-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "resolvebot")
	args := []string{"build", "-o", binary}
	if raceBuild {
		args = append(args, "-race")
	}
	build := exec.Command("go", append(args, "github.com/resolvebot/resolvebot/cmd/resolvebot")...)
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build resolvebot:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const (
	signingSecret = "faults-signing-secret-0123456789"
	team          = "T0TEAM"
	samEmail      = "sam.patel@school.example.org"
	joEmail       = "jo.reed@csc.example.org"
)

// freePort returns a loopback port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// needRedis finds redis-server and redis-cli on PATH, skipping the test
// without them, or failing it under CI=true.
func needRedis(t *testing.T) {
	t.Helper()
	for _, b := range []string{"redis-server", "redis-cli"} {
		if _, err := exec.LookPath(b); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is not on PATH in CI (.ci/run installs the Debian package redis-server)", b)
			}
			t.Skipf("skipping: %s is not on PATH (install the Debian package redis-server)", b)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for a child's output and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// child is a subprocess the test started; cleanup kills it.
type child struct {
	t    *testing.T
	name string
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{}
}

func startChild(t *testing.T, name string, out *syncBuffer, env []string, bin string, args ...string) *child {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	c := &child{t: t, name: name, cmd: cmd, out: out, done: make(chan struct{})}
	go func() { cmd.Wait(); close(c.done) }()
	t.Cleanup(c.checkRaces) // runs after kill: cleanups run last first
	t.Cleanup(c.kill)
	return c
}

// raceReport starts every report of Go's race detector.
const raceReport = "WARNING: DATA RACE"

// checkRaces fails the test if the process reported a data race (a binary
// built with -race reports each when it happens, so one killed with
// SIGKILL has still reported what it found).
func (c *child) checkRaces() {
	if n, first := raceReports(c.out.String()); n > 0 {
		c.t.Errorf("%s reported %d data race(s); the first:\n%s", c.name, n, first)
	}
}

// raceReports counts the race detector's reports in out and returns the
// first.
func raceReports(out string) (int, string) {
	i := strings.Index(out, raceReport)
	if i < 0 {
		return 0, ""
	}
	first := out[i:]
	if end := strings.Index(first, "=================="); end > 0 {
		first = first[:end]
	}
	return strings.Count(out, raceReport), first
}

func (c *child) running() bool {
	select {
	case <-c.done:
		return false
	default:
		return true
	}
}

// kill sends SIGKILL and waits for the process to go.
func (c *child) kill() {
	if c.running() {
		c.cmd.Process.Signal(syscall.SIGKILL)
	}
	select {
	case <-c.done:
	case <-time.After(10 * time.Second):
		c.t.Errorf("%s did not die after SIGKILL", c.name)
	}
}

// stop asks the process to stop with SIGTERM, then kills it after 15 s.
func (c *child) stop() {
	if c.running() {
		c.cmd.Process.Signal(syscall.SIGTERM)
	}
	select {
	case <-c.done:
	case <-time.After(15 * time.Second):
		c.t.Errorf("%s did not stop on SIGTERM; killing it", c.name)
		c.kill()
	}
}

// redisServer is a redis-server the test runs on a loopback port.
type redisServer struct {
	t    *testing.T
	port int
	dir  string
	args []string
	proc *child
	out  *syncBuffer
}

// startRedis starts redis-server on a free port in a temp dir. extra
// arguments come after the defaults (no persistence) and override them.
func startRedis(t *testing.T, extra ...string) *redisServer {
	t.Helper()
	needRedis(t)
	r := &redisServer{t: t, port: freePort(t), dir: t.TempDir(), out: &syncBuffer{}}
	r.args = append([]string{"--port", strconv.Itoa(r.port), "--bind", "127.0.0.1", "--dir", r.dir,
		"--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "yes"}, extra...)
	r.start()
	return r
}

func (r *redisServer) addr() string { return fmt.Sprintf("127.0.0.1:%d", r.port) }
func (r *redisServer) url() string  { return "redis://" + r.addr() + "/0" }

// start starts the server (again, on the same port and dir) and waits for PING.
func (r *redisServer) start() {
	r.t.Helper()
	r.proc = startChild(r.t, "redis-server", r.out, os.Environ(), "redis-server", r.args...)
	waitRedis(r.t, r.addr(), r.proc, r.out)
}

func waitRedis(t *testing.T, addr string, proc *child, out *syncBuffer) {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	defer c.Close()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil {
			return
		}
		if !proc.running() {
			t.Fatalf("redis-server on %s exited:\n%s", addr, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("redis-server on %s never answered PING:\n%s", addr, out.String())
}

// config is what one serve process is started with.
type config struct {
	data     string // bolt file, when redis is ""
	redis    string // REDIS_URL
	prefix   string // store.key_prefix
	storeID  string // store.id
	duePass  string // scheduler.due_pass; "" for the default
	slackAPI string // the fake Slack Web API
	dir      string // where the config file goes
	yaml     string // more settings, appended to the file as they are
	nofile   int    // the process's open-file limit (ulimit -n); 0 leaves it
}

// writeConfig writes the YAML file for cfg and returns its path.
func writeConfig(t *testing.T, cfg config) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("store:\n  allow_plaintext: true\n")
	if cfg.prefix != "" {
		fmt.Fprintf(&b, "  key_prefix: %s\n", cfg.prefix)
	}
	if cfg.storeID != "" {
		fmt.Fprintf(&b, "  id: %q\n", cfg.storeID)
	}
	b.WriteString("scheduler:\n")
	if cfg.duePass != "" {
		fmt.Fprintf(&b, "  due_pass: %q\n", cfg.duePass)
	}
	// Digests and summaries stay out of the way of nudge counting.
	b.WriteString("  digest: \"@every 1000h\"\n  summary: \"@every 1000h\"\n")
	// The fake Slack API has no rate limits of its own (it answers 429 only
	// when a test asks), so the adapter's pacing, tested on its own, stays
	// off: paced, a burst of card updates would outlast the test.
	b.WriteString("slack:\n  pace: false\n")
	b.WriteString("log:\n  level: info\n  format: json\n")
	b.WriteString(cfg.yaml)
	path := filepath.Join(cfg.dir, fmt.Sprintf("resolvebot-%d.yaml", time.Now().UnixNano()))
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// bot is one resolvebot serve subprocess.
type bot struct {
	t     *testing.T
	cfg   config
	file  string
	addr  string      // the public listener
	admin string      // the admin listener (/healthz, /metrics)
	log   *syncBuffer // every run's output, across restarts
	proc  *child
}

// startBot starts resolvebot serve on a free loopback port, with its admin
// listener on another, and waits for /healthz there.
func startBot(t *testing.T, cfg config) *bot {
	t.Helper()
	if cfg.dir == "" {
		cfg.dir = t.TempDir()
	}
	b := &bot{t: t, cfg: cfg, file: writeConfig(t, cfg), log: &syncBuffer{}}
	b.start()
	return b
}

// start starts (or restarts) the process with the same data and config.
func (b *bot) start() {
	b.t.Helper()
	b.addr = fmt.Sprintf("127.0.0.1:%d", freePort(b.t))
	b.admin = fmt.Sprintf("127.0.0.1:%d", freePort(b.t))
	env := []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + b.cfg.dir, "TZ=UTC",
		"SLACK_BOT_TOKEN=xoxb-faults", "SLACK_SIGNING_SECRET=" + signingSecret, "SLACK_API_URL=" + b.cfg.slackAPI,
		"RESOLVEBOT_CONFIG=" + b.file, "RESOLVEBOT_ADDR=" + b.addr, "RESOLVEBOT_ADMIN_ADDR=" + b.admin,
	}
	if b.cfg.redis != "" {
		env = append(env, "REDIS_URL="+b.cfg.redis)
	} else {
		env = append(env, "RESOLVEBOT_DATA="+b.cfg.data)
	}
	if b.cfg.nofile > 0 {
		// Go raises its soft limit to the hard one at start, so both are set.
		b.proc = startChild(b.t, "resolvebot", b.log, env, "/bin/sh", "-c",
			fmt.Sprintf(`ulimit -n %d && exec "$0" serve`, b.cfg.nofile), binary)
	} else {
		b.proc = startChild(b.t, "resolvebot", b.log, env, binary, "serve")
	}
	hc := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := hc.Get("http://" + b.admin + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if !b.proc.running() {
			b.t.Fatalf("resolvebot exited at start:\n%s", b.log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.t.Fatalf("resolvebot never answered /healthz:\n%s", b.log.String())
}

// panics reports whether the process ever logged a panic or a Go runtime crash.
func (b *bot) panics() bool {
	s := b.log.String()
	return strings.Contains(s, "panic") || strings.Contains(s, "fatal error:") || strings.Contains(s, "DATA RACE")
}

// slackClient sends signed requests to one bot, as Slack does.
type slackClient struct {
	hc *http.Client
}

func newSlackClient() *slackClient {
	return &slackClient{hc: &http.Client{Timeout: 15 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}}}
}

// result is how the bot answered one request.
type result struct {
	status  int
	body    string
	err     error
	sent    time.Time
	latency time.Duration
}

// saved reports whether a view submission was acknowledged as saved: the
// modal closes ("clear"). Anything else told the person it was not.
func (r result) saved() bool {
	return r.err == nil && r.status == http.StatusOK && strings.Contains(r.body, `"response_action":"clear"`)
}

func sign(ts int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(signingSecret))
	fmt.Fprintf(mac, "v0:%d:%s", ts, body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// interact posts an interactivity payload to addr, signed.
func (c *slackClient) interact(addr string, payload map[string]any) result {
	p, _ := json.Marshal(payload)
	return c.postForm(addr, url.Values{"payload": {string(p)}})
}

// postForm posts form to addr's Slack endpoint, signed as Slack signs it,
// and times the answer.
func (c *slackClient) postForm(addr string, form url.Values) result {
	body := []byte(form.Encode())
	ts := time.Now().Unix()
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/slack/events", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("X-Slack-Signature", sign(ts, body))
	r := result{sent: time.Now()}
	resp, err := c.hc.Do(req)
	r.latency = time.Since(r.sent)
	if err != nil {
		r.err = err
		return r
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	r.status, r.body = resp.StatusCode, string(b)
	return r
}

func userJSON(id string) map[string]any {
	return map[string]any{"id": id, "team_id": team, "name": strings.ToLower(id), "username": strings.ToLower(id)}
}

// submitView posts a view_submission of the form meta with answers, each
// shaped as a plain text input except users (a users_select).
func (c *slackClient) submitView(addr, user, meta string, answers map[string]string, users map[string]string) result {
	values := map[string]any{}
	for k, v := range answers {
		values[k] = map[string]any{k: map[string]any{"type": "plain_text_input", "value": v}}
	}
	for k, v := range users {
		values[k] = map[string]any{k: map[string]any{"type": "users_select", "selected_user": v}}
	}
	return c.interact(addr, map[string]any{
		"type": "view_submission", "team": map[string]any{"id": team, "domain": "example"}, "user": userJSON(user),
		"api_app_id": "A0APP", "token": "legacy", "trigger_id": "trig", "is_enterprise_install": false,
		"view": map[string]any{"id": "VFAULT", "team_id": team, "type": "modal", "callback_id": "rb_form",
			"private_metadata": meta, "hash": "h", "root_view_id": "VFAULT", "app_id": "A0APP", "bot_id": "B0BOT",
			"state": map[string]any{"values": values}},
	})
}

// note adds a note to caseID as the raiser, through the Add note modal.
func (c *slackClient) note(addr, caseID, text string) result {
	meta, _ := json.Marshal(map[string]any{"f": "action:note", "c": caseID})
	return c.submitView(addr, sam.id, string(meta), map[string]string{"text": text}, nil)
}

// press presses a case button on the bot's DM card for user.
func (c *slackClient) press(addr, user, channel, ts, verb, caseID string) result {
	value := verb + "|" + caseID + "|0"
	return c.interact(addr, map[string]any{
		"type": "block_actions", "user": userJSON(user), "api_app_id": "A0APP", "token": "legacy",
		"container":  map[string]any{"type": "message", "message_ts": ts, "channel_id": channel, "is_ephemeral": false},
		"trigger_id": "trig-" + caseID, "team": map[string]any{"id": team, "domain": "example"},
		"channel": map[string]any{"id": channel, "name": "directmessage"},
		"message": map[string]any{"type": "message", "user": "U0BOT", "bot_id": "B0BOT", "ts": ts, "text": "card"},
		"state":   map[string]any{"values": map[string]any{}},
		"actions": []any{map[string]any{"action_id": "rb_" + verb, "block_id": "actions", "type": "button", "value": value,
			"text": map[string]any{"type": "plain_text", "text": "x"}, "action_ts": "1790000000.1"}},
	})
}

// intake raises a case as sam against jo through the intake modal and
// the Send of its check-your-answers modal.
func (c *slackClient) intake(addr string, n int) result {
	answers := map[string]string{
		conversation.FieldImmediateRisk:    "no",
		conversation.FieldAbout:            conversation.AboutOtherAgency,
		conversation.FieldChildRef:         fmt.Sprintf("CSC-%06d", 200000+n),
		conversation.FieldRaiserAgency:     "school",
		conversation.FieldRespondentAgency: "csc",
		conversation.FieldCategory:         "threshold",
		conversation.FieldDecision:         "The referral was closed with no further action.",
		conversation.FieldConcern:          "Attendance has fallen and the child arrives hungry most days.",
		conversation.FieldEvidenceKind:     string(conversation.EvidenceDocumented),
		conversation.FieldEvidence:         "Attendance records for six weeks.",
		conversation.FieldOutcomeSought:    "A strategy discussion.",
		conversation.FieldUrgency:          string(conversation.UrgencyStandard),
		conversation.FieldReflection:       "discussed_with_lead,child_best_interest",
		conversation.FieldFamilyInformed:   "no",
		conversation.FieldSeriousConcern:   "no",
	}
	r := c.submitView(addr, sam.id, `{"f":"intake"}`, answers, map[string]string{conversation.FieldRespondent: jo.id})
	// The answers come back to be checked (response_action "update" to a
	// check-your-answers modal); Send is that modal's submission, carrying
	// its private_metadata back.
	var answer struct {
		Action string `json:"response_action"`
		View   struct {
			Meta string `json:"private_metadata"`
		} `json:"view"`
	}
	if r.err != nil || r.status != http.StatusOK || json.Unmarshal([]byte(r.body), &answer) != nil ||
		answer.Action != "update" || !strings.Contains(answer.View.Meta, `"intake_send"`) {
		return r
	}
	send := c.submitView(addr, sam.id, answer.View.Meta, nil, nil)
	send.sent, send.latency = r.sent, r.latency+send.latency
	return send
}

// person is someone in the fake workspace.
type person struct{ id, name, email string }

var (
	sam = person{"U01SAM", "Sam Patel", samEmail}
	jo  = person{"U02JO", "Jo Reed", joEmail}
)

// seed writes sam and jo (with their Slack handles and profiles) into
// store, and raises n cases from sam against jo with the engine's clock at
// start. It returns the case ids.
func seed(t *testing.T, store conversation.Store, n int, start time.Time) []string {
	t.Helper()
	env := bottest.New(t, bottest.Options{Store: store, Start: start})
	ctx := context.Background()
	ids := map[string]string{}
	for _, p := range []struct {
		person
		agency string
	}{{sam, "school"}, {jo, "csc"}} {
		per, err := env.People.Identify(ctx, conversation.Handle{Platform: "slack", Team: team, User: p.id}, p.name, p.email)
		if err != nil {
			t.Fatalf("identify %s: %v", p.name, err)
		}
		if _, err := env.People.SaveProfile(ctx, per.ID, p.name, p.agency, ""); err != nil {
			t.Fatalf("profile %s: %v", p.name, err)
		}
		ids[p.id] = per.ID
	}
	var cases []string
	for range n {
		res, err := env.Engine.Raise(ctx, ids[sam.id], bottest.Intake(ids[jo.id], "school", "csc"))
		if err != nil {
			t.Fatalf("raise: %v", err)
		}
		cases = append(cases, res.Case.ID)
	}
	env.Discard(t) // cases from before the test: their messages went long ago
	return cases
}

// openBolt opens a bolt file, failing the test on error.
func openBolt(t *testing.T, path string) conversation.Store {
	t.Helper()
	s, err := boltstore.Open(path)
	if err != nil {
		t.Fatalf("open bolt: %v", err)
	}
	return s
}

// openRedis opens a Redis store, failing the test on error.
func openRedis(t *testing.T, addr, prefix string) conversation.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := redisstore.Open(ctx, addr, prefix)
	if err != nil {
		t.Fatalf("open redis store: %v", err)
	}
	return s
}

// timelines reads every case in ids and returns, per case, its events.
func timelines(t *testing.T, store conversation.Store, ids []string) map[string][]conversation.Event {
	t.Helper()
	out := map[string][]conversation.Event{}
	for _, id := range ids {
		c, err := store.GetCase(context.Background(), id)
		if err != nil {
			t.Fatalf("read %s: %v", id, err)
		}
		out[id] = c.Events
	}
	return out
}

// noteCounts counts each note text on the timelines.
func noteCounts(tl map[string][]conversation.Event) map[string]int {
	out := map[string]int{}
	for id, evs := range tl {
		for _, e := range evs {
			if e.Kind == conversation.EventNote {
				out[id+"|"+e.Text]++
			}
		}
	}
	return out
}

// loss compares the acknowledged notes (case|text) with what is stored.
func loss(acked []string, stored map[string]int) (lost, doubled int, sample []string) {
	for _, k := range acked {
		switch stored[k] {
		case 0:
			lost++
			if len(sample) < 5 {
				sample = append(sample, k)
			}
		case 1:
		default:
			doubled++
		}
	}
	return lost, doubled, sample
}

// waitFor polls cond every 100 ms until it holds or timeout passes.
func waitFor(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if cond() {
			return true
		}
		time.Sleep(100 * time.Millisecond)
	}
	return cond()
}

func TestRaceReports(t *testing.T) {
	out := "time=… level=INFO msg=listening\n==================\n" + raceReport + "\nWrite at 0x00c000 by goroutine 7:\n  main.f()\n\nPrevious read at 0x00c000 by goroutine 6:\n==================\n" +
		"==================\n" + raceReport + "\nRead at …\n==================\n"
	n, first := raceReports(out)
	if n != 2 || !strings.HasPrefix(first, raceReport) || !strings.Contains(first, "by goroutine 7") || strings.Contains(first, "Read at …") {
		t.Fatalf("raceReports = %d, %q", n, first)
	}
	if n, _ := raceReports("time=… level=INFO msg=listening\n"); n != 0 {
		t.Fatalf("a clean log has %d reports", n)
	}
}
