package loadtest

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestCheckTarget(t *testing.T) {
	tests := []struct {
		url    string
		remote bool
		ok     bool
	}{
		{"http://127.0.0.1:3978", false, true},
		{"http://127.0.0.2:3978", false, true},
		{"http://[::1]:3978", false, true},
		{"http://localhost:3978", false, true},
		{"https://127.0.0.1", false, true},
		{"http://10.0.0.1:3978", false, false},
		{"http://[2001:db8::1]:3978", false, false},
		{"http://bot.example.org", false, false},
		{"http://bot.example.org", true, true},
		{"ftp://127.0.0.1", false, false},
		{"127.0.0.1:3978", false, false},
		{"http://", true, false},
	}
	for _, tc := range tests {
		_, err := CheckTarget(tc.url, tc.remote)
		if (err == nil) != tc.ok {
			t.Errorf("CheckTarget(%q, %v) = %v, want ok %v", tc.url, tc.remote, err, tc.ok)
		}
	}
}

// TestRunRefusesBeforeSending: a remote target or unusable options are
// refused before any request is made (the URL here would not answer).
func TestRunRefusesBeforeSending(t *testing.T) {
	base := Options{SigningSecret: "s", Agencies: [2]string{"a", "b"}, Category: "c"}
	for name, o := range map[string]Options{
		"remote":      {URL: "http://192.0.2.1:3978", SigningSecret: "s", Agencies: [2]string{"a", "b"}, Category: "c"},
		"no secret":   {URL: "http://127.0.0.1:1", Agencies: [2]string{"a", "b"}, Category: "c"},
		"bad kind":    func() Options { o := base; o.URL = "http://127.0.0.1:1"; o.Mix = []string{"x"}; return o }(),
		"too long":    func() Options { o := base; o.URL = "http://127.0.0.1:1"; o.Duration = time.Hour; return o }(),
		"no agencies": {URL: "http://127.0.0.1:1", SigningSecret: "s"},
		"history":     func() Options { o := base; o.URL = "http://127.0.0.1:1"; o.History = MaxHistory + 1; return o }(),
		"no process":  func() Options { o := base; o.URL = "http://127.0.0.1:1"; o.PID = 1 << 30; return o }(),
	} {
		if _, err := Run(context.Background(), o); err == nil || strings.Contains(err.Error(), "set up") {
			t.Errorf("%s: Run = %v, want a refusal before sending", name, err)
		}
	}
}

func TestPercentile(t *testing.T) {
	var ds []time.Duration
	for i := 1; i <= 1000; i++ {
		ds = append(ds, time.Duration(i))
	}
	for q, want := range map[float64]time.Duration{0.5: 500, 0.99: 990, 0.999: 999, 1: 1000} {
		if got := percentile(ds, q); got != want {
			t.Errorf("percentile(%v) = %d, want %d", q, got, want)
		}
	}
	if percentile(nil, 0.5) != 0 || percentile(ds[:1], 0.999) != 1 {
		t.Error("percentile of short lists")
	}
}
