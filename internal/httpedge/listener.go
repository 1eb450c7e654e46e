package httpedge

import (
	"net"
	"net/netip"
	"sync"
)

// Listener wraps ln so that it never holds more than l.MaxConns open
// connections, nor more than l.MaxConnsPerClient from one remote address
// (an IPv6 one's /64 network) that is not a trusted proxy. A connection over either cap is closed as
// soon as it is accepted, which frees its file at once; the client sees
// the connection closed and may try again.
func Listener(ln net.Listener, l Limits) net.Listener {
	l = l.withDefaults()
	return &listener{Listener: ln, limits: l, perClient: map[netip.Addr]int{}}
}

type listener struct {
	net.Listener
	limits Limits

	mu        sync.Mutex
	open      int
	perClient map[netip.Addr]int
}

// Accept returns the next connection within the caps, closing those over
// them. It returns the wrapped listener's errors.
func (ln *listener) Accept() (net.Conn, error) {
	for {
		c, err := ln.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if conn, ok := ln.admit(c); ok {
			return conn, nil
		}
		c.Close()
	}
}

// admit counts c against the caps, returning it wrapped so that closing it
// gives its places back, or false when it is over a cap.
func (ln *listener) admit(c net.Conn) (net.Conn, bool) {
	addr, ok := remoteIP(c.RemoteAddr().String())
	perClient := ok && !ln.limits.trusted(addr)
	addr = clientKey(addr)
	ln.mu.Lock()
	defer ln.mu.Unlock()
	if ln.open >= ln.limits.MaxConns {
		ln.limits.refused("connections")
		return nil, false
	}
	if perClient && ln.perClient[addr] >= ln.limits.MaxConnsPerClient {
		ln.limits.refused("client_connections")
		return nil, false
	}
	ln.open++
	tc := &trackedConn{Conn: c, ln: ln}
	if perClient {
		ln.perClient[addr]++
		tc.client, tc.counted = addr, true
	}
	return tc, true
}

func (ln *listener) release(tc *trackedConn) {
	ln.mu.Lock()
	defer ln.mu.Unlock()
	ln.open--
	if tc.counted {
		if n := ln.perClient[tc.client] - 1; n > 0 {
			ln.perClient[tc.client] = n
		} else {
			delete(ln.perClient, tc.client)
		}
	}
}

// trackedConn gives its places back to the listener when first closed.
type trackedConn struct {
	net.Conn
	ln      *listener
	client  netip.Addr
	counted bool
	once    sync.Once
}

// Close closes the connection and, the first time, gives its places back.
// It returns the connection's error.
func (c *trackedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.ln.release(c) })
	return err
}
