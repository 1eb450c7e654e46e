package config

import (
	"fmt"
	"net/netip"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
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

// server decodes the server section.
func (d *nodeDecoder) server(n *yaml.Node, s *Server) {
	m := d.mapping(n, "server", []string{"read_header_timeout", "read_timeout", "write_timeout", "idle_timeout",
		"max_header_bytes", "max_body_bytes", "max_connections", "max_client_connections", "max_client_body_reads",
		"trusted_proxies"}, nil)
	d.fields(m, "server", field{"read_header_timeout", &s.ReadHeaderTimeout}, field{"read_timeout", &s.ReadTimeout},
		field{"write_timeout", &s.WriteTimeout}, field{"idle_timeout", &s.IdleTimeout},
		field{"max_header_bytes", &s.MaxHeaderBytes}, field{"max_body_bytes", &s.MaxBodyBytes},
		field{"max_connections", &s.MaxConnections}, field{"max_client_connections", &s.MaxClientConnections},
		field{"max_client_body_reads", &s.MaxClientBodyReads})
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
	if e, ok := m["trusted_proxies"]; ok {
		items, _ := d.list(e, "server.trusted_proxies")
		s.TrustedProxies = nil
		for i, it := range items {
			at := fmt.Sprintf("server.trusted_proxies[%d]", i)
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
