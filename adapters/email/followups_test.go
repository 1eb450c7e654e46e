package email_test

import (
	"context"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/adapters/email/smtptest"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
)

// TestActionFollowUpEmails: an agreed action's reminder to its owner and
// the overdue message to the raiser, by email, say what is asked and link
// to the case, and carry none of the action's or the case's words.
func TestActionFollowUpEmails(t *testing.T) {
	w := newWorld(t, smtptest.Options{}, nil)
	ctx := context.Background()
	msgs := bottest.FollowUps(t, w.env)
	for _, tc := range []struct {
		name, to, golden, subject string
	}{
		{"action_before", "priya.shah@csc.example.org", "action_reminder", ": a reminder about your agreed action"},
		{"action_overdue_raiser", "sam.patel@school.example.org", "action_overdue", ": an agreed action is overdue"},
	} {
		per, err := w.env.Store.GetPerson(ctx, tc.to)
		if err != nil {
			t.Fatal(err)
		}
		before := len(w.smtp.Messages())
		if _, err := w.sender.Send(ctx, per, conversation.Handle{Platform: "email", User: per.Email}, msgs[tc.name]); err != nil {
			t.Fatalf("send %s: %v", tc.name, err)
		}
		got := w.smtp.Messages()
		if len(got) != before+1 {
			t.Fatalf("%s: %d emails sent", tc.name, len(got)-before)
		}
		p := parse(t, got[len(got)-1])
		if !strings.HasSuffix(p.subject, tc.subject) {
			t.Errorf("%s subject %q", tc.name, p.subject)
		}
		for _, secret := range []string{"joint visit", "early help", "CSC-204913", "hungry"} {
			if strings.Contains(strings.ToLower(p.text+p.html), strings.ToLower(secret)) {
				t.Errorf("%s email holds case text %q", tc.name, secret)
			}
		}
		golden(t, tc.golden+".txt", p.text)
		golden(t, tc.golden+".html", p.html)
	}
}
