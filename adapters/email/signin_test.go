package email_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/adapters/email"
	"github.com/resolvebot/resolvebot/adapters/email/smtptest"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
)

// TestSendSignIn: a sign-in email goes to the address on record with the
// link, says it works once and until when, names no case, and has both
// parts.
func TestSendSignIn(t *testing.T) {
	w := newWorld(t, smtptest.Options{}, nil)
	w.raise(bottest.Intake("", "school", "health-visiting")) // a case exists; the sign-in email must not name it
	gp, err := w.env.Store.GetPerson(context.Background(), w.gp)
	if err != nil {
		t.Fatal(err)
	}
	before := len(w.smtp.Messages())
	link := "https://resolve.example.org/web/sign-in/link?t=abcDEF123_-xyz"
	if err := w.sender.SendSignIn(context.Background(), gp, link, w.env.Clock.Now().Add(15*time.Minute)); err != nil {
		t.Fatal(err)
	}
	got := w.received()
	if len(got) != before+1 {
		t.Fatalf("%d emails, want %d", len(got), before+1)
	}
	m := got[len(got)-1]
	if m.subject != "Your link to sign in to resolvebot" {
		t.Errorf("subject %q", m.subject)
	}
	for _, part := range []string{m.text, m.html} {
		for _, want := range []string{link, "works once, until 10:15 on Monday 23 November", "Continue", "ignore this email"} {
			if !strings.Contains(part, want) {
				t.Errorf("the email lacks %q:\n%s", want, part)
			}
		}
		for _, leak := range []string{"CR-2026", "CSC-204913", "Sam Patel"} {
			if strings.Contains(part, leak) {
				t.Errorf("the sign-in email names the case or its people: %q", leak)
			}
		}
	}
}

// hostedMail is a deployment hosting two partnerships.
const hostedMail = `partnerships:
  - id: wiltshire
    partnership: wiltshire
    directory:
      agencies: [{key: school, name: Riverside School}]
      partnership_roles: [{name: Wil Manager, email: wil.manager@wiltshire.example.org, role: partnership manager}]
  - id: devon
    partnership: devon
    directory:
      agencies: [{key: police, name: Devon Police}, {key: health-visiting, name: Devon Health Visiting}]
      partnership_roles: [{name: Dev Manager, email: dev.manager@devon.example.org, role: partnership manager}]
`

// TestSignInNamesTheirPartnership: on a deployment hosting two
// partnerships, a sign-in email names the person's own partnership, by
// their agency, and "your partnership" for someone whose agency is not
// known to be in one.
func TestSignInNamesTheirPartnership(t *testing.T) {
	w := newWorldOf(t, smtptest.Options{}, func(o *email.Options) { o.Operator = "" }, bottest.Options{File: hostedMail})
	ctx := context.Background()
	wilts := w.env.Engine.RulesFor("wiltshire").Protocol.Partnership
	devon := w.env.Engine.RulesFor("devon").Protocol.Partnership
	for _, tc := range []struct{ name, agency, want, not string }{
		{"wiltshire", "school", wilts, devon},
		{"devon", "police", devon, wilts},
		{"agency not known", "", "your safeguarding partnership", devon},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr := strings.ReplaceAll(tc.name, " ", ".") + "@example.org"
			per := &conversation.Person{ID: addr, Email: addr, Name: "Jo " + tc.name, Agency: tc.agency}
			if err := w.sender.SendSignIn(ctx, per, "https://resolve.example.org/web/sign-in/link?t=abc", w.env.Clock.Now().Add(15*time.Minute)); err != nil {
				t.Fatal(err)
			}
			got := w.received()
			m := got[len(got)-1]
			if !strings.Contains(m.text, tc.want) || strings.Contains(m.text, tc.not) {
				t.Errorf("the sign-in email to someone at %q says:\n%s\nwant %q and not %q", tc.agency, m.text, tc.want, tc.not)
			}
		})
	}
}

// TestCaseEmailNamesItsPartnership: on a deployment hosting two
// partnerships, the email about a Devon case (to the GP, reached by email)
// names Devon's partnership in its context and footer, never Wiltshire's.
func TestCaseEmailNamesItsPartnership(t *testing.T) {
	w := newWorldOf(t, smtptest.Options{}, func(o *email.Options) { o.Operator = "" }, bottest.Options{File: hostedMail})
	wilts := w.env.Engine.RulesFor("wiltshire").Protocol.Partnership
	devon := w.env.Engine.RulesFor("devon").Protocol.Partnership
	w.raiser = w.env.Person(t, "pc.hart@police.example.org", "PC Hart", "police", "")
	before := len(w.received())
	w.raise(bottest.Intake("", "police", "health-visiting"))
	got := w.received()
	if len(got) <= before {
		t.Fatal("the GP was not emailed about the Devon case")
	}
	m := got[len(got)-1]
	if strings.Count(m.text, devon) < 2 || strings.Contains(m.text, wilts) { // its context and its footer
		t.Errorf("the email about a Devon case says:\n%s\nwant %q and not %q", m.text, devon, wilts)
	}
}
