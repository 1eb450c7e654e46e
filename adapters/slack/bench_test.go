package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/resolvebot/resolvebot/adapters/slack/slackfake"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/boltstore"
	"github.com/resolvebot/resolvebot/conversation/redisstore"
	"github.com/resolvebot/resolvebot/conversation/redisstore/redistest"
	"github.com/resolvebot/resolvebot/internal/cpustat"
)

// Benchmarks of one Slack button press through the real HTTP handler:
//
//	go test ./adapters/slack -run '^$' -bench . -benchmem
//
// BenchmarkSlackVerifyParse is the baseline: it verifies the signature
// and parses the same kind of request, and nothing else. The others press
// "Acknowledge" on a fresh case each time (signed request → verify → parse
// → identify → authorise → engine → store write → ack → the work after the
// ack against an in-process Slack API that answers at once), so compare
// their ns/op, cpu-ns/op and allocs/op with the baseline's from the same
// run. Redis benchmarks skip when no Redis answers (see redistest).

// stubAPI is an in-process Slack Web API that answers every call at once,
// so benchmarks and fuzzing measure resolvebot, not an HTTP round trip.
type stubAPI struct {
	users map[string]slackfake.User
	seq   atomic.Int64
}

var _ api = (*stubAPI)(nil)

func newStubAPI(users ...slackfake.User) *stubAPI {
	s := &stubAPI{users: map[string]slackfake.User{}}
	for _, u := range users {
		s.users[u.ID] = u
	}
	return s
}

func (s *stubAPI) ts() string { return "1790000000." + strconv.FormatInt(s.seq.Add(1), 10) }

func (s *stubAPI) OpenConversationContext(_ context.Context, p *slack.OpenConversationParameters) (*slack.Channel, bool, bool, error) {
	ch := &slack.Channel{}
	if len(p.Users) > 0 && len(p.Users[0]) > 1 {
		ch.ID = "D" + p.Users[0][1:]
	}
	return ch, false, false, nil
}

func (s *stubAPI) PostMessageContext(_ context.Context, channelID string, _ ...slack.MsgOption) (string, string, error) {
	return channelID, s.ts(), nil
}

func (s *stubAPI) UpdateMessageContext(_ context.Context, channelID, timestamp string, _ ...slack.MsgOption) (string, string, string, error) {
	return channelID, timestamp, "", nil
}

func (s *stubAPI) PostEphemeralContext(context.Context, string, string, ...slack.MsgOption) (string, error) {
	return s.ts(), nil
}

func (s *stubAPI) OpenViewContext(context.Context, string, slack.ModalViewRequest) (*slack.ViewResponse, error) {
	return &slack.ViewResponse{}, nil
}

func (s *stubAPI) UpdateViewContext(context.Context, slack.ModalViewRequest, string, string, string) (*slack.ViewResponse, error) {
	return &slack.ViewResponse{}, nil
}

func (s *stubAPI) PublishViewContext(context.Context, slack.PublishViewContextRequest) (*slack.ViewResponse, error) {
	return &slack.ViewResponse{}, nil
}

func (s *stubAPI) GetUserInfoContext(_ context.Context, user string, _ ...slack.GetUserInfoOption) (*slack.User, error) {
	u, ok := s.users[user]
	if !ok {
		return nil, slack.SlackErrorResponse{Err: "user_not_found"}
	}
	return &slack.User{ID: u.ID, Name: u.Name, RealName: u.Name, Profile: slack.UserProfile{RealName: u.Name, Email: u.Email}}, nil
}

func (s *stubAPI) GetUserByEmailContext(_ context.Context, email string) (*slack.User, error) {
	for _, u := range s.users {
		if u.Email == email {
			return &slack.User{ID: u.ID, Name: u.Name, RealName: u.Name, Profile: slack.UserProfile{RealName: u.Name, Email: u.Email}}, nil
		}
	}
	return nil, slack.SlackErrorResponse{Err: "users_not_found"}
}

func (s *stubAPI) GetPermalinkContext(context.Context, *slack.PermalinkParameters) (string, error) {
	return "https://example.slack.com/archives/C0GENERAL/p1790000000000100", nil
}

const benchTeam = "T0TEAM"

// stubBot is a whole bot behind the Slack HTTP handler with the stub API.
type stubBot struct {
	env     *bottest.Env
	ad      *Adapter
	handler http.Handler
}

func newStubBot(tb testing.TB, store conversation.Store) *stubBot {
	tb.Helper()
	env := bottest.New(tb, bottest.Options{Store: store})
	// Unpaced: benchmarks and fuzzing send far faster than Slack would allow.
	ad := newAdapter(newStubAPI(sam, jo, schoolMg, cscMg, pm), env.Router, env.Dispatcher, Options{SigningSecret: testSecret, Now: env.Clock.Now, NoPace: true})
	h, err := ad.HTTPHandler()
	if err != nil {
		tb.Fatal(err)
	}
	return &stubBot{env: env, ad: ad, handler: h}
}

// signedRequest is one request as Slack sends it, signed now.
type signedRequest struct {
	contentType string
	body        []byte
	ts, sig     string
}

func newSignedRequest(contentType string, body []byte) signedRequest {
	ts := time.Now().Unix()
	return signedRequest{contentType: contentType, body: body, ts: strconv.FormatInt(ts, 10), sig: slackfake.Sign(testSecret, ts, body)}
}

// do sends the request to h and returns the status.
func (r signedRequest) do(h http.Handler) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, EventsPath, bytes.NewReader(r.body))
	req.Header.Set("Content-Type", r.contentType)
	req.Header.Set("X-Slack-Request-Timestamp", r.ts)
	req.Header.Set("X-Slack-Signature", r.sig)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// buttonBody is the block_actions payload of u pressing action on a card
// for caseID at version, shaped as Slack sends it.
func buttonBody(u slackfake.User, action string, verb conversation.Verb, caseID string, version int64) []byte {
	ch := "D" + u.ID[1:]
	payload := map[string]any{
		"type": "block_actions", "user": map[string]any{"id": u.ID, "username": u.Name, "name": u.Name, "team_id": benchTeam},
		"api_app_id": "A0APP", "token": "legacy-token",
		"container":  map[string]any{"type": "message", "message_ts": "1790000000.000100", "channel_id": ch, "is_ephemeral": false},
		"trigger_id": "123.456.abc", "team": map[string]any{"id": benchTeam, "domain": "example"}, "enterprise": nil, "is_enterprise_install": false,
		"channel":      map[string]any{"id": ch, "name": "directmessage"},
		"message":      map[string]any{"type": "message", "user": "U0BOT", "bot_id": "B0BOT", "ts": "1790000000.000100", "text": "card"},
		"state":        map[string]any{"values": map[string]any{}},
		"response_url": "https://hooks.slack.com/actions/T0TEAM/1/abc",
		"actions": []any{map[string]any{"action_id": action, "block_id": "actions", "type": "button",
			"value": buttonValue(verb, caseID, version),
			"text":  map[string]any{"type": "plain_text", "text": "Acknowledge", "emoji": true}, "action_ts": "1790000000.1"}},
	}
	b, _ := json.Marshal(payload)
	return []byte(url.Values{"payload": {string(b)}}.Encode())
}

// verifyParseOnly is the baseline handler: the same reading, signature
// check and parsing that serveHTTP does before any of resolvebot's work.
func verifyParseOnly(secret string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
		if err != nil {
			http.Error(w, "read", http.StatusBadRequest)
			return
		}
		sv, err := slack.NewSecretsVerifier(r.Header, secret)
		if err != nil {
			http.Error(w, "unverified", http.StatusUnauthorized)
			return
		}
		if _, err := sv.Write(body); err != nil || sv.Ensure() != nil {
			http.Error(w, "unverified", http.StatusUnauthorized)
			return
		}
		if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/x-www-form-urlencoded" {
			http.Error(w, "type", http.StatusUnsupportedMediaType)
			return
		}
		form, err := url.ParseQuery(string(body))
		if err != nil {
			http.Error(w, "form", http.StatusBadRequest)
			return
		}
		var ic slack.InteractionCallback
		if err := json.Unmarshal([]byte(form.Get("payload")), &ic); err != nil || ic.User.ID == "" {
			http.Error(w, "payload", http.StatusBadRequest)
			return
		}
		if _, _, _, ok := parseButtonValue(ic.ActionCallback.BlockActions[0].Value); !ok {
			http.Error(w, "value", http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// BenchmarkSlackVerifyParse is the baseline: verify and parse a signed
// button press, nothing more.
func BenchmarkSlackVerifyParse(b *testing.B) {
	h := verifyParseOnly(testSecret)
	req := newSignedRequest("application/x-www-form-urlencoded", buttonBody(jo, "rb_acknowledge", conversation.VerbAcknowledge, "CR-2026-0001", 1))
	cpu := cpustat.Start()
	b.ResetTimer()
	for range b.N {
		if rec := req.do(h); rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
	b.StopTimer()
	cpustat.Report(b, cpu)
}

// benchStores runs fn on a fresh bolt file (with boltstore's batch delay,
// and with bbolt's own 10ms default for comparison) and on Redis.
func benchStores(b *testing.B, fn func(b *testing.B, store conversation.Store)) {
	for _, bolt := range []struct {
		name  string
		delay time.Duration
	}{{"bolt", 0}, {"bolt-10ms", 10 * time.Millisecond}} {
		b.Run("store="+bolt.name, func(b *testing.B) {
			s, err := boltstore.Open(filepath.Join(b.TempDir(), "bench.db"), boltstore.WithMaxBatchDelay(bolt.delay))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { s.Close() })
			fn(b, s)
		})
	}
	b.Run("store=redis", func(b *testing.B) {
		s, _ := redistest.Open(b)
		b.Cleanup(func() { s.Close() })
		fn(b, s)
	})
}

// pressMaker raises one case by Sam against Jo and returns a function
// that stores a copy of it, waiting for Jo's acknowledgement, as case i
// through store (the bot's own, or another replica's on the same Redis),
// and returns the signed request pressing Acknowledge on it.
func pressMaker(b *testing.B, sb *stubBot) func(store conversation.Store, i int) signedRequest {
	b.Helper()
	ctx := context.Background()
	env := sb.env
	samID := env.Person(b, sam.Email, sam.Name, "school", schoolMg.Email)
	joID := env.Person(b, jo.Email, jo.Name, "csc", "")
	res, err := env.Engine.Raise(ctx, samID, bottest.Intake(joID, "school", "csc"))
	if err != nil {
		b.Fatal(err)
	}
	tmpl := res.Case
	return func(store conversation.Store, i int) signedRequest {
		c := tmpl.Clone()
		c.ID = fmt.Sprintf("CR-2026-B%07d", i)
		if err := store.CreateCase(ctx, c); err != nil {
			b.Errorf("create: %v", err)
		}
		return newSignedRequest("application/x-www-form-urlencoded", buttonBody(jo, "rb_acknowledge", conversation.VerbAcknowledge, c.ID, 1))
	}
}

// warmUp presses once so that Jo is known on Slack, and checks it wrote.
func warmUp(b *testing.B, sb *stubBot, req signedRequest) {
	b.Helper()
	if rec := req.do(sb.handler); rec.Code != http.StatusOK {
		b.Fatalf("warm-up press: %d %s", rec.Code, rec.Body)
	}
	sb.ad.Wait()
	checkAcknowledged(b, sb.env.Store, caseOf(b, req))
}

// pressPool sets up n+1 cases raised by Sam against Jo, each waiting for
// Jo's acknowledgement, and the signed request pressing Acknowledge on
// each. Jo has pressed once already, so he is known on Slack.
func pressPool(b *testing.B, sb *stubBot, n int) []signedRequest {
	b.Helper()
	press := pressMaker(b, sb)
	reqs := make([]signedRequest, n+1)
	var wg sync.WaitGroup
	const workers = 32
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i <= n; i += workers {
				reqs[i] = press(sb.env.Store, i)
			}
		}()
	}
	wg.Wait()
	warmUp(b, sb, reqs[n])
	return reqs[:n]
}

// commits returns a function reporting the bolt commits per operation
// since it was called, or one that does nothing for other stores.
func commits(b *testing.B, store conversation.Store) func() {
	bs, ok := store.(*boltstore.Store)
	if !ok {
		return func() {}
	}
	before, err := bs.Commits()
	if err != nil {
		b.Fatal(err)
	}
	return func() {
		after, err := bs.Commits()
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(after-before)/float64(b.N), "commits/op")
	}
}

func checkAcknowledged(b *testing.B, store conversation.Store, id string) {
	b.Helper()
	c, err := store.GetCase(context.Background(), id)
	if err != nil {
		b.Fatal(err)
	}
	if !c.Current().Acknowledged() {
		b.Fatalf("%s was not acknowledged: the press did not write", id)
	}
}

// BenchmarkSlackButton presses Acknowledge, one request at a time, through
// the whole bot, waiting for the work after each acknowledgement too.
func BenchmarkSlackButton(b *testing.B) {
	benchStores(b, func(b *testing.B, store conversation.Store) {
		sb := newStubBot(b, store)
		reqs := pressPool(b, sb, b.N)
		report := commits(b, store)
		cpu := cpustat.Start()
		b.ResetTimer()
		for i := range b.N {
			if rec := reqs[i].do(sb.handler); rec.Code != http.StatusOK {
				b.Fatalf("status %d", rec.Code)
			}
			sb.ad.Wait()
		}
		b.StopTimer()
		cpustat.Report(b, cpu)
		report()
		checkAcknowledged(b, store, caseOf(b, reqs[b.N-1]))
	})
}

// BenchmarkSlackButtonAck is the press as issue 7 defines the hot path:
// signed request, verify, parse, authorise, engine, store write, ack. The
// work after the acknowledgement (cards to other people) runs with the
// timer stopped, so ns/op and allocs/op are the acknowledgement's alone.
// cpu-ns/op is the process CPU time inside the timed part of each press
// only (cpustat.Meter): the work after the acknowledgement has finished
// before the next press starts. Compare it with BenchmarkSlackVerifyParse's
// cpu-ns/op: issue 7's target is at most 2× on Redis.
//
// Each case is stored just before its press, with the timer stopped, as
// when the bot raises a case and sends its card. On Redis the press is
// measured twice. "redis": the bot's own store wrote the case, so it
// remembers it, and Jo acted within the last UserCacheTTL, so he is known
// without a lookup: the acknowledgement costs one round trip. "redis-cold":
// another replica wrote the case and Jo has not been seen here lately (his
// person is forgotten before each press; the users.info answer stays
// cached): a handle lookup, a case read and the write, three round trips.
func BenchmarkSlackButtonAck(b *testing.B) {
	const pressBatch = 256
	run := func(b *testing.B, store, creator conversation.Store) {
		cold := creator != nil
		sb := newStubBot(b, store)
		press := pressMaker(b, sb)
		if creator == nil {
			creator = store
		}
		warmUp(b, sb, press(store, b.N))
		var cpu cpustat.Meter
		batch := make([]signedRequest, 0, min(pressBatch, b.N))
		b.ResetTimer()
		for i := 0; i < b.N; i += pressBatch {
			// Cases are stored a batch at a time, and the garbage from
			// that collected, with the timer stopped.
			b.StopTimer()
			batch = batch[:0]
			for j := i; j < min(i+pressBatch, b.N); j++ {
				batch = append(batch, press(creator, j))
			}
			runtime.GC()
			b.StartTimer()
			for _, req := range batch {
				if cold {
					b.StopTimer()
					sb.ad.users.forgetPerson(userKey(benchTeam, jo.ID))
					b.StartTimer()
				}
				cpu.Start()
				rec := req.do(sb.handler)
				cpu.Stop()
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d", rec.Code)
				}
				b.StopTimer()
				sb.ad.Wait()
				b.StartTimer()
			}
		}
		b.StopTimer()
		cpu.Report(b)
		checkAcknowledged(b, store, caseOf(b, batch[len(batch)-1]))
	}
	b.Run("store=bolt", func(b *testing.B) {
		s, err := boltstore.Open(filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		run(b, s, nil)
	})
	b.Run("store=redis", func(b *testing.B) {
		s, _ := redistest.Open(b)
		b.Cleanup(func() { s.Close() })
		run(b, s, nil)
	})
	b.Run("store=redis-cold", func(b *testing.B) {
		s, prefix := redistest.Open(b)
		other, err := redisstore.Open(context.Background(), redistest.URL(), prefix)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close(); other.Close() })
		run(b, s, other)
	})
}

// BenchmarkSlackButtonParallel presses Acknowledge from many goroutines at
// once (GOMAXPROCS × 16), as a busy workspace would. On bolt, concurrent
// writes share one commit and fsync through DB.Batch, so ns/op here should
// be a fraction of BenchmarkSlackButton's, and so should commits/op (each
// commit is one fsync).
func BenchmarkSlackButtonParallel(b *testing.B) {
	benchStores(b, func(b *testing.B, store conversation.Store) {
		sb := newStubBot(b, store)
		reqs := pressPool(b, sb, b.N)
		var next atomic.Int64
		var failed atomic.Int64
		b.SetParallelism(16)
		report := commits(b, store)
		cpu := cpustat.Start()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				i := next.Add(1) - 1
				if rec := reqs[i].do(sb.handler); rec.Code != http.StatusOK {
					failed.Add(1)
				}
			}
		})
		sb.ad.Wait()
		b.StopTimer()
		cpustat.Report(b, cpu)
		report()
		if n := failed.Load(); n > 0 {
			b.Fatalf("%d presses failed", n)
		}
		checkAcknowledged(b, store, caseOf(b, reqs[b.N-1]))
	})
}

func caseOf(b *testing.B, r signedRequest) string {
	b.Helper()
	form, err := url.ParseQuery(string(r.body))
	if err != nil {
		b.Fatal(err)
	}
	var ic slack.InteractionCallback
	if err := json.Unmarshal([]byte(form.Get("payload")), &ic); err != nil {
		b.Fatal(err)
	}
	_, id, _, _ := parseButtonValue(ic.ActionCallback.BlockActions[0].Value)
	return id
}

// commandRequest is u's slash command "/resolve text", signed now.
func commandRequest(u slackfake.User, text string) signedRequest {
	return newSignedRequest("application/x-www-form-urlencoded", []byte(url.Values{
		"token": {"legacy-token"}, "team_id": {benchTeam}, "team_domain": {"example"}, "channel_id": {"C0GENERAL"},
		"channel_name": {"general"}, "user_id": {u.ID}, "user_name": {u.Name}, "command": {"/resolve"}, "text": {text},
		"api_app_id": {"A0APP"}, "is_enterprise_install": {"false"},
		"response_url": {"https://hooks.slack.com/commands/T0TEAM/1/abc"}, "trigger_id": {"123.456.abc"},
	}.Encode()))
}

// BenchmarkSlackCommandVerifyParse is the slash command's baseline, a bare
// net/http handler ("gobare"): read the body, verify the signature, parse
// the form, answer 200, and nothing more.
func BenchmarkSlackCommandVerifyParse(b *testing.B) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
		if err != nil {
			http.Error(w, "read", http.StatusBadRequest)
			return
		}
		sv, err := slack.NewSecretsVerifier(r.Header, testSecret)
		if err != nil {
			http.Error(w, "unverified", http.StatusUnauthorized)
			return
		}
		if _, err := sv.Write(body); err != nil || sv.Ensure() != nil {
			http.Error(w, "unverified", http.StatusUnauthorized)
			return
		}
		form, err := url.ParseQuery(string(body))
		if err != nil || form.Get("command") == "" || form.Get("user_id") == "" {
			http.Error(w, "form", http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	req := commandRequest(sam, "help")
	cpu := cpustat.Start()
	b.ResetTimer()
	for range b.N {
		if rec := req.do(h); rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
	b.StopTimer()
	cpustat.Report(b, cpu)
}

// BenchmarkSlackHelp answers "/resolve help" through the whole bot: verify,
// parse, identify Sam (known: he used the bot just before), route, render
// the help as Block Kit and answer it. Compare its cpu-ns/op with
// BenchmarkSlackCommandVerifyParse's: issue 17's target is at most 1.5×.
func BenchmarkSlackHelp(b *testing.B) {
	run := func(b *testing.B, store conversation.Store) {
		sb := newStubBot(b, store)
		req := commandRequest(sam, "help")
		if rec := req.do(sb.handler); rec.Code != http.StatusOK || !bytes.Contains(rec.Body.Bytes(), []byte("/resolve")) {
			b.Fatalf("warm-up: %d %s", rec.Code, rec.Body)
		}
		sb.ad.Wait()
		cpu := cpustat.Start()
		b.ResetTimer()
		for range b.N {
			if rec := req.do(sb.handler); rec.Code != http.StatusOK {
				b.Fatalf("status %d", rec.Code)
			}
			sb.ad.Wait()
		}
		b.StopTimer()
		cpustat.Report(b, cpu)
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
