package bot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// withLead rebuilds the directory so lead is the school's safeguarding lead.
func withLead(t *testing.T, f *fixture, lead string) {
	t.Helper()
	var agencies []bot.Agency
	for _, a := range f.Config.Directory.Agencies {
		ag := bot.Agency{Key: a.Key, Name: a.Name, Contacts: map[string][]bot.Contact{}}
		for _, tier := range []string{conversation.TierManager, conversation.TierSeniorManager, conversation.TierLeader} {
			for _, c := range a.Contacts.ForTier(tier) {
				ag.Contacts[tier] = append(ag.Contacts[tier], bot.Contact{Name: c.Name, Email: c.Email})
			}
		}
		if a.Key == "school" {
			ag.SafeguardingLeads = []bot.Contact{{Name: "Dana Lead", Email: lead}}
		}
		agencies = append(agencies, ag)
	}
	var partnership []bot.Contact
	for _, r := range f.Config.Directory.PartnershipRoles {
		partnership = append(partnership, bot.Contact{Name: r.Name, Email: r.Email, Role: r.Role})
	}
	people := bot.NewPeople(f.Store, agencies, partnership, f.Clock.Now)
	if err := people.Seed(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.Engine.Directory, f.Router.People, f.Router.Cards.People = people, people, people
}

// accessLog returns case id's stored access log.
func accessLog(t *testing.T, f *fixture, id string) []conversation.AuditRecord {
	t.Helper()
	log, err := f.Store.AuditLog(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return log
}

// accessChanges returns the records of after that are new or count more
// attempts than in before.
func accessChanges(before, after []conversation.AuditRecord) []conversation.AuditRecord {
	var out []conversation.AuditRecord
	for i, r := range after {
		if i >= len(before) || r.Times() != before[i].Times() {
			out = append(out, r)
		}
	}
	return out
}

// TestOutsidersAreRefusedAndRecorded: a non-party's attempts to view,
// export or act are refused without case detail and recorded in the
// case's access log, leaving the case as it was; a safeguarding lead sees and lists their agency's cases but
// may neither act nor export.
func TestOutsidersAreRefusedAndRecorded(t *testing.T) {
	f := newFixture(t)
	lead := "dana.lead@school.example.org"
	withLead(t, f, lead)
	cs := f.raise(t)
	ctx := context.Background()
	secrets := []string{cs.ChildRef, "hungry", "Closed with no further action"}
	tests := []struct {
		name    string
		actor   string
		do      func(actor string) (string, error) // returns what the person was told
		code    string
		attempt string // "" when nothing is refused
		kind    conversation.EventKind
	}{
		{"outsider views", f.olu, func(a string) (string, error) {
			r := f.Router.Handle(ctx, bot.Inbound{Actor: a, Text: "status " + cs.ID})
			return r.Messages[0].Text, errorOf(r)
		}, conversation.ENOTFOUND, "view", conversation.EventAccessRefused},
		{"outsider exports", f.olu, func(a string) (string, error) {
			_, err := f.Engine.RecordExport(ctx, a, cs.ID, "pdf")
			return conversation.ErrorMessage(messages.English(), err), err
		}, conversation.ENOTFOUND, "export", conversation.EventAccessRefused},
		{"outsider presses acknowledge", f.olu, func(a string) (string, error) {
			r := f.Router.Handle(ctx, bot.Inbound{Actor: a, Verb: conversation.VerbAcknowledge, CaseID: cs.ID})
			return r.Messages[0].Text, errorOf(r)
		}, conversation.ENOTFOUND, "acknowledge", conversation.EventAccessRefused},
		{"outsider submits a note", f.olu, func(a string) (string, error) {
			r := f.Router.Handle(ctx, bot.Inbound{Actor: a, FormKey: bot.ActionFormPrefix + "note", CaseID: cs.ID, Values: map[string]string{"text": "hello"}})
			return r.Messages[0].Text, errorOf(r)
		}, conversation.ENOTFOUND, "note", conversation.EventAccessRefused},
		{"lead views their agency's case", lead, func(a string) (string, error) {
			r := f.Router.Handle(ctx, bot.Inbound{Actor: a, Text: "status " + cs.ID})
			if len(r.Messages) != 2 || r.Messages[1].Kind != "timeline" {
				return "", conversation.Internal("no timeline", fmt.Errorf("%+v", r.Messages))
			}
			return "", nil
		}, "", "", conversation.EventViewed},
		{"lead may not act", lead, func(a string) (string, error) {
			r := f.Router.Handle(ctx, bot.Inbound{Actor: a, FormKey: bot.ActionFormPrefix + "note", CaseID: cs.ID, Values: map[string]string{"text": "hello"}})
			return r.Messages[0].Text, errorOf(r)
		}, conversation.EFORBIDDEN, "note", conversation.EventAccessRefused},
		{"lead may not export", lead, func(a string) (string, error) {
			_, err := f.Engine.RecordExport(ctx, a, cs.ID, "md")
			return conversation.ErrorMessage(messages.English(), err), err
		}, conversation.EFORBIDDEN, "export", conversation.EventAccessRefused},
		{"party exports", f.priya, func(a string) (string, error) {
			c, err := f.Engine.RecordExport(ctx, a, cs.ID, "json")
			if err == nil && c.Concern == "" {
				return "", conversation.Internal("export returned no case", nil)
			}
			return "", err
		}, "", "", conversation.EventExported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := f.Store.GetCase(ctx, cs.ID)
			logBefore := accessLog(t, f, cs.ID)
			told, err := tt.do(tt.actor)
			if got := conversation.ErrorCode(err); got != tt.code {
				t.Fatalf("code %q (%v), want %q", got, err, tt.code)
			}
			for _, s := range secrets {
				if strings.Contains(told, s) {
					t.Errorf("the refusal tells %q", s)
				}
			}
			changed := accessChanges(logBefore, accessLog(t, f, cs.ID))
			if len(changed) != 1 {
				t.Fatalf("%d access records changed, want one: %+v", len(changed), changed)
			}
			if e := changed[0]; e.Kind != tt.kind || e.Actor != tt.actor || e.Fields["attempt"] != tt.attempt {
				t.Errorf("access record %+v, want %s by %s (attempt %q)", e, tt.kind, tt.actor, tt.attempt)
			}
			// The case itself is untouched: looking is not a step.
			after, _ := f.Store.GetCase(ctx, cs.ID)
			if after.Version != before.Version || len(after.Events) != len(before.Events) {
				t.Errorf("the case changed: version %d→%d, events %d→%d", before.Version, after.Version, len(before.Events), len(after.Events))
			}
		})
	}
	// The lead lists the case; the outsider does not.
	for actor, want := range map[string]int{lead: 1, f.olu: 0} {
		cs, err := f.Engine.List(ctx, actor)
		if err != nil || len(cs) != want {
			t.Errorf("List(%s) = %d cases, %v; want %d", actor, len(cs), err, want)
		}
	}
}

func errorOf(r bot.Reply) error {
	if len(r.Messages) == 1 && r.Messages[0].Kind == "error" {
		if strings.Contains(r.Messages[0].Text, "that you're part of") {
			return &conversation.Error{Code: conversation.ENOTFOUND, Context: r.Messages[0].Text}
		}
		if strings.Contains(r.Messages[0].Text, "safeguarding lead") {
			return &conversation.Error{Code: conversation.EFORBIDDEN, Context: r.Messages[0].Text}
		}
		return &conversation.Error{Code: conversation.EINVALID, Context: r.Messages[0].Text}
	}
	return nil
}

// TestViewsKeepCardsUsable: a view between a card being sent and its button
// being pressed does not make the card stale, but a real change does.
func TestViewsKeepCardsUsable(t *testing.T) {
	f := newFixture(t)
	cs := f.raise(t)
	ctx := context.Background()
	if r := f.Router.Handle(ctx, bot.Inbound{Actor: f.sam, Text: "status " + cs.ID}); len(r.Messages) != 2 {
		t.Fatalf("status: %+v", r.Messages)
	}
	r := f.Router.Handle(ctx, bot.Inbound{Actor: f.priya, Verb: conversation.VerbAcknowledge, CaseID: cs.ID, Version: cs.Version})
	if !strings.Contains(r.Messages[0].Text, "You acknowledged") {
		t.Errorf("acknowledge after a view: %+v", r.Messages[0])
	}
	r = f.Router.Handle(ctx, bot.Inbound{Actor: f.sam, FormKey: bot.ActionFormPrefix + "propose", CaseID: cs.ID, Version: cs.Version,
		Values: map[string]string{"way_forward": "An early help assessment."}})
	if r.Messages[0].Kind != "card" || !strings.Contains(r.Messages[0].Text, "changed since that card was sent") {
		t.Errorf("propose on a card from before the acknowledgement: %+v", r.Messages[0])
	}
}

// TestNoteFormOpenWhileOthersAct: a note or a response typed into a form
// opened before the other side acted is saved, not thrown away.
func TestNoteFormOpenWhileOthersAct(t *testing.T) {
	f := newFixture(t)
	cs := f.raise(t)
	ctx := context.Background()
	// Both open their forms on the case as it is now.
	note := f.Router.Handle(ctx, bot.Inbound{Actor: f.sam, Verb: conversation.VerbNote, CaseID: cs.ID, Version: cs.Version})
	respond := f.Router.Handle(ctx, bot.Inbound{Actor: f.priya, Verb: conversation.VerbRespond, CaseID: cs.ID, Version: cs.Version})
	if note.Messages[0].Kind != "form" || respond.Messages[0].Kind != "form" {
		t.Fatalf("forms did not open: %+v / %+v", note.Messages[0], respond.Messages[0])
	}
	// Priya acknowledges from her card meanwhile.
	if r := f.Router.Handle(ctx, bot.Inbound{Actor: f.priya, Verb: conversation.VerbAcknowledge, CaseID: cs.ID, Version: cs.Version}); r.Messages[0].Kind == "error" {
		t.Fatalf("acknowledge: %+v", r.Messages[0])
	}
	for _, tt := range []struct {
		form  bot.Message
		actor string
		text  string
		said  string
	}{
		{note.Messages[0], f.sam, "Spoke to the school nurse this morning.", "Your note is on the timeline."},
		{respond.Messages[0], f.priya, "We will look at the referral again.", "Your response is recorded"},
	} {
		r := f.Router.Handle(ctx, bot.Inbound{Actor: tt.actor, FormKey: tt.form.Form.Key, CaseID: tt.form.FormCase, Version: tt.form.FormVersion,
			Values: map[string]string{"text": tt.text}})
		if len(r.Messages) == 0 || !strings.Contains(r.Messages[0].Text, tt.said) {
			t.Errorf("%s submitted after the acknowledgement: %+v", tt.form.Form.Key, r.Messages)
		}
		got, _ := f.Store.GetCase(ctx, cs.ID)
		if last := got.Events[len(got.Events)-1]; last.Text != tt.text || last.Actor != tt.actor {
			t.Errorf("%s not on the timeline: last event %s by %s", tt.form.Form.Key, last.Kind, last.Actor)
		}
	}
}

// TestIdentifierWarningsInTheRouter: free text that looks like it holds an
// identifier is refused with field warnings naming the kind, changes
// nothing and logs no text; confirmed, it goes through.
func TestIdentifierWarningsInTheRouter(t *testing.T) {
	f := newFixture(t)
	var logs bytes.Buffer
	f.Router.Log = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx := context.Background()
	values := intakeValues("Priya Shah")
	values["concern"] = "Mum (07700 900123) says the child, DOB 04/05/2017, lives at PL4 8AA."
	values["evidence"] = "GP letter, NHS 943 476 5919."
	r := f.Router.Handle(ctx, bot.Inbound{Actor: f.sam, FormKey: bot.FormIntake, Values: values})
	if r.Step != nil || !bot.NeedsIdentifierConfirm(r.Errors) {
		t.Fatalf("intake with identifiers went through: %+v", r)
	}
	for field, want := range map[string]string{
		"concern":  "a date of birth, a postcode and a phone number",
		"evidence": "an NHS number",
	} {
		if !strings.Contains(r.Errors[field], want) {
			t.Errorf("warning on %s = %q, want it to name %q", field, r.Errors[field], want)
		}
	}
	if _, ok := r.Errors["decision"]; ok {
		t.Errorf("a clean field was flagged")
	}
	if cs, _ := f.Store.ListCases(ctx, conversation.CaseFilter{}); len(cs) != 0 {
		t.Errorf("a case was opened")
	}
	if d, err := f.Router.Draft(ctx, f.sam); err != nil || d.Values["evidence"] != values["evidence"] {
		t.Errorf("the answers were not kept as a draft: %v", err)
	}
	// Each canary holds a space or a letter, so a log line's timestamp
	// digits can never match it by chance ("5919" once matched the
	// nanoseconds of 18:…659195112).
	for _, s := range []string{"07700 900", "476 5919", "PL4", "04/05/2017"} {
		if strings.Contains(logs.String(), s) {
			t.Errorf("logs hold %q:\n%s", s, logs.String())
		}
	}
	if !strings.Contains(logs.String(), "nhs_number") {
		t.Errorf("the warning is not logged by kind:\n%s", logs.String())
	}
	values[bot.FieldConfirmIdentifiers] = "yes"
	r = bottest.Raise(ctx, f.Router, bot.Inbound{Actor: f.sam, FormKey: bot.FormIntake, Values: values})
	if r.Step == nil || r.Step.Evidence != values["evidence"] {
		t.Fatalf("confirmed intake did not open the case: %+v", r.Messages)
	}
	cs := r.Step

	// Every free-text step: an action form too.
	in := bot.Inbound{Actor: f.priya, FormKey: bot.ActionFormPrefix + "respond", CaseID: cs.ID,
		Values: map[string]string{"text": "Write to jo.bloggs@example.org for the file."}}
	r = f.Router.Handle(ctx, in)
	if !strings.Contains(r.Errors["text"], "an email address") || !bot.NeedsIdentifierConfirm(r.Errors) {
		t.Fatalf("respond with an email: %+v", r)
	}
	in.Values[bot.FieldConfirmIdentifiers] = "yes"
	if r = f.Router.Handle(ctx, in); len(r.Errors) != 0 {
		t.Errorf("confirmed respond refused: %+v", r.Messages)
	}
	// The confirmation field adapters add.
	form := f.Router.Cards.WithIdentifierConfirm(bot.ActionForm(f.Engine.Protocol, conversation.VerbRespond))
	if fd := form.Field(bot.FieldConfirmIdentifiers); fd == nil || fd.CheckAnswer("yes").Key != "" {
		t.Errorf("WithIdentifierConfirm: %+v", form.Fields)
	}
}

// TestRefusalsDoNotGrowTheCase: 2,000 presses by someone outside a case
// leave its timeline and its stored record exactly as they were, and are
// kept as one access record counting them; a card sent before them still
// works.
func TestRefusalsDoNotGrowTheCase(t *testing.T) {
	f := newFixture(t)
	cs := f.raise(t)
	ctx := context.Background()
	before, err := f.Store.GetCase(ctx, cs.ID)
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := json.Marshal(before)
	const presses, workers = 2000, 20
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < presses; i += workers {
				r := f.Router.Handle(ctx, bot.Inbound{Actor: f.olu, Verb: conversation.VerbAcknowledge, CaseID: cs.ID, Version: cs.Version})
				if len(r.Messages) != 1 || r.Messages[0].Kind != "error" {
					t.Errorf("press %d by an outsider: %+v", i, r.Messages)
					return
				}
			}
		})
	}
	wg.Wait()
	after, err := f.Store.GetCase(ctx, cs.ID)
	if err != nil {
		t.Fatal(err)
	}
	if data, _ := json.Marshal(after); len(after.Events) != len(before.Events) || after.Version != before.Version || !bytes.Equal(data, stored) {
		t.Errorf("2,000 refusals changed the case: events %d→%d, version %d→%d, stored %d→%d bytes",
			len(before.Events), len(after.Events), before.Version, after.Version, len(stored), len(data))
	}
	log := accessLog(t, f, cs.ID)
	if len(log) != 1 || log[0].Times() != presses || log[0].Actor != f.olu || log[0].Fields["attempt"] != "acknowledge" {
		t.Errorf("access log = %+v, want one record of %d refused acknowledgements by %s", log, presses, f.olu)
	}
	// Priya's card from before is still current.
	r := f.Router.Handle(ctx, bot.Inbound{Actor: f.priya, Verb: conversation.VerbAcknowledge, CaseID: cs.ID, Version: cs.Version})
	if !strings.Contains(r.Messages[0].Text, "You acknowledged") {
		t.Errorf("acknowledge after the refusals: %+v", r.Messages[0])
	}
}

// TestResponseAfterTheCaseMovedOn: a response typed while the case was
// escalated, so its writer no longer answers at the current stage, is kept
// on the timeline as a note and the writer is told so.
func TestResponseAfterTheCaseMovedOn(t *testing.T) {
	f := newFixture(t)
	cs := f.raise(t)
	ctx := context.Background()
	form := f.Router.Handle(ctx, bot.Inbound{Actor: f.priya, Verb: conversation.VerbRespond, CaseID: cs.ID, Version: cs.Version}).Messages[0]
	if form.Kind != "form" {
		t.Fatalf("respond form: %+v", form)
	}
	if _, err := f.Engine.Escalate(ctx, conversation.Cmd{Actor: f.sam, CaseID: cs.ID}, conversation.EscalateInput{Reason: "No answer yet."}); err != nil {
		t.Fatal(err)
	}
	text := "We reviewed the file and will visit on Friday."
	r := f.Router.Handle(ctx, bot.Inbound{Actor: f.priya, FormKey: form.Form.Key, CaseID: form.FormCase, Version: form.FormVersion,
		Values: map[string]string{"text": text}})
	if len(r.Messages) != 1 || !strings.Contains(r.Messages[0].Text, "your response is on the timeline as a note") {
		t.Errorf("reply %+v", r.Messages)
	}
	got, _ := f.Store.GetCase(ctx, cs.ID)
	if last := got.Events[len(got.Events)-1]; last.Kind != conversation.EventNote || last.Text != text || last.Fields["meant_as"] != "respond" {
		t.Errorf("last event %+v, want the response kept as a note", last)
	}
	// Without a version (typed), the refusal stands and nothing is saved.
	r = f.Router.Handle(ctx, bot.Inbound{Actor: f.priya, FormKey: form.Form.Key, CaseID: form.FormCase, Values: map[string]string{"text": "Again."}})
	if len(r.Messages) != 1 || r.Messages[0].Kind != "error" {
		t.Errorf("response with no version after the case moved on: %+v", r.Messages)
	}
}
