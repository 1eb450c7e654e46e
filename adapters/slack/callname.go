package slack

import (
	"net/http"
	"strings"

	"github.com/resolvebot/resolvebot/adapters/metrics"
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
