package email_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/adapters/email"
	"github.com/resolvebot/resolvebot/adapters/email/smtptest"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/config"
)

// TestPartnershipRewordsEmails: a partnership's override of one of the
// email adapter's own sentences (config protocol.messages) is what its
// emails say, in both parts, in place of the catalogue's.
func TestPartnershipRewordsEmails(t *testing.T) {
	for _, tc := range []struct {
		key, text string
		signIn    bool
		was       string
		only      string // the part the text is in, when it is in one only
	}{
		{"mail.left_out.case", "Case details stay in resolvebot.", false, "leaves out the details of the case on purpose", ""},
		{"mail.open_case.link", "Go to {case}", false, ">Open case ", "html"},
		{"mail.open_case", "Your case:", false, "Open the case to see it and act on it:", "text"},
		{"mail.find_case.contact", "Find {case} in Teams or Slack, or write to {contact}.", false, "If neither works for you", ""},
		{"mail.signin.ignore", "Not you? Ignore this.", true, "nobody can sign in without the link", ""},
	} {
		t.Run(tc.key, func(t *testing.T) {
			w := newWorldOf(t, smtptest.Options{}, func(o *email.Options) {
				if tc.key == "mail.signin.ignore" {
					o.Contact = ""
				}
			}, bottest.Options{Configure: func(c *config.Config) {
				c.Protocol.Messages = map[string]string{tc.key: tc.text}
			}})
			c := w.raise(bottest.Intake("", "school", "health-visiting"))
			want := strings.NewReplacer("{case}", c.ID, "{contact}", "scp@example.org").Replace(tc.text)
			if tc.signIn {
				gp, err := w.env.Store.GetPerson(context.Background(), w.gp)
				if err != nil {
					t.Fatal(err)
				}
				if err := w.sender.SendSignIn(context.Background(), gp, "https://resolve.example.org/web/sign-in/link?t=x", w.env.Clock.Now().Add(15*time.Minute)); err != nil {
					t.Fatal(err)
				}
			}
			got := w.received()
			if len(got) == 0 {
				t.Fatal("no email")
			}
			m := got[len(got)-1]
			html := strings.NewReplacer(`<span style="white-space: nowrap;">`, "", "</span>", "").Replace(m.html) // case ids kept whole
			parts := map[string]string{"text": m.text, "html": html}
			if tc.only != "" {
				parts = map[string]string{tc.only: parts[tc.only]}
			}
			for name, part := range parts {
				if !strings.Contains(part, want) {
					t.Errorf("the %s part lacks the partnership's %q:\n%s", name, want, part)
				}
				if strings.Contains(part, tc.was) {
					t.Errorf("the %s part still has the catalogue's %q", name, tc.was)
				}
			}
		})
	}
}
