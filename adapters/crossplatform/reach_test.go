package crossplatform_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/adapters/email"
	"github.com/resolvebot/resolvebot/adapters/email/smtptest"
	"github.com/resolvebot/resolvebot/adapters/teams/teamstest"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/config"
	"github.com/resolvebot/resolvebot/conversation"
)

// withEmail registers an email sender on w that sends to a real SMTP
// server (STARTTLS, AUTH), and returns the server.
func (w *world) withEmail(t *testing.T) *smtptest.Server {
	t.Helper()
	srv := smtptest.New(t, smtptest.Options{User: "relay-user", Password: "relay-pass"})
	sender, err := email.New(w.env.Store, w.env.Router.Cards, email.Options{Host: srv.Host, Port: srv.Port, RootCAs: srv.RootCAs,
		User: "relay-user", Password: "relay-pass", From: "resolvebot@partnership.example.org", BaseURL: "https://resolve.example.org",
		Operator: "the partnership business unit", Timeout: 5 * time.Second, Now: w.env.Clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	w.env.Dispatcher.Register(sender)
	return srv
}

// emailsTo returns the subjects of the emails srv accepted for addr.
func emailsTo(srv *smtptest.Server, addr string) []string {
	var out []string
	for _, m := range srv.Messages() {
		if len(m.To) == 1 && m.To[0] == addr {
			raw := strings.ReplaceAll(string(m.Data), "=\r\n", "")
			_, rest, _ := strings.Cut(raw, "Subject: ")
			subject, _, _ := strings.Cut(rest, "\r\n")
			out = append(out, subject)
		}
	}
	return out
}

// TestAgencyOnEmailOnly: the directory puts Children's Social Care on
// email only (reach: [email]). Alex and her manager work there and have
// the Teams app, but their cards come by email: Sam raises on Slack naming
// Alex, and Alex's "please acknowledge" arrives by email, not on Teams;
// when Sam escalates on Slack, the school manager is brought in on Slack
// and the CSC manager by email. No email carries the case's content. Then
// Alex chooses, in her profile card on Teams, to be reached on Teams
// first: the next step reaches her on Teams.
func TestAgencyOnEmailOnly(t *testing.T) {
	w := newWorldWith(t, bottest.Options{Configure: func(cfg *config.Config) {
		for i := range cfg.Directory.Agencies {
			if cfg.Directory.Agencies[i].Key == "csc" {
				cfg.Directory.Agencies[i].Reach = []string{"email"}
			}
		}
	}})
	ctx := context.Background()
	srv := w.withEmail(t)
	w.env.Person(t, sam.Email, sam.Name, "school", schoolMgr.Email)
	w.env.Person(t, alex.Email, alex.Name, "csc", cscMgr.Email)
	w.onTeams(w.client.Install(alex))
	w.onTeams(w.client.Install(cscMgr))
	w.slack.command(schoolMgr, "list", "trig-0")
	teamsBefore := len(w.connector.Sent(alex.Conversation())) + len(w.connector.Sent(cscMgr.Conversation()))

	// Sam raises on Slack, naming Alex.
	w.slack.command(sam, "raise", "trig-1")
	intake := w.slack.openedView("trig-1")
	r := w.slack.raise(sam, "Vtrig-1", intake, map[string]string{
		conversation.FieldImmediateRisk: "no", conversation.FieldAbout: conversation.AboutOtherAgency,
		conversation.FieldChildRef: "CSC-204913", conversation.FieldRaiserAgency: "school",
		conversation.FieldRespondent: alex.Email, conversation.FieldRespondentAgency: "csc",
		conversation.FieldCategory: "threshold", conversation.FieldDecision: "The referral was closed with no further action.",
		conversation.FieldConcern:       "Attendance has fallen and the child arrives hungry most days.",
		conversation.FieldEvidenceKind:  string(conversation.EvidenceDocumented),
		conversation.FieldEvidence:      "Attendance records for six weeks.",
		conversation.FieldOutcomeSought: "A strategy discussion.", conversation.FieldUrgency: string(conversation.UrgencyStandard),
		conversation.FieldReflection:     "discussed_with_lead,child_best_interest",
		conversation.FieldFamilyInformed: "no", conversation.FieldSeriousConcern: "no",
	})
	if r["response_action"] != "clear" {
		t.Fatalf("intake on Slack: %v", r)
	}
	cs, err := w.env.Store.ListCases(ctx, conversation.CaseFilter{})
	if err != nil || len(cs) != 1 {
		t.Fatalf("cases %v %v", cs, err)
	}
	caseID := cs[0].ID
	if got := emailsTo(srv, alex.Email); len(got) != 1 || !strings.HasPrefix(got[0], caseID+": please acknowledge") {
		t.Fatalf("Alex's emails: %q", got)
	}
	for _, c := range w.slack.fake.Calls("chat.postMessage") {
		if c.Form.Get("channel") == alexOnSlack.DM() {
			t.Fatalf("Alex was messaged on Slack")
		}
	}

	// Alex acknowledges (as the case page will let her); Sam escalates on Slack.
	c, _ := w.env.Store.GetCase(ctx, caseID)
	if _, err := w.env.Engine.Acknowledge(conversation.AnsweredInReply(ctx), conversation.Cmd{Actor: alex.Email, CaseID: caseID, Version: c.Version}); err != nil {
		t.Fatal(err)
	}
	w.env.Settle(t)
	w.slack.press(sam, "rb_escalate", "trig-2")
	esc := w.slack.openedView("trig-2")
	if r := w.slack.submit(sam, "Vtrig-2", esc, map[string]string{"reason": "We still disagree about the threshold."}); r["response_action"] != "clear" {
		t.Fatalf("escalate on Slack: %v", r)
	}
	if got := emailsTo(srv, cscMgr.Email); len(got) != 1 || !strings.HasPrefix(got[0], caseID+": ") {
		t.Errorf("the CSC manager's emails: %q", got)
	}
	broughtIn := false
	for _, c := range w.slack.fake.Calls("chat.postMessage") {
		if c.Form.Get("channel") == schoolMgr.DM() && strings.Contains(c.Form.Get("blocks"), "you are now part of it") {
			broughtIn = true
		}
	}
	if !broughtIn {
		t.Errorf("the school manager was not brought in on Slack")
	}
	if n := len(w.connector.Sent(alex.Conversation())) + len(w.connector.Sent(cscMgr.Conversation())); n != teamsBefore {
		t.Errorf("%d messages on Teams to people of an agency on email only", n-teamsBefore)
	}
	for _, m := range srv.Messages() {
		raw := strings.ReplaceAll(string(m.Data), "=\r\n", "")
		for _, leak := range []string{"CSC-204913", "referral was closed", "hungry", "Attendance", "still disagree", "Sam Patel", "Alex Worker"} {
			if strings.Contains(raw, leak) {
				t.Errorf("an email to %v carries %q", m.To, leak)
			}
		}
	}

	// Alex opens her profile on Teams and chooses Teams first; when Sam
	// withdraws the case, she hears of it on Teams.
	w.onTeams(w.client.Message(alex, "profile"))
	form := w.lastTeams(alex)
	if text := teamstest.Text(form.Card()); !strings.Contains(text, "How to reach you") || !strings.Contains(text, "Microsoft Teams, then email") {
		t.Fatalf("Alex's profile card has no reach question:\n%s", text)
	}
	submit := execute(t, form.Card(), "submit")
	// Teams merges the card's inputs into the action's data.
	for k, v := range map[string]string{"name": alex.Name, "agency": "csc", "manager": cscMgr.Email, "reach": "teams,email"} {
		submit[k] = v
	}
	if card := w.onTeams(w.client.Execute(alex, form.Sent, "submit", submit)); !strings.Contains(teamstest.Text(card), "How I'll reach you: Microsoft Teams, then email.") {
		t.Errorf("the answer to Alex's profile:\n%s", teamstest.Text(card))
	}
	per, err := w.env.Store.GetPerson(ctx, alex.Email)
	if err != nil || !per.ReachChosen || strings.Join(w.env.People.Reach(per), ",") != "teams,email" {
		t.Fatalf("Alex's reach after her profile: %+v %v", per, err)
	}
	before := len(w.connector.Sent(alex.Conversation()))
	emailed := len(emailsTo(srv, alex.Email))
	c, _ = w.env.Store.GetCase(ctx, caseID)
	if _, err := w.env.Engine.Withdraw(ctx, conversation.Cmd{Actor: sam.Email, CaseID: caseID, Version: c.Version}, "Agreed by phone."); err != nil {
		t.Fatal(err)
	}
	w.env.Settle(t)
	if len(w.connector.Sent(alex.Conversation())) != before+1 || len(emailsTo(srv, alex.Email)) != emailed {
		t.Errorf("after choosing Teams first, the news of the withdrawal went: Teams %d→%d, email %d→%d", before, len(w.connector.Sent(alex.Conversation())),
			emailed, len(emailsTo(srv, alex.Email)))
	}
}
