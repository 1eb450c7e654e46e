//go:build faults

package faults

import (
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// readyz returns /readyz's status and body.
func (b *bot) readyz() (int, string) {
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Get("http://" + b.addr + "/readyz")
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestRedisWithoutPersistenceRestarts runs serve on a Redis with no
// persistence at all (--save "" --appendonly no) and restarts that Redis
// mid-run, so it comes back empty. The bot must notice: /readyz fails with
// the reason, raising a case is refused with a "try again" answer, nothing
// is written into the empty Redis, and the log says what happened. Then an
// operator accepts the empty store with "resolvebot store reset-identity":
// readiness returns, and no case id issued before is issued again.
func TestRedisWithoutPersistenceRestarts(t *testing.T) {
	rs := startRedis(t) // no persistence
	const prefix = "forget"
	s := openRedis(t, rs.url(), prefix)
	seed(t, s, 0, time.Now())
	s.Close()
	fake := newFakeSlack(t)
	b := startBot(t, config{redis: rs.url(), prefix: prefix, slackAPI: fake.URL()})
	c := newSlackClient()
	raw := redis.NewClient(&redis.Options{Addr: rs.addr(), MaxRetries: -1})
	defer raw.Close()
	ctx := context.Background()
	caseIDs := func() []string {
		ids, err := raw.ZRange(ctx, prefix+":{rb}:cases", 0, -1).Result()
		if err != nil {
			t.Fatalf("read case ids: %v", err)
		}
		return ids
	}

	const n = 20
	for i := range n {
		if r := c.intake(b.addr, i); !r.saved() {
			t.Fatalf("intake %d before the restart: %d %v %.300s", i, r.status, r.err, r.body)
		}
	}
	before := caseIDs()
	storeID, _ := raw.HGet(ctx, prefix+":{rb}:identity", "id").Result()
	if len(before) != n {
		t.Fatalf("before the restart: %d cases, want %d", len(before), n)
	}
	if code, body := b.readyz(); code != http.StatusOK {
		t.Fatalf("readyz before the restart: %d %s", code, body)
	}

	rs.proc.kill()
	rs.start() // empty: nothing was persisted

	code, body := b.readyz()
	figure(t, "after the empty restart /readyz answers %d %q", code, strings.TrimSpace(body))
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "lost its data") {
		t.Errorf("readyz after Redis came back empty: %d %q, want 503 saying the store lost its data", code, body)
	}
	saved, tryAgain := 0, 0
	for i := n; i < 2*n; i++ {
		r := c.intake(b.addr, i)
		switch {
		case r.saved():
			saved++
		case r.err == nil && r.status == http.StatusOK && strings.Contains(strings.ToLower(r.body), "try again"):
			tryAgain++
		default:
			t.Errorf("intake %d on the empty store: %d %v %.300s", i, r.status, r.err, r.body)
		}
	}
	keys, err := raw.Keys(ctx, prefix+":*").Result()
	if err != nil {
		t.Fatal(err)
	}
	figure(t, "%d cases raised on the empty store: %d saved, %d answered \"try again\"; %d keys written into the empty Redis",
		n, saved, tryAgain, len(keys))
	if saved > 0 || len(keys) > 0 {
		t.Errorf("the bot carried on on an empty store: %d cases saved, keys %v", saved, keys)
	}
	if !strings.Contains(b.log.String(), "the store has lost its data") {
		t.Errorf("the log does not say the store lost its data:\n%.3000s", b.log.String())
	}

	// A replica (re)starting now, with the store id pinned in its
	// configuration, refuses to start a new store on the empty Redis.
	pinned := config{redis: rs.url(), prefix: prefix, slackAPI: fake.URL(), storeID: storeID, dir: t.TempDir()}
	pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	second := exec.CommandContext(pctx, binary, "serve")
	second.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + pinned.dir, "REDIS_URL=" + rs.url(), "RESOLVEBOT_CONFIG=" + writeConfig(t, pinned),
		"RESOLVEBOT_ADDR=127.0.0.1:0", "SLACK_BOT_TOKEN=xoxb-faults", "SLACK_SIGNING_SECRET=" + signingSecret, "SLACK_API_URL=" + fake.URL()}
	out, err := second.CombinedOutput()
	keys, _ = raw.Keys(ctx, prefix+":*").Result()
	figure(t, "a replica starting on the empty Redis with store.id pinned: %v, %d keys written", err, len(keys))
	if second.ProcessState == nil || second.ProcessState.ExitCode() != 1 || !strings.Contains(string(out), "lost its data") || len(keys) > 0 {
		t.Errorf("a pinned replica on the empty Redis: %v, keys %v, output:\n%.2000s", err, keys, out)
	}

	// A process that opens the empty Redis without the pin (a replica
	// restarting, an admin command) writes a new identity and the
	// directory's people; the running bot still refuses, as that is
	// another store.
	seed(t, openRedis(t, rs.url(), prefix), 0, time.Now())
	saved = 0
	for i := n; i < 2*n; i++ {
		if c.intake(b.addr, i).saved() {
			saved++
		}
	}
	code, _ = b.readyz()
	figure(t, "after an unpinned process wrote a new identity and people: %d of %d cases saved by the running bot, /readyz %d", saved, n, code)
	if saved > 0 || code != http.StatusServiceUnavailable {
		t.Errorf("the bot carried on on another store: %d cases saved, readyz %d; ids now %v", saved, code, caseIDs())
	}

	// The operator accepts the empty store, naming the last id issued.
	last := slices.Max(before)
	cmd := exec.Command(binary, "store", "reset-identity", "--last-id", last, "--replaces", storeID)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + b.cfg.dir, "REDIS_URL=" + rs.url(), "RESOLVEBOT_CONFIG=" + b.file}
	out, err = cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("store reset-identity: %v\n%s", err, out)
	}
	if !waitFor(10*time.Second, func() bool { code, _ := b.readyz(); return code == http.StatusOK }) {
		code, body := b.readyz()
		t.Fatalf("readyz after reset-identity: %d %s", code, body)
	}
	seed(t, openRedis(t, rs.url(), prefix), 0, time.Now()) // the people come back as they use the bot; here at once
	for i := 2 * n; i < 3*n; i++ {
		if r := c.intake(b.addr, i); !r.saved() {
			t.Fatalf("intake %d after reset-identity: %d %v %.300s", i, r.status, r.err, r.body)
		}
	}
	after := caseIDs()
	reused := 0
	for _, id := range after {
		if slices.Contains(before, id) {
			reused++
		}
	}
	figure(t, "%d case ids before the loss (last %s), %d after reset-identity (first %s): %d reused", len(before), last, len(after), slices.Min(after), reused)
	if reused > 0 || len(after) != n {
		t.Errorf("%d of %d ids reused after the loss: before %v, after %v", reused, len(after), before, after)
	}
	b.proc.stop()
	if b.panics() {
		t.Errorf("the process panicked:\n%s", b.log.String())
	}
}
