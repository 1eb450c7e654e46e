package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/adapters/loadtest"
)

// TestPeerLoad drives gobare with "resolvebot loadtest --peer": every kind
// is acknowledged when signed with gobare's secret, and every Slack
// request is refused when signed with another (Teams is not signed).
func TestPeerLoad(t *testing.T) {
	srv := httptest.NewServer(handler("gobare-secret"))
	defer srv.Close()
	mix := []string{loadtest.KindAction, loadtest.KindNote, loadtest.KindCommand, loadtest.KindHelp, loadtest.KindTeams}
	tests := []struct {
		name, secret string
		wantErrors   map[string]int // per kind, of 8 each
	}{
		{"signed", "gobare-secret", map[string]int{}},
		{"wrong secret", "another-secret", map[string]int{"action": 8, "note": 8, "command": 8, "help": 8}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := loadtest.Run(context.Background(), loadtest.Options{URL: srv.URL, Peer: true, SigningSecret: tc.secret,
				Requests: 40, Concurrency: 4, Mix: mix, Cases: 3})
			if err != nil {
				t.Fatal(err)
			}
			if res.Requests != 40 {
				t.Fatalf("%d requests answered, want 40", res.Requests)
			}
			for _, k := range mix {
				if kr := res.ByKind[k]; kr == nil || kr.Requests != 8 || kr.Errors != tc.wantErrors[k] {
					t.Errorf("%s: %+v, want 8 requests and %d errors (%v)", k, kr, tc.wantErrors[k], res.FirstErrors)
				}
			}
		})
	}
}

// TestRefusals: gobare refuses what resolvebot refuses before its own
// work: no signature, a stale one, and an activity that is not one.
func TestRefusals(t *testing.T) {
	h := handler("gobare-secret")
	for name, req := range map[string]*http.Request{
		"unsigned":     httptest.NewRequest(http.MethodPost, "/slack/events", strings.NewReader("command=%2Fresolve&user_id=U1")),
		"stale":        stale(httptest.NewRequest(http.MethodPost, "/slack/events", strings.NewReader("command=%2Fresolve&user_id=U1"))),
		"not activity": httptest.NewRequest(http.MethodPost, "/api/messages", strings.NewReader(`{"text":"help"}`)),
		"not json":     httptest.NewRequest(http.MethodPost, "/api/messages", strings.NewReader(`help`)),
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", name, rec.Code)
		}
	}
}

// stale signs req as of 2020, beyond Slack's five minutes.
func stale(req *http.Request) *http.Request {
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", "1600000000")
	req.Header.Set("X-Slack-Signature", "v0=00")
	return req
}
