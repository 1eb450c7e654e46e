package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// clearPlatformEnv makes sure no credentials from the machine leak in.
func clearPlatformEnv(t *testing.T) {
	for _, k := range []string{"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "MICROSOFT_APP_ID",
		"MICROSOFT_APP_PASSWORD", "MICROSOFT_APP_CERTIFICATE", "MICROSOFT_APP_TENANT_ID", "MICROSOFT_APP_TYPE", "REDIS_URL",
		"RESOLVEBOT_CONFIG", "RESOLVEBOT_ADDR", "RESOLVEBOT_ADMIN_ADDR", "RESOLVEBOT_DATA", "SLACK_API_URL",
		"OTEL_SDK_DISABLED", "OTEL_TRACES_EXPORTER", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
		"OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_HEADERS", "OTEL_SERVICE_NAME"} {
		t.Setenv(k, "")
	}
}

func run(t *testing.T, ctx context.Context, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(ctx, args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// syncBuf is a buffer safe for the server's goroutines.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// server is `resolvebot serve` running in-process on a free loopback port.
type server struct {
	t      *testing.T
	addr   string // host:port of the public listener
	admin  string // host:port of the admin listener
	client *http.Client
	stderr *syncBuf // the server's logs
	cancel context.CancelFunc
	done   chan int // the exit code, once serve returns
}

// startServe runs `resolvebot serve --addr <free port> --admin-addr <free
// port> args...` and waits until path answers on the admin listener,
// failing the test if serve exits first or path never answers. It returns
// that first answer, whose body the caller closes. Serve is told to stop
// when the test ends, if it has not been stopped.
func startServe(t *testing.T, path string, args ...string) (*server, *http.Response) {
	t.Helper()
	s := &server{t: t, addr: freeAddr(t), admin: freeAddr(t), client: &http.Client{Timeout: 2 * time.Second}, stderr: &syncBuf{}, done: make(chan int, 1)}
	return startServeOn(t, s, path, args...)
}

// startServeOn is startServe on the addresses s already holds (for a
// configuration that must name the public address).
func startServeOn(t *testing.T, s *server, path string, args ...string) (*server, *http.Response) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	t.Cleanup(cancel)
	go func() {
		var out syncBuf
		s.done <- Run(ctx, append([]string{"serve", "--addr", s.addr, "--admin-addr", s.admin}, args...), strings.NewReader(""), &out, s.stderr)
	}()
	var resp *http.Response
	var err error
	for range 100 {
		if resp, err = s.client.Get(s.adminURL(path)); err == nil {
			return s, resp
		}
		select {
		case code := <-s.done:
			t.Fatalf("serve exited early with %d: %s", code, s.stderr.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("%s never answered: %v", strings.TrimPrefix(path, "/"), err)
	return nil, nil
}

// url is the server's public URL for path.
func (s *server) url(path string) string { return "http://" + s.addr + path }

// adminURL is the server's admin URL for path.
func (s *server) adminURL(path string) string { return "http://" + s.admin + path }

// stop tells serve to stop and returns its exit code, failing the test if
// it does not stop within 15 s.
func (s *server) stop() int {
	s.t.Helper()
	s.cancel()
	select {
	case code := <-s.done:
		return code
	case <-time.After(15 * time.Second):
		s.t.Fatal("serve did not stop")
		return -1
	}
}
