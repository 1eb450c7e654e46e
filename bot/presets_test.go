package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
)

func messageText(ms ...bot.Message) string {
	var all string
	for _, m := range ms {
		all += m.Title + "\n" + m.Text + "\n" + strings.Join(m.List, "\n")
		for _, fd := range m.Fields {
			all += "\n" + fd.Label + ": " + fd.Value
		}
		if m.Form != nil {
			all += "\n" + m.Form.Intro
		}
		all += "\n"
	}
	return all
}

// Rotherham's protocol covers "Decisions made at Multi Agency Meetings,
// including Child Protection Conferences and Core Groups – see Section 4":
// a conference decision opens a case in that category, with the conference
// guidance on its card, where it used to be sent out to a dissent route.
func TestRotherhamOpensACaseForAConferenceDecision(t *testing.T) {
	ctx := context.Background()
	env := bottest.New(t, bottest.Options{Preset: "rotherham"})
	sam := env.Person(t, "sam.patel@school.example.org", "Sam Patel", "school", "school.manager@example.org")
	env.Person(t, "priya.shah@csc.example.org", "Priya Shah", "csc", "csc.manager@example.org")

	f := env.Router.IntakeForm(ctx, sam)
	about := f.Field(conversation.FieldAbout)
	if about.CheckAnswer(conversation.AboutConference).Key != "" || about.CheckAnswer(conversation.AboutCPConference).Key == "" {
		t.Fatalf("Rotherham's intake should offer a conference decision as a case, not a route out: %+v", about.Options)
	}
	values := intakeValues("Priya Shah")
	values["about"] = conversation.AboutConference
	values["category"] = "referrals"
	r := bottest.Raise(ctx, env.Router, bot.Inbound{Actor: sam, FormKey: bot.FormIntake, Values: values})
	if r.Step == nil {
		t.Fatalf("no case was opened: %s", messageText(r.Messages...))
	}
	c := r.Step
	if c.Category != "meetings" {
		t.Errorf("category %q, want meetings (decisions at multi-agency meetings)", c.Category)
	}
	card := messageText(env.Router.Cards.Card(ctx, c, sam, "Your case is open"))
	for _, want := range []string{"Decisions at multi-agency meetings, including child protection conferences and core groups",
		"Section 4 of the protocol, Challenging Practice Issues that Arise in Child Protection Conferences"} {
		if !strings.Contains(card, want) {
			t.Errorf("the case card lacks %q:\n%s", want, card)
		}
	}
	// Any other way in (an older form's value) is kept inside too.
	in := bottest.Intake("priya.shah@csc.example.org", "school", "csc")
	in.About, in.Category = conversation.AboutCPConference, "referrals"
	res, err := env.Engine.Raise(ctx, sam, in)
	if err != nil || res.Case == nil || res.Route != "" || res.Case.Category != "meetings" {
		t.Fatalf("engine raise of a conference decision: %+v, %v", res, err)
	}
}

// Wiltshire: a conference decision goes to the Dissent Procedure, with no
// invented advice about the conference chair; mediation is offered in the
// document's words ("the Independent Chair or another partner organisation
// best suited to the issue"), not Devon's restorative facilitator.
func TestWiltshireRouteAndMediationWording(t *testing.T) {
	ctx := context.Background()
	env := bottest.New(t, bottest.Options{Preset: "wiltshire"})
	sam := env.Person(t, "sam.patel@school.example.org", "Sam Patel", "school", "school.manager@example.org")
	priya := env.Person(t, "priya.shah@csc.example.org", "Priya Shah", "csc", "csc.manager@example.org")

	r := bottest.Raise(ctx, env.Router, bot.Inbound{Actor: sam, FormKey: bot.FormIntake, Values: map[string]string{
		"immediate_risk": "no", "about": conversation.AboutCPConference}})
	route := messageText(r.Messages...)
	if !strings.Contains(route, "the Dissent Procedure") || strings.Contains(strings.ToLower(route), "conference chair") {
		t.Errorf("conference route: %s", route)
	}

	all := bot.ActionForm(env.Engine.Protocol, conversation.VerbMediation).Intro + "\n" +
		bot.ActionForm(env.Engine.Protocol, conversation.VerbOfferMediation).Intro
	if !strings.Contains(all, "the Independent Chair or another partner organisation best suited to the issue") {
		t.Errorf("mediation forms do not say who mediates in Wiltshire:\n%s", all)
	}
	// Asking for mediation tells the partnership without Devon's words.
	res, err := env.Engine.Raise(ctx, sam, bottest.Intake(priya, "school", "csc"))
	if err != nil {
		t.Fatal(err)
	}
	id := res.Case.ID
	if _, err := env.Engine.Acknowledge(ctx, conversation.Cmd{Actor: priya, CaseID: id}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Engine.Escalate(ctx, conversation.Cmd{Actor: sam, CaseID: id}, conversation.EscalateInput{Reason: "No agreement at the first stage."}); err != nil {
		t.Fatal(err)
	}
	rep := env.Router.Handle(ctx, bot.Inbound{Actor: "school.manager@example.org", FormKey: bot.ActionFormPrefix + string(conversation.VerbMediation),
		CaseID: id, Values: map[string]string{"reason": "The managers are stuck.", conversation.FieldSupervisionSought: "no"}})
	var sent []bot.Message
	for _, ms := range env.Deliver(t) {
		sent = append(sent, ms...)
	}
	text := messageText(append(rep.Messages, sent...)...)
	if !strings.Contains(text, "asked for mediation") {
		t.Fatalf("no mediation request was sent: %s", text)
	}
	if strings.Contains(strings.ToLower(text), "restorative") {
		t.Errorf("Wiltshire's people are told of a restorative facilitator (Devon's wording):\n%s", text)
	}
}

// Wiltshire's contact, lscb@wiltshire.gov.uk, is shown in help, on a case
// at the top stage and on a referred case; it was configured and shown
// nowhere. A contact that only names a role (the generic preset's "the
// partnership manager") adds nothing and is not shown.
func TestPartnershipContactShown(t *testing.T) {
	ctx := context.Background()
	env := bottest.New(t, bottest.Options{Preset: "wiltshire"})
	sam := env.Person(t, "sam.patel@school.example.org", "Sam Patel", "school", "school.manager@example.org")
	priya := env.Person(t, "priya.shah@csc.example.org", "Priya Shah", "csc", "csc.manager@example.org")
	const contact = "lscb@wiltshire.gov.uk"
	if help := messageText(env.Router.Handle(ctx, bot.Inbound{Actor: sam, Text: "help"}).Messages...); !strings.Contains(help, contact) {
		t.Errorf("help lacks the partnership contact:\n%s", help)
	}
	res, err := env.Engine.Raise(ctx, sam, bottest.Intake(priya, "school", "csc"))
	if err != nil {
		t.Fatal(err)
	}
	c := res.Case
	if card := messageText(env.Router.Cards.Card(ctx, c, sam, "Open")); strings.Contains(card, contact) {
		t.Errorf("the first stage's card shows the partnership contact:\n%s", card)
	}
	// Up every stage to the top (leaders), then referred.
	for c.Current().Key != env.Engine.Protocol.Stages[len(env.Engine.Protocol.Stages)-1].Key {
		resp := c.Current().Respondent
		if _, err := env.Engine.Acknowledge(ctx, conversation.Cmd{Actor: resp[0], CaseID: c.ID}); err != nil {
			t.Fatal(err)
		}
		r, err := env.Engine.Escalate(ctx, conversation.Cmd{Actor: c.Current().Raiser[0], CaseID: c.ID}, conversation.EscalateInput{Reason: "Not resolved at this stage."})
		if err != nil {
			t.Fatal(err)
		}
		c = r.Case
	}
	raiser := c.Current().Raiser[0]
	if card := messageText(env.Router.Cards.Card(ctx, c, raiser, "At the top stage")); !strings.Contains(card, "Partnership contact: "+contact) {
		t.Errorf("the top stage's card lacks the partnership contact:\n%s", card)
	}
	r, err := env.Engine.ReferToPartnership(ctx, conversation.Cmd{Actor: raiser, CaseID: c.ID}, "The leaders could not agree.")
	if err != nil {
		t.Fatal(err)
	}
	if card := messageText(env.Router.Cards.Card(ctx, r.Case, raiser, "Referred")); !strings.Contains(card, "Partnership contact: "+contact) {
		t.Errorf("the referred case's card lacks the partnership contact:\n%s", card)
	}

	generic := bottest.New(t, bottest.Options{})
	if help := messageText(generic.Router.Handle(ctx, bot.Inbound{Actor: sam, Text: "help"}).Messages...); strings.Contains(help, "To contact the partnership") {
		t.Errorf("a contact that only names a role is shown:\n%s", help)
	}
}

// Wiltshire 4.1c: "Any review of individual escalations will necessarily
// involve a review of the supervision and guidance available to those
// involved." A request for mediation on a stuck case asks whether
// supervision was sought and keeps the answer on the timeline.
func TestMediationRecordsWhetherSupervisionWasSought(t *testing.T) {
	ctx := context.Background()
	env := bottest.New(t, bottest.Options{Preset: "wiltshire"})
	sam := env.Person(t, "sam.patel@school.example.org", "Sam Patel", "school", "school.manager@example.org")
	priya := env.Person(t, "priya.shah@csc.example.org", "Priya Shah", "csc", "csc.manager@example.org")
	res, err := env.Engine.Raise(ctx, sam, bottest.Intake(priya, "school", "csc"))
	if err != nil {
		t.Fatal(err)
	}
	id := res.Case.ID
	if _, err := env.Engine.Acknowledge(ctx, conversation.Cmd{Actor: priya, CaseID: id}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Engine.Escalate(ctx, conversation.Cmd{Actor: sam, CaseID: id}, conversation.EscalateInput{Reason: "No agreement."}); err != nil {
		t.Fatal(err)
	}
	ask := func(values map[string]string) bot.Reply {
		return env.Router.Handle(ctx, bot.Inbound{Actor: "school.manager@example.org", FormKey: bot.ActionFormPrefix + string(conversation.VerbMediation), CaseID: id, Values: values})
	}
	if r := ask(map[string]string{"reason": "The managers are stuck."}); r.Errors[conversation.FieldSupervisionSought] == "" {
		t.Errorf("a request without the supervision answer was taken: %+v", r.Errors)
	}
	ask(map[string]string{"reason": "The managers are stuck.", conversation.FieldSupervisionSought: "yes"})
	c, err := env.Store.GetCase(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	last := c.Events[len(c.Events)-1]
	if last.Kind != conversation.EventMediationRequested || last.Fields[conversation.FieldSupervisionSought] != "yes" {
		t.Fatalf("last event %+v", last)
	}
	if line := env.Router.Cards.EventLine(ctx, last); !strings.Contains(line, "(supervision sought)") {
		t.Errorf("timeline line %q does not say supervision was sought", line)
	}
	// And the case record for the child's file says so too.
	var record string
	for _, m := range env.Router.Handle(ctx, bot.Inbound{Actor: sam, Text: "export " + id + " md"}).Messages {
		for _, a := range m.Attachments {
			record += string(a.Data)
		}
	}
	if !strings.Contains(record, "Mediation asked for (supervision sought)") {
		t.Errorf("the case record does not say supervision was sought:\n%s", record)
	}
}
