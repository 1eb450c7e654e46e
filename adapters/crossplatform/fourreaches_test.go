package crossplatform_test

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/adapters/email"
	"github.com/resolvebot/resolvebot/adapters/email/smtptest"
	"github.com/resolvebot/resolvebot/adapters/teams/teamstest"
	"github.com/resolvebot/resolvebot/adapters/web"
	"github.com/resolvebot/resolvebot/adapters/web/webtest"
	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// TestFourReaches: one case across Slack, Teams, email and the web page.
// Sam, on Slack, names a GP known only by her email address. The GP gets
// an email that carries none of the case, follows its link in headless
// Chromium, signs in by an emailed link, sets her practice manager in her
// profile, acknowledges and responds: Sam's Slack card follows each step.
// Sam escalates; her head teacher is brought in on Teams and the GP's
// practice manager, on email only, by email. The head teacher proposes a
// way forward on Teams and the practice manager confirms it on the web
// page: every copy of the card on Slack and Teams shows it resolved, the
// GP is emailed that it is, and nothing is left in the outbox.
func TestFourReaches(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	const gpEmail, practiceMgr = "dr.grey@gp.example.org", "practice.manager@gp.example.org"
	head := teamstest.User{ID: "29:head", AAD: "aad-head", Name: "Head Teacher", Email: "head.teacher@school.example.org", Tenant: tenant}
	w.connector.AddMember(head.Member())

	// Email through a real SMTP server; the web page on a local server.
	relay := smtptest.New(t, smtptest.Options{User: "relay-user", Password: "relay-pass"})
	mux := http.NewServeMux()
	site := httptest.NewServer(mux)
	t.Cleanup(site.Close)
	sender, err := email.New(w.env.Store, w.env.Router.Cards, email.Options{Host: relay.Host, Port: relay.Port, RootCAs: relay.RootCAs,
		User: "relay-user", Password: "relay-pass", From: "resolvebot@partnership.example.org", BaseURL: site.URL,
		Operator: "the partnership business unit", Timeout: 5 * time.Second, Now: w.env.Clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	w.env.Dispatcher.Register(sender)
	pages := web.New(web.Options{Router: w.env.Router, Store: w.env.Store, Mailer: sender, BaseURL: site.URL, Now: w.env.Clock.Now})
	pages.Mount(mux)
	w.env.Worker.SignIn = pages.SendSignIn

	samID := w.env.Person(t, sam.Email, sam.Name, "school", head.Email)
	w.slack.command(sam, "list", "trig-0") // Sam uses the bot on Slack
	w.onTeams(w.client.Install(head))      // her head teacher has the Teams app

	// 1. Sam raises, naming the GP by her email address.
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

	// 2. The GP's email names the case and links to its page, and carries
	// nothing of the case.
	gpMail := lastTo(t, relay, gpEmail)
	for _, leak := range []string{"CSC-204913", "referral was closed", "hungry", "Attendance", "strategy discussion", "Sam Patel"} {
		if strings.Contains(gpMail, leak) {
			t.Errorf("the GP's email carries case content %q", leak)
		}
	}
	caseLink := regexp.MustCompile(`https?://\S+/web/cases/` + caseID).FindString(gpMail)
	if caseLink == "" {
		t.Fatalf("no link to the case page in:\n%s", gpMail)
	}

	// 3. She follows it in Chromium, signs in by an emailed link, sets her
	// practice manager, acknowledges and responds.
	gpTab := webtest.New(t, site.URL)
	gpTab.Open(caseLink).Says("Sign in").Fill("#f-email", gpEmail).Click("form[action='/web/sign-in'] button").Says("Check your email")
	w.env.Settle(t)
	gpTab.Open(signInLink(t, lastTo(t, relay, gpEmail))).Click("form[action='/web/sign-in/link'] button").Says(caseID, "CSC-204913", "Acknowledge")
	gpTab.Open("/web/profile").Fill("#f-manager", practiceMgr).Choose("#f-agency-2").Click("form[action='/web/profile'] button").Says("Profile saved")
	gpTab.Open("/web/cases/" + caseID).Click("form[action$='/acknowledge'] button").Says("You acknowledged " + caseID)
	w.slack.wait()
	if !updated(w, sam.DM(), samTS, "Acknowledged") {
		t.Errorf("Sam's Slack card was not updated after the GP acknowledged on the web page")
	}
	gpTab.Click("a[href*='/respond']").Fill("#f-text", "We closed it under threshold; glad to talk it through.").
		Click("form[action$='/respond'] button").Says("Your response is recorded")
	w.slack.wait()
	if _, posted := w.slack.fake.Posted(sam.DM()); !strings.Contains(mustJSON(posted), "responded") {
		t.Errorf("Sam was not told on Slack that the GP responded")
	}

	// 4. Sam escalates on Slack: her head teacher is brought in on Teams,
	// the GP's practice manager by email.
	w.slack.press(sam, "rb_escalate", "trig-2")
	esc := w.slack.openedView("trig-2")
	if r := w.slack.submit(sam, "Vtrig-2", esc, map[string]string{"reason": "We still disagree about the threshold."}); r["response_action"] != "clear" {
		t.Fatalf("escalate on Slack: %v", r)
	}
	w.slack.wait()
	headCall := w.lastTeams(head)
	if text := teamstest.Text(headCall.Card()); !strings.Contains(text, "you are now part of it") {
		t.Fatalf("the head teacher was not brought in on Teams:\n%s", text)
	}
	pmMail := lastTo(t, relay, practiceMgr)
	if !strings.Contains(pmMail, caseID) || strings.Contains(pmMail, "CSC-204913") || strings.Contains(pmMail, "still disagree") {
		t.Fatalf("the practice manager's email:\n%s", pmMail)
	}

	// 5. The head teacher proposes on Teams; the practice manager confirms
	// on the web page.
	form := w.onTeams(w.client.Execute(head, headCall.Sent, "propose", execute(t, headCall.Card(), "propose")))
	submit := execute(t, form, "submit")
	submit["way_forward"] = "An early help assessment led by the school, with the practice."
	if card := w.onTeams(w.client.Execute(head, headCall.Sent, "submit", submit)); card == nil {
		t.Fatalf("no card after proposing")
	}
	w.env.Settle(t)
	pmTab := webtest.New(t, site.URL)
	pmTab.Open(regexp.MustCompile(`https?://\S+/web/cases/`+caseID).FindString(lastTo(t, relay, practiceMgr))).
		Fill("#f-email", practiceMgr).Click("form[action='/web/sign-in'] button")
	w.env.Settle(t)
	pmTab.Open(signInLink(t, lastTo(t, relay, practiceMgr))).Click("form[action='/web/sign-in/link'] button").Says(caseID, "Confirm")
	pmTab.Click("a[href*='/confirm']").Says("The case will be marked resolved").Click("form[action$='/confirm'] button").Says(caseID + " is resolved")
	w.slack.wait()

	c, err := w.env.Store.GetCase(ctx, caseID)
	if err != nil || c.Status != conversation.StatusResolved {
		t.Fatalf("status %v (%v), want resolved", c.Status, err)
	}
	refs, err := w.env.Store.MessageRefs(ctx, caseID)
	if err != nil {
		t.Fatal(err)
	}
	platforms := map[string]int{}
	for _, ref := range refs {
		platforms[ref.Platform]++
		switch ref.Platform {
		case "slack":
			if !strings.Contains(mustJSON(w.slack.fake.Message(ref.Channel, ref.ID)), "Resolved") {
				t.Errorf("Slack copy %s/%s not updated", ref.Channel, ref.ID)
			}
		case "teams":
			var last map[string]any
			for _, u := range w.connector.Updates() {
				if u.Conversation == ref.Channel && u.ActivityID == ref.ID {
					last = u.Card()
				}
			}
			if !strings.Contains(teamstest.Text(last), "Resolved") {
				t.Errorf("Teams copy %s/%s not updated", ref.Channel, ref.ID)
			}
		}
	}
	if platforms["slack"] == 0 || platforms["teams"] == 0 || platforms["email"] < 2 {
		t.Errorf("copies by platform: %v (want Slack, Teams and two email threads)", platforms)
	}
	if s := subjectOf(t, lastTo(t, relay, gpEmail)); s != caseID+": resolved" {
		t.Errorf("the GP's last email is %q, want the resolution", s)
	}
	st, err := w.env.Store.OutboxStats(ctx)
	if err != nil || st.Depth != 0 {
		t.Errorf("outbox depth %d (%v), want 0", st.Depth, err)
	}
}

// updated reports whether the Slack message ts in channel was updated to
// say text.
func updated(w *world, channel, ts, text string) bool {
	for _, c := range w.slack.fake.Calls("chat.update") {
		if c.Form.Get("channel") == channel && c.Form.Get("ts") == ts && strings.Contains(c.Form.Get("blocks"), text) {
			return true
		}
	}
	return false
}

// lastTo returns the last email the relay took for addr, its headers and
// plain-text part decoded.
func lastTo(t *testing.T, relay *smtptest.Server, addr string) string {
	t.Helper()
	msgs := relay.Messages()
	for i := len(msgs) - 1; i >= 0; i-- {
		if len(msgs[i].To) == 1 && msgs[i].To[0] == addr {
			return decode(t, msgs[i].Data)
		}
	}
	t.Fatalf("no email to %s", addr)
	return ""
}

// decode returns an email's Subject line and its plain-text part.
func decode(t *testing.T, data []byte) string {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if err != nil {
			t.Fatalf("no plain-text part: %v", err)
		}
		if ct, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type")); ct == "text/plain" {
			b, _ := io.ReadAll(part)
			return "Subject: " + subject + "\n\n" + string(b)
		}
	}
}

// subjectOf returns the subject of a decoded email.
func subjectOf(t *testing.T, decoded string) string {
	t.Helper()
	line, _, _ := strings.Cut(decoded, "\n")
	return strings.TrimPrefix(line, "Subject: ")
}

// signInLink returns the sign-in link in a decoded email.
func signInLink(t *testing.T, decoded string) string {
	t.Helper()
	l := regexp.MustCompile(`https?://\S+/web/sign-in/link\?t=[A-Za-z0-9_-]+`).FindString(decoded)
	if l == "" {
		t.Fatalf("no sign-in link in:\n%s", decoded)
	}
	return l
}
