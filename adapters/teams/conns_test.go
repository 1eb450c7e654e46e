package teams

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/resolvebot/resolvebot/adapters/teams/teamstest"
	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/internal/apiclient"
)

// TestSendReusesConnections: a sustained load of proactive messages from N
// senders at once, through the client the adapter builds for itself
// (NewHTTPClient), opens no more connections to the Bot Connector than N
// (see checkConns). Go's default transport keeps 2 idle connections per
// host, so under load most sends opened a new one. More senders than the
// connections kept (apiclient.IdleConnsPerHost) share those: the client
// opens no more, as each one opened beyond them would be closed again
// after one call.
func TestSendReusesConnections(t *testing.T) {
	for _, senders := range []int{16, 48, apiclient.IdleConnsPerHost + 144} {
		env := bottest.New(t, bottest.Options{})
		keys, entra, conn := teamstest.NewKeys(t), teamstest.NewEntra(t, testTenant), teamstest.NewConnector(t)
		hc := NewHTTPClient()
		roots := x509.NewCertPool()
		roots.AddCert(entra.Server.Certificate())
		hc.Transport.(*http.Transport).TLSClientConfig.RootCAs = roots
		a, err := New(env.Router, env.People, env.Dispatcher, Options{
			AppID: testAppID, AppPassword: "test-secret", TenantID: testTenant,
			TokenAuthority: entra.Authority(), OpenIDMetadataURL: keys.MetadataURL(),
			HTTPClient: hc, Now: env.Clock.Now,
		})
		if err != nil {
			t.Fatal(err)
		}
		u := teamstest.User{ID: "29:jo", AAD: "aad-jo", Name: "Jo Reed", Email: "jo.reed@csc.example.org", Tenant: testTenant}
		ref, _ := json.Marshal(map[string]any{"serviceUrl": conn.URL(), "channelId": "msteams",
			"user": map[string]any{"id": u.ID}, "bot": map[string]any{"id": "28:" + testAppID},
			"conversation": map[string]any{"id": u.Conversation(), "tenantId": testTenant}})
		h := conversation.Handle{Platform: Platform, Team: testTenant, User: u.AAD, Channel: u.Conversation(), Ref: string(ref)}
		to := &conversation.Person{ID: "p1", Name: u.Name, Email: u.Email}
		each, warmUp := 25, 0
		if senders > apiclient.IdleConnsPerHost {
			// Fewer sends each, after one that fetches the app token, so
			// the burst is of sends and not of token requests.
			each, warmUp = 2, 1
			if _, err := a.Send(context.Background(), to, h, bot.Message{Kind: "notice", Text: "Hello"}); err != nil {
				t.Fatal(err)
			}
		}
		var wg sync.WaitGroup
		var failed atomic.Int64
		round := func() {
			for range senders {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range each {
						if _, err := a.Send(context.Background(), to, h, bot.Message{Kind: "notice", Text: "Hello"}); err != nil {
							t.Log(err)
							failed.Add(1)
						}
					}
				}()
			}
			wg.Wait()
		}
		round()
		warm := conn.Conns()
		round()
		round()
		if n := failed.Load(); n > 0 {
			t.Fatalf("%d senders: %d sends failed", senders, n)
		}
		if got := len(conn.Sent(u.Conversation())); got != 3*senders*each+warmUp {
			t.Fatalf("%d senders: the connector got %d messages, want %d", senders, got, 3*senders*each+warmUp)
		}
		if senders > apiclient.IdleConnsPerHost {
			if n := conn.Conns(); n > apiclient.IdleConnsPerHost {
				t.Errorf("%d senders opened %d connections, want at most the %d kept", senders, n, apiclient.IdleConnsPerHost)
			}
			continue
		}
		checkConns(t, senders, warm, conn.Conns())
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
