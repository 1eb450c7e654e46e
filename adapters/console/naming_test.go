package console_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/adapters/console"
	"github.com/resolvebot/resolvebot/adapters/email"
	"github.com/resolvebot/resolvebot/adapters/email/smtptest"
	"github.com/resolvebot/resolvebot/bot/bottest"
)

// TestNamingAtTheQuestion: Sam raises in the console and names the other
// side the way a busy person does. A name nobody has is asked again; a
// word many names share ("manager") gets a numbered choice; a slip gets
// "Did you mean …?"; and a GP known to nobody, typed as her work email, is
// taken as she is. Each is settled before the next question. The case is
// raised with the GP as its respondent, created under her email with no
// chat handle, and her request to acknowledge reaches her by email at a
// real SMTP server.
func TestNamingAtTheQuestion(t *testing.T) {
	env := bottest.New(t, bottest.Options{})
	const gpEmail = "dr.grey@gp.example.org"
	srv := smtptest.New(t, smtptest.Options{User: "relay-user", Password: "relay-pass"})
	sender, err := email.New(env.Store, env.Router.Cards, email.Options{Host: srv.Host, Port: srv.Port, RootCAs: srv.RootCAs,
		User: "relay-user", Password: "relay-pass", From: "resolvebot@partnership.example.org", BaseURL: "https://resolve.example.org",
		Operator: "the partnership business unit", Timeout: 5 * time.Second, Now: env.Clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile(filepath.Join("testdata", "naming.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	c := console.New(env.Router, env.People, env.Dispatcher, bytes.NewReader(script), &out, false)
	// Sam is at the console; everyone else is reached as the bot reaches
	// them outside it: the GP, on no chat platform, by email.
	env.Dispatcher.Fallback = nil
	env.Dispatcher.Register(sender)
	if err := c.Run(context.Background()); err != nil {
		t.Fatalf("run: %v", err)
	}
	golden(t, "naming.golden", out.Bytes())
	transcript := out.String()
	for _, want := range []string{
		`We couldn't find anyone called "Zebedee". Type another name, or their work email address.`,
		"  Did you mean:\n  1) Health Visiting Manager (example) (Health Visiting), health-visiting.manager@example.org\n",
		"  Did you mean Health Visiting Leader (example) (Health Visiting), health-visiting.leader@example.org?",
		"  ! Choose a number from 1 to 6, or type another name or email.",
		"dr.grey@gp.example.org is new to the bot: they will be brought in by email.",
		"Who made the decision you disagree with?: Dr Grey (dr.grey@gp.example.org)",
		"Case CR-2026-0001 is open at Professional to Professional. We've asked Dr Grey to acknowledge it",
	} {
		if !strings.Contains(transcript, want) {
			t.Errorf("transcript lacks %q", want)
		}
	}
	ctx := context.Background()
	cs, err := env.Store.GetCase(ctx, "CR-2026-0001")
	if err != nil {
		t.Fatal(err)
	}
	if cs.Respondent.PersonID != gpEmail {
		t.Errorf("respondent %q, want the GP", cs.Respondent.PersonID)
	}
	gp, err := env.Store.GetPerson(ctx, gpEmail)
	if err != nil || gp.Email != gpEmail || len(gp.Handles) != 0 {
		t.Errorf("the GP: %+v %v", gp, err)
	}
	got := srv.Messages()
	if len(got) != 1 || len(got[0].To) != 1 || got[0].To[0] != gpEmail {
		t.Fatalf("emails: %+v", got)
	}
	if raw := string(got[0].Data); strings.Contains(raw, "SCH-2291") || strings.Contains(raw, "hungry") {
		t.Errorf("the GP's email carries case content")
	}
}
