package crossplatform_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/adapters/slack/slackfake"
	"github.com/resolvebot/resolvebot/adapters/teams"
	"github.com/resolvebot/resolvebot/adapters/teams/teamstest"
	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/report"
)

// twoPartnerships hosts Wiltshire (the schools' and health's Slack
// workspaces) and Devon (the police's and the council's Teams tenants),
// each partnership's manager on email.
const twoPartnerships = `partnerships:
  - id: wiltshire
    partnership: wiltshire
    protocol: {routes: {front_door: "0300 456 0108"}}
    directory:
      agencies:
        - key: school
          name: Riverside School
          contacts: {manager: [{name: School Manager (example), email: school.manager@example.org}]}
        - {key: health-visiting, name: Health Visiting}
      partnership_roles:
        - {name: Wil Manager, email: wil.manager@wiltshire.example.org, role: partnership manager}
  - id: devon
    partnership: devon
    protocol: {routes: {front_door: "0345 155 1071"}}
    directory:
      agencies:
        - key: police
          name: Devon Police
          contacts: {manager: [{name: Pat Inspector, email: pat.inspector@police.example.org}]}
        - {key: csc, name: Devon Children's Social Care}
      partnership_roles:
        - {name: Dev Manager, email: dev.manager@devon.example.org, role: partnership manager}
`

// TestCrossBorderAcrossWorkspacesAndTenants is the whole bot on a
// deployment hosting two partnerships, with two Slack workspaces installed
// through the OAuth flow, two Teams registrations on two tenants, and
// email. Sam, in the schools' workspace (Wiltshire), raises a case against
// a police officer on the police tenant (Devon): it is cross-border, under
// Wiltshire's protocol. It reaches her on Teams with the police
// registration's token, escalates to her inspector on the same tenant,
// and, after the schools' workspace removes the app mid-case, the next
// message to Sam goes by email. It is referred (both partnerships'
// managers are told, by email) and resolves; each partnership's report
// counts it once, marked cross-border. No install's token reaches another's
// requests.
func TestCrossBorderAcrossWorkspacesAndTenants(t *testing.T) {
	const (
		councilApp, councilTenant = "00000000-0000-0000-0000-0000000000c1", "c1c1c1c1-0000-0000-0000-000000000001"
		policeApp, policeTenant   = "00000000-0000-0000-0000-0000000000b2", "b2b2b2b2-0000-0000-0000-000000000002"
	)
	w := newWorkspacesWith(t, twoPartnerships)
	ctx := context.Background()
	w.install(schools)
	w.install(health)
	tokA, tokB := w.fake.Token(schools), w.fake.Token(health)
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
	insp := teamstest.User{ID: "29:insp", AAD: "aad-insp", Name: "Pat Inspector", Email: "pat.inspector@police.example.org", Tenant: policeTenant}
	for _, u := range []teamstest.User{pc, insp} {
		conn.AddMember(u.Member())
		client := &teamstest.Client{Handler: tad, Keys: keys, Connector: conn, AppID: policeApp, Now: w.env.Clock.Now}
		if rec := client.Post(t, client.Install(u)); rec.Code != http.StatusOK {
			t.Fatalf("install for %s on the police tenant: %d", u.Name, rec.Code)
		}
	}
	settle := func() { tad.Wait(); w.slack.wait() }
	settle()
	w.env.Person(t, samA.Email, samA.Name, "school", mgrA.Email)
	w.slack.command(mgrA, "list", "trig-m") // the school's manager uses the bot in Slack too
	w.env.Person(t, pc.Email, pc.Name, "police", insp.Email)
	w.env.Person(t, insp.Email, insp.Name, "police", "")

	// Raised in the schools' workspace against the police officer.
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
	settle()
	if r["response_action"] != "clear" {
		t.Fatalf("intake: %v", r)
	}
	cs, err := w.env.Store.ListCases(ctx, conversation.CaseFilter{})
	if err != nil || len(cs) != 1 {
		t.Fatalf("cases %v %v", cs, err)
	}
	c := cs[0]
	if c.Partnership != "wiltshire" || c.CrossBorderPartnership != "devon" {
		t.Fatalf("the case is of %q crossing into %q; want wiltshire into devon", c.Partnership, c.CrossBorderPartnership)
	}
	if n := len(conn.Sent(pc.Conversation())); n < 2 { // the welcome, then the case
		t.Fatalf("activities to the police officer: %d", n)
	}

	// She acknowledges on Teams; Sam escalates in Slack: the next stage
	// reaches her inspector on the police tenant.
	step := func(actor string, verb conversation.Verb, values map[string]string) {
		t.Helper()
		c, _ = w.env.Store.GetCase(ctx, c.ID)
		in := bot.Inbound{Actor: actor, Verb: verb, CaseID: c.ID, Version: c.Version}
		if values != nil {
			in = bot.Inbound{Actor: actor, FormKey: bot.ActionFormPrefix + string(verb), CaseID: c.ID, Version: c.Version, Values: values}
		}
		if reply := w.env.Router.Handle(ctx, in); reply.Step == nil {
			t.Fatalf("%s by %s: %+v", verb, actor, reply.Messages)
		}
		settle()
	}
	step(pc.Email, conversation.VerbAcknowledge, nil)
	w.slack.press(samA, "rb_escalate", "trig-esc")
	if r := w.slack.submit(samA, "Vtrig-esc", w.slack.openedView("trig-esc"), map[string]string{"reason": "No reply to the attendance figures."}); r["response_action"] != "clear" {
		t.Fatalf("escalate: %v", r)
	}
	settle()
	c, _ = w.env.Store.GetCase(ctx, c.ID)
	if c.Current().Key != "manager" || len(conn.Sent(insp.Conversation())) < 2 {
		t.Fatalf("after escalating: stage %s, activities to the inspector %d", c.Current().Key, len(conn.Sent(insp.Conversation())))
	}
	for _, u := range []slackfake.User{samA, mgrA} {
		if got := tokensOf(w.fake.Calls("chat.postMessage"), u.DM()); len(got) != 1 || got[tokA] == 0 {
			t.Fatalf("%s was messaged in Slack with tokens %v, want the schools' only", u.Name, got)
		}
	}
	for _, call := range w.fake.Calls("") {
		if call.Token == tokB {
			t.Errorf("%s with the health workspace's token, though nobody there is on the case", call.Method)
		}
	}
	if n := len(emailsTo(w.relay, mgrA.Email)); n != 0 {
		t.Fatalf("the school's manager was emailed %d times while Slack reached him", n)
	}

	// The schools' workspace removes the app mid-case: the next message to
	// the school's manager goes by email.
	w.uninstalled(schools)
	w.fake.Reset()
	step(insp.Email, conversation.VerbAcknowledge, nil)
	step(insp.Email, conversation.VerbRefer, map[string]string{"reason": "We cannot agree between us."})
	if got := emailsTo(w.relay, mgrA.Email); len(got) == 0 || !strings.HasPrefix(got[0], c.ID) {
		t.Errorf("the school's manager was not emailed after his workspace removed the app: %q", got)
	}
	for _, call := range w.fake.Calls("") {
		if call.Token == tokA {
			t.Errorf("%s with the schools' revoked token after the uninstall", call.Method)
		}
	}
	for _, manager := range []string{"wil.manager@wiltshire.example.org", "dev.manager@devon.example.org"} {
		if got := emailsTo(w.relay, manager); len(got) == 0 || !strings.HasPrefix(got[len(got)-1], c.ID) {
			t.Errorf("%s was not told of the cross-border referral: %q", manager, got)
		}
	}

	// Wiltshire's manager accepts it; the inspector proposes a way forward
	// and the school's manager confirms it: resolved.
	step("wil.manager@wiltshire.example.org", conversation.VerbAcceptReferral, map[string]string{"text": ""})
	step(insp.Email, conversation.VerbPropose, map[string]string{"way_forward": "A joint visit this week."})
	c, _ = w.env.Store.GetCase(ctx, c.ID)
	if !slices.Contains(c.Current().Raiser, mgrA.Email) {
		t.Fatalf("the referral's raising side %v lacks the school's manager", c.Current().Raiser)
	}
	step(mgrA.Email, conversation.VerbConfirm, nil)
	c, _ = w.env.Store.GetCase(ctx, c.ID)
	if c.Status != conversation.StatusResolved {
		t.Fatalf("status %s, want resolved", c.Status)
	}

	// Each partnership's report counts it once, marked cross-border.
	for _, id := range []string{"wiltshire", "devon"} {
		rep, err := bot.BuildPartnershipReport(ctx, w.env.Store, w.env.Engine, w.env.People, id, report.Month(w.env.Clock.Now()))
		if err != nil {
			t.Fatal(err)
		}
		if tt := rep.Totals; tt.Raised != 1 || tt.Resolved != 1 || tt.Referrals != 1 || tt.CrossBorder != 1 {
			t.Errorf("%s's report: %+v", id, tt)
		}
	}

	// No install's token reached another's requests.
	for _, u := range []teamstest.User{pc, insp} {
		for _, call := range conn.Sent(u.Conversation()) {
			if !strings.HasPrefix(call.Authorization, "Bearer police-token-") {
				t.Errorf("an activity to %s with %q", u.Name, call.Authorization)
			}
		}
	}
	if len(council.Grants()) != 0 {
		t.Errorf("the council's authority was asked for %d tokens; nobody on its tenant was messaged", len(council.Grants()))
	}
}
