package bottest

import (
	"context"
	"testing"

	"github.com/resolvebot/resolvebot/conversation"
)

// RoleCases are cases set up for what partnership roles and safeguarding
// leads see: one referred to the partnership, one logged as a serious
// concern, one merely open (all three between the school and social care),
// and one between the police and health visiting.
type RoleCases struct {
	Referred, Serious, Open, Elsewhere *conversation.Case
}

// RoleCases raises the cases of RoleCases in the demo directory's agencies,
// with practitioners of their own, and refers the first to the
// partnership. The messages those steps left in the outbox are discarded:
// tests of what people see next start from a quiet outbox. It fails the
// test on any refusal.
func (e *Env) RoleCases(tb testing.TB) RoleCases {
	tb.Helper()
	ctx := context.Background()
	teacher := e.Person(tb, "robin.hale@school.example.org", "Robin Hale", "school", "school.manager@example.org")
	worker := e.Person(tb, "kim.lowe@csc.example.org", "Kim Lowe", "csc", "csc.manager@example.org")
	officer := e.Person(tb, "lee.ward@police.example.org", "Lee Ward", "police", "police.manager@example.org")
	visitor := e.Person(tb, "ash.bell@hv.example.org", "Ash Bell", "health-visiting", "health-visiting.manager@example.org")
	raise := func(raiser, respondent, from, to string, serious bool) *conversation.Case {
		in := Intake(respondent, from, to)
		in.SeriousConcern = serious
		res, err := e.Engine.Raise(ctx, raiser, in)
		if err != nil {
			tb.Fatalf("raise: %v", err)
		}
		return res.Case
	}
	var rc RoleCases
	rc.Referred = raise(teacher, worker, "school", "csc", false)
	res, err := e.Engine.ReferToPartnership(ctx, conversation.Cmd{Actor: teacher, CaseID: rc.Referred.ID},
		"Social care and the school cannot agree whether the threshold is met.")
	if err != nil {
		tb.Fatalf("refer: %v", err)
	}
	rc.Referred = res.Case
	rc.Serious = raise(teacher, worker, "school", "csc", true)
	rc.Open = raise(teacher, worker, "school", "csc", false)
	rc.Elsewhere = raise(officer, visitor, "police", "health-visiting", false)
	e.Discard(tb)
	return rc
}
