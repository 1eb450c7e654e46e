// Package reporttest holds the partnership report's test fixture: cases
// built so every figure of the report can be worked out by hand, shared by
// the report's tests and the dashboard's, which must show the same figures.
package reporttest

import (
	"fmt"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
)

var london = func() *time.Location {
	l, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic(err)
	}
	return l
}()

func at(m time.Month, d, h int) time.Time { return time.Date(2026, m, d, h, 0, 0, 0, london) }

// From and To are the period the fixture's figures are worked out for: May
// and June 2026, London time.
var (
	From = at(5, 1, 0)
	To   = at(7, 1, 0)
)

// resolvedOn maps a raising day and a number of working days to the day the
// resolution was confirmed, worked out by hand from a 2026 calendar: the
// second group spans the Spring bank holiday, Monday 25 May.
var resolvedOn = map[int]map[int]time.Time{
	11: {1: at(5, 12, 15), 2: at(5, 13, 15), 3: at(5, 14, 15), 6: at(5, 19, 15), 7: at(5, 20, 15), 8: at(5, 21, 15)},
	22: {1: at(5, 26, 15), 2: at(5, 27, 15), 3: at(5, 28, 15), 6: at(6, 2, 15), 7: at(6, 3, 15), 8: at(6, 4, 15)},
}

// Fixture returns 40 cases raised in May 2026 and 6 raised and resolved in
// March and April, built so every figure below can be worked out by hand:
//
//	case i raised by: school (0–15), health visiting (16–27), police (28–35), social care (36–39)
//	about: social care, except social care's own four, which are about the school
//	category: the i%7-th of the seven default categories
//	highest stage: professional, manager, senior manager, leader for i%4 = 0..3,
//	  and the partnership for i = 9, 19, 29, 39 (referred)
//	outcome: resolved when i%5 is 0, 1 or 2, after 1+i%10 working days;
//	  withdrawn when i%5 is 4 (unless referred); otherwise open
//	a deadline missed at the first stage when i%3 == 0; mediation asked for when i%8 == 7
//	a serious concern logged when i%13 == 0 (0, 13, 26, 39); in the previous
//	  period one March case is flagged with no event on its timeline
func Fixture(proto *conversation.Protocol) []*conversation.Case {
	var cases []*conversation.Case
	agencyOf := func(i int) string {
		switch {
		case i < 16:
			return "school"
		case i < 28:
			return "health-visiting"
		case i < 36:
			return "police"
		}
		return "csc"
	}
	for i := range 40 {
		day := 11
		if i >= 20 {
			day = 22 // a Friday: the bank holiday falls inside the resolution period
		}
		created := at(5, day, 10)
		c := &conversation.Case{ID: fmt.Sprintf("CR-2026-%04d", i+1), ChildRef: "CANARY-REF", Concern: "CANARY concern",
			Raiser: conversation.Party{PersonID: "r", Agency: agencyOf(i)}, Respondent: conversation.Party{PersonID: "s", Agency: "csc"},
			Category: proto.Categories[i%7].Key, CreatedAt: created, Status: conversation.StatusOpen}
		if agencyOf(i) == "csc" {
			c.Respondent.Agency = "school"
		}
		ev := func(kind conversation.EventKind, t time.Time, stage string) {
			c.Events = append(c.Events, conversation.Event{Seq: len(c.Events) + 1, Kind: kind, At: t, Stage: stage, Text: "CANARY text"})
		}
		ev(conversation.EventRaised, created, "professional")
		if i%13 == 0 {
			c.SeriousConcern = true
			ev(conversation.EventSeriousConcern, created, "professional")
		}
		top := i % 4
		for s := 0; s <= top; s++ {
			c.Stages = append(c.Stages, conversation.StageRecord{Key: proto.Stages[s].Key, StartedAt: created.Add(time.Duration(s) * time.Hour)})
			if s > 0 {
				ev(conversation.EventEscalated, created.Add(time.Duration(s)*time.Hour), proto.Stages[s].Key)
			}
		}
		if i%3 == 0 {
			ev(conversation.EventDeadlineMissed, created.Add(5*time.Hour), "professional")
		}
		if i%8 == 7 {
			ev(conversation.EventMediationRequested, created.Add(6*time.Hour), c.Stages[len(c.Stages)-1].Key)
		}
		switch {
		case i%10 == 9:
			c.Stages = append(c.Stages, conversation.StageRecord{Key: conversation.ReferralStageKey, StartedAt: created.Add(7 * time.Hour)})
			ev(conversation.EventReferred, created.Add(7*time.Hour), conversation.ReferralStageKey)
			c.Status = conversation.StatusReferred
		case i%5 <= 2:
			ev(conversation.EventResolutionConfirmed, resolvedOn[day][1+i%10], c.Stages[len(c.Stages)-1].Key)
			c.Status = conversation.StatusResolved
		case i%5 == 4:
			ev(conversation.EventWithdrawn, created.Add(8*time.Hour), c.Stages[len(c.Stages)-1].Key)
			c.Status = conversation.StatusWithdrawn
		}
		cases = append(cases, c)
	}
	for i := range 6 { // the previous period: two in March, four in April, all resolved in it
		m := time.March
		if i >= 2 {
			m = time.April
		}
		created := at(m, 9+i, 10)
		c := &conversation.Case{ID: fmt.Sprintf("CR-2026-%04d", 100+i), CreatedAt: created, Category: "roles", Status: conversation.StatusResolved,
			Raiser: conversation.Party{Agency: "school"}, Respondent: conversation.Party{Agency: "csc"},
			Stages: []conversation.StageRecord{{Key: "professional", StartedAt: created}}}
		c.Events = []conversation.Event{{Seq: 1, Kind: conversation.EventRaised, At: created},
			{Seq: 2, Kind: conversation.EventResolutionConfirmed, At: created.AddDate(0, 0, 2)}}
		c.SeriousConcern = i == 0
		cases = append(cases, c)
	}
	return cases
}
