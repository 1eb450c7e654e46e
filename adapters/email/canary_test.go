package email_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/adapters/email/smtptest"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/scheduler"
)

// TestNoCaseContentInAnyEmail walks a case through raise, note,
// acknowledgement, response, proposal, dispute, extension and withdrawal
// with a canary in every free-text field, the child reference and both
// people's names. The neutral messages handed to the email sender carry
// the canaries (so a sender that used them would leak); no byte of any
// email does: not a header, not the plain text, not the HTML.
func TestNoCaseContentInAnyEmail(t *testing.T) {
	w := newWorld(t, smtptest.Options{}, nil)
	ctx := context.Background()
	if _, err := w.env.People.SaveProfile(ctx, w.gp, "Dr Canaryname Grey", "health-visiting", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := w.env.People.SaveProfile(ctx, w.raiser, "Sam Canarysurname", "school", ""); err != nil {
		t.Fatal(err)
	}
	in := bottest.Intake("", "school", "health-visiting")
	in.ChildRef = "QZX-447193"
	in.Decision = "canary-decision: the referral was closed"
	in.Concern = "canary-concern: attendance has fallen"
	in.Evidence = "canary-evidence: six weeks of records"
	in.OutcomeSought = "canary-outcome: a strategy discussion"
	in.CrossBorder = "Canary-border Partnership"
	c := w.raise(in)
	step := func(name string, f func(cmd conversation.Cmd) error, actor string) {
		t.Helper()
		cur, err := w.env.Store.GetCase(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := f(conversation.Cmd{Actor: actor, CaseID: c.ID, Version: cur.Version}); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		w.env.Settle(t)
	}
	e := w.env.Engine
	step("note", func(cmd conversation.Cmd) error {
		_, err := e.AddNote(ctx, cmd, "canary-note: I phoned the school")
		return err
	}, w.raiser)
	step("acknowledge", func(cmd conversation.Cmd) error { _, err := e.Acknowledge(ctx, cmd); return err }, w.gp)
	step("respond", func(cmd conversation.Cmd) error {
		_, err := e.Respond(ctx, cmd, "canary-response: we stand by it")
		return err
	}, w.gp)
	step("propose", func(cmd conversation.Cmd) error {
		_, err := e.ProposeResolution(ctx, cmd, "canary-way: a joint visit",
			[]conversation.ResolutionAction{{Description: "canary-action: book the visit", Owner: "canary-owner"}})
		return err
	}, w.raiser)
	step("dispute", func(cmd conversation.Cmd) error {
		_, err := e.DisputeResolution(ctx, cmd, "canary-dispute: not enough")
		return err
	}, w.gp)
	step("extend", func(cmd conversation.Cmd) error {
		_, err := e.ExtendDeadline(ctx, cmd, 2, "canary-extend: school holidays")
		return err
	}, w.raiser)
	step("withdraw", func(cmd conversation.Cmd) error {
		_, err := e.Withdraw(ctx, cmd, "canary-withdraw: sorted by phone")
		return err
	}, w.raiser)

	// What the email sender was handed holds case content.
	var handed strings.Builder
	w.sent.mu.Lock()
	for _, m := range w.sent.msgs {
		handed.WriteString(m.Title + "\n" + m.Text + "\n" + strings.Join(m.List, "\n"))
		for _, f := range m.Fields {
			handed.WriteString(f.Label + ": " + f.Value + "\n")
		}
	}
	w.sent.mu.Unlock()
	for _, want := range []string{"QZX-447193", "canary-decision", "canary-note", "canary-way", "Canaryname", "Canarysurname"} {
		if !strings.Contains(handed.String(), want) {
			t.Errorf("the messages handed to the email sender lack %q, so this test would not see it leak", want)
		}
	}
	got := w.received()
	if len(got) < 5 {
		t.Fatalf("%d emails to the GP, want one per step that concerns them (at least 5)", len(got))
	}
	for i, p := range got {
		for name, part := range map[string]string{"raw": string(p.raw), "subject": p.subject, "text": p.text, "html": p.html} {
			if j := strings.Index(strings.ToLower(part), "canary"); j >= 0 {
				t.Errorf("email %d (%s) leaks case content at %d: …%s…", i, name, j, part[max(0, j-40):min(len(part), j+40)])
			}
		}
		for k, vs := range p.header {
			for _, v := range vs {
				if strings.Contains(strings.ToLower(v), "canary") {
					t.Errorf("email %d header %s leaks case content: %q", i, k, v)
				}
			}
		}
	}
	// Each subject is the case id and the ask of the moment, nothing else.
	var subjects []string
	for _, p := range got {
		subjects = append(subjects, p.subject)
	}
	for _, want := range []string{c.ID + ": please acknowledge by Tue 24 Nov", c.ID + ": please confirm or dispute the way forward by Mon 30 Nov",
		c.ID + ": please respond by Wed 2 Dec"} {
		if !strings.Contains(strings.Join(subjects, "\n"), want) {
			t.Errorf("no email with the subject %q; subjects:\n%s", want, strings.Join(subjects, "\n"))
		}
	}
	// The last email says the case is withdrawn, and nothing more.
	last := got[len(got)-1]
	if last.subject != c.ID+": withdrawn" {
		t.Errorf("last subject %q", last.subject)
	}
}

// TestNoCaseContentInScheduledEmails: a case with a canary in every
// free-text field, the child reference and both people's names is left
// unanswered for three weeks, so every kind of nudge falls due (late
// acknowledgement, the raiser told, the deadline near, passed, daily
// reminders, stuck), with a digest every working morning and the monthly
// summary. The GP, Sam (who chose email) and the partnership manager get
// them all by email. The neutral messages handed to the email sender name
// the people and the agencies (so a sender that used their text would
// leak); no email carries a canary, a name or an agency.
func TestNoCaseContentInScheduledEmails(t *testing.T) {
	w := newWorld(t, smtptest.Options{}, nil)
	ctx := context.Background()
	if _, err := w.env.People.SaveProfile(ctx, w.gp, "Dr Canaryname Grey", "health-visiting", ""); err != nil {
		t.Fatal(err)
	}
	w.emailOnly(ctx, "Sam Canarysurname")
	in := bottest.Intake("", "school", "health-visiting")
	in.ChildRef = "QZX-447193"
	in.Decision = "canary-decision: the referral was closed"
	in.Concern = "canary-concern: attendance has fallen"
	in.Evidence = "canary-evidence: six weeks of records"
	in.OutcomeSought = "canary-outcome: a strategy discussion"
	w.raise(in)
	sched := scheduler.New(w.env.Engine, w.env.Router.Cards, w.env.People, w.env.Dispatcher, nil)
	day := time.Date(2026, 11, 24, 0, 0, 0, 0, bottest.London)
	for range 24 {
		day = day.AddDate(0, 0, 1)
		w.env.Clock.Set(day.Add(8 * time.Hour))
		if _, err := sched.Digest(ctx); err != nil {
			t.Fatal(err)
		}
		for _, hour := range []int{10, 15} {
			w.env.Clock.Set(day.Add(time.Duration(hour) * time.Hour))
			if _, err := sched.DuePass(ctx); err != nil {
				t.Fatal(err)
			}
			w.env.Settle(t)
		}
		if day.Day() == 1 {
			w.env.Clock.Set(day.Add(9 * time.Hour))
			if _, err := sched.Summary(ctx); err != nil {
				t.Fatal(err)
			}
			w.env.Settle(t)
		}
	}

	var handed strings.Builder
	kinds := map[string]bool{}
	w.sent.mu.Lock()
	for _, m := range w.sent.msgs {
		kinds[m.Kind+":"+string(m.Nudge)] = true
		handed.WriteString(m.Title + "\n" + m.Text + "\n" + strings.Join(m.List, "\n"))
	}
	w.sent.mu.Unlock()
	for _, want := range []string{"digest:", "report:", "nudge:" + string(conversation.NudgeAckReminder), "nudge:" + string(conversation.NudgeAckUnanswered),
		"nudge:" + string(conversation.NudgeBeforeDeadline), "nudge:" + string(conversation.NudgeOverdue), "nudge:" + string(conversation.NudgeOverdueReminder),
		"nudge:" + string(conversation.NudgeStuck)} {
		if !kinds[want] {
			t.Errorf("no %s message was handed to the email sender; handed: %v", want, kinds)
		}
	}
	for _, want := range []string{"Canaryname", "Riverside"} {
		if !strings.Contains(handed.String(), want) {
			t.Errorf("the messages handed to the email sender lack %q, so this test would not see it leak", want)
		}
	}
	got := w.received()
	to := map[string]int{}
	for _, m := range w.smtp.Messages() {
		to[m.To[0]]++
	}
	if to[gpEmail] < 5 || to["sam.patel@school.example.org"] < 3 || to["partnership.manager@example.org"] < 2 {
		t.Errorf("emails per person: %v", to)
	}
	for i, p := range got {
		for name, part := range map[string]string{"raw": string(p.raw), "subject": p.subject, "text": p.text, "html": p.html} {
			lower := strings.ToLower(part)
			for _, leak := range []string{"canary", "riverside", "health visiting", "threshold"} {
				if j := strings.Index(lower, leak); j >= 0 {
					t.Errorf("email %d %q (%s) leaks %q: …%s…", i, p.subject, name, leak, part[max(0, j-40):min(len(part), j+40)])
				}
			}
		}
	}
}
