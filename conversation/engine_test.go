package conversation_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/config"
	c "github.com/resolvebot/resolvebot/conversation"
)

// fixture is a bot with a practitioner at the school raising a case against
// a social worker, both with line managers.
type fixture struct {
	*bottest.Env
	raiser, respondent string
}

func newFixture(t *testing.T, preset string, start time.Time) *fixture {
	t.Helper()
	env := bottest.New(t, bottest.Options{Preset: preset, Start: start})
	f := &fixture{Env: env}
	f.raiser = env.Person(t, "sam.patel@school.example.org", "Sam Patel", "school", "school.manager@example.org")
	f.respondent = env.Person(t, "priya.shah@csc.example.org", "Priya Shah", "csc", "csc.manager@example.org")
	return f
}

func (f *fixture) raise(t *testing.T) *c.Case {
	t.Helper()
	in := bottest.Intake(f.respondent, "school", "csc")
	in.Category = f.Engine.Protocol.Categories[0].Key
	res, err := f.Engine.Raise(context.Background(), f.raiser, in)
	if err != nil {
		t.Fatalf("raise: %v", err)
	}
	return res.Case
}

func kinds(events []c.Event) []c.EventKind {
	out := make([]c.EventKind, len(events))
	for i, e := range events {
		out[i] = e.Kind
	}
	return out
}

// TestWalkEveryPreset takes a case up every stage of each preset, over the
// Easter bank-holiday weekend, to the partnership and back to an agreed
// resolution, checking each deadline against the calendar.
func TestWalkEveryPreset(t *testing.T) {
	// Thursday before Good Friday (3 Apr 2026) and Easter Monday (6 Apr).
	start := time.Date(2026, 4, 2, 10, 0, 0, 0, bottest.London)
	for _, preset := range config.PresetKeys() {
		t.Run(preset, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, preset, start)
			p := f.Engine.Protocol
			cs := f.raise(t)
			if cs.ID != "CR-2026-0001" {
				t.Errorf("first case id = %s, want CR-2026-0001", cs.ID)
			}
			// Acknowledgement is due one working day on: Tuesday 7 April,
			// because Friday and Monday are bank holidays.
			wantAck := time.Date(2026, 4, 7, 17, 0, 0, 0, bottest.London)
			if got := cs.Current().AckDeadline; !got.Equal(wantAck) {
				t.Errorf("ack deadline = %s, want %s", got, wantAck)
			}
			wantDue := f.Calendar.AddWorkingDays(start, p.Stages[0].Days)
			if got := cs.Current().Deadline; !got.Equal(wantDue) {
				t.Errorf("stage deadline = %s, want %s", got, wantDue)
			}
			// The scheduler looks next when the ack reminder may go out: the
			// deadline is 17:00, after working hours, so 9:00 the next day.
			if want := time.Date(2026, 4, 8, 9, 0, 0, 0, bottest.London); !cs.DueAt.Equal(want) {
				t.Errorf("due index at %s, want %s", cs.DueAt, want)
			}
			for i := range p.Stages {
				cur := cs.Current()
				if cur.Key != p.Stages[i].Key {
					t.Fatalf("stage %d is %s, want %s", i, cur.Key, p.Stages[i].Key)
				}
				if got, want := cur.Deadline, f.Calendar.AddWorkingDays(cur.StartedAt, p.Stages[i].Days); !got.Equal(want) {
					t.Errorf("stage %s deadline = %s, want %s", cur.Key, got, want)
				}
				res, err := f.Engine.Acknowledge(ctx, c.Cmd{Actor: cur.Respondent[0], CaseID: cs.ID, Version: cs.Version})
				if err != nil {
					t.Fatalf("acknowledge at %s: %v", cur.Key, err)
				}
				f.Clock.Advance(24 * time.Hour)
				res, err = f.Engine.Respond(ctx, c.Cmd{Actor: cur.Respondent[0], CaseID: cs.ID}, "We reviewed it and stand by the decision.")
				if err != nil {
					t.Fatalf("respond at %s: %v", cur.Key, err)
				}
				cs = res.Case
				if i == len(p.Stages)-1 {
					break
				}
				res, err = f.Engine.Escalate(ctx, c.Cmd{Actor: cur.Raiser[0], CaseID: cs.ID}, c.EscalateInput{Reason: "We still disagree."})
				if err != nil {
					t.Fatalf("escalate from %s: %v", cur.Key, err)
				}
				cs = res.Case
				next := cs.Current()
				if slices.Equal(next.Raiser, cur.Raiser) || len(next.Raiser) == 0 || len(next.Respondent) == 0 {
					t.Fatalf("stage %s people: raiser side %v, respondent side %v", next.Key, next.Raiser, next.Respondent)
				}
			}
			// At the top stage escalation stops and mediation is offered.
			top := cs.Current()
			_, err := f.Engine.Escalate(ctx, c.Cmd{Actor: top.Raiser[0], CaseID: cs.ID}, c.EscalateInput{Reason: "Still stuck."})
			if c.ErrorCode(err) != c.EINVALID || !strings.Contains(said(err), "mediation") {
				t.Errorf("escalating past the top: %v, want EINVALID offering mediation", err)
			}
			if _, err := f.Engine.RequestMediation(ctx, c.Cmd{Actor: top.Raiser[0], CaseID: cs.ID}, "Leaders cannot agree."); err != nil {
				t.Fatalf("request mediation: %v", err)
			}
			res, err := f.Engine.ReferToPartnership(ctx, c.Cmd{Actor: top.Raiser[0], CaseID: cs.ID}, "No agreement after every stage.")
			if err != nil {
				t.Fatalf("refer: %v", err)
			}
			if res.Case.Status != c.StatusReferred || res.Case.Current().Key != c.ReferralStageKey {
				t.Fatalf("after referral: status %s stage %s", res.Case.Status, res.Case.Current().Key)
			}
			if got := res.Events[0].Fields["stages_followed"]; got != fmt.Sprintf("%d/%d", len(p.Stages), len(p.Stages)) {
				t.Errorf("stages followed = %q", got)
			}
			manager := "partnership.manager@example.org"
			if _, err := f.Engine.AcceptReferral(ctx, c.Cmd{Actor: manager, CaseID: cs.ID}, ""); err != nil {
				t.Fatalf("accept referral: %v", err)
			}
			res, err = f.Engine.ReturnReferral(ctx, c.Cmd{Actor: manager, CaseID: cs.ID}, top.Key, "The panel suggests a joint visit first.")
			if err != nil {
				t.Fatalf("return referral: %v", err)
			}
			if res.Case.Status != c.StatusOpen || res.Case.Current().Key != top.Key || !slices.Equal(res.Case.Current().Raiser, top.Raiser) {
				t.Fatalf("after return: status %s stage %s", res.Case.Status, res.Case.Current().Key)
			}
			res, err = f.Engine.ProposeResolution(ctx, c.Cmd{Actor: top.Respondent[0], CaseID: cs.ID}, "A joint visit this week and a strategy discussion.",
				[]c.ResolutionAction{{Description: "Joint visit", Owner: "Social care", Due: start.AddDate(0, 1, 0)}})
			if err != nil {
				t.Fatalf("propose: %v", err)
			}
			// The proposer's own side cannot confirm it.
			if _, err := f.Engine.ConfirmResolution(ctx, c.Cmd{Actor: top.Respondent[0], CaseID: cs.ID}); c.ErrorCode(err) != c.EFORBIDDEN {
				t.Errorf("proposer confirming: %v, want forbidden", err)
			}
			res, err = f.Engine.ConfirmResolution(ctx, c.Cmd{Actor: top.Raiser[0], CaseID: cs.ID})
			if err != nil {
				t.Fatalf("confirm: %v", err)
			}
			final := res.Case
			if final.Status != c.StatusResolved || !final.Resolution.Confirmed || !final.DueAt.IsZero() {
				t.Errorf("final: status %s confirmed %v due %s", final.Status, final.Resolution.Confirmed, final.DueAt)
			}
			escalations := 0
			for i, e := range final.Events {
				if e.Seq != i+1 {
					t.Errorf("event %d has seq %d", i, e.Seq)
				}
				if e.Kind == c.EventEscalated {
					escalations++
				}
			}
			if escalations != len(p.Stages)-1 {
				t.Errorf("escalations = %d, want %d", escalations, len(p.Stages)-1)
			}
			stored, err := f.Store.GetCase(ctx, cs.ID)
			if err != nil || !slices.Equal(kinds(stored.Events), kinds(final.Events)) {
				t.Errorf("stored timeline differs: %v", err)
			}
		})
	}
}

// TestBadInputChangesNothing checks each kind of bad input gets its error
// code and a clear message, and leaves the case exactly as it was.
func TestBadInputChangesNothing(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "", time.Time{})
	cs := f.raise(t)
	outsider := f.Person(t, "olu.ade@health.example.org", "Olu Ade", "health-visiting", "")
	long := strings.Repeat("x", c.MaxLongText+1)
	tests := []struct {
		name string
		do   func() error
		code string
		want string // part of the message
	}{
		{"empty response", func() error {
			_, err := f.Engine.Respond(ctx, c.Cmd{Actor: f.respondent, CaseID: cs.ID}, "   ")
			return err
		}, c.EINVALID, ""},
		{"over-long note", func() error {
			_, err := f.Engine.AddNote(ctx, c.Cmd{Actor: f.raiser, CaseID: cs.ID}, long)
			return err
		}, c.EINVALID, ""},
		{"unknown case id", func() error {
			_, err := f.Engine.Acknowledge(ctx, c.Cmd{Actor: f.respondent, CaseID: "CR-2026-9999"})
			return err
		}, c.ENOTFOUND, "I can't find a case CR-2026-9999 that you're part of"},
		{"outsider reads", func() error {
			_, err := f.Engine.Get(ctx, outsider, cs.ID)
			return err
		}, c.ENOTFOUND, "I can't find a case " + cs.ID + " that you're part of"},
		{"outsider acts", func() error {
			_, err := f.Engine.AddNote(ctx, c.Cmd{Actor: outsider, CaseID: cs.ID}, "hello")
			return err
		}, c.ENOTFOUND, "I can't find a case " + cs.ID + " that you're part of"},
		{"raiser acknowledges own case", func() error {
			_, err := f.Engine.Acknowledge(ctx, c.Cmd{Actor: f.raiser, CaseID: cs.ID})
			return err
		}, c.EFORBIDDEN, "answering"},
		{"stale version", func() error {
			_, err := f.Engine.Acknowledge(ctx, c.Cmd{Actor: f.respondent, CaseID: cs.ID, Version: cs.Version + 5})
			return err
		}, c.ECONFLICT, "changed"},
		{"extension without reason", func() error {
			_, err := f.Engine.ExtendDeadline(ctx, c.Cmd{Actor: f.raiser, CaseID: cs.ID}, 3, "")
			return err
		}, c.EINVALID, ""},
		{"extension too long", func() error {
			_, err := f.Engine.ExtendDeadline(ctx, c.Cmd{Actor: f.raiser, CaseID: cs.ID}, 99, "Waiting for a report.")
			return err
		}, c.EINVALID, ""},
		{"confirm with nothing proposed", func() error {
			_, err := f.Engine.ConfirmResolution(ctx, c.Cmd{Actor: f.respondent, CaseID: cs.ID})
			return err
		}, c.EINVALID, "no proposed resolution"},
		{"accept a referral as a practitioner", func() error {
			_, err := f.Engine.AcceptReferral(ctx, c.Cmd{Actor: f.raiser, CaseID: cs.ID}, "")
			return err
		}, c.EFORBIDDEN, "partnership"},
		{"mediation at the first stage", func() error {
			_, err := f.Engine.RequestMediation(ctx, c.Cmd{Actor: f.raiser, CaseID: cs.ID}, "help")
			return err
		}, c.EINVALID, "escalating first"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := f.Store.GetCase(ctx, cs.ID)
			logBefore, _ := f.Store.AuditLog(ctx, cs.ID)
			err := tt.do()
			if got := c.ErrorCode(err); got != tt.code {
				t.Fatalf("code = %q (%v), want %q", got, err, tt.code)
			}
			if !strings.Contains(said(err), tt.want) {
				t.Errorf("message %q does not mention %q", said(err), tt.want)
			}
			after, _ := f.Store.GetCase(ctx, cs.ID)
			if strings.HasPrefix(tt.name, "outsider") {
				// An outsider's attempt is counted in the access log.
				logAfter, _ := f.Store.AuditLog(ctx, cs.ID)
				attempts := func(log []c.AuditRecord) int {
					n := 0
					for _, r := range log {
						if r.Kind == c.EventAccessRefused && r.Actor == outsider {
							n += r.Times()
						}
					}
					return n
				}
				if attempts(logAfter) != attempts(logBefore)+1 {
					t.Errorf("outsider attempt not recorded: %d refusals before, %d after", attempts(logBefore), attempts(logAfter))
				}
			}
			if after.Version != before.Version || len(after.Events) != len(before.Events) {
				t.Errorf("case changed: version %d→%d, events %d→%d", before.Version, after.Version, len(before.Events), len(after.Events))
			}
		})
	}
	// The forbidden message reveals nothing of the case.
	_, err := f.Engine.Get(ctx, outsider, cs.ID)
	for _, secret := range []string{cs.ChildRef, "Sam", "Priya", "hungry"} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("forbidden error leaks %q: %v", secret, err)
		}
	}
}

// TestAcknowledgeFromWrongStage: after escalation, the first stage's
// respondent can no longer acknowledge; the new stage's people can.
func TestAcknowledgeFromWrongStage(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "", time.Time{})
	cs := f.raise(t)
	res, err := f.Engine.Escalate(ctx, c.Cmd{Actor: f.raiser, CaseID: cs.ID}, c.EscalateInput{Reason: "No reply."})
	if err != nil {
		t.Fatalf("escalate: %v", err)
	}
	cur := res.Case.Current()
	if !slices.Equal(cur.Raiser, []string{"school.manager@example.org"}) || !slices.Equal(cur.Respondent, []string{"csc.manager@example.org"}) {
		t.Fatalf("manager stage people = %v / %v, want the line managers", cur.Raiser, cur.Respondent)
	}
	_, err = f.Engine.Acknowledge(ctx, c.Cmd{Actor: f.respondent, CaseID: cs.ID})
	if c.ErrorCode(err) != c.EFORBIDDEN || !strings.Contains(said(err), p(f).StageName("manager")) {
		t.Errorf("stage-1 respondent acknowledging stage 2: %v", err)
	}
	if _, err := f.Engine.Acknowledge(ctx, c.Cmd{Actor: "csc.manager@example.org", CaseID: cs.ID}); err != nil {
		t.Errorf("manager acknowledging: %v", err)
	}
	_, err = f.Engine.Acknowledge(ctx, c.Cmd{Actor: "csc.manager@example.org", CaseID: cs.ID})
	if c.ErrorCode(err) != c.EINVALID {
		t.Errorf("second acknowledgement: %v, want EINVALID", err)
	}
}

func p(f *fixture) *c.Protocol { return f.Engine.Protocol }

// TestEscalateAsksForUnknownManagers: with no line manager and no directory
// contact, escalation asks who the manager is and changes nothing.
func TestEscalateAsksForUnknownManagers(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "", time.Time{})
	lone := f.Person(t, "kim@charity.example.org", "Kim Lee", "school", "")
	// Kim's agency key is not in the directory for this case: use a custom agency.
	in := bottest.Intake(lone, "school", "unlisted-agency")
	res, err := f.Engine.Raise(ctx, f.raiser, in)
	if err != nil {
		t.Fatalf("raise: %v", err)
	}
	_, err = f.Engine.Escalate(ctx, c.Cmd{Actor: f.raiser, CaseID: res.Case.ID}, c.EscalateInput{Reason: "No answer."})
	fields := fieldsSaid(err)
	if c.ErrorCode(err) != c.EINVALID || fields["respondent_side"] == "" || fields["raiser_side"] != "" {
		t.Fatalf("escalate = %v (fields %v), want a question about their side only", err, fields)
	}
	mgr := f.Person(t, "jo.grant@charity.example.org", "Jo Grant", "school", "")
	res, err = f.Engine.Escalate(ctx, c.Cmd{Actor: f.raiser, CaseID: res.Case.ID}, c.EscalateInput{Reason: "No answer.", RespondentSide: []string{mgr}})
	if err != nil {
		t.Fatalf("escalate naming the manager: %v", err)
	}
	if got := res.Case.Current().Respondent; !slices.Equal(got, []string{mgr}) {
		t.Errorf("respondent side = %v", got)
	}
}

// TestRoutesOutOfTheLadder: immediate risk, conference decisions under a
// protocol that sends them to its dissent procedure (Wiltshire's) and one's
// own organisation open no case.
func TestRoutesOutOfTheLadder(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "wiltshire", time.Time{})
	tests := []struct {
		name string
		edit func(*c.RaiseInput)
		want c.RouteKind
	}{
		{"immediate risk", func(in *c.RaiseInput) { in.ImmediateRisk = true }, c.RouteImmediateRisk},
		{"conference decision", func(in *c.RaiseInput) { in.About = c.AboutCPConference }, c.RouteDissent},
		{"own organisation", func(in *c.RaiseInput) { in.About = c.AboutOwnOrg }, c.RouteWhistleblowing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := bottest.Intake(f.respondent, "school", "csc")
			tt.edit(&in)
			res, err := f.Engine.Raise(ctx, f.raiser, in)
			if err != nil || res.Route != tt.want || res.Case != nil {
				t.Fatalf("raise = %+v, %v; want route %s and no case", res, err, tt.want)
			}
		})
	}
	if cs, _ := f.Store.ListCases(ctx, c.CaseFilter{}); len(cs) != 0 {
		t.Errorf("%d cases were opened", len(cs))
	}
}

// TestSeriousConcernIsLogged: a serious concern is on the timeline at once.
func TestSeriousConcernIsLogged(t *testing.T) {
	f := newFixture(t, "", time.Time{})
	in := bottest.Intake(f.respondent, "school", "csc")
	in.SeriousConcern = true
	res, err := f.Engine.Raise(context.Background(), f.raiser, in)
	if err != nil {
		t.Fatal(err)
	}
	if got := kinds(res.Events); !slices.Equal(got, []c.EventKind{c.EventRaised, c.EventSeriousConcern}) {
		t.Errorf("events = %v", got)
	}
}

// TestConcurrentNotesLoseNothing: eight people writing at once all land.
func TestConcurrentNotesLoseNothing(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "", time.Time{})
	cs := f.raise(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			actor := f.raiser
			if i%2 == 1 {
				actor = f.respondent
			}
			for j := range 5 {
				if _, err := f.Engine.AddNote(ctx, c.Cmd{Actor: actor, CaseID: cs.ID}, fmt.Sprintf("note %d-%d", i, j)); err != nil {
					t.Errorf("note: %v", err)
				}
			}
		}()
	}
	wg.Wait()
	got, err := f.Store.GetCase(ctx, cs.ID)
	if err != nil {
		t.Fatal(err)
	}
	notes := 0
	for _, e := range got.Events {
		if e.Kind == c.EventNote {
			notes++
		}
	}
	if notes != 40 || got.Version != 41 {
		t.Errorf("notes = %d, version = %d; want 40 and 41", notes, got.Version)
	}
}

// TestExtendDeadline moves the deadline by working days and records why.
func TestExtendDeadline(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "", time.Time{})
	cs := f.raise(t)
	res, err := f.Engine.ExtendDeadline(ctx, c.Cmd{Actor: f.respondent, CaseID: cs.ID}, 3, "Waiting for the school nurse's report.")
	if err != nil {
		t.Fatal(err)
	}
	want := f.Calendar.AddWorkingDays(cs.Current().Deadline, 3)
	if got := res.Case.Current().Deadline; !got.Equal(want) {
		t.Errorf("deadline = %s, want %s", got, want)
	}
	if e := res.Events[0]; e.Kind != c.EventDeadlineExtended || e.Text == "" || e.Fields["days"] != "3" {
		t.Errorf("event = %+v", e)
	}
}

// TestNotesAndResponsesNeverConflict: a note or a response typed while the
// other side acted is saved, whatever version the form showed; a step that
// changes where the case stands is still refused on a stale version.
func TestNotesAndResponsesNeverConflict(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name     string
		do       func(f *fixture, cs *c.Case) (*c.Result, error)
		wantCode string
		wantKind c.EventKind
	}{
		{"note by the raiser", func(f *fixture, cs *c.Case) (*c.Result, error) {
			return f.Engine.AddNote(ctx, c.Cmd{Actor: f.raiser, CaseID: cs.ID, Version: cs.Version}, "Spoke to the school nurse today.")
		}, "", c.EventNote},
		{"response by the respondent", func(f *fixture, cs *c.Case) (*c.Result, error) {
			return f.Engine.Respond(ctx, c.Cmd{Actor: f.respondent, CaseID: cs.ID, Version: cs.Version}, "We will look at it again.")
		}, "", c.EventResponse},
		{"proposal on a stale card", func(f *fixture, cs *c.Case) (*c.Result, error) {
			return f.Engine.ProposeResolution(ctx, c.Cmd{Actor: f.raiser, CaseID: cs.ID, Version: cs.Version}, "Early help assessment.", nil)
		}, c.ECONFLICT, ""},
		{"escalation on a stale card", func(f *fixture, cs *c.Case) (*c.Result, error) {
			return f.Engine.Escalate(ctx, c.Cmd{Actor: f.raiser, CaseID: cs.ID, Version: cs.Version}, c.EscalateInput{Reason: "No progress."})
		}, c.ECONFLICT, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, "", time.Time{})
			cs := f.raise(t) // the form opens on this version
			// Meanwhile the other side acts.
			if _, err := f.Engine.Acknowledge(ctx, c.Cmd{Actor: f.respondent, CaseID: cs.ID, Version: cs.Version}); err != nil {
				t.Fatalf("acknowledge: %v", err)
			}
			if _, err := f.Engine.AddNote(ctx, c.Cmd{Actor: f.raiser, CaseID: cs.ID}, "Chased by phone."); err != nil {
				t.Fatalf("note: %v", err)
			}
			before, _ := f.Store.GetCase(ctx, cs.ID)
			res, err := tt.do(f, cs)
			if got := c.ErrorCode(err); got != tt.wantCode {
				t.Fatalf("code = %q (%v), want %q", got, err, tt.wantCode)
			}
			after, _ := f.Store.GetCase(ctx, cs.ID)
			if tt.wantCode != "" {
				if after.Version != before.Version {
					t.Errorf("a refused stale step changed the case: version %d→%d", before.Version, after.Version)
				}
				return
			}
			last := after.Events[len(after.Events)-1]
			if last.Kind != tt.wantKind || res.Events[len(res.Events)-1].Kind != tt.wantKind {
				t.Errorf("last event = %s, want the %s saved", last.Kind, tt.wantKind)
			}
		})
	}
}

// TestConferenceDecisionsPerPreset: a child protection conference decision
// leads out to the dissent procedure only under a protocol whose document
// says so (Wiltshire 001: "Where your disagreement relates to a decision
// made at a Child Protection Conference follow the Dissent Procedure").
// Under every other preset it opens a case in the protocol's conference
// category: Rotherham's names conferences in its scope, and Devon's
// documents, Plymouth's tips and the generic preset name no dissent
// procedure to send anyone to.
func TestConferenceDecisionsPerPreset(t *testing.T) {
	tests := []struct {
		preset   string
		route    c.RouteKind
		category string
	}{
		{"wiltshire", c.RouteDissent, ""},
		{"devon", "", "conferences"},
		{"rotherham", "", "meetings"},
		{"plymouth", "", "meetings"},
		{"generic", "", "meetings"},
	}
	for _, tt := range tests {
		t.Run(tt.preset, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, tt.preset, time.Time{})
			// Whichever answer the intake offered for a conference decision.
			var about string
			for _, fd := range c.IntakeForm(f.Engine.Protocol, nil).Fields {
				if fd.Key == c.FieldAbout {
					about = fd.Options[1].Value
				}
			}
			in := bottest.Intake(f.respondent, "school", "csc")
			in.About = about
			in.Category = f.Engine.Protocol.Categories[0].Key
			res, err := f.Engine.Raise(ctx, f.raiser, in)
			if err != nil {
				t.Fatal(err)
			}
			if res.Route != tt.route {
				t.Fatalf("route = %q, want %q", res.Route, tt.route)
			}
			if tt.route != "" {
				if res.Case != nil {
					t.Errorf("a case was opened: %s", res.Case.ID)
				}
				return
			}
			if res.Case == nil || res.Case.Category != tt.category {
				t.Fatalf("case = %+v, want one in category %q", res.Case, tt.category)
			}
			if f.Engine.Protocol.ConferenceGuidance(res.Case.Category) == "" {
				t.Error("no conference guidance for the case")
			}
		})
	}
}
