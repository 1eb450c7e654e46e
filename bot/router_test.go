package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
)

type fixture struct {
	*bottest.Env
	sam, priya, olu string
}

func newFixture(t *testing.T) *fixture {
	env := bottest.New(t, bottest.Options{})
	env.Dispatcher.Fallback = env.Inbox // configured people have no handle: see what they would get
	return &fixture{Env: env,
		sam:   env.Person(t, "sam.patel@school.example.org", "Sam Patel", "school", "school.manager@example.org"),
		priya: env.Person(t, "priya.shah@csc.example.org", "Priya Shah", "csc", "csc.manager@example.org"),
		olu:   env.Person(t, "olu.ade@police.example.org", "Olu Ade", "police", ""),
	}
}

// intakeValues is a complete intake as a form would submit it.
func intakeValues(respondent string) map[string]string {
	return map[string]string{
		"immediate_risk": "no", "about": "other_agency", "child_ref": "SCH-2291", "raiser_agency": "school",
		"respondent": respondent, "respondent_agency": "csc", "category": "threshold",
		"decision": "Closed with no further action.", "concern": "The child arrives hungry.",
		"evidence_kind": "evidence", "evidence": "Attendance records.", "outcome_sought": "An early help assessment.",
		"urgency": "standard", "reflection": "discussed_with_lead,child_best_interest", "family_informed": "no",
		"serious_concern": "no",
	}
}

func (f *fixture) raise(t *testing.T) *conversation.Case {
	t.Helper()
	r := bottest.Raise(context.Background(), f.Router, bot.Inbound{Actor: f.sam, FormKey: bot.FormIntake, Values: intakeValues("Priya Shah")})
	if r.Step == nil {
		t.Fatalf("raise failed: %+v", r.Messages)
	}
	f.Deliver(t)
	return r.Step
}

func TestTypedCommands(t *testing.T) {
	f := newFixture(t)
	cs := f.raise(t)
	newcomer, err := f.People.Identify(context.Background(), conversation.Handle{Platform: "test", User: "new"}, "Nell New", "nell@school.example.org")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		actor    string
		text     string
		kind     string
		formKey  string
		contains string
	}{
		{"help", f.sam, "help", "help", "", "raise a disagreement"},
		{"unknown words get help", f.sam, "what now", "help", "", "I couldn't match that to something I do, so nothing has changed."},
		{"cancel closes a form", f.sam, "cancel", "notice", "", "Nothing from that form was sent"},
		{"raise opens intake", f.sam, "raise", "form", bot.FormIntake, "Before you start"},
		{"raise asks a newcomer's profile first", newcomer.ID, "raise", "form", bot.FormProfile, "which agency"},
		{"list", f.sam, "list", "list", "", cs.ID},
		{"status of my case", f.priya, "status " + strings.ToLower(cs.ID), "card", "", "SCH-2291"},
		{"status without an id", f.sam, "status", "error", "", "Which case?"},
		{"status of an unknown case", f.sam, "status CR-2026-0404", "error", "", "I can't find a case CR-2026-0404 that you're part of"},
		{"status by an outsider", f.olu, "status " + cs.ID, "error", "", "I can't find a case " + cs.ID + " that you're part of"},
		{"a verb that needs words opens its form", f.priya, "respond " + cs.ID, "form", "action:respond", "Share your view"},
		{"a verb the person may not take", f.sam, "ack " + cs.ID, "error", "", "You raised this case, so the other side acknowledges it and responds. You can propose a resolution, add a note or withdraw it."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.Router.Handle(context.Background(), bot.Inbound{Actor: tt.actor, Text: tt.text})
			if len(r.Messages) == 0 {
				t.Fatal("no reply")
			}
			m := r.Messages[0]
			if m.Kind != tt.kind {
				t.Fatalf("kind = %s, want %s (%+v)", m.Kind, tt.kind, m)
			}
			if tt.formKey != "" && (m.Form == nil || m.Form.Key != tt.formKey) {
				t.Errorf("form = %+v, want %s", m.Form, tt.formKey)
			}
			all := m.Title + " " + m.Text + " " + strings.Join(m.List, " ")
			for _, fd := range m.Fields {
				all += " " + fd.Label + " " + fd.Value
			}
			if !strings.Contains(all, tt.contains) {
				t.Errorf("reply %q lacks %q", all, tt.contains)
			}
			if tt.kind == "error" && strings.Contains(all, "SCH-2291") {
				t.Errorf("error reply leaks the case reference: %q", all)
			}
		})
	}
}

func TestIntakeErrorsKeepTheDraft(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	tests := []struct {
		name  string
		edit  func(map[string]string)
		field string
	}{
		{"missing concern", func(v map[string]string) { delete(v, "concern") }, "concern"},
		{"a name as the case reference", func(v map[string]string) { v["child_ref"] = "Jamie Smith" }, "child_ref"},
		{"over-long evidence", func(v map[string]string) { v["evidence"] = strings.Repeat("a", conversation.MaxLongText+1) }, "evidence"},
		{"unknown respondent", func(v map[string]string) { v["respondent"] = "Nobody Known" }, "respondent"},
		{"raising against yourself", func(v map[string]string) { v["respondent"] = "sam.patel@school.example.org" }, "respondent"},
		{"not a category", func(v map[string]string) { v["category"] = "gossip" }, "category"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := intakeValues("priya.shah@csc.example.org")
			tt.edit(v)
			r := f.Router.Handle(ctx, bot.Inbound{Actor: f.sam, FormKey: bot.FormIntake, Values: v})
			if r.Errors[tt.field] == "" {
				t.Fatalf("errors = %v, want one on %s", r.Errors, tt.field)
			}
			if cs, _ := f.Store.ListCases(ctx, conversation.CaseFilter{}); len(cs) != 0 {
				t.Fatalf("a case was opened")
			}
			d, err := f.Router.Draft(ctx, f.sam)
			if err != nil || d.Values["decision"] != v["decision"] {
				t.Errorf("draft = %+v, %v; the answers must be kept", d, err)
			}
		})
	}
}

func TestRaiseTellsTheRightPeople(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	v := intakeValues("priya.shah@csc.example.org")
	v["serious_concern"] = "yes"
	r := bottest.Raise(ctx, f.Router, bot.Inbound{Actor: f.sam, FormKey: bot.FormIntake, Values: v})
	if len(r.Messages) != 1 || r.Messages[0].Kind != "card" || !strings.Contains(r.Messages[0].Text, "is open") {
		t.Fatalf("raiser's reply = %+v", r.Messages)
	}
	to := map[string]bot.Message{}
	for id, ms := range f.Deliver(t) {
		if len(ms) != 1 {
			t.Errorf("%s got %d messages, want 1", id, len(ms))
		}
		to[id] = ms[0]
	}
	if m := to[f.priya]; m.Kind != "card" || !hasButton(m, conversation.VerbAcknowledge) {
		t.Errorf("respondent got %+v, want a card with Acknowledge", m)
	}
	if m := to["partnership.manager@example.org"]; m.Kind != "card" || !strings.Contains(m.Text, "serious concern") {
		t.Errorf("partnership got %+v, want the serious-concern card", m)
	}
	if _, ok := to[f.sam]; ok {
		t.Error("the raiser was sent their own notification")
	}
	if _, err := f.Router.Draft(ctx, f.sam); conversation.ErrorCode(err) != conversation.ENOTFOUND {
		t.Errorf("draft after raising: %v, want none", err)
	}
}

func hasButton(m bot.Message, v conversation.Verb) bool {
	for _, b := range m.Buttons {
		if b.Verb == v {
			return true
		}
	}
	return false
}

func TestButtons(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	cs := f.raise(t)
	// A stale card: the case moved on since it was sent.
	if _, err := f.Engine.AddNote(ctx, conversation.Cmd{Actor: f.sam, CaseID: cs.ID}, "Called, no answer."); err != nil {
		t.Fatal(err)
	}
	f.Deliver(t)
	r := f.Router.Handle(ctx, bot.Inbound{Actor: f.priya, Verb: conversation.VerbAcknowledge, CaseID: cs.ID, Version: cs.Version})
	if len(r.Messages) != 1 || !strings.Contains(r.Messages[0].Text, "changed since that card was sent") {
		t.Fatalf("stale press = %+v", r.Messages)
	}
	if got, _ := f.Store.GetCase(ctx, cs.ID); got.Current().Acknowledged() {
		t.Fatal("a stale press acknowledged the case")
	}
	// The fresh card's button works and tells the raiser.
	latest, _ := f.Store.GetCase(ctx, cs.ID)
	r = f.Router.Handle(ctx, bot.Inbound{Actor: f.priya, Verb: conversation.VerbAcknowledge, CaseID: cs.ID, Version: latest.Version})
	if out := f.Deliver(t); len(out) != 1 || len(out[f.sam]) != 1 || !strings.Contains(out[f.sam][0].Text, "Priya Shah acknowledged") {
		t.Fatalf("ack out = %+v", out)
	}
	// Action forms: bad numbers come back on their field.
	r = f.Router.Handle(ctx, bot.Inbound{Actor: f.priya, FormKey: "action:extend", CaseID: cs.ID, Values: map[string]string{"days": "soon", "reason": "Waiting for a report."}})
	if r.Errors["days"] == "" {
		t.Errorf("extend with words for days: %+v", r)
	}
	r = f.Router.Handle(ctx, bot.Inbound{Actor: f.priya, FormKey: "action:propose", CaseID: cs.ID,
		Values: map[string]string{"way_forward": "Early help.", "actions": "Assessment | Early help team | next week"}})
	if r.Errors["actions"] == "" {
		t.Errorf("propose with a bad date: %+v", r)
	}
	r = f.Router.Handle(ctx, bot.Inbound{Actor: f.priya, FormKey: "action:propose", CaseID: cs.ID,
		Values: map[string]string{"way_forward": "Early help.", "actions": "Assessment | Priya Shah | 2026-12-04"}})
	if out := f.Deliver(t); len(out) != 1 || len(out[f.sam]) != 1 || !hasButton(out[f.sam][0], conversation.VerbConfirm) {
		t.Fatalf("proposal out = %+v", out)
	}
}

// Record stores the step with its effects, the confirmation to the person
// who pressed included, and says nothing itself; refusals come back at
// once and store nothing to send.
func TestRecordStoresEverythingItCauses(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	cs := f.raise(t)
	r := f.Router.Record(ctx, bot.Inbound{Actor: f.sam, Verb: conversation.VerbAcknowledge, CaseID: cs.ID, Version: cs.Version})
	if r.Step != nil || len(r.Messages) != 1 || r.Messages[0].Kind != "error" {
		t.Fatalf("the raiser acknowledging: step %v, messages %+v; want one refusal at once", r.Step != nil, r.Messages)
	}
	if pending, _ := f.Store.PendingEffects(ctx); len(pending) != 0 {
		t.Fatalf("a refusal left %d effects in the outbox", len(pending))
	}
	r = f.Router.Record(ctx, bot.Inbound{Actor: f.priya, Verb: conversation.VerbAcknowledge, CaseID: cs.ID, Version: cs.Version})
	if r.Step == nil || len(r.Messages) != 0 {
		t.Fatalf("recorded press: step %v, %d messages; want the step and nothing said yet", r.Step != nil, len(r.Messages))
	}
	if got, _ := f.Store.GetCase(ctx, cs.ID); !got.Current().Acknowledged() {
		t.Fatal("Record returned before the acknowledgement was stored")
	}
	pending, err := f.Store.PendingEffects(ctx)
	if err != nil || len(pending) != 1 || pending[0].Kind != conversation.EffectStep || !pending[0].TellActor {
		t.Fatalf("outbox after Record = %+v, %v; want the step, telling the actor too", pending, err)
	}
	out := f.Deliver(t)
	if len(out[f.sam]) != 1 || !strings.Contains(out[f.sam][0].Text, "Priya Shah acknowledged") {
		t.Errorf("raiser got %+v", out[f.sam])
	}
	if len(out[f.priya]) != 1 || !strings.Contains(out[f.priya][0].Text, "You acknowledged "+cs.ID) {
		t.Errorf("the person who pressed got %+v", out[f.priya])
	}
	if again := f.Deliver(t); len(again) != 0 {
		t.Errorf("a second delivery sent %+v", again)
	}
}
