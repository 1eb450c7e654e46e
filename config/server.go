package config

import (
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// Server configures the public HTTP listener's timeouts and its caps on
// slow and greedy clients (the server section).
type Server struct {
	ReadHeaderTimeout time.Duration // read_header_timeout: reading a request's headers
	ReadTimeout       time.Duration // read_timeout: reading a whole request, body included
	// WriteTimeout (write_timeout) bounds handling and answering a request
	// once its headers are read, so it must exceed the slowest handler.
	WriteTimeout   time.Duration
	IdleTimeout    time.Duration // idle_timeout: a kept-alive connection waiting for its next request
	MaxHeaderBytes int           // max_header_bytes
	MaxBodyBytes   int           // max_body_bytes; larger bodies get 413
	// MaxConnections (max_connections) caps open connections; 0 derives
	// it from the process's open-file limit.
	MaxConnections int
	// MaxClientConnections (max_client_connections) caps the open
	// connections from one address that is not a trusted proxy.
	MaxClientConnections int
	// MaxClientBodyReads (max_client_body_reads) caps the requests of one
	// client whose bodies are being read at once.
	MaxClientBodyReads int
	// TrustedProxies (trusted_proxies: addresses or CIDR ranges) are the
	// proxies whose X-Forwarded-For names the client.
	TrustedProxies []netip.Prefix
}

// minWriteTimeout is the least write_timeout: a handler may take a few
// seconds when the store is slow, and the platforms wait up to 15.
const minWriteTimeout = 5 * time.Second

func defaultServer() Server {
	return Server{ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second, WriteTimeout: 30 * time.Second,
		IdleTimeout: 90 * time.Second, MaxHeaderBytes: 64 << 10, MaxBodyBytes: 1 << 20,
		MaxClientConnections: 64, MaxClientBodyReads: 16}
}

// serverKeys are the keys of the server section.
func serverKeys(s *Server) []field {
	return []field{
		{key: "read_header_timeout", dst: &s.ReadHeaderTimeout, doc: "the time to read a request's headers"},
		{key: "read_timeout", dst: &s.ReadTimeout, doc: "the time to read a whole request, body included (at least read_header_timeout)"},
		{key: "write_timeout", dst: &s.WriteTimeout, doc: "the time to handle and answer a request once its headers are read (at least 5s)"},
		{key: "idle_timeout", dst: &s.IdleTimeout, doc: "how long a kept-alive connection may wait for its next request"},
		{key: "max_header_bytes", dst: &s.MaxHeaderBytes, doc: "the largest request headers, in bytes (at least 4096)"},
		{key: "max_body_bytes", dst: &s.MaxBodyBytes, doc: "the largest request body, in bytes; larger ones get 413 (at least 65536)"},
		{key: "max_connections", dst: &s.MaxConnections, doc: "the most open connections; 0 derives it from the open-file limit"},
		{key: "max_client_connections", dst: &s.MaxClientConnections, doc: "the most open connections from one address that is not a trusted proxy"},
		{key: "max_client_body_reads", dst: &s.MaxClientBodyReads, doc: "the most requests of one client whose bodies are read at once"},
		{key: "trusted_proxies", typ: "list of IP addresses or CIDR ranges", def: "(none)",
			doc:   "the proxies whose X-Forwarded-For names the client",
			parse: func(d *nodeDecoder, e entry, at string) { d.trustedProxies(e, at, s) }},
	}
}

// server decodes the server section.
func (d *nodeDecoder) server(e entry, path string, s *Server) {
	keys, refused := known(serverKeys(s))
	m := d.mapping(e.val, path, keys, refused)
	d.fields(m, path, serverKeys(s)...)
	for _, k := range []struct {
		key string
		v   time.Duration
		min time.Duration
	}{{"read_header_timeout", s.ReadHeaderTimeout, time.Millisecond}, {"read_timeout", s.ReadTimeout, time.Millisecond},
		{"write_timeout", s.WriteTimeout, minWriteTimeout}, {"idle_timeout", s.IdleTimeout, time.Millisecond}} {
		if e, ok := m[k.key]; ok && k.v < k.min {
			d.errorf(e.val, "server."+k.key, "must be at least %s", k.min)
		}
	}
	for _, k := range []struct {
		key string
		v   int
		min int
	}{{"max_header_bytes", s.MaxHeaderBytes, 4096}, {"max_body_bytes", s.MaxBodyBytes, 64 << 10}, {"max_connections", s.MaxConnections, 0},
		{"max_client_connections", s.MaxClientConnections, 1}, {"max_client_body_reads", s.MaxClientBodyReads, 1}} {
		if e, ok := m[k.key]; ok && k.v < k.min {
			d.errorf(e.val, "server."+k.key, "must be at least %d", k.min)
		}
	}
	if s.ReadTimeout < s.ReadHeaderTimeout {
		if e, ok := m["read_timeout"]; ok {
			d.errorf(e.val, "server.read_timeout", "must be at least read_header_timeout (%s): it covers the headers too", s.ReadHeaderTimeout)
		}
	}
}

// trustedProxies decodes server.trusted_proxies.
func (d *nodeDecoder) trustedProxies(e entry, path string, s *Server) {
	items, _ := d.list(e, path)
	s.TrustedProxies = nil
	for i, it := range items {
		at := fmt.Sprintf("%s[%d]", path, i)
		var v string
		d.str(entry{val: it}, at, &v)
		prefix, err := parseProxy(v)
		if err != nil {
			d.errorf(it, at, "%q is not an IP address or a CIDR range such as 10.0.0.0/8", v)
			continue
		}
		s.TrustedProxies = append(s.TrustedProxies, prefix)
	}
}

// parseProxy reads an address ("10.0.0.5") or a range ("10.0.0.0/8").
func parseProxy(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p.Masked(), err
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), nil
}
