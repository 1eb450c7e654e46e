package crossplatform_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/adapters/teams"
	"github.com/resolvebot/resolvebot/adapters/teams/teamstest"
	"github.com/resolvebot/resolvebot/conversation"
)

// TestSlackWorkspaceToTeamsTenant: a case raised in one organisation's
// Slack workspace (installed through the OAuth flow) names a respondent on
// Teams in the police's tenant, which has its own bot registration: her
// card goes out with the police registration's token, never the
// council's, and the raiser's with the schools' Slack token.
func TestSlackWorkspaceToTeamsTenant(t *testing.T) {
	const (
		councilApp, councilTenant = "00000000-0000-0000-0000-0000000000c1", "c1c1c1c1-0000-0000-0000-000000000001"
		policeApp, policeTenant   = "00000000-0000-0000-0000-0000000000b2", "b2b2b2b2-0000-0000-0000-000000000002"
	)
	w := newWorkspaces(t)
	ctx := context.Background()
	w.install(schools)
	keys := teamstest.NewKeys(t)
	conn := teamstest.NewConnector(t)
	council, police := teamstest.NewEntra(t, councilTenant), teamstest.NewEntra(t, policeTenant)
	council.Prefix, police.Prefix = "council-token-", "police-token-"
	pool := x509.NewCertPool()
	pool.AddCert(council.Server.Certificate())
	pool.AddCert(police.Server.Certificate())
	tad, err := teams.New(w.env.Router, w.env.People, w.env.Dispatcher, teams.Options{
		Registrations: []teams.Registration{
			{AppID: councilApp, AppPassword: "council-secret", TenantID: councilTenant, TokenAuthority: council.Authority()},
			{AppID: policeApp, AppPassword: "police-secret", TenantID: policeTenant, TokenAuthority: police.Authority()},
		},
		OpenIDMetadataURL: keys.MetadataURL(), Now: w.env.Clock.Now,
		HTTPClient: &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	pc := teamstest.User{ID: "29:pc", AAD: "aad-pc", Name: "Priya Constable", Email: "priya.constable@police.example.org", Tenant: policeTenant}
	conn.AddMember(pc.Member())
	policeClient := &teamstest.Client{Handler: tad, Keys: keys, Connector: conn, AppID: policeApp, Now: w.env.Clock.Now}
	if rec := policeClient.Post(t, policeClient.Install(pc)); rec.Code != http.StatusOK {
		t.Fatalf("install on the police tenant: %d", rec.Code)
	}
	tad.Wait()
	w.env.Settle(t)
	w.env.Person(t, samA.Email, samA.Name, "school", mgrA.Email)
	w.env.Person(t, pc.Email, pc.Name, "police", "")

	w.slack.command(samA, "raise", "trig-1")
	r := w.slack.raise(samA, "Vtrig-1", w.slack.openedView("trig-1"), map[string]string{
		conversation.FieldImmediateRisk: "no", conversation.FieldAbout: conversation.AboutOtherAgency,
		conversation.FieldChildRef: "QZX-447193", conversation.FieldRaiserAgency: "school",
		conversation.FieldRespondent: pc.Email, conversation.FieldRespondentAgency: "police",
		conversation.FieldCategory: "threshold", conversation.FieldDecision: "The referral was closed with no further action.",
		conversation.FieldConcern:       "Attendance has fallen over six weeks.",
		conversation.FieldEvidenceKind:  string(conversation.EvidenceDocumented),
		conversation.FieldEvidence:      "Attendance records.",
		conversation.FieldOutcomeSought: "A strategy discussion.", conversation.FieldUrgency: string(conversation.UrgencyStandard),
		conversation.FieldReflection:     "discussed_with_lead,child_best_interest",
		conversation.FieldFamilyInformed: "no", conversation.FieldSeriousConcern: "no",
	})
	tad.Wait()
	w.env.Settle(t)
	if r["response_action"] != "clear" {
		t.Fatalf("intake: %v", r)
	}
	cs, err := w.env.Store.ListCases(ctx, conversation.CaseFilter{})
	if err != nil || len(cs) != 1 {
		t.Fatalf("cases %v %v", cs, err)
	}
	var toPC []string
	for _, c := range conn.Sent(pc.Conversation()) {
		toPC = append(toPC, c.Authorization)
		if !strings.HasPrefix(c.Authorization, "Bearer police-token-") {
			t.Errorf("an activity to the police officer with %q", c.Authorization)
		}
	}
	if len(toPC) < 2 { // the welcome, then the case's card
		t.Errorf("activities to the police officer: %d, want the welcome and the case", len(toPC))
	}
	if len(council.Grants()) != 0 {
		t.Errorf("the council's authority was asked for %d tokens; nobody on its tenant was messaged", len(council.Grants()))
	}
	if got := tokensOf(w.fake.Calls("chat.postMessage"), samA.DM()); len(got) != 1 || got[w.fake.Token(schools)] == 0 {
		t.Errorf("Sam was messaged with tokens %v", got)
	}
	if n := len(emailsTo(w.relay, pc.Email)); n != 0 {
		t.Errorf("the police officer was emailed %d times though Teams reaches her", n)
	}
}
