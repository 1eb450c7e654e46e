package teams

import (
	"net/http"
	"strings"
	"time"

	"github.com/resolvebot/resolvebot/internal/apiclient"
)

// CallName names an HTTP request the adapter makes, for the platform call
// metrics: Bot Connector calls ("send", "update", "delete",
// "create_conversation", "get_member", "get_members"), app token requests
// ("token", "token_discovery", "token_metadata") and the request-signing
// keys ("openid_metadata", "signing_keys"); "other" for anything else. It
// never returns an id.
func CallName(r *http.Request) string {
	p := strings.TrimRight(r.URL.Path, "/")
	switch {
	case strings.Contains(p, "/oauth2/"):
		return "token"
	case strings.Contains(p, "/discovery/instance"):
		return "token_discovery"
	case strings.Contains(p, "/.well-known/openid") && strings.Contains(p, "/v2.0/"):
		return "token_metadata"
	case strings.Contains(p, "/.well-known/openid"):
		return "openid_metadata"
	case strings.HasSuffix(p, "/keys"):
		return "signing_keys"
	}
	i := strings.Index(p, "/v3/conversations")
	if i < 0 {
		return "other"
	}
	rest := strings.Split(strings.TrimPrefix(p[i+len("/v3/conversations"):], "/"), "/")
	switch {
	case rest[0] == "" && r.Method == http.MethodPost:
		return "create_conversation"
	case len(rest) == 2 && rest[1] == "activities" && r.Method == http.MethodPost:
		return "send"
	case len(rest) >= 3 && rest[1] == "activities" && r.Method == http.MethodPut:
		return "update"
	case len(rest) >= 3 && rest[1] == "activities" && r.Method == http.MethodPost:
		return "reply"
	case len(rest) >= 3 && rest[1] == "activities" && r.Method == http.MethodDelete:
		return "delete"
	case len(rest) == 2 && rest[1] == "members":
		return "get_members"
	case len(rest) == 3 && rest[1] == "members":
		return "get_member"
	}
	return "other"
}

// NewHTTPClient returns the client the adapter uses when Options has
// none: TLS 1.2 or later, the proxy from the environment, timeouts on the
// handshake, the answer's headers and the whole call, and idle connections
// kept for reuse under load (apiclient.IdleConnsPerHost per host).
func NewHTTPClient() *http.Client { return apiclient.New(30 * time.Second) }
