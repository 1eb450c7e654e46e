package email_test

import (
	"context"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/adapters/email/smtptest"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
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
	in.ChildRef = "CANARY4471"
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
	for _, want := range []string{"CANARY4471", "canary-decision", "canary-note", "canary-way", "Canaryname", "Canarysurname"} {
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
