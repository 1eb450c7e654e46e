package slack

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/bot/bottest"
)

// paceClock is a fake clock for the pacer; its sleep records each wait
// and, when advance is set, moves the clock on by it instead of sleeping.
type paceClock struct {
	mu      sync.Mutex
	t       time.Time
	advance bool
	waits   []time.Duration
}

func (c *paceClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *paceClock) sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits = append(c.waits, d)
	if c.advance {
		c.t = c.t.Add(d)
	}
	return ctx.Err()
}

func (c *paceClock) take() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	w := c.waits
	c.waits = nil
	return w
}

func (c *paceClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// pacedAdapter returns an adapter whose pacer and sleeps run on clk.
func pacedAdapter(t *testing.T, opts Options, clk *paceClock) *Adapter {
	t.Helper()
	env := bottest.New(t, bottest.Options{})
	opts.SigningSecret = testSecret
	a := newAdapter(newStubAPI(sam, jo), env.Router, env.Dispatcher, opts)
	if a.pace != nil {
		a.pace.now = clk.now
	}
	a.sleep = clk.sleep
	return a
}

// burst makes n calls to method in channel one after another and returns
// how many reached the API.
func burst(t *testing.T, a *Adapter, method, channel string, n int) int {
	t.Helper()
	calls := 0
	for range n {
		if err := a.callIn(context.Background(), method, channel, func(context.Context) error { calls++; return nil }); err != nil {
			t.Fatalf("%s: %v", method, err)
		}
	}
	return calls
}

func durations(n int, d time.Duration) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = d
	}
	return out
}

// TestPaceSpreadsBurst: a burst of ten posts to one channel goes out as
// three at once and then one a second; another channel is not held back;
// after a quiet spell the burst allowance is back.
func TestPaceSpreadsBurst(t *testing.T) {
	clk := &paceClock{t: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC), advance: true}
	a := pacedAdapter(t, Options{Pace: map[string]Rate{"chat.postMessage": {Every: time.Second, Burst: 3, PerChannel: true}}}, clk)
	start := clk.now()
	if got := burst(t, a, "chat.postMessage", "D0SAM", 10); got != 10 {
		t.Fatalf("%d calls made, want 10", got)
	}
	if w := clk.take(); !slices.Equal(w, durations(7, time.Second)) {
		t.Fatalf("waits %v, want seven of 1s", w)
	}
	if spread := clk.now().Sub(start); spread != 7*time.Second {
		t.Errorf("burst spread over %v, want 7s", spread)
	}
	if burst(t, a, "chat.postMessage", "D0JO", 3); len(clk.take()) != 0 {
		t.Error("another channel waited for the first one's burst")
	}
	clk.add(3 * time.Second)
	if burst(t, a, "chat.postMessage", "D0SAM", 3); len(clk.take()) != 0 {
		t.Error("after three quiet seconds the burst allowance was not back")
	}
}

// TestPaceQueuesConcurrentCallers: callers arriving together are given
// successive turns, not the same one.
func TestPaceQueuesConcurrentCallers(t *testing.T) {
	clk := &paceClock{t: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	a := pacedAdapter(t, Options{Pace: map[string]Rate{"chat.update": {Every: 2 * time.Second, Burst: 2}}}, clk)
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() {
			if err := a.call(context.Background(), "chat.update", func(context.Context) error { return nil }); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	w := clk.take()
	slices.Sort(w)
	if want := []time.Duration{2 * time.Second, 4 * time.Second, 6 * time.Second, 8 * time.Second}; !slices.Equal(w, want) {
		t.Fatalf("waits %v, want %v (two at once, then one every 2s)", w, want)
	}
}

// TestPaceDeadline: a call whose turn comes after its context's deadline
// fails at once, without calling Slack or using up a turn.
func TestPaceDeadline(t *testing.T) {
	clk := &paceClock{t: time.Now(), advance: true}
	a := pacedAdapter(t, Options{Pace: map[string]Rate{"views.open": {Every: 2 * time.Hour, Burst: 1}}}, clk)
	burst(t, a, "views.open", "", 1)
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	called := false
	err := a.call(ctx, "views.open", func(context.Context) error { called = true; return nil })
	if !errors.Is(err, errPaced) || called {
		t.Fatalf("err %v, called %v; want errPaced without a call", err, called)
	}
	if w := clk.take(); len(w) != 0 {
		t.Errorf("waited %v before failing", w)
	}
	// The refused call took no turn: the next waits one interval, not two.
	burst(t, a, "views.open", "", 1)
	if w := clk.take(); !slices.Equal(w, []time.Duration{2 * time.Hour}) {
		t.Errorf("waits %v, want one of 2h", w)
	}
}

// TestPaceDefaultsAndOff: the defaults let ordinary bursts through
// without waiting; NoPace and a zero Rate pace nothing; unnamed methods
// get DefaultRate.
func TestPaceDefaultsAndOff(t *testing.T) {
	clk := &paceClock{t: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	a := pacedAdapter(t, Options{}, clk)
	burst(t, a, "chat.postMessage", "D0SAM", 5)
	for _, m := range []string{"chat.update", "conversations.open", "users.info", "views.open", "views.publish", "files.upload"} {
		burst(t, a, m, "", 15)
	}
	if w := clk.take(); len(w) != 0 {
		t.Fatalf("ordinary use waited: %v", w)
	}
	burst(t, a, "files.upload", "", DefaultRate.Burst-15+1)
	if w := clk.take(); !slices.Equal(w, []time.Duration{DefaultRate.Every}) {
		t.Errorf("an unnamed method past DefaultRate's burst waited %v, want %v", w, DefaultRate.Every)
	}

	off := pacedAdapter(t, Options{NoPace: true}, clk)
	burst(t, off, "chat.postMessage", "D0SAM", 100)
	unpaced := pacedAdapter(t, Options{Pace: map[string]Rate{"chat.update": {}}}, clk)
	burst(t, unpaced, "chat.update", "", 100)
	if w := clk.take(); len(w) != 0 {
		t.Errorf("unpaced calls waited: %v", w)
	}
}

// TestPacePrunesFullBuckets: per-channel buckets that have filled up
// again are dropped once there are many.
func TestPacePrunesFullBuckets(t *testing.T) {
	clk := &paceClock{t: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	p := newPacer(false, nil, clk.now)
	for i := range maxBuckets {
		p.reserve("chat.postMessage", "D"+string(rune('A'+i%26))+time.Duration(i).String(), time.Time{}, false)
	}
	clk.add(time.Minute)
	p.reserve("chat.postMessage", "Dnew", time.Time{}, false)
	if n := len(p.buckets); n != 1 {
		t.Errorf("%d buckets after pruning, want 1", n)
	}
}
