// Package httpedge guards the public HTTP listener against slow and greedy
// clients. A server from NewServer has every timeout set; its listener
// (Listener) closes a new connection at once when its client, or the
// process, already holds as many as allowed, so open files are never used
// up; and its handler (Handler) reads each request body under the
// server's read deadline, refuses a body over the size cap before reading
// it, and lets each client have only a few bodies being read at once.
//
// A client is the remote IP address, or, for a connection from a trusted
// proxy, the last address in X-Forwarded-For that is not itself a trusted
// proxy.
package httpedge

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"
)

// Limits are the listener's timeouts and caps. Zero fields take the
// defaults of DefaultLimits, except MaxConns, where 0 means "derived from
// the process's open-file limit" (see ConnLimit).
type Limits struct {
	// ReadHeaderTimeout bounds reading a request's headers.
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a whole request, headers and body; the
	// handler is not cut short by it once the body is read.
	ReadTimeout time.Duration
	// WriteTimeout bounds the time from the end of the request's headers
	// to the end of the response, so it must exceed the slowest handler.
	WriteTimeout time.Duration
	// IdleTimeout is how long a kept-alive connection may wait for its
	// next request.
	IdleTimeout time.Duration
	// MaxHeaderBytes caps the request line and headers.
	MaxHeaderBytes int
	// MaxBodyBytes caps a request body; larger ones get 413 unread.
	MaxBodyBytes int64
	// MaxConns caps the open connections of the whole listener; 0 derives
	// it from the open-file limit.
	MaxConns int
	// MaxConnsPerClient caps the open connections from one remote address.
	// Connections from trusted proxies are counted only in MaxConns.
	MaxConnsPerClient int
	// MaxBodyReadsPerClient caps the requests of one client whose bodies
	// are being read at once; more get 429 and their connection closed.
	MaxBodyReadsPerClient int
	// TrustedProxies are the addresses whose X-Forwarded-For is believed.
	TrustedProxies []netip.Prefix
	// Refused, when set, is called with a reason each time a connection
	// or request is refused: "connections", "client_connections",
	// "client_body_reads" or "body_too_large". It must not block.
	Refused func(reason string)
}

// DefaultLimits are the limits used for fields left zero. WriteTimeout
// leaves room for the slowest handler (a Teams invoke that writes the case
// and renders the updated card) even while the store is slow; Slack's own
// three-second acknowledgement budget is far inside it.
var DefaultLimits = Limits{
	ReadHeaderTimeout:     5 * time.Second,
	ReadTimeout:           15 * time.Second,
	WriteTimeout:          30 * time.Second,
	IdleTimeout:           90 * time.Second,
	MaxHeaderBytes:        64 << 10,
	MaxBodyBytes:          1 << 20,
	MaxConnsPerClient:     64,
	MaxBodyReadsPerClient: 16,
}

// withDefaults returns l with its zero fields set from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.ReadHeaderTimeout <= 0 {
		l.ReadHeaderTimeout = d.ReadHeaderTimeout
	}
	if l.ReadTimeout <= 0 {
		l.ReadTimeout = d.ReadTimeout
	}
	if l.WriteTimeout <= 0 {
		l.WriteTimeout = d.WriteTimeout
	}
	if l.IdleTimeout <= 0 {
		l.IdleTimeout = d.IdleTimeout
	}
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = d.MaxHeaderBytes
	}
	if l.MaxBodyBytes <= 0 {
		l.MaxBodyBytes = d.MaxBodyBytes
	}
	if l.MaxConns <= 0 {
		l.MaxConns = ConnLimit()
	}
	if l.MaxConnsPerClient <= 0 {
		l.MaxConnsPerClient = d.MaxConnsPerClient
	}
	if l.MaxBodyReadsPerClient <= 0 {
		l.MaxBodyReadsPerClient = d.MaxBodyReadsPerClient
	}
	return l
}

func (l Limits) refused(reason string) {
	if l.Refused != nil {
		l.Refused(reason)
	}
}

// trusted reports whether addr is a trusted proxy.
func (l Limits) trusted(addr netip.Addr) bool {
	addr = addr.Unmap()
	for _, p := range l.TrustedProxies {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// NewServer returns an http.Server for h with every timeout and cap of l set,
// h wrapped by Handler. Serve it on Listener(ln, l).
func NewServer(h http.Handler, l Limits) *http.Server {
	l = l.withDefaults()
	return &http.Server{
		Handler:           Handler(h, l),
		ReadHeaderTimeout: l.ReadHeaderTimeout,
		ReadTimeout:       l.ReadTimeout,
		WriteTimeout:      l.WriteTimeout,
		IdleTimeout:       l.IdleTimeout,
		MaxHeaderBytes:    l.MaxHeaderBytes,
	}
}

// Client returns the client of r: its remote IP, or, when that is a trusted
// proxy, the last address in X-Forwarded-For that is not one. An IPv6
// client is its /64 network, which one host is usually given whole. It
// returns the remote address as given when it cannot be parsed.
func Client(r *http.Request, l Limits) string {
	peer, ok := remoteIP(r.RemoteAddr)
	if !ok {
		return r.RemoteAddr
	}
	if !l.trusted(peer) {
		return clientKey(peer).String()
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			// A hop that is not an address was written by someone other
			// than our proxies: the client is the last proxy that wrote one.
			return clientKey(peer).String()
		}
		a = a.Unmap()
		if !l.trusted(a) {
			return clientKey(a).String()
		}
		peer = a
	}
	return clientKey(peer).String()
}

// clientKey is what a client's caps are counted by: an IPv4 address, or
// the /64 network of an IPv6 one.
func clientKey(a netip.Addr) netip.Addr {
	if a.Is6() && !a.Is4In6() {
		return netip.PrefixFrom(a, 64).Masked().Addr()
	}
	return a
}

// remoteIP parses the IP of a "host:port" address.
func remoteIP(addr string) (netip.Addr, bool) {
	ap, err := netip.ParseAddrPort(addr)
	if err == nil {
		return ap.Addr().Unmap(), true
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}
