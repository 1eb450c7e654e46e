package teams

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/resolvebot/resolvebot/adapters/teams/teamstest"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/boltstore"
	"github.com/resolvebot/resolvebot/conversation/redisstore/redistest"
	"github.com/resolvebot/resolvebot/internal/cpustat"
)

// Benchmarks of one Teams message activity:
//
//	go test ./adapters/teams -run '^$' -bench . -benchmem
//
// BenchmarkTeamsParse is the baseline: it reads and parses the activity,
// nothing more. BenchmarkTeamsMessage posts the same activity with a
// signed token through the adapter: the token is checked with the cached
// signing key (fetched once, before timing), the activity parsed, the
// person identified and the text routed ("list", which reads the
// person's cases); the reply goes to the fake connector over loopback
// after the acknowledgement, and each iteration waits for it.

// benchActivity returns Sam's "list" message and a token for it.
func benchActivity(b *testing.B, h *harness) (body []byte, auth string) {
	b.Helper()
	sam := h.user("Sam Patel", "sam.patel@school.example.org")
	act := h.client.Message(sam, "list")
	body, err := json.Marshal(act)
	if err != nil {
		b.Fatal(err)
	}
	tok := h.keys.Sign(b, "key-1", teamstest.Claims(testAppID, h.connector.URL(), h.env.Clock.Now()))
	return body, "Bearer " + tok
}

func postActivity(h http.Handler, body []byte, auth string) int {
	req := httptest.NewRequest(http.MethodPost, "/api/messages", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", auth)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

// BenchmarkTeamsParse is the baseline: read and parse the activity.
func BenchmarkTeamsParse(b *testing.B) {
	h := newBenchHarness(b, nil)
	body, auth := benchActivity(b, h)
	parse := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, err := readBody(w, r)
		if err != nil || r.Header.Get("Authorization") == "" {
			http.Error(w, "bad", http.StatusBadRequest)
			return
		}
		var act schema.Activity
		if err := json.Unmarshal(raw, &act); err != nil || act.Type != schema.Message {
			http.Error(w, "bad", http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	cpu := cpustat.Start()
	b.ResetTimer()
	for range b.N {
		if code := postActivity(parse, body, auth); code != http.StatusOK {
			b.Fatalf("status %d", code)
		}
	}
	b.StopTimer()
	cpustat.Report(b, cpu)
}

// BenchmarkTeamsMessage validates, parses and routes the activity through
// the adapter, on bolt and on Redis.
func BenchmarkTeamsMessage(b *testing.B) {
	run := func(b *testing.B, store conversation.Store) {
		h := newBenchHarness(b, store)
		body, auth := benchActivity(b, h)
		// The first request fetches the keys and learns Sam; time the rest.
		if code := postActivity(h.adapter, body, auth); code != http.StatusOK {
			b.Fatalf("status %d", code)
		}
		h.adapter.Wait()
		fetches := h.keys.Fetches()
		cpu := cpustat.Start()
		b.ResetTimer()
		for range b.N {
			if code := postActivity(h.adapter, body, auth); code != http.StatusOK {
				b.Fatalf("status %d", code)
			}
			h.adapter.Wait()
		}
		b.StopTimer()
		cpustat.Report(b, cpu)
		if h.keys.Fetches() != fetches {
			b.Fatalf("keys fetched %d times while timing; want the cached key", h.keys.Fetches()-fetches)
		}
	}
	b.Run("store=bolt", func(b *testing.B) {
		s, err := boltstore.Open(filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		run(b, s)
	})
	b.Run("store=redis", func(b *testing.B) {
		s, _ := redistest.Open(b)
		b.Cleanup(func() { s.Close() })
		run(b, s)
	})
}

// newBenchHarness is newHarness for benchmarks and fuzzing, on store (nil
// for a fresh bolt file).
func newBenchHarness(tb testing.TB, store conversation.Store) *harness {
	tb.Helper()
	env := bottest.New(tb, bottest.Options{Store: store})
	h := &harness{env: env, keys: teamstest.NewKeys(tb), entra: teamstest.NewEntra(tb, testTenant),
		connector: teamstest.NewConnector(tb), waits: &waits{}}
	a, err := New(env.Router, env.People, env.Dispatcher, Options{
		AppID: testAppID, AppPassword: "test-secret", TenantID: testTenant,
		TokenAuthority: h.entra.Authority(), OpenIDMetadataURL: h.keys.MetadataURL(),
		HTTPClient: h.entra.Server.Client(), Now: env.Clock.Now,
	})
	if err != nil {
		tb.Fatal(err)
	}
	a.conn.sleep = h.waits.sleep
	h.adapter = a
	h.client = &teamstest.Client{Handler: a, Keys: h.keys, Connector: h.connector, AppID: testAppID, Now: env.Clock.Now}
	return h
}
