package email_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/adapters/email/smtptest"
	"github.com/resolvebot/resolvebot/bot/bottest"
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
