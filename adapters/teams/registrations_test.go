package teams

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/adapters/teams/teamstest"
	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
)

// Two agencies on two tenants, each with its own Azure Bot registration.
const (
	councilApp    = "00000000-0000-0000-0000-0000000000c1"
	councilTenant = "c1c1c1c1-0000-0000-0000-000000000001"
	policeApp     = "00000000-0000-0000-0000-0000000000b2"
	policeTenant  = "b2b2b2b2-0000-0000-0000-000000000002"
)

// TestTwoRegistrationsOnTwoTenants: each tenant's activities are answered,
// and its people reached proactively, with its own registration's app
// token, from its own tenant's authority, and never the other's; a token
// for an app id that is not configured is refused.
func TestTwoRegistrationsOnTwoTenants(t *testing.T) {
	env := bottest.New(t, bottest.Options{})
	keys := teamstest.NewKeys(t)
	conn := teamstest.NewConnector(t)
	council, police := teamstest.NewEntra(t, councilTenant), teamstest.NewEntra(t, policeTenant)
	council.Prefix, police.Prefix = "council-token-", "police-token-"
	pool := x509.NewCertPool()
	pool.AddCert(council.Server.Certificate())
	pool.AddCert(police.Server.Certificate())
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	a, err := New(env.Router, env.People, env.Dispatcher, Options{
		Registrations: []Registration{
			{AppID: councilApp, AppPassword: "council-secret", TenantID: councilTenant, TokenAuthority: council.Authority()},
			{AppID: policeApp, AppPassword: "police-secret", TenantID: policeTenant, TokenAuthority: police.Authority()},
		},
		OpenIDMetadataURL: keys.MetadataURL(), HTTPClient: hc, Now: env.Clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	ana := teamstest.User{ID: "29:ana", AAD: "aad-ana", Name: "Ana Cole", Email: "ana.cole@council.example.org", Tenant: councilTenant}
	ben := teamstest.User{ID: "29:ben", AAD: "aad-ben", Name: "Ben Ford", Email: "ben.ford@police.example.org", Tenant: policeTenant}
	conn.AddMember(ana.Member())
	conn.AddMember(ben.Member())
	clients := map[string]*teamstest.Client{
		councilApp: {Handler: a, Keys: keys, Connector: conn, AppID: councilApp, Now: env.Clock.Now},
		policeApp:  {Handler: a, Keys: keys, Connector: conn, AppID: policeApp, Now: env.Clock.Now},
	}
	post := func(app string, activity map[string]any) int {
		t.Helper()
		rec := clients[app].Post(t, activity)
		a.Wait()
		env.Settle(t)
		return rec.Code
	}
	tokensTo := func(u teamstest.User) map[string]int {
		out := map[string]int{}
		for _, c := range conn.Sent(u.Conversation()) {
			out[strings.TrimSuffix(strings.TrimRight(strings.TrimPrefix(c.Authorization, "Bearer "), "0123456789"), "-")]++
		}
		return out
	}

	for _, step := range []struct {
		app string
		u   teamstest.User
	}{{councilApp, ana}, {policeApp, ben}} {
		if code := post(step.app, clients[step.app].Install(step.u)); code != http.StatusOK {
			t.Fatalf("install for %s: %d", step.u.Name, code)
		}
		if code := post(step.app, clients[step.app].Message(step.u, "help")); code != http.StatusOK {
			t.Fatalf("help from %s: %d", step.u.Name, code)
		}
	}
	// Proactive messages, as the outbox sends them.
	if unreached := env.Dispatcher.Deliver(context.Background(), []bot.Outbound{
		{To: ana.Email, Message: bot.Message{Kind: "notice", Text: "A note for the council."}},
		{To: ben.Email, Message: bot.Message{Kind: "notice", Text: "A note for the police."}},
	}); len(unreached) != 0 {
		t.Fatalf("unreached: %v", unreached)
	}
	for u, want := range map[teamstest.User]string{ana: "council-token", ben: "police-token"} {
		got := tokensTo(u)
		if len(got) != 1 || got[want] < 3 {
			t.Errorf("%s was sent activities with tokens %v, want only %s (welcome, help and the note)", u.Name, got, want)
		}
	}
	for e, app := range map[*teamstest.Entra]string{council: councilApp, police: policeApp} {
		grants := e.Grants()
		if len(grants) == 0 {
			t.Errorf("%s: no app token asked of its authority", app)
		}
		for _, g := range grants {
			if g.ClientID != app {
				t.Errorf("the authority of %s's tenant issued a token to %s", app, g.ClientID)
			}
		}
	}

	// A card sent to Ben is updated with the police registration's token,
	// whichever registration this replica heard from last.
	sent := conn.Sent(ben.Conversation())
	ref := conversation.MessageRef{Platform: Platform, PersonID: ben.Email, Channel: ben.Conversation(), ID: sent[len(sent)-1].Sent}
	if err := a.Update(context.Background(), ref, bot.Message{Kind: "notice", Text: "Updated."}); err != nil {
		t.Fatalf("update Ben's card: %v", err)
	}
	if ups := conn.Updates(); len(ups) != 1 || !strings.HasPrefix(ups[0].Authorization, "Bearer police-token-") {
		t.Errorf("Ben's card was updated with %+v, want one update with the police token", ups)
	}

	// A token for an app id neither registration has is refused, and
	// nothing is sent.
	before := len(conn.Calls())
	stranger := &teamstest.Client{Handler: a, Keys: keys, Connector: conn, AppID: "00000000-0000-0000-0000-0000000000ff", Now: env.Clock.Now}
	if rec := stranger.Post(t, stranger.Message(ana, "help")); rec.Code != http.StatusUnauthorized {
		t.Errorf("a token for an unknown audience: %d, want 401", rec.Code)
	}
	a.Wait()
	if n := len(conn.Calls()) - before; n != 0 {
		t.Errorf("%d connector calls after a refused token", n)
	}
}
