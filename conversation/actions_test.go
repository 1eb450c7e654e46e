package conversation_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/bot/bottest"
	c "github.com/resolvebot/resolvebot/conversation"
)

// resolveWith takes a fresh case to a confirmed resolution with actions.
func (f *fixture) resolveWith(t *testing.T, actions ...c.ResolutionAction) *c.Case {
	t.Helper()
	ctx := context.Background()
	cs := f.raise(t)
	if _, err := f.Engine.Acknowledge(ctx, c.Cmd{Actor: f.respondent, CaseID: cs.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Engine.ProposeResolution(ctx, c.Cmd{Actor: f.respondent, CaseID: cs.ID}, "A joint visit.", actions); err != nil {
		t.Fatalf("propose: %v", err)
	}
	res, err := f.Engine.ConfirmResolution(ctx, c.Cmd{Actor: f.raiser, CaseID: cs.ID})
	if err != nil {
		t.Fatalf("confirm: %v", err)
	}
	return res.Case
}

func day(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, bottest.London) }

// TestActionSchedule: an agreed action is followed up the protocol's
// working days before (two by default), on the morning it is due, and the
// working day after; none of it before the resolution, for a closed case,
// or for an action done or with no owner.
func TestActionSchedule(t *testing.T) {
	start := time.Date(2026, 11, 23, 10, 0, 0, 0, bottest.London) // Monday
	at := func(m time.Month, d int) string { return fmt.Sprintf("%02d-%02d 09:00", m, d) }
	tests := []struct {
		name     string
		days     int // Protocol.ActionReminderDays
		due      time.Time
		owner    bool
		close    bool
		want     []string
		wantKind []c.NudgeKind
	}{
		{"default two working days, over a weekend", 0, day(11, 30), true, false,
			[]string{at(11, 26), at(11, 30), at(12, 1)}, []c.NudgeKind{c.NudgeActionBefore, c.NudgeActionDue, c.NudgeActionOverdue}},
		{"five working days", 5, day(12, 4), true, false,
			[]string{at(11, 27), at(12, 4), at(12, 7)}, []c.NudgeKind{c.NudgeActionBefore, c.NudgeActionDue, c.NudgeActionOverdue}},
		{"on the day only", -1, day(11, 30), true, false,
			[]string{at(11, 30), at(12, 1)}, []c.NudgeKind{c.NudgeActionDue, c.NudgeActionOverdue}},
		{"a reminder that would come before the resolution is left out", 0, day(11, 24), true, false,
			[]string{at(11, 24), at(11, 25)}, []c.NudgeKind{c.NudgeActionDue, c.NudgeActionOverdue}},
		{"an action with no owner the bot knows is not followed up", 0, day(11, 30), false, false, nil, nil},
		{"a closed case is not followed up", 0, day(11, 30), true, true, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, "", start)
			f.Engine.Protocol().ActionReminderDays = tc.days
			a := c.ResolutionAction{Description: "Book the visit", Owner: "Priya", Due: tc.due}
			if tc.owner {
				a.OwnerID = f.respondent
			}
			cs := f.resolveWith(t, a)
			if tc.close { // as a case closed for good (retention) is
				cs = cs.Clone()
				cs.Status = c.StatusClosed
				cs.DueAt = time.Time{}
			}
			sched := f.Engine.Nudges().Schedule(cs, f.Engine.Protocol(), f.Calendar)
			var got []string
			var kinds []c.NudgeKind
			for _, n := range sched {
				got = append(got, n.At.In(bottest.London).Format("01-02 15:04"))
				kinds = append(kinds, n.Kind)
				if n.Action != 1 {
					t.Errorf("%s is about action %d, want 1", n.Kind, n.Action)
				}
			}
			if !slices.Equal(got, tc.want) || !slices.Equal(kinds, tc.wantKind) {
				t.Errorf("schedule = %v %v, want %v %v", got, kinds, tc.want, tc.wantKind)
			}
			if tc.want == nil && !cs.DueAt.IsZero() {
				t.Errorf("nothing to follow up, yet due at %s", cs.DueAt)
			}
			if tc.want != nil && !cs.DueAt.Equal(sched[0].At) {
				t.Errorf("due index at %s, want the first follow-up %s", cs.DueAt, sched[0].At)
			}
		})
	}
}

// TestMarkActionDone: only the owner marks their action done, once; a
// number that names no action is refused; on time and late are told
// apart; the due index moves on and the owner can see the case.
func TestMarkActionDone(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "", time.Date(2026, 11, 23, 10, 0, 0, 0, bottest.London))
	olu := f.Person(t, "olu.ade@police.example.org", "Olu Ade", "police", "")
	cs := f.resolveWith(t,
		c.ResolutionAction{Description: "Book the visit", OwnerID: olu, Due: day(11, 25)},
		c.ResolutionAction{Description: "Share the notes", OwnerID: f.respondent, Due: day(11, 26)})
	if !cs.Involves(olu) {
		t.Fatal("the owner of an agreed action cannot see the case")
	}
	if got, _ := f.Engine.List(ctx, olu); len(got) != 1 {
		t.Errorf("the owner's list holds %d cases, want the one", len(got))
	}
	tests := []struct {
		name  string
		actor string
		n     int
		code  string
	}{
		{"the raiser", f.raiser, 1, c.EFORBIDDEN},
		{"the other action's owner", f.respondent, 1, c.EFORBIDDEN},
		{"no such action", olu, 3, c.EINVALID},
		{"an outsider", "school.manager@example.org", 1, c.ENOTFOUND},
		{"the owner", olu, 1, ""},
		{"the owner again", olu, 1, c.EINVALID},
	}
	for _, tc := range tests {
		_, err := f.Engine.MarkActionDone(ctx, c.Cmd{Actor: tc.actor, CaseID: cs.ID}, tc.n, "")
		if got := c.ErrorCode(err); got != tc.code {
			t.Errorf("%s: code %q (%v), want %q", tc.name, got, err, tc.code)
		}
	}
	f.Clock.Set(time.Date(2026, 11, 27, 11, 0, 0, 0, bottest.London)) // the day after action 2 was due
	res, err := f.Engine.MarkActionDone(ctx, c.Cmd{Actor: f.respondent, CaseID: cs.ID, Version: 1}, 2, "Shared by secure email.")
	if err != nil {
		t.Fatalf("a stale version refused marking done: %v", err)
	}
	got := res.Case.Resolution.Actions
	if got[0].State(f.Calendar, f.Clock.Now()) != c.ActionDoneOnTime || got[1].State(f.Calendar, f.Clock.Now()) != c.ActionDoneLate {
		t.Errorf("states %s, %s; want done on time, done late", got[0].State(f.Calendar, f.Clock.Now()), got[1].State(f.Calendar, f.Clock.Now()))
	}
	if ev := res.Events[len(res.Events)-1]; ev.Kind != c.EventActionDone || ev.Fields["action"] != "2" || ev.Fields["state"] != string(c.ActionDoneLate) {
		t.Errorf("event %+v", ev)
	}
	if !res.Case.DueAt.IsZero() {
		t.Errorf("every action done, yet due at %s", res.Case.DueAt)
	}
}

// TestRecordLearning: anyone on a resolved case may record what they
// learned and what would have prevented it, on their side; at least one
// is needed; not before resolution; not by outsiders.
func TestRecordLearning(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "", time.Date(2026, 11, 23, 10, 0, 0, 0, bottest.London))
	open := f.raise(t)
	if _, err := f.Engine.RecordLearning(ctx, c.Cmd{Actor: f.raiser, CaseID: open.ID}, c.LearningInput{Learned: "Talk sooner."}); c.ErrorCode(err) != c.EINVALID {
		t.Errorf("learning on an open case: %v", err)
	}
	cs := f.resolveWith(t)
	if _, err := f.Engine.RecordLearning(ctx, c.Cmd{Actor: f.raiser, CaseID: cs.ID}, c.LearningInput{}); c.ErrorCode(err) != c.EINVALID {
		t.Errorf("empty learning: %v", err)
	}
	if _, err := f.Engine.RecordLearning(ctx, c.Cmd{Actor: "school.manager@example.org", CaseID: cs.ID}, c.LearningInput{Learned: "x"}); c.ErrorCode(err) != c.ENOTFOUND {
		t.Errorf("an outsider's learning: %v", err)
	}
	res, err := f.Engine.RecordLearning(ctx, c.Cmd{Actor: f.respondent, CaseID: cs.ID},
		c.LearningInput{Learned: "Talk sooner.", Prevention: "A joint visit first."})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Events) != 2 || res.Events[0].Fields["kind"] != c.LearningLearned || res.Events[1].Fields["kind"] != c.LearningPrevention ||
		res.Events[0].Side != c.SideRespondent || res.Events[1].Text != "A joint visit first." {
		t.Errorf("events %+v", res.Events)
	}
}
