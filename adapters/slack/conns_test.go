package slack

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
)

// countingAPI is a Slack Web API answering chat.postMessage that counts
// the TCP connections it accepts.
func countingAPI(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		// Long enough that the senders' calls overlap, as under load.
		time.Sleep(time.Millisecond)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"ok":true,"channel":"` + r.Form.Get("channel") + `","ts":"1790000000.000100"}`))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, &conns
}

// TestSendReusesConnections: a sustained load of messages from N senders
// at once opens no more connections to Slack than N (see checkConns). Go's default client
// keeps 2 idle connections per host and threw the rest away after each
// call, so the fake Slack saw nearly a new connection per message.
func TestSendReusesConnections(t *testing.T) {
	for _, senders := range []int{16, 48} {
		srv, conns := countingAPI(t)
		env := bottest.New(t, bottest.Options{})
		client := slack.New("xoxb-test-token", slack.OptionAPIURL(srv.URL+"/api/"), slack.OptionHTTPClient(NewHTTPClient()))
		ad := New(client, env.Router, env.Dispatcher, Options{SigningSecret: testSecret, Now: env.Clock.Now, NoPace: true})
		to := &conversation.Person{ID: "p1", Name: "Jo Reed"}
		h := conversation.Handle{Platform: Platform, Team: "T0TEAM", User: jo.ID, Channel: "D02JO"}
		const each = 25
		var wg sync.WaitGroup
		var failed atomic.Int64
		round := func() {
			for range senders {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range each {
						if _, err := ad.Send(context.Background(), to, h, bot.Message{Kind: "notice", Text: "Hello"}); err != nil {
							failed.Add(1)
						}
					}
				}()
			}
			wg.Wait()
		}
		round()
		warm := conns.Load()
		round()
		round()
		if n := failed.Load(); n > 0 {
			t.Fatalf("%d senders: %d sends failed", senders, n)
		}
		checkConns(t, senders, warm, conns.Load())
	}
}

// checkConns checks the connections a fake server accepted from senders
// at once: at most 2× senders by the end of the first round (a burst from
// cold: Go dials for a request that then takes a connection freed
// meanwhile, and keeps both), and during the two sustained rounds after
// it next to none (at most senders/4): calls reuse them.
func checkConns(t *testing.T, senders int, warm, after int64) {
	t.Helper()
	t.Logf("%d senders: %d connections after the first round, %d after three", senders, warm, after)
	if warm > int64(2*senders) {
		t.Errorf("%d senders opened %d connections in the first round, want at most %d", senders, warm, 2*senders)
	}
	if allowed := int64(senders / 4); after-warm > allowed {
		t.Errorf("%d senders opened %d more connections under sustained load, want at most %d", senders, after-warm, allowed)
	}
}
