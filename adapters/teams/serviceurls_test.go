package teams

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/adapters/teams/teamstest"
	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
)

// twoTenants is a deployment with the council's and the police's bot
// registrations, each tenant's activities coming from its own Bot
// Connector region (its own fake connector and service URL).
type twoTenants struct {
	env                     *bottest.Env
	adapter                 *Adapter
	opts                    Options
	keys                    *teamstest.Keys
	councilConn, policeConn *teamstest.Connector
	council, police         *teamstest.Client
	ana, ben                teamstest.User
}

// newTwoTenants builds the deployment; police lists the service URLs
// the police registration alone trusts before any activity (its own
// connector's when policeTrusts is set).
func newTwoTenants(t *testing.T, policeTrusts bool) *twoTenants {
	t.Helper()
	env := bottest.New(t, bottest.Options{})
	keys := teamstest.NewKeys(t)
	cc, pc := teamstest.NewConnector(t), teamstest.NewConnector(t)
	ce, pe := teamstest.NewEntra(t, councilTenant), teamstest.NewEntra(t, policeTenant)
	ce.Prefix, pe.Prefix = "council-token-", "police-token-"
	pool := x509.NewCertPool()
	pool.AddCert(ce.Server.Certificate())
	pool.AddCert(pe.Server.Certificate())
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	police := Registration{AppID: policeApp, AppPassword: "police-secret", TenantID: policeTenant, TokenAuthority: pe.Authority()}
	if policeTrusts {
		police.ServiceURLs = []string{pc.URL()}
	}
	opts := Options{
		Registrations: []Registration{
			{AppID: councilApp, AppPassword: "council-secret", TenantID: councilTenant, TokenAuthority: ce.Authority()},
			police,
		},
		OpenIDMetadataURL: keys.MetadataURL(), HTTPClient: hc, Now: env.Clock.Now,
	}
	a, err := New(env.Router, env.People, env.Dispatcher, opts)
	if err != nil {
		t.Fatal(err)
	}
	tt := &twoTenants{env: env, adapter: a, opts: opts, keys: keys, councilConn: cc, policeConn: pc,
		ana: teamstest.User{ID: "29:ana", AAD: "aad-ana", Name: "Ana Cole", Email: "ana.cole@council.example.org", Tenant: councilTenant},
		ben: teamstest.User{ID: "29:ben", AAD: "aad-ben", Name: "Ben Ford", Email: "ben.ford@police.example.org", Tenant: policeTenant}}
	cc.AddMember(tt.ana.Member())
	pc.AddMember(tt.ben.Member())
	tt.council = &teamstest.Client{Handler: a, Keys: keys, Connector: cc, AppID: councilApp, Now: env.Clock.Now}
	tt.police = &teamstest.Client{Handler: a, Keys: keys, Connector: pc, AppID: policeApp, Now: env.Clock.Now}
	return tt
}

// replica returns another replica of the adapter, over the same store,
// with a dispatcher of its own.
func (tt *twoTenants) replica(t *testing.T) *Adapter {
	t.Helper()
	a, err := New(tt.env.Router, tt.env.People, bot.NewDispatcher(tt.env.Store, tt.env.Router.Cards, nil), tt.opts)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// post sends an activity through c and waits for what it causes.
func (tt *twoTenants) post(t *testing.T, c *teamstest.Client, activity map[string]any) {
	t.Helper()
	if rec := c.Post(t, activity); rec.Code != http.StatusOK {
		t.Fatalf("%v activity: %d %s", activity["type"], rec.Code, rec.Body)
	}
	tt.adapter.Wait()
	tt.env.Settle(t)
}

// wrongTokens returns the calls each connector received with a token
// other than its own registration's.
func (tt *twoTenants) wrongTokens() []string {
	var out []string
	for conn, want := range map[*teamstest.Connector]string{tt.councilConn: "Bearer council-token-", tt.policeConn: "Bearer police-token-"} {
		for _, c := range conn.Calls() {
			if !strings.HasPrefix(c.Authorization, want) {
				out = append(out, c.Method+" "+c.Path+" with "+c.Authorization)
			}
		}
	}
	return out
}

// TestServiceURLsTrustedPerRegistration: a service URL is trusted with a
// registration's token only when it is configured for it (or for every
// registration) or learned from an activity whose token names it; cards
// of one tenant's conversations are updated and deleted through that
// tenant's service URL with its registration's token, whichever
// registration the replica heard from last; and no connector ever
// receives another registration's token.
func TestServiceURLsTrustedPerRegistration(t *testing.T) {
	tt := newTwoTenants(t, true)
	ctx := context.Background()
	council, police := tt.adapter.regs[councilApp].conn, tt.adapter.regs[policeApp].conn
	note := cardActivity(Render(nil, UnreachedNotice("x")), "t")
	trusts := func(when string, c *connector, url string, want bool) {
		t.Helper()
		_, err := c.send(ctx, url, "a:probe", note)
		if got := !errors.Is(err, errUntrustedServiceURL); got != want {
			t.Errorf("%s: sending to %s: %v, want trusted %v", when, url, err, want)
		}
	}
	trusts("configured for the police", police, tt.policeConn.URL(), true)
	trusts("configured for the police only", council, tt.policeConn.URL(), false)

	tt.post(t, tt.council, tt.council.Install(tt.ana))
	tt.post(t, tt.police, tt.police.Install(tt.ben))
	trusts("learned from a council activity", council, tt.councilConn.URL(), true)
	trusts("learned from a council activity only", police, tt.councilConn.URL(), false)
	trusts("learned from a police activity only", council, tt.policeConn.URL(), false)

	if unreached := tt.env.Dispatcher.Deliver(ctx, []bot.Outbound{
		{To: tt.ana.Email, Message: bot.Message{Kind: "notice", Text: "A note for the council."}},
		{To: tt.ben.Email, Message: bot.Message{Kind: "notice", Text: "A note for the police."}},
	}); len(unreached) != 0 {
		t.Fatalf("unreached: %v", unreached)
	}
	// The council spoke last; Ben's card is still the police's.
	tt.post(t, tt.council, tt.council.Message(tt.ana, "help"))
	sent := tt.policeConn.Sent(tt.ben.Conversation())
	if len(sent) == 0 {
		t.Fatal("nothing reached Ben")
	}
	ref := conversation.MessageRef{Platform: Platform, PersonID: tt.ben.Email, Channel: tt.ben.Conversation(), ID: sent[len(sent)-1].Sent}
	if err := tt.adapter.Update(ctx, ref, bot.Message{Kind: "notice", Text: "Updated."}); err != nil {
		t.Errorf("update Ben's card: %v", err)
	}
	if err := tt.adapter.Delete(ctx, ref); err != nil {
		t.Errorf("delete Ben's card: %v", err)
	}
	var deleted bool
	for _, c := range tt.policeConn.Calls() {
		deleted = deleted || c.Method == http.MethodDelete && c.ActivityID == ref.ID && c.ResponseStatus == http.StatusOK
	}
	if !deleted {
		t.Error("Ben's card was not deleted through the police's service URL")
	}
	if wrong := tt.wrongTokens(); len(wrong) != 0 {
		t.Errorf("calls with another registration's token: %v", wrong)
	}
}
