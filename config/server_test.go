package config

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestServerSection(t *testing.T) {
	tests := []struct {
		name    string
		yaml    string
		place   string // "" when the file is fine
		message string
		check   func(t *testing.T, s Server)
	}{
		{"defaults", "", "", "", func(t *testing.T, s Server) {
			if s.ReadHeaderTimeout != 5*time.Second || s.ReadTimeout != 15*time.Second || s.WriteTimeout != 30*time.Second ||
				s.IdleTimeout != 90*time.Second || s.MaxHeaderBytes != 64<<10 || s.MaxBodyBytes != 1<<20 ||
				s.MaxConnections != 0 || s.MaxClientConnections != 64 || s.MaxClientBodyReads != 16 || s.TrustedProxies != nil {
				t.Errorf("defaults = %+v", s)
			}
		}},
		{"set", "server:\n  read_timeout: 4s\n  read_header_timeout: 2s\n  write_timeout: 20s\n  idle_timeout: 1m\n  max_connections: 200\n" +
			"  max_client_connections: 8\n  max_client_body_reads: 2\n  trusted_proxies: [10.0.0.0/8, 192.168.1.7, \"::ffff:172.16.0.1\"]\n", "", "", func(t *testing.T, s Server) {
			want := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.168.1.7/32"), netip.MustParsePrefix("172.16.0.1/32")}
			if s.ReadTimeout != 4*time.Second || s.ReadHeaderTimeout != 2*time.Second || s.WriteTimeout != 20*time.Second || s.IdleTimeout != time.Minute ||
				s.MaxConnections != 200 || s.MaxClientConnections != 8 || s.MaxClientBodyReads != 2 || len(s.TrustedProxies) != 3 ||
				s.TrustedProxies[0] != want[0] || s.TrustedProxies[1] != want[1] || s.TrustedProxies[2] != want[2] {
				t.Errorf("server = %+v", s)
			}
		}},
		{"write timeout too short for a handler", "server:\n  write_timeout: 1s\n", ":2:18 server.write_timeout", "at least 5s", nil},
		{"read timeout shorter than the headers'", "server:\n  read_timeout: 1s\n", ":2:17 server.read_timeout", "at least read_header_timeout", nil},
		{"not a duration", "server:\n  idle_timeout: forever\n", ":2:17 server.idle_timeout", "expected a duration", nil},
		{"no client connections", "server:\n  max_client_connections: 0\n", ":2:27 server.max_client_connections", "at least 1", nil},
		{"tiny header cap", "server:\n  max_header_bytes: 100\n", ":2:21 server.max_header_bytes", "at least 4096", nil},
		{"bad proxy", "server:\n  trusted_proxies:\n    - 10.0.0.0/8\n    - the load balancer\n", ":4:7 server.trusted_proxies[1]", "not an IP address or a CIDR range", nil},
		{"unknown key", "server:\n  read_timout: 3s\n", ":2:3 server.read_timout", "did you mean \"read_timeout\"", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "resolvebot.yaml")
			if err := os.WriteFile(path, []byte(tt.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			cfg, probs, err := Load(Options{Path: path, Getenv: func(string) string { return "" }})
			if tt.place == "" {
				if err != nil {
					t.Fatalf("load: %v\n%s", err, probs.String())
				}
				tt.check(t, cfg.Server)
				return
			}
			if err == nil {
				t.Fatalf("no error for %q", tt.yaml)
			}
			out := probs.String()
			if !strings.Contains(out, tt.place) || !strings.Contains(out, tt.message) {
				t.Errorf("problems lack %q / %q:\n%s", tt.place, tt.message, out)
			}
		})
	}
}
