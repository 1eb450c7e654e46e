package console_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/adapters/console"
	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/config"
)

// refScript raises a case against Priya, answering the case reference
// question with each of refs in turn.
func refScript(refs ...string) string {
	return "/as sam.patel@school.example.org\n" + strings.Join(append(append([]string{"raise", "no", "1"}, refs...),
		"", "priya.shah@csc.example.org", "1", "1",
		"The referral was closed with no further action.", "Attendance has dropped.", "1", "Attendance records.",
		"A strategy discussion.", "1", "1,2,3", "no", "", "no", "send"), "\n") + "\n" // send: the check-your-answers step
}

// TestReferenceRefusesChildIdentifiers: a child's name and date of birth,
// an NHS number, a postcode or an address typed as the case reference is
// refused at the question, saying why and showing a reference; nothing of
// it reaches the case, which opens with the agency's reference.
func TestReferenceRefusesChildIdentifiers(t *testing.T) {
	env := bottest.New(t, bottest.Options{})
	env.Person(t, "sam.patel@school.example.org", "Sam Patel", "school", "school.manager@example.org")
	env.Person(t, "priya.shah@csc.example.org", "Priya Shah", "csc", "csc.manager@example.org")
	script := refScript("Jayden Smith 12/03/2015", "Jayden Smith 2015", "943 476 5919", "PL1 2AA", "12 Acacia Avenue", "SCH-2291")
	var out bytes.Buffer
	c := console.New(env.Router, env.People, env.Dispatcher, strings.NewReader(script), &out, false)
	if err := c.Run(context.Background()); err != nil {
		t.Fatalf("run: %v", err)
	}
	transcript := out.String()
	for _, want := range []string{
		"! That looks like it could include a date of birth. Use your agency's case reference, such as CSC-123456",
		"! That looks like it could include a name. Use your agency's case reference, such as CSC-123456, so the child isn't named here.",
		"! That could be an NHS number",
		"! That looks like it could include a postcode.",
		"! That looks like it could include an address.",
		"Case CR-2026-0001 is open",
	} {
		if !strings.Contains(transcript, want) {
			t.Errorf("transcript lacks %q:\n%s", want, transcript)
		}
	}
	cs, err := env.Store.GetCase(context.Background(), "CR-2026-0001")
	if err != nil {
		t.Fatalf("GetCase: %v", err)
	}
	if cs.ChildRef != "SCH-2291" {
		t.Errorf("child ref %q, want SCH-2291", cs.ChildRef)
	}
}

// TestReferenceUsesAgencyFormats: where the raiser's agency has configured
// its reference formats, a reference written another way is refused with
// that agency's example, and one in its format is taken, even one the
// generic rules would query.
func TestReferenceUsesAgencyFormats(t *testing.T) {
	env := bottest.New(t, bottest.Options{Configure: func(cfg *config.Config) {
		for i := range cfg.Directory.Agencies {
			if cfg.Directory.Agencies[i].Key == "school" {
				cfg.Directory.Agencies[i].ReferenceFormats = []string{`RIVERSIDE-\d{4}`}
				cfg.Directory.Agencies[i].ReferenceExample = "RIVERSIDE-0042"
			}
		}
	}})
	env.Person(t, "sam.patel@school.example.org", "Sam Patel", "school", "school.manager@example.org")
	env.Person(t, "priya.shah@csc.example.org", "Priya Shah", "csc", "csc.manager@example.org")
	script := refScript("CSC-123456", "RIVERSIDE-2291")
	var out bytes.Buffer
	c := console.New(env.Router, env.People, env.Dispatcher, strings.NewReader(script), &out, false)
	if err := c.Run(context.Background()); err != nil {
		t.Fatalf("run: %v", err)
	}
	transcript := out.String()
	for _, want := range []string{
		"! That isn't written the way your agency writes its case references. Use the reference from your agency's records, such as RIVERSIDE-0042.",
		"Case CR-2026-0001 is open",
	} {
		if !strings.Contains(transcript, want) {
			t.Errorf("transcript lacks %q:\n%s", want, transcript)
		}
	}
	// Slack and Teams send the whole form: the same check applies, for the
	// agency answered on the form.
	priya, err := env.People.Resolve(context.Background(), "priya.shah@csc.example.org")
	if err != nil {
		t.Fatal(err)
	}
	in := bottest.Intake(priya.ID, "school", "csc")
	values := map[string]string{
		"immediate_risk": "no", "about": "other_agency", "child_ref": "SCH-2291", "raiser_agency": "school",
		"respondent": priya.ID, "respondent_agency": "csc", "category": "threshold",
		"decision": in.Decision, "concern": in.Concern, "evidence_kind": "evidence", "evidence": in.Evidence,
		"outcome_sought": in.OutcomeSought, "urgency": "standard", "family_informed": "yes", "serious_concern": "no",
	}
	r := env.Router.Handle(context.Background(), bot.Inbound{Actor: "sam.patel@school.example.org", FormKey: bot.FormIntake, Values: values})
	if msg := r.Errors["child_ref"]; !strings.Contains(msg, "such as RIVERSIDE-0042") {
		t.Errorf("whole form with another shape of reference: errors %v", r.Errors)
	}
	// And the engine itself, for any other way in.
	in.ChildRef = "SCH-2291"
	if _, err := env.Engine.Raise(context.Background(), "sam.patel@school.example.org", in); err == nil || !strings.Contains(env.Router.Cards.ErrorFields(err)["child_ref"], "RIVERSIDE-0042") {
		t.Errorf("engine raise with another shape of reference: %v", err)
	}
}

// TestRotherhamConferenceDecisionInTheConsole: in Rotherham, answering that
// the disagreement is about a decision at a multi-agency meeting carries on
// with the form and opens a case in that category; it used to stop with a
// dissent route and open nothing.
func TestRotherhamConferenceDecisionInTheConsole(t *testing.T) {
	env := bottest.New(t, bottest.Options{Preset: "rotherham"})
	env.Person(t, "sam.patel@school.example.org", "Sam Patel", "school", "school.manager@example.org")
	env.Person(t, "priya.shah@csc.example.org", "Priya Shah", "csc", "csc.manager@example.org")
	script := strings.Replace(refScript("SCH-2291"), "raise\nno\n1\n", "raise\nno\n2\n", 1)
	var out bytes.Buffer
	c := console.New(env.Router, env.People, env.Dispatcher, strings.NewReader(script), &out, false)
	if err := c.Run(context.Background()); err != nil {
		t.Fatalf("run: %v", err)
	}
	transcript := out.String()
	for _, want := range []string{"A decision made at a multi-agency meeting, such as a child protection conference or core group",
		"Case CR-2026-0001 is open", "Challenging Practice Issues that Arise in Child Protection Conferences"} {
		if !strings.Contains(transcript, want) {
			t.Errorf("transcript lacks %q:\n%s", want, transcript)
		}
	}
	if strings.Contains(transcript, "have their own route") {
		t.Errorf("Rotherham sent a conference decision out of its protocol:\n%s", transcript)
	}
}
