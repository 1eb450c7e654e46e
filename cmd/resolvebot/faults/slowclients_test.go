//go:build faults

package faults

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Slow-client settings the test runs the bot with.
const (
	slowReadTimeout = 4 * time.Second
	slowConnsCap    = 32
	slowBodyReads   = 8
)

// TestSlowClients opens 500 connections from one address (127.0.0.2), each
// sending a signed Slack request whose 1 MiB body comes one byte every 2 s,
// and opening a new connection whenever the bot closes one (after half a
// second when it was refused at once), for 30 s. The
// bot runs with an open-file limit of 256. Meanwhile a second address
// (127.0.0.1) sends a signed slash command, and a readiness check to the
// admin listener, every 100 ms. Every slow connection must be closed within read_timeout (plus
// a margin for a loaded machine), and every normal request answered.
func TestSlowClients(t *testing.T) {
	const (
		slowClients = 500
		attack      = 30 * time.Second
		drip        = 2 * time.Second
		margin      = 6 * time.Second // scheduling on a loaded machine
	)
	slowFrom := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}
	probe, err := (&net.Dialer{LocalAddr: slowFrom}).Dial("tcp", "127.0.0.1:1")
	if err != nil && !strings.Contains(err.Error(), "refused") {
		t.Skipf("skipping: cannot connect from 127.0.0.2 (this needs 127.0.0.0/8 on the loopback device, as on Linux): %v", err)
	}
	if probe != nil {
		probe.Close()
	}
	dir := t.TempDir()
	fake := newFakeSlack(t)
	b := startBot(t, config{data: dir + "/resolvebot.db", dir: dir, slackAPI: fake.URL(), nofile: 256,
		yaml: fmt.Sprintf("server:\n  read_header_timeout: 2s\n  read_timeout: %s\n  write_timeout: 10s\n  idle_timeout: 5s\n"+
			"  max_client_connections: %d\n  max_client_body_reads: %d\n", slowReadTimeout, slowConnsCap, slowBodyReads)})

	stop := make(chan struct{})
	var opened, closedByBot atomic.Int64
	var mu sync.Mutex
	open := map[int]time.Time{} // slow connections open now, by number, since when
	var longest time.Duration   // the longest any slow connection was held
	var seq atomic.Int64
	var wg sync.WaitGroup
	for range slowClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				n := int(seq.Add(1))
				held, byBot := slowRequest(b.addr, slowFrom, drip, stop, func(start time.Time) {
					opened.Add(1)
					mu.Lock()
					open[n] = start
					mu.Unlock()
				})
				mu.Lock()
				delete(open, n)
				longest = max(longest, held)
				mu.Unlock()
				if byBot {
					closedByBot.Add(1)
				}
				if held < time.Second { // refused at once: pause rather than spin
					select {
					case <-stop:
					case <-time.After(500 * time.Millisecond):
					}
				}
			}
		}()
	}

	// Normal requests from another address, and a watch on the slow ones.
	c := newSlackClient()
	var answered, failed int
	var firstFailure string
	maxOpen, oldest := 0, time.Duration(0)
	deadline := time.Now().Add(attack)
	for time.Now().Before(deadline) {
		for _, r := range []result{c.command(b.addr, sam.id, "help"), readyz(b.admin)} {
			if r.err == nil && r.status == http.StatusOK {
				answered++
				continue
			}
			failed++
			if firstFailure == "" {
				firstFailure = fmt.Sprintf("status %d, err %v", r.status, r.err)
			}
		}
		mu.Lock()
		maxOpen = max(maxOpen, len(open))
		for _, since := range open {
			oldest = max(oldest, time.Since(since))
		}
		mu.Unlock()
		time.Sleep(100 * time.Millisecond)
	}
	mu.Lock()
	heldAtEnd := 0
	for _, since := range open {
		if time.Since(since) > slowReadTimeout+margin {
			heldAtEnd++
		}
	}
	mu.Unlock()
	close(stop)
	wg.Wait()
	refused := refusedCounts(t, b.admin)

	figure(t, "%d slow connections from one address over %s (bot limited to 256 open files): at most %d open at once, "+
		"longest held %s (read_timeout %s), %d held past it at the end; %d closed by the bot",
		opened.Load(), attack, maxOpen, max(longest, oldest).Round(100*time.Millisecond), slowReadTimeout, heldAtEnd, closedByBot.Load())
	figure(t, "normal requests from another address meanwhile: %d answered, %d failed; refused by the bot: %s", answered, failed, refused)
	if failed > 0 {
		t.Errorf("%d of %d normal requests failed while slow clients were connected (first: %s)", failed, answered+failed, firstFailure)
	}
	if held := max(longest, oldest); held > slowReadTimeout+margin {
		t.Errorf("a slow connection was held for %s, past read_timeout %s (+%s margin)", held, slowReadTimeout, margin)
	}
	if heldAtEnd > 0 {
		t.Errorf("%d slow connections were still held past read_timeout at the end", heldAtEnd)
	}
	if opened.Load() < slowClients {
		t.Errorf("only %d slow connections were opened", opened.Load())
	}
	if !b.proc.running() || b.panics() {
		t.Fatalf("the bot stopped or panicked under slow clients:\n%.3000s", b.log.String())
	}
}

// slowRequest connects to addr from from and sends a signed Slack request
// whose 1 MiB body comes one byte every drip, until the bot closes the
// connection or stop is closed. connected is called once the connection is
// open. It returns how long the connection was held and whether the bot
// closed it.
func slowRequest(addr string, from net.Addr, drip time.Duration, stop <-chan struct{}, connected func(time.Time)) (time.Duration, bool) {
	conn, err := (&net.Dialer{LocalAddr: from, Timeout: 5 * time.Second}).Dial("tcp", addr)
	if err != nil {
		select {
		case <-stop:
		case <-time.After(100 * time.Millisecond): // the bot's backlog is full: try again shortly
		}
		return 0, false
	}
	defer conn.Close()
	start := time.Now()
	connected(start)
	gone := make(chan struct{})
	go func() {
		io.Copy(io.Discard, conn) // returns when the bot closes (or resets) the connection
		close(gone)
	}()
	ts := time.Now().Unix()
	fmt.Fprintf(conn, "POST /slack/events HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
		"X-Slack-Request-Timestamp: %d\r\nX-Slack-Signature: %s\r\nContent-Length: %d\r\n\r\n", addr, ts, sign(ts, []byte("x")), 1<<20)
	tick := time.NewTicker(drip)
	defer tick.Stop()
	for {
		select {
		case <-gone:
			return time.Since(start), true
		case <-stop:
			return time.Since(start), false
		case <-tick.C:
			conn.Write([]byte("a"))
		}
	}
}

// command sends a signed slash command with text as user.
func (c *slackClient) command(addr, user, text string) result {
	return c.postForm(addr, url.Values{"command": {"/resolve"}, "text": {text}, "team_id": {team}, "user_id": {user},
		"trigger_id": {"trig"}, "channel_id": {"D0" + user}})
}

// readyz asks the bot whether it is ready, on a fresh connection.
func readyz(addr string) result {
	hc := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := hc.Get("http://" + addr + "/readyz")
	if err != nil {
		return result{err: err}
	}
	resp.Body.Close()
	return result{status: resp.StatusCode}
}

var refusedLine = regexp.MustCompile(`^resolvebot_http_refused_total\{reason="([a-z_]+)"\} (\d+)`)

// refusedCounts reads the bot's counts of refused connections and requests
// from /metrics.
func refusedCounts(t *testing.T, addr string) string {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		return "(metrics unavailable: " + err.Error() + ")"
	}
	defer resp.Body.Close()
	var parts []string
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if m := refusedLine.FindStringSubmatch(sc.Text()); m != nil {
			parts = append(parts, m[1]+" "+m[2])
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}
