package bottest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// Shown is one message the bot showed someone during a Walk: To is the
// person, State names the step after which it was shown, and Case is the
// case as it stood then (nil for messages about no case).
type Shown struct {
	State   string
	To      string
	Case    *conversation.Case
	Message bot.Message
}

// Walk takes cases through every state the engine knows, pressing buttons
// and sending forms through the Router as the chat adapters do: raised,
// acknowledged, responded, proposed and disputed, escalated up every stage
// (each stage acknowledged), mediation asked for and offered, a deadline
// extended, a place handed over, referred, accepted and returned with advice,
// proposed and confirmed, a note on the resolved case; a second case
// withdrawn, and a third referred and closed. It returns every message the
// bot sent (to whoever acted and to everyone else), every form it asked,
// and, after each step, the case card of each of the case's people and of
// the partnership manager. It fails the test if a step is refused.
func Walk(tb testing.TB, e *Env) []Shown {
	tb.Helper()
	ctx := context.Background()
	w := &walker{tb: tb, e: e, ctx: ctx}
	// Its own dispatcher and worker, so every message to anyone is kept, in
	// the order the outbox delivers it.
	disp := bot.NewDispatcher(e.Store, e.Router.Cards, nil)
	disp.Fallback = &w.sent
	w.worker = bot.NewWorker(e.Router, disp, nil)
	w.worker.Parallel = 1
	defer func() { e.Router.Wake = e.Worker.Wake }()
	w.raiser = e.Person(tb, "sam.patel@school.example.org", "Sam Patel", "school", "school.manager@example.org")
	w.respondent = e.Person(tb, "priya.shah@csc.example.org", "Priya Shah", "csc", "csc.manager@example.org")
	w.partnership = "partnership.manager@example.org"
	help := bot.Help("")
	w.out = append(w.out, Shown{State: "help", To: w.raiser, Message: help})

	id := w.raise()
	w.press("acknowledged", w.respondent, id, conversation.VerbAcknowledge, nil)
	w.press("responded", w.respondent, id, conversation.VerbRespond, map[string]string{"text": "We closed it after a home visit.\nThe family accepted early help."})
	w.press("proposed", w.raiser, id, conversation.VerbPropose, map[string]string{"way_forward": "A joint visit this week.", "actions": "Book the visit | Priya Shah | 2026-12-01"})
	w.press("disputed", w.respondent, id, conversation.VerbDispute, map[string]string{"reason": "A visit alone will not settle the threshold."})
	w.press("noted", w.raiser, id, conversation.VerbNote, map[string]string{"text": "Spoke on the phone; still apart."})
	w.e.Clock.Advance(3 * 24 * time.Hour) // past the acknowledgement deadline of a stage raised now
	for stage := 1; stage < len(e.Engine.Protocol().Stages); stage++ {
		c := w.get(id)
		w.press("escalated", c.Current().Raiser[0], id, conversation.VerbEscalate, map[string]string{"reason": "This stage has not resolved it."})
		c = w.get(id)
		if stage == 1 {
			w.press("mediation asked", c.Current().Raiser[0], id, conversation.VerbMediation, map[string]string{"reason": "We keep talking past each other.", conversation.FieldSupervisionSought: "yes"})
			w.press("mediation offered", w.partnership, id, conversation.VerbOfferMediation, map[string]string{"text": "A restorative facilitator from the partnership."})
		}
		w.press("stage acknowledged", c.Current().Respondent[0], id, conversation.VerbAcknowledge, nil)
		if stage == 1 {
			w.press("extended", c.Current().Respondent[0], id, conversation.VerbExtend, map[string]string{"days": "2", "reason": "Waiting for the health visitor's notes."})
			w.press("proposal pending", c.Current().Respondent[0], id, conversation.VerbPropose, map[string]string{"way_forward": "A strategy discussion.", "actions": ""})
		}
	}
	c := w.get(id)
	w.press("handed over", c.Current().Raiser[0], id, conversation.VerbReassign, map[string]string{"to": w.raiser, "reason": "Sam holds the case again."})
	w.press("referred", w.raiser, id, conversation.VerbRefer, map[string]string{"reason": "Every stage has been tried."})
	w.press("referral acknowledged", w.partnership, id, conversation.VerbAcknowledge, nil)
	w.press("referral accepted", w.partnership, id, conversation.VerbAcceptReferral, map[string]string{"text": ""})
	first := e.Engine.Protocol().Stages[0].Key
	w.press("referral returned", w.partnership, id, conversation.VerbReturnReferral, map[string]string{"stage": first, "text": "Please follow the first stage face to face."})
	c = w.get(id)
	w.press("returned stage acknowledged", c.Current().Respondent[0], id, conversation.VerbAcknowledge, nil)
	w.press("proposed again", c.Current().Respondent[0], id, conversation.VerbPropose, map[string]string{"way_forward": "An early help assessment.", "actions": ""})
	w.press("resolved", c.Current().Raiser[0], id, conversation.VerbConfirm, nil)
	w.press("noted after resolution", w.raiser, id, conversation.VerbNote, map[string]string{"text": "Assessment booked."})
	w.out = append(w.out, Shown{State: "timeline", To: w.raiser, Case: w.get(id), Message: e.Router.Cards.Timeline(ctx, w.get(id))})

	id2 := w.raise()
	w.press("withdrawn", w.raiser, id2, conversation.VerbWithdraw, map[string]string{"reason": "Resolved over the phone."})

	id3 := w.raise()
	w.press("acknowledged", w.respondent, id3, conversation.VerbAcknowledge, nil)
	w.press("referred", w.respondent, id3, conversation.VerbRefer, map[string]string{"reason": "A serious concern about a pattern of closures."})
	w.press("closed", w.partnership, id3, conversation.VerbClose, map[string]string{"reason": "Dealt with at the business group."})
	return w.out
}

type walker struct {
	tb                              testing.TB
	e                               *Env
	ctx                             context.Context
	raiser, respondent, partnership string
	out                             []Shown
	worker                          *bot.Worker
	sent                            sent
}

// sent is a bot.Sender keeping what it was given, in order.
type sent struct {
	to   []string
	msgs []bot.Message
}

func (s *sent) Platform() string { return "walk" }

func (s *sent) Send(_ context.Context, to *conversation.Person, _ conversation.Handle, m bot.Message) (conversation.MessageRef, error) {
	s.to, s.msgs = append(s.to, to.ID), append(s.msgs, m)
	return conversation.MessageRef{}, nil
}

func (s *sent) Update(context.Context, conversation.MessageRef, bot.Message) error { return nil }

func (w *walker) get(id string) *conversation.Case {
	w.tb.Helper()
	c, err := w.e.Store.GetCase(w.ctx, id)
	if err != nil {
		w.tb.Fatalf("load %s: %v", id, err)
	}
	return c
}

// handle passes one inbound event to the router and keeps what it said.
func (w *walker) handle(state string, in bot.Inbound) bot.Reply {
	w.tb.Helper()
	reply := w.e.Router.Handle(w.ctx, in)
	if len(reply.Errors) > 0 {
		w.tb.Fatalf("%s: %s refused: %v", state, in.Actor, reply.Errors)
	}
	for _, m := range reply.Messages {
		if m.Kind == "error" {
			w.tb.Fatalf("%s: %s refused: %s", state, in.Actor, m.Text)
		}
		w.out = append(w.out, Shown{State: state, To: in.Actor, Case: w.caseOf(m), Message: m})
	}
	if _, err := w.worker.Drain(w.ctx); err != nil {
		w.tb.Fatalf("%s: deliver: %v", state, err)
	}
	for i, m := range w.sent.msgs {
		w.out = append(w.out, Shown{State: state, To: w.sent.to[i], Case: w.caseOf(m), Message: m})
	}
	w.sent = sent{}
	return reply
}

// caseOf returns the case a message is about, as it stands, or nil.
func (w *walker) caseOf(m bot.Message) *conversation.Case {
	id := m.CaseID
	if id == "" {
		id = m.FormCase
	}
	if id == "" {
		return nil
	}
	return w.get(id)
}

// raise sends a complete intake from the raiser against the respondent.
func (w *walker) raise() string {
	w.tb.Helper()
	w.handle("intake", bot.Inbound{Actor: w.raiser, Text: "raise"})
	before, _ := w.e.Store.ListCases(w.ctx, conversation.CaseFilter{})
	checked := w.handle("check your answers", bot.Inbound{Actor: w.raiser, FormKey: bot.FormIntake, Values: map[string]string{
		"immediate_risk": "no", "about": conversation.AboutOtherAgency, "child_ref": "CSC-204913",
		"raiser_agency": "school", "respondent": w.respondent, "respondent_agency": "csc",
		"category": w.e.Engine.Protocol().Categories[0].Key, "decision": "The referral was closed with no further action.",
		"concern": "Attendance has fallen.\nThe child arrives hungry most days.", "evidence_kind": string(conversation.EvidenceDocumented),
		"evidence": "Attendance records for six weeks.", "outcome_sought": "A strategy discussion.", "urgency": "standard",
		"reflection":      "discussed_with_lead,child_best_interest,motivation_considered",
		"family_informed": "yes", "cross_border": "", "serious_concern": "no",
	}})
	m := bot.CheckOf(checked.Messages)
	if m == nil {
		w.tb.Fatalf("intake showed no answers to check")
	}
	w.handle("raised", bot.SendChecked(w.raiser, m.Check))
	after, _ := w.e.Store.ListCases(w.ctx, conversation.CaseFilter{})
	if len(after) != len(before)+1 {
		w.tb.Fatalf("raise opened no case")
	}
	for _, c := range after {
		if !strings.Contains(idsOf(before), "|"+c.ID+"|") {
			w.cards("raised", c.ID)
			return c.ID
		}
	}
	w.tb.Fatalf("raise: new case not found")
	return ""
}

func idsOf(cs []*conversation.Case) string {
	s := "|"
	for _, c := range cs {
		s += c.ID + "|"
	}
	return s
}

// press presses verb's button on the latest card, as person, and sends its
// form with values when the step has one; then it keeps everyone's card.
func (w *walker) press(state, person, id string, verb conversation.Verb, values map[string]string) {
	w.tb.Helper()
	c := w.get(id)
	reply := w.handle(state+" (pressed)", bot.Inbound{Actor: person, Verb: verb, CaseID: id, Version: c.Version})
	if bot.ActionForm(w.e.Engine.Protocol(), verb) != nil {
		if len(reply.Messages) == 0 || reply.Messages[0].Form == nil {
			w.tb.Fatalf("%s: %s opened no form", state, verb)
		}
		w.handle(state, bot.Inbound{Actor: person, FormKey: bot.ActionFormPrefix + string(verb), CaseID: id, Version: c.Version, Values: values})
	}
	if w.get(id).Version == c.Version {
		w.tb.Fatalf("%s: %s by %s changed nothing", state, verb, person)
	}
	w.cards(state, id)
}

// cards keeps the case card of each of the case's people and of the
// partnership manager, as the case stands.
func (w *walker) cards(state, id string) {
	c := w.get(id)
	for _, p := range append(c.People(), w.partnership) {
		w.out = append(w.out, Shown{State: state + " (card)", To: p, Case: c, Message: w.e.Router.Cards.Card(w.ctx, c, p, "")})
	}
}
