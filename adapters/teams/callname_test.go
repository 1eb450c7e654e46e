package teams

import (
	"net/http/httptest"
	"testing"
)

func TestCallName(t *testing.T) {
	conv := "https://smba.trafficmanager.net/emea/v3/conversations/a%3A1xyz"
	tests := []struct{ method, url, want string }{
		{"POST", "https://smba.trafficmanager.net/emea/v3/conversations", "create_conversation"},
		{"POST", conv + "/activities", "send"},
		{"POST", conv + "/activities/1790000000", "reply"},
		{"PUT", conv + "/activities/1790000000", "update"},
		{"DELETE", conv + "/activities/1790000000", "delete"},
		{"GET", conv + "/members/29:abc", "get_member"},
		{"GET", conv + "/members", "get_members"},
		{"POST", "https://login.microsoftonline.com/tenant-id/oauth2/v2.0/token", "token"},
		{"GET", "https://login.microsoftonline.com/common/discovery/instance?api-version=1.1", "token_discovery"},
		{"GET", "https://login.microsoftonline.com/tenant-id/v2.0/.well-known/openid-configuration", "token_metadata"},
		{"GET", "https://login.botframework.com/v1/.well-known/openidconfiguration", "openid_metadata"},
		{"GET", "https://login.botframework.com/v1/.well-known/keys", "signing_keys"},
		{"GET", "https://example.org/anything", "other"},
	}
	for _, tt := range tests {
		if got := CallName(httptest.NewRequest(tt.method, tt.url, nil)); got != tt.want {
			t.Errorf("CallName(%s %s) = %q, want %q", tt.method, tt.url, got, tt.want)
		}
	}
}
