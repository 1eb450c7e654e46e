package httpedge

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestClient(t *testing.T) {
	l := Limits{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}}
	tests := []struct {
		name   string
		remote string
		xff    []string
		want   string
	}{
		{"direct", "203.0.113.7:5000", nil, "203.0.113.7"},
		{"direct, forged header ignored", "203.0.113.7:5000", []string{"198.51.100.1"}, "203.0.113.7"},
		{"through a trusted proxy", "10.1.2.3:5000", []string{"198.51.100.1"}, "198.51.100.1"},
		{"client forged a first hop", "10.1.2.3:5000", []string{"192.0.2.9, 198.51.100.1"}, "198.51.100.1"},
		{"two trusted proxies", "10.1.2.3:5000", []string{"198.51.100.1, 10.9.9.9"}, "198.51.100.1"},
		{"headers repeated", "10.1.2.3:5000", []string{"192.0.2.9", "198.51.100.1"}, "198.51.100.1"},
		{"trusted proxy without the header", "10.1.2.3:5000", nil, "10.1.2.3"},
		{"garbage hop", "10.1.2.3:5000", []string{"not-an-ip"}, "10.1.2.3"},
		{"only trusted hops", "10.1.2.3:5000", []string{"10.4.4.4"}, "10.4.4.4"},
		{"IPv6 proxy, IPv4-mapped client", "[::1]:5000", []string{"::ffff:198.51.100.1"}, "198.51.100.1"},
		{"unparseable remote", "somewhere", nil, "somewhere"},
		{"IPv6 client is its /64", "[2001:db8:1:2:aaaa::7]:5000", nil, "2001:db8:1:2::"},
		{"IPv6 client behind the proxy", "10.1.2.3:5000", []string{"2001:db8:1:2:bbbb::9"}, "2001:db8:1:2::"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := http.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tt.remote
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := Client(r, l); got != tt.want {
				t.Errorf("Client = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestConnsFor(t *testing.T) {
	tests := []struct {
		files uint64
		want  int
	}{{64, minConns}, {256, 160}, {1024, 768}, {1 << 40, 1 << 20}}
	for _, tt := range tests {
		if got := connsFor(tt.files); got != tt.want {
			t.Errorf("connsFor(%d) = %d, want %d", tt.files, got, tt.want)
		}
	}
}

// serve runs h behind NewServer and Listener with l on a loopback port and
// returns its address.
func serve(t *testing.T, l Limits, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(h, l)
	go srv.Serve(Listener(ln, l))
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// dialFrom connects to addr from the loopback address from (Linux routes
// all of 127.0.0.0/8 to the loopback device, so each is another client).
func dialFrom(t *testing.T, from, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 5 * time.Second}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Skipf("skipping: cannot connect from %s (this needs 127.0.0.0/8 on the loopback device, as on Linux): %v", from, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// closedSoon reports whether the server closes c (or resets it) within
// wait, without c sending anything more; what the server writes before
// closing it is read and dropped.
func closedSoon(c net.Conn, wait time.Duration) bool {
	c.SetReadDeadline(time.Now().Add(wait))
	_, err := io.Copy(io.Discard, c)
	var ne net.Error
	return !(errors.As(err, &ne) && ne.Timeout())
}

// get sends GET /ok on c and returns the status, or 0 on failure.
func get(c net.Conn) int {
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		return 0
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

var ok = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	w.Write([]byte("ok"))
})

func TestListenerClosesConnectionsOverTheCaps(t *testing.T) {
	var refused atomic.Int32
	l := Limits{MaxConnsPerClient: 3, MaxConns: 5, Refused: func(string) { refused.Add(1) }}
	addr := serve(t, l, ok)
	var held []net.Conn
	for range 3 {
		held = append(held, dialFrom(t, "127.0.0.2", addr))
	}
	for i, c := range held {
		if got := get(c); got != http.StatusOK {
			t.Fatalf("connection %d within the cap: status %d", i, got)
		}
	}
	over := dialFrom(t, "127.0.0.2", addr)
	if !closedSoon(over, 5*time.Second) {
		t.Fatal("a fourth connection from one client was kept open")
	}
	other := dialFrom(t, "127.0.0.3", addr)
	if got := get(other); got != http.StatusOK {
		t.Fatalf("another client was not answered while the first was at its cap: %d", got)
	}
	held[0].Close()
	again := waitAnswered(t, "127.0.0.2", addr)
	if again != http.StatusOK {
		t.Fatalf("after one connection closed, the client was still refused: %d", again)
	}
	// 3 (127.0.0.2) + 1 (127.0.0.3) open: one more for anyone, then none.
	dialFrom(t, "127.0.0.4", addr)
	if last := dialFrom(t, "127.0.0.5", addr); !closedSoon(last, 5*time.Second) {
		t.Fatal("a connection over the listener's cap was kept open")
	}
	if refused.Load() < 2 {
		t.Errorf("Refused was called %d times, want at least 2", refused.Load())
	}
}

// waitAnswered dials from until a request is answered (the server sees a
// closed connection a moment after the client closes it).
func waitAnswered(t *testing.T, from, addr string) int {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		status := get(dialFrom(t, from, addr))
		if status != 0 || time.Now().After(deadline) {
			return status
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// startSlowPost sends the headers of a POST with a body of n bytes and one
// byte of it, then nothing more.
func startSlowPost(t *testing.T, c net.Conn, n int) {
	t.Helper()
	if _, err := fmt.Fprintf(c, "POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\na", n); err != nil {
		t.Fatal(err)
	}
}

func TestSlowBodyIsCutAtReadTimeout(t *testing.T) {
	l := Limits{ReadTimeout: 300 * time.Millisecond}
	addr := serve(t, l, ok)
	c := dialFrom(t, "127.0.0.2", addr)
	startSlowPost(t, c, 1<<20)
	// Generous: the point is that it is closed at all, not how fast.
	if !closedSoon(c, 10*time.Second) {
		t.Fatal("a body sent too slowly kept its connection open")
	}
}

func TestBodyReadsPerClient(t *testing.T) {
	proxy := netip.MustParsePrefix("127.0.0.9/32")
	l := Limits{MaxBodyReadsPerClient: 2, ReadTimeout: time.Minute, TrustedProxies: []netip.Prefix{proxy}}
	addr := serve(t, l, ok)
	for range 2 {
		startSlowPost(t, dialFrom(t, "127.0.0.2", addr), 100)
	}
	// The handlers start reading only once the server has the headers.
	time.Sleep(200 * time.Millisecond)
	third := dialFrom(t, "127.0.0.2", addr)
	startSlowPost(t, third, 100)
	third.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(third), nil)
	if err != nil {
		t.Fatalf("a third slow body from one client was not refused: %v", err)
	}
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || !resp.Close {
		t.Fatalf("third slow body: %d, Retry-After %q, close %v", resp.StatusCode, resp.Header.Get("Retry-After"), resp.Close)
	}
	// Behind a trusted proxy, clients are told apart by X-Forwarded-For.
	for i, xff := range []string{"198.51.100.1", "198.51.100.1", "198.51.100.2"} {
		c := dialFrom(t, "127.0.0.9", addr)
		fmt.Fprintf(c, "POST /slow HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: %s\r\nContent-Length: 100\r\n\r\na", xff)
		if i < 2 {
			continue
		}
		time.Sleep(200 * time.Millisecond)
		fmt.Fprint(c, strings.Repeat("b", 99))
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("another client behind the proxy was refused: %v %v", resp, err)
		}
	}
	// A normal request from the busy client still has no body to read.
	if got := get(dialFrom(t, "127.0.0.2", addr)); got != http.StatusOK {
		t.Fatalf("a GET from the client with two slow bodies: %d", got)
	}
}

func TestBodyOverTheCapIsRefusedUnread(t *testing.T) {
	var read atomic.Bool
	addr := serve(t, Limits{MaxBodyBytes: 1000}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		read.Store(true)
		io.Copy(io.Discard, r.Body)
	}))
	c := dialFrom(t, "127.0.0.2", addr)
	fmt.Fprint(c, "POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\n\r\n")
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil || resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("body over the cap: %v %v", resp, err)
	}
	if read.Load() {
		t.Error("the handler ran for a body over the cap")
	}
	// Without a length, the body is cut at the cap as it is read.
	var status atomic.Int32
	addr = serve(t, Limits{MaxBodyBytes: 1000}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := io.ReadAll(r.Body)
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			status.Store(http.StatusRequestEntityTooLarge)
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
		}
	}))
	c = dialFrom(t, "127.0.0.2", addr)
	fmt.Fprintf(c, "POST /big HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n7d1\r\n%s\r\n0\r\n\r\n", strings.Repeat("a", 2001))
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if resp, err := http.ReadResponse(bufio.NewReader(c), nil); err != nil || resp.StatusCode != http.StatusRequestEntityTooLarge || status.Load() == 0 {
		t.Fatalf("chunked body over the cap: %v %v", resp, err)
	}
}

// A handler that takes longer than ReadTimeout after reading its request
// keeps its context, so ReadTimeout does not cut short a slow handler (the
// server lifts the read deadline once the body is read; were it left, the
// server's background read would hit it and cancel the context).
func TestHandlerOutlivesReadTimeout(t *testing.T) {
	l := Limits{ReadTimeout: 200 * time.Millisecond}
	var cancelled atomic.Int32
	addr := serve(t, l, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
			cancelled.Add(1)
		case <-time.After(600 * time.Millisecond):
		}
		w.Write([]byte("done"))
	}))
	for _, req := range []string{
		"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi",
		"GET /x HTTP/1.1\r\nHost: x\r\n\r\n",
	} {
		c := dialFrom(t, "127.0.0.2", addr)
		io.WriteString(c, req)
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%q: %v %v", req[:4], resp, err)
		}
	}
	if n := cancelled.Load(); n != 0 {
		t.Fatalf("%d handlers had their context cancelled by the read deadline", n)
	}
}
