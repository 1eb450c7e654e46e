package slack

import (
	"net/http"
	"strings"
	"time"

	"github.com/resolvebot/resolvebot/adapters/metrics"
	"github.com/resolvebot/resolvebot/internal/apiclient"
)

// CallName names an HTTP request to Slack for the platform call metrics:
// the Web API method from /api/<method> ("chat.postMessage"), "file_upload"
// for the upload URL that files.getUploadURLExternal hands out, and
// "other" for anything else. It never returns an id.
func CallName(r *http.Request) string {
	p := r.URL.Path
	if i := strings.LastIndex(p, "/api/"); i >= 0 {
		return metrics.SafeMethod(p[i+len("/api/"):])
	}
	if strings.Contains(p, "/upload/") {
		return "file_upload"
	}
	return "other"
}

// NewHTTPClient returns the client for Slack's Web API: TLS 1.2 or later,
// the proxy from the environment, timeouts on the handshake and the
// answer's headers, a bound on the whole call long enough for a file
// upload, and idle connections kept for reuse under load
// (apiclient.IdleConnsPerHost per host; Go's default keeps 2, so a busy
// bot opened a new connection for most calls).
func NewHTTPClient() *http.Client { return apiclient.New(2 * time.Minute) }
