// Package apiclient builds the HTTP client resolvebot calls the platforms'
// APIs with (the Slack Web API, the Bot Connector, Entra ID tokens and
// keys), so that every adapter keeps its connections the same way.
package apiclient

import (
	"crypto/tls"
	"net/http"
	"time"
)

// IdleConnsPerHost is how many idle connections to one API host a client
// keeps for the next call. It is sized to the most calls to one host in
// flight at once (each request's work after its acknowledgement, plus the
// delivery worker's), so a sustained load opens no more connections than
// it has calls in flight. Go's default of 2 throws the rest away after
// each burst, and every new connection costs a TCP and a TLS handshake.
const IdleConnsPerHost = 256

// Transport returns a transport for platform API calls: Go's defaults
// (proxy from the environment, dial timeouts, HTTP/2 when offered), TLS
// 1.2 or later, timeouts on the handshake and on the answer's headers, and
// IdleConnsPerHost idle connections kept per host, and no more than that
// many open to one host: past that, a call waits for one to come free.
// Replies and card updates are sent after the acknowledgement, so under a
// burst more of them can be in flight than connections kept, and each one
// opened beyond those was closed again after a single call (a 10 s load of
// Teams messages at 32 connections opened about one connection per reply,
// at twice the CPU per message).
func Transport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	t.TLSHandshakeTimeout = 10 * time.Second
	t.ResponseHeaderTimeout = 20 * time.Second
	t.IdleConnTimeout = 90 * time.Second
	t.MaxIdleConnsPerHost = IdleConnsPerHost
	t.MaxConnsPerHost = IdleConnsPerHost
	t.MaxIdleConns = 4 * IdleConnsPerHost
	return t
}

// New returns a client over Transport with timeout on the whole call.
func New(timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout, Transport: Transport()}
}
