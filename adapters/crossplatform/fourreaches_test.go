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
	"github.com/resolvebot/resolvebot/adapters/slack/slackfake"
	"github.com/resolvebot/resolvebot/adapters/teams/teamstest"
	"github.com/resolvebot/resolvebot/adapters/web"
	"github.com/resolvebot/resolvebot/adapters/web/webtest"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/config"
	"github.com/resolvebot/resolvebot/conversation"
)

// TestFourReaches: one case across Slack, Teams, email and the web page.
// Sam, on Slack, names a GP known only by her email address, typing it in
// the intake modal's people search (block_suggestion). The GP gets an
// email that carries none of the case, follows its link in headless
// Chromium, signs in by an emailed link, sets her practice and her practice
// manager in her profile, acknowledges and responds: Sam's Slack card
// follows each step. Sam escalates; his head teacher is brought in on
// Teams and the GP's practice manager by email: the GP practices' agency
// is on email only (reach: [email]), so the stage card reaches him by
// email although he has the Teams app. The head teacher proposes a way
// forward on Teams and the practice manager confirms it on the web page:
// every copy of the card on Slack and Teams shows it resolved, the GP is
// emailed that it is, no email carries the case's content, and nothing is
// left in the outbox.
func TestFourReaches(t *testing.T) {
	w := newWorldWith(t, bottest.Options{Configure: func(cfg *config.Config) {
		cfg.Directory.Agencies = append(cfg.Directory.Agencies, config.Agency{Key: "gp", Name: "Greenway GP Practice (example)", Reach: []string{"email"}})
	}})
	ctx := context.Background()
	const gpEmail, practiceMgr = "dr.grey@gp.example.org", "practice.manager@gp.example.org"
	head := teamstest.User{ID: "29:head", AAD: "aad-head", Name: "Head Teacher", Email: "head.teacher@school.example.org", Tenant: tenant}
	pm := teamstest.User{ID: "29:pm", AAD: "aad-pm", Name: "Practice Manager", Email: practiceMgr, Tenant: tenant}
	w.connector.AddMember(head.Member())
	w.connector.AddMember(pm.Member())

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

	w.env.Person(t, sam.Email, sam.Name, "school", head.Email)
	w.slack.command(sam, "list", "trig-0") // Sam uses the bot on Slack
	w.onTeams(w.client.Install(head))      // his head teacher has the Teams app
	w.onTeams(w.client.Install(pm))        // and so has the GP's practice manager

	// 1. Sam raises on Slack, typing the GP's email address in the
	// respondent field: the people search offers it. The GP's mail relay
	// is busy the first time (451): the outbox tries again.
	relay.FailRcpt(gpEmail, 451, 1)
	w.slack.command(sam, "raise", "trig-1")
	intake := w.slack.openedView("trig-1")
	offered := w.slack.interact(map[string]any{
		"type": "block_suggestion", "user": w.slack.userJSON(sam), "container": map[string]any{"type": "view", "view_id": "Vtrig-1"},
		"api_app_id": "A0APP", "token": "legacy-token", "action_id": conversation.FieldRespondent, "block_id": conversation.FieldRespondent,
		"value": gpEmail, "team": map[string]any{"id": slackfake.Team, "domain": "example"},
		"view": map[string]any{"id": "Vtrig-1", "type": "modal", "callback_id": "rb_form", "private_metadata": intake["private_metadata"]},
	})
	options, _ := offered["options"].([]any)
	if len(options) != 1 || mustJSON(options[0]) != `{"text":{"text":"Use dr.grey@gp.example.org","type":"plain_text"},"value":"dr.grey@gp.example.org"}` {
		t.Fatalf("the people search offered for the GP's email: %v", offered)
	}
	r := w.slack.submit(sam, "Vtrig-1", intake, map[string]string{
		conversation.FieldImmediateRisk: "no", conversation.FieldAbout: conversation.AboutOtherAgency,
		conversation.FieldChildRef: "CSC-204913", conversation.FieldRaiserAgency: "school",
		conversation.FieldRespondent: options[0].(map[string]any)["value"].(string), conversation.FieldRespondentAgency: "gp",
		conversation.FieldCategory: "threshold", conversation.FieldDecision: "The referral was closed with no further action.",
		conversation.FieldConcern:       "Attendance has fallen and the child arrives hungry most days.",
		conversation.FieldEvidenceKind:  string(conversation.EvidenceDocumented),
		conversation.FieldEvidence:      "Attendance records for six weeks.",
		conversation.FieldOutcomeSought: "A strategy discussion.", conversation.FieldUrgency: string(conversation.UrgencyStandard),
		conversation.FieldReflection:     "discussed_with_lead,child_best_interest",
		conversation.FieldFamilyInformed: "no", conversation.FieldSeriousConcern: "no",
	})
	if check, _ := r["view"].(map[string]any); r["response_action"] == "update" && check != nil {
		r = w.slack.submit(sam, "Vtrig-1", check, nil) // Send, on check your answers
	}
	if r["response_action"] != "clear" {
		t.Fatalf("intake on Slack: %v", r)
	}
	w.slack.wait()
	cs, err := w.env.Store.ListCases(ctx, conversation.CaseFilter{})
	if err != nil || len(cs) != 1 || cs[0].Respondent.PersonID != gpEmail {
		t.Fatalf("cases %+v (%v), want one with the GP as respondent", cs, err)
	}
	caseID := cs[0].ID
	if n := len(relay.Messages()); n != 0 || relay.Tries() != 1 {
		t.Fatalf("%d emails accepted in %d tries while the relay was busy, want 0 in 1", n, relay.Tries())
	}
	w.env.Clock.Advance(time.Second) // the first retry's backoff
	w.env.Settle(t)
	if got := relay.Messages(); len(got) != 1 || got[0].To[0] != gpEmail {
		t.Fatalf("emails after the retry: %d, want the GP's one", len(got))
	}
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
	gpTab.Open("/web/profile").Fill("#f-manager", practiceMgr).Choose("input[name='agency'][value='gp']").Click("form[action='/web/profile'] button").Says("Profile saved")
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

	// 4. Sam escalates on Slack: his head teacher is brought in on Teams,
	// the GP's practice manager by email (his agency's way), not on Teams.
	pmTeams := len(w.connector.Sent(pm.Conversation()))
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
	if n := len(w.connector.Sent(pm.Conversation())); n != pmTeams {
		t.Errorf("the practice manager, whose agency is on email only, was sent %d messages on Teams", n-pmTeams)
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
	if n := len(w.connector.Sent(pm.Conversation())); n != pmTeams {
		t.Errorf("the practice manager was sent %d messages on Teams", n-pmTeams)
	}
	// No email, to anyone, carries the child's reference, what anyone
	// wrote about the case, or the names of the people on it.
	leaks := []string{"CSC-204913", "referral was closed", "hungry", "Attendance", "strategy discussion", "threshold;",
		"still disagree", "early help assessment", "Sam Patel", "Head Teacher"}
	for _, m := range relay.Messages() {
		text := decode(t, m.Data)
		for _, leak := range leaks {
			if strings.Contains(text, leak) || strings.Contains(string(m.Data), leak) {
				t.Errorf("an email to %v carries %q:\n%s", m.To, leak, text)
			}
		}
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
