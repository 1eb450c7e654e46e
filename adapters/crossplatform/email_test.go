package crossplatform_test

import (
	"bytes"
	"context"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/adapters/email"
	"github.com/resolvebot/resolvebot/adapters/email/smtptest"
	"github.com/resolvebot/resolvebot/adapters/slack/slackfake"
	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// TestRespondentOnEmailOnly: Sam, on Slack, names a GP known to the
// directory only by email (typed as her address). The GP is on no chat
// platform, so her "please acknowledge" arrives by email at a real SMTP
// server (over STARTTLS, after AUTH): the case id, the ask and its
// deadline, the link, and none of the case. When she acknowledges (through
// the engine, answered in its reply as the web page will), Sam's card on Slack is updated and
// Sam is told, and the refresh of her thread (an email cannot be edited)
// is done, not retried.
func TestRespondentOnEmailOnly(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	const gpEmail = "dr.grey@gp.example.org"
	srv := smtptest.New(t, smtptest.Options{User: "relay-user", Password: "relay-pass"})
	sender, err := email.New(w.env.Store, w.env.Router.Cards, email.Options{Host: srv.Host, Port: srv.Port, RootCAs: srv.RootCAs,
		User: "relay-user", Password: "relay-pass", From: "resolvebot@partnership.example.org", BaseURL: "https://resolve.example.org",
		Operator: "the partnership business unit", Timeout: 5 * time.Second, Now: w.env.Clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	w.env.Dispatcher.Register(sender)
	samID := w.env.Person(t, sam.Email, sam.Name, "school", schoolMgr.Email)
	gp, err := w.env.People.Resolve(ctx, gpEmail)
	if err != nil || len(gp.Handles) != 0 {
		t.Fatalf("the GP: %+v %v", gp, err)
	}
	w.slack.command(sam, "list", "trig-0") // Sam uses the bot on Slack

	// Sam raises, naming the GP by her email address.
	checked := w.env.Router.Record(ctx, bot.Inbound{Actor: samID, FormKey: bot.FormIntake, Values: map[string]string{
		conversation.FieldImmediateRisk: "no", conversation.FieldAbout: conversation.AboutOtherAgency,
		conversation.FieldChildRef: "CSC-204913", conversation.FieldRaiserAgency: "school",
		conversation.FieldRespondent: gpEmail, conversation.FieldRespondentAgency: "health-visiting",
		conversation.FieldCategory: "threshold", conversation.FieldDecision: "The referral was closed with no further action.",
		conversation.FieldConcern:       "Attendance has fallen and the child arrives hungry most days.",
		conversation.FieldEvidenceKind:  string(conversation.EvidenceDocumented),
		conversation.FieldEvidence:      "Attendance records for six weeks.",
		conversation.FieldOutcomeSought: "A strategy discussion.", conversation.FieldUrgency: string(conversation.UrgencyStandard),
		conversation.FieldReflection:     "discussed_with_lead,child_best_interest",
		conversation.FieldFamilyInformed: "no", conversation.FieldSeriousConcern: "no",
	}})
	check := bot.CheckOf(checked.Messages)
	if check == nil {
		t.Fatalf("raise showed no answers to check: %+v", checked.Messages)
	}
	r := w.env.Router.Record(ctx, bot.SendChecked(samID, check.Check))
	if r.Step == nil {
		t.Fatalf("raise: %+v", r.Messages)
	}
	caseID := r.Step.ID
	w.slack.wait()
	samTS, _, _, _ := w.slack.fake.Step(sam.DM(), "withdraw")
	if samTS == "" {
		t.Fatalf("Sam has no case card on Slack")
	}

	got := srv.Messages()
	if len(got) != 1 || len(got[0].To) != 1 || got[0].To[0] != gpEmail || !got[0].TLS {
		t.Fatalf("emails: %+v", got)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(got[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	if want := caseID + ": please acknowledge by Tue 24 Nov"; msg.Header.Get("Subject") != want {
		t.Errorf("subject %q, want %q", msg.Header.Get("Subject"), want)
	}
	raw := string(got[0].Data)
	for _, want := range []string{"Please acknowledge it by Tue 24 Nov, 17:00", "https://resolve.example.org/web/cases/" + caseID} {
		if !strings.Contains(strings.ReplaceAll(raw, "=\r\n", ""), want) {
			t.Errorf("the email lacks %q", want)
		}
	}
	for _, leak := range []string{"CSC-204913", "referral was closed", "hungry", "Attendance", "strategy discussion", "Sam Patel"} {
		if strings.Contains(strings.ReplaceAll(raw, "=\r\n", ""), leak) {
			t.Errorf("the email carries case content %q", leak)
		}
	}

	// The GP acknowledges; Sam's Slack card follows and Sam is told.
	c, err := w.env.Store.GetCase(ctx, caseID)
	if err != nil {
		t.Fatal(err)
	}
	w.slack.fake.Reset()
	// As the web page will, the GP is answered in the page itself.
	if _, err := w.env.Engine.Acknowledge(conversation.AnsweredInReply(ctx), conversation.Cmd{Actor: gp.ID, CaseID: caseID, Version: c.Version}); err != nil {
		t.Fatal(err)
	}
	w.slack.wait()
	updated := false
	for _, call := range w.slack.fake.Calls("chat.update") {
		if call.Form.Get("channel") == sam.DM() && call.Form.Get("ts") == samTS && strings.Contains(call.Form.Get("blocks"), "Acknowledged") {
			updated = true
		}
	}
	if !updated {
		t.Errorf("Sam's Slack card was not updated after the GP acknowledged")
	}
	if _, posted := w.slack.fake.Posted(sam.DM()); !strings.Contains(mustJSON(posted), "acknowledged this case") {
		t.Errorf("Sam was not told on Slack that the GP acknowledged")
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("%d emails, want still 1: the GP is not emailed about her own step", n)
	}
	st, err := w.env.Store.OutboxStats(ctx)
	if err != nil || st.Depth != 0 {
		t.Errorf("outbox depth %d (%v), want 0", st.Depth, err)
	}
}

// TestSlackRaiserNamesGPByEmail: on Slack, Sam opens the intake modal and
// types a GP's work email in the respondent field. The bot's people
// search (block_suggestion, through the signed HTTP endpoint) offers "Use
// dr.grey@gp.example.org"; Sam chooses it, checks the answers and sends
// them. The case is raised with the GP as its respondent, a person
// created under her email with no chat handle, and her request to
// acknowledge reaches her by email at a real SMTP server, with nothing of
// the case in it.
func TestSlackRaiserNamesGPByEmail(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	const gpEmail = "dr.grey@gp.example.org"
	srv := w.withEmail(t)
	w.env.Person(t, sam.Email, sam.Name, "school", schoolMgr.Email)

	w.slack.command(sam, "raise", "trig-1")
	intake := w.slack.openedView("trig-1")
	offered := w.slack.interact(map[string]any{
		"type": "block_suggestion", "user": w.slack.userJSON(sam), "container": map[string]any{"type": "view", "view_id": "Vtrig-1"},
		"api_app_id": "A0APP", "token": "legacy-token", "action_id": conversation.FieldRespondent, "block_id": conversation.FieldRespondent,
		"value": gpEmail, "team": map[string]any{"id": slackfake.Team, "domain": "example"},
		"view": map[string]any{"id": "Vtrig-1", "type": "modal", "callback_id": "rb_form", "private_metadata": intake["private_metadata"]},
	})
	opts, _ := offered["options"].([]any)
	if len(opts) != 1 || mustJSON(opts[0]) != `{"text":{"text":"Use dr.grey@gp.example.org","type":"plain_text"},"value":"dr.grey@gp.example.org"}` {
		t.Fatalf("options offered for the GP's email: %v", offered)
	}
	r := w.slack.raise(sam, "Vtrig-1", intake, map[string]string{
		conversation.FieldImmediateRisk: "no", conversation.FieldAbout: conversation.AboutOtherAgency,
		conversation.FieldChildRef: "CSC-204913", conversation.FieldRaiserAgency: "school",
		conversation.FieldRespondent: opts[0].(map[string]any)["value"].(string), conversation.FieldRespondentAgency: "health-visiting",
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
	w.slack.wait()
	cs, err := w.env.Store.ListCases(ctx, conversation.CaseFilter{})
	if err != nil || len(cs) != 1 || cs[0].Respondent.PersonID != gpEmail {
		t.Fatalf("cases %+v %v", cs, err)
	}
	gp, err := w.env.Store.GetPerson(ctx, gpEmail)
	if err != nil || gp.Email != gpEmail || len(gp.Handles) != 0 {
		t.Errorf("the GP: %+v %v", gp, err)
	}
	got := srv.Messages()
	if len(got) != 1 || len(got[0].To) != 1 || got[0].To[0] != gpEmail || !got[0].TLS {
		t.Fatalf("emails: %+v", got)
	}
	raw := strings.ReplaceAll(string(got[0].Data), "=\r\n", "")
	if !strings.Contains(raw, "https://resolve.example.org/web/cases/"+cs[0].ID) {
		t.Errorf("the email has no link to the case")
	}
	for _, leak := range []string{"CSC-204913", "referral was closed", "hungry", "Attendance"} {
		if strings.Contains(raw, leak) {
			t.Errorf("the email carries case content %q", leak)
		}
	}
}
