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
// BenchmarkTeamsVerifyParse is the baseline, the same approach as Slack's
// BenchmarkSlackVerifyParse: the signed activity's token is validated by
// the adapter's own validator with the cached signing key (fetched once,
// before timing), and the activity parsed, exactly as the adapter does
// before any of resolvebot's work, and nothing more. BenchmarkTeamsParse
// only reads and parses the activity, without the token check; it is not
// the baseline, but shows what the token check costs.
//
// BenchmarkTeamsMessage posts the same activity through the adapter: the
// token is checked with the cached key, the activity parsed, the person
// identified and the text routed ("help"); the reply goes to the fake connector over loopback after the
// acknowledgement, and each iteration waits for it. BenchmarkTeamsMessageAck
// is the same request timed only up to the acknowledgement (issue 7's hot
// path): compare its ns/op, cpu-ns/op and allocs/op with
// BenchmarkTeamsVerifyParse's from the same run. Redis benchmarks skip
// when no Redis answers (see redistest).

// benchText is what Sam says in the benchmarks: "help", issue 17's Teams
// workload.
const benchText = "help"

// benchActivity returns Sam's benchText message and a token for it.
func benchActivity(b *testing.B, h *harness) (body []byte, auth string) {
	b.Helper()
	sam := h.user("Sam Patel", "sam.patel@school.example.org")
	act := h.client.Message(sam, benchText)
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

// BenchmarkTeamsVerifyParse is the baseline: validate the signed
// activity's token with the cached key and parse the activity, through the
// adapter's own readActivity, nothing more.
func BenchmarkTeamsVerifyParse(b *testing.B) {
	h := newBenchHarness(b, nil)
	body, auth := benchActivity(b, h)
	verifyParse := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		act, _, ok := h.adapter.readActivity(w, r)
		if !ok {
			return
		}
		if act.Type != schema.Message {
			http.Error(w, "bad", http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	// The first request fetches the keys; time the rest.
	if code := postActivity(verifyParse, body, auth); code != http.StatusOK {
		b.Fatalf("status %d", code)
	}
	fetches := h.keys.Fetches()
	cpu := cpustat.Start()
	b.ResetTimer()
	for range b.N {
		if code := postActivity(verifyParse, body, auth); code != http.StatusOK {
			b.Fatalf("status %d", code)
		}
	}
	b.StopTimer()
	cpustat.Report(b, cpu)
	if h.keys.Fetches() != fetches {
		b.Fatalf("keys fetched %d times while timing; want the cached key", h.keys.Fetches()-fetches)
	}
}

// BenchmarkTeamsParse reads and parses the activity without checking its
// token. It is not the baseline (BenchmarkTeamsVerifyParse is): the
// difference between the two is the token check.
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
// the adapter, on bolt and on Redis, waiting for the reply after each
// acknowledgement too.
func BenchmarkTeamsMessage(b *testing.B) {
	benchStores(b, func(b *testing.B, store conversation.Store) {
		h := newBenchHarness(b, store)
		body, auth := warmUp(b, h)
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
		checkNoFetch(b, h, fetches)
	})
}

// BenchmarkTeamsMessageAck is the message as issue 7 defines the hot path:
// signed activity, token validated with the cached key, parsed, person
// identified, text routed, acknowledged. The work after the
// acknowledgement (the reply to the fake connector) runs with the timer
// stopped and has finished before the next request, so ns/op and
// allocs/op are the acknowledgement's alone. cpu-ns/op is the process CPU
// time inside the timed request only (cpustat.Meter). Compare them with
// BenchmarkTeamsVerifyParse's from the same run.
func BenchmarkTeamsMessageAck(b *testing.B) {
	benchStores(b, func(b *testing.B, store conversation.Store) {
		h := newBenchHarness(b, store)
		body, auth := warmUp(b, h)
		fetches := h.keys.Fetches()
		var cpu cpustat.Meter
		b.ResetTimer()
		for range b.N {
			cpu.Start()
			code := postActivity(h.adapter, body, auth)
			cpu.Stop()
			if code != http.StatusOK {
				b.Fatalf("status %d", code)
			}
			b.StopTimer()
			h.adapter.Wait()
			b.StartTimer()
		}
		b.StopTimer()
		cpu.Report(b)
		checkNoFetch(b, h, fetches)
		if sent := h.connector.Sent(teamstest.User{ID: "29:sam.patel"}.Conversation()); len(sent) < b.N {
			b.Fatalf("%d replies sent for %d messages", len(sent), b.N)
		}
	})
}

// warmUp returns Sam's signed benchText message after posting it once, so the
// keys are fetched and Sam is known before timing.
func warmUp(b *testing.B, h *harness) (body []byte, auth string) {
	b.Helper()
	body, auth = benchActivity(b, h)
	if code := postActivity(h.adapter, body, auth); code != http.StatusOK {
		b.Fatalf("warm-up status %d", code)
	}
	h.adapter.Wait()
	return body, auth
}

// checkNoFetch fails when the keys were fetched since fetches was read.
func checkNoFetch(b *testing.B, h *harness, fetches int) {
	b.Helper()
	if h.keys.Fetches() != fetches {
		b.Fatalf("keys fetched %d times while timing; want the cached key", h.keys.Fetches()-fetches)
	}
}

// benchStores runs fn on a fresh bolt file and on Redis.
func benchStores(b *testing.B, fn func(b *testing.B, store conversation.Store)) {
	b.Run("store=bolt", func(b *testing.B) {
		s, err := boltstore.Open(filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		fn(b, s)
	})
	b.Run("store=redis", func(b *testing.B) {
		s, _ := redistest.Open(b)
		b.Cleanup(func() { s.Close() })
		fn(b, s)
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
