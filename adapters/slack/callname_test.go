package slack

import (
	"net/http/httptest"
	"testing"
)

func TestCallName(t *testing.T) {
	tests := []struct{ method, url, want string }{
		{"POST", "https://slack.com/api/chat.postMessage", "chat.postMessage"},
		{"POST", "http://127.0.0.1:9/api/views.open", "views.open"},
		{"GET", "https://slack.com/api/users.info?user=U123", "users.info"},
		{"POST", "https://files.slack.com/upload/v1/CwABAAAAXApabcd", "file_upload"},
		{"POST", "https://slack.com/api/CR-2026-0001", "other"},
		{"GET", "https://slack.com/elsewhere", "other"},
	}
	for _, tt := range tests {
		if got := CallName(httptest.NewRequest(tt.method, tt.url, nil)); got != tt.want {
			t.Errorf("CallName(%s %s) = %q, want %q", tt.method, tt.url, got, tt.want)
		}
	}
}
