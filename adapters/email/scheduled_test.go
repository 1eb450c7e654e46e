package email_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/adapters/email/smtptest"
	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/scheduler"
)

const pmEmail = "partnership.manager@example.org" // the demo directory's partnership role

// leaks are the case's content and the people's names, none of which may
// be in any email.
var leaks = []string{"CSC-204913", "referral was closed", "hungry", "Attendance", "strategy discussion", "welfare notes",
	"Sam Patel", "Dr Grey", "Grey", "Children's Social Care", "Riverside", "Threshold"}

func (w *world) noLeaks(emails []parsed) {
	w.t.Helper()
	for i, p := range emails {
		for _, part := range []string{string(p.raw), p.subject, p.text, p.html} {
			for _, leak := range leaks {
				if strings.Contains(part, leak) {
					w.t.Errorf("email %d (%s) carries %q", i, p.subject, leak)
				}
			}
		}
	}
}

// sentTo returns the received emails addressed to addr.
func (w *world) sentTo(addr string) []parsed {
	w.t.Helper()
	var out []parsed
	for _, m := range w.smtp.Messages() {
		if len(m.To) == 1 && m.To[0] == addr {
			out = append(out, parse(w.t, m))
		}
	}
	return out
}

// TestNudgesDigestAndSummaryByEmail: the GP, known only by email, is
// reminded by email when her acknowledgement is late, and her morning
// digest comes by email; Sam, whose chat platform has stopped taking his
// messages, is told by email that the GP has not acknowledged; the
// partnership manager, known only by email, gets the monthly summary by
// email. Each email names cases by id only, with links, and carries none
// of the case's content and nobody's name.
func TestNudgesDigestAndSummaryByEmail(t *testing.T) {
	w := newWorld(t, smtptest.Options{}, nil)
	ctx := context.Background()
	sched := scheduler.New(w.env.Engine, w.env.Router.Cards, w.env.People, w.env.Dispatcher, nil)
	c := w.raise(bottest.Intake("", "school", "health-visiting"))
	if n := len(w.sentTo(gpEmail)); n != 1 {
		t.Fatalf("%d emails to the GP after the raise, want 1", n)
	}
	w.env.Inbox.Take()
	// Sam's chat platform now refuses him for good: email is next on his list.
	w.env.Inbox.Fail = map[string]error{w.raiser: bot.Permanent(errors.New("user_not_found"))}

	// The acknowledgement was due Tue 24 Nov 17:00: on Wednesday morning
	// the GP is reminded, and on Thursday Sam hears she has not answered.
	w.env.Clock.Set(time.Date(2026, 11, 25, 10, 0, 0, 0, bottest.London))
	if _, err := sched.DuePass(ctx); err != nil {
		t.Fatal(err)
	}
	w.env.Settle(t)
	gp := w.sentTo(gpEmail)
	if len(gp) != 2 {
		t.Fatalf("%d emails to the GP, want the raise's and a reminder", len(gp))
	}
	reminder := gp[1]
	if want := c.ID + ": reminder to acknowledge"; reminder.subject != want {
		t.Errorf("reminder subject %q, want %q", reminder.subject, want)
	}
	for _, want := range []string{"A reminder: case " + c.ID + " is waiting for your acknowledgement, which was due Tue 24 Nov, 17:00.",
		"Please acknowledge it as soon as you can.", "https://resolve.example.org/web/cases/" + c.ID} {
		// The HTML keeps each case id on one line with a span; the words are the same.
		html := strings.NewReplacer(`<span style="white-space: nowrap;">`, "", "</span>", "").Replace(reminder.html)
		if !strings.Contains(reminder.text, want) || !strings.Contains(html, want) {
			t.Errorf("the reminder lacks %q:\n%s", want, reminder.text)
		}
	}
	if root := gp[0].header.Get("Message-ID"); reminder.header.Get("In-Reply-To") != root {
		t.Errorf("the reminder is not in the case's thread: In-Reply-To %q, want %q", reminder.header.Get("In-Reply-To"), root)
	}
	w.env.Clock.Set(time.Date(2026, 11, 26, 10, 0, 0, 0, bottest.London))
	if _, err := sched.DuePass(ctx); err != nil {
		t.Fatal(err)
	}
	w.env.Settle(t)
	sam := w.sentTo("sam.patel@school.example.org")
	if len(sam) != 1 || sam[0].subject != c.ID+": not yet acknowledged" ||
		!strings.Contains(sam[0].text, "Case "+c.ID+" has still not been acknowledged by the other side.") {
		t.Fatalf("Sam's emails: %+v", sam)
	}

	// Friday's digest: the GP has one case waiting, by email.
	w.env.Clock.Set(time.Date(2026, 11, 27, 8, 0, 0, 0, bottest.London))
	if n, err := sched.Digest(ctx); err != nil || n != 1 {
		t.Fatalf("digest: %d enqueued, %v", n, err)
	}
	w.env.Settle(t)
	gp = w.sentTo(gpEmail)
	digest := gp[len(gp)-1]
	if want := "1 case is waiting for you, Fri 27 Nov"; digest.subject != want {
		t.Errorf("digest subject %q, want %q", digest.subject, want)
	}
	for _, want := range []string{"Good morning. 1 case is waiting for you.", c.ID + ", at stage 1, Professional to Professional: please acknowledge it by Tue 24 Nov, 17:00 (passed).",
		"https://resolve.example.org/web/cases/" + c.ID} {
		if !strings.Contains(digest.text, want) {
			t.Errorf("the digest lacks %q:\n%s", want, digest.text)
		}
	}
	if !strings.Contains(digest.html, `<a href="https://resolve.example.org/web/cases/`+c.ID+`"`) {
		t.Errorf("the digest's HTML has no link to the case:\n%s", digest.html)
	}
	if digest.header.Get("In-Reply-To") != "" {
		t.Errorf("the digest replies to a case's thread")
	}

	// The first of the month: the summary for November, by email.
	w.env.Clock.Set(time.Date(2026, 12, 1, 9, 0, 0, 0, bottest.London))
	if n, err := sched.Summary(ctx); err != nil || n != 1 {
		t.Fatalf("summary: enqueued %d, %v", n, err)
	}
	w.env.Settle(t)
	pm := w.sentTo(pmEmail)
	if len(pm) != 1 {
		t.Fatalf("%d emails to the partnership manager, want the summary", len(pm))
	}
	sum := pm[0]
	if sum.subject != "Case resolution summary, November 2026" {
		t.Errorf("summary subject %q", sum.subject)
	}
	for _, want := range []string{"The case resolution summary for November 2026 is ready.", "Raised: 1 (previous period 0)",
		"Open at the end: 1 (previous period 0)", `type "report 2026-11"`} {
		if !strings.Contains(sum.text, want) {
			t.Errorf("the summary lacks %q:\n%s", want, sum.text)
		}
	}
	for name, p := range map[string]parsed{"reminder": reminder, "digest": digest, "summary": sum} {
		golden(t, name+".txt", p.text)
		golden(t, name+".html", p.html)
	}
	if strings.Contains(string(sum.raw)+sum.text+sum.html, c.ID) {
		t.Errorf("the summary names a case")
	}
	w.noLeaks(w.received())
}

// TestRefusedAddressTellsTheRaiserByEmail: Sam chose to be reached by
// email only. When the relay refuses the GP's address for good (550 at
// RCPT TO), Sam hears by email, through the outbox, that some people on
// the case could not be reached; nothing is retried and nothing goes to
// him on chat.
func TestRefusedAddressTellsTheRaiserByEmail(t *testing.T) {
	w := newWorld(t, smtptest.Options{}, nil)
	ctx := context.Background()
	w.emailOnly(ctx, "Sam Patel")
	w.smtp.FailRcpt(gpEmail, 550, -1)
	c := w.raise(bottest.Intake("", "school", "health-visiting"))
	w.env.Clock.Advance(time.Hour)
	w.env.Settle(t)
	if n := len(w.sentTo(gpEmail)); n != 0 {
		t.Fatalf("%d emails accepted for the refused address", n)
	}
	sam := w.sentTo("sam.patel@school.example.org")
	var told *parsed
	for i := range sam {
		if sam[i].subject == c.ID+": some people could not be reached" {
			told = &sam[i]
		}
	}
	if told == nil {
		var subjects []string
		for _, p := range sam {
			subjects = append(subjects, p.subject)
		}
		t.Fatalf("Sam was not told by email that the GP could not be reached; his emails: %q", subjects)
	}
	if !strings.Contains(told.text, "Please contact them directly") {
		t.Errorf("the notice:\n%s", told.text)
	}
	if got := w.env.Inbox.Take()[w.raiser]; len(got) != 0 {
		t.Errorf("Sam, on email only, was sent %d messages on chat", len(got))
	}
	st, err := w.env.Store.OutboxStats(ctx)
	if err != nil || st.Depth != 0 {
		t.Errorf("outbox depth %d (%v), want 0", st.Depth, err)
	}
	w.noLeaks(w.received())
}

// emailOnly makes the raiser someone who chose to be reached by email only.
// The tests' own chat platform is not one a profile offers, so the choice
// is stored as the profile would store it.
func (w *world) emailOnly(ctx context.Context, name string) {
	w.t.Helper()
	if _, err := w.env.People.SaveProfileWith(ctx, w.raiser, bot.Profile{Name: name, Agency: "school"}); err != nil {
		w.t.Fatal(err)
	}
	per, err := w.env.Store.GetPerson(ctx, w.raiser)
	if err != nil {
		w.t.Fatal(err)
	}
	per.Reach, per.ReachChosen = []string{bot.ReachEmail}, true
	if err := w.env.Store.PutPerson(ctx, per); err != nil {
		w.t.Fatal(err)
	}
}
