package conversation_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/bot/bottest"
	c "github.com/resolvebot/resolvebot/conversation"
)

// The example directory's holder of Wiltshire's serious-concern role, and
// its partnership manager.
const (
	qapChair   = "serious.concern.chair@example.org"
	partnerMgr = "partnership.manager@example.org"
)

// TestDeepDiveDecision: under Wiltshire's protocol (001, 4.1a) a serious
// concern is logged with the Chair of the WSCB QA&P Sub Group, who alone
// records whether a broader deep dive is needed, once, with a reason; the
// decision is on the timeline and the case.
func TestDeepDiveDecision(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "wiltshire", time.Time{})
	if got := f.Engine.Protocol.SeriousConcernRole(); got != "Chair of the WSCB QA&P Sub Group" {
		t.Fatalf("serious-concern role = %q", got)
	}
	in := bottest.Intake(f.respondent, "school", "csc")
	in.SeriousConcern = true
	res, err := f.Engine.Raise(ctx, f.raiser, in)
	if err != nil {
		t.Fatal(err)
	}
	id := res.Case.ID
	holders, err := f.Engine.SeriousConcernHolders(ctx)
	if err != nil || strings.Join(holders, ",") != qapChair {
		t.Fatalf("serious concern logged with %v (%v), want only the chair", holders, err)
	}
	refusals := []struct {
		name, actor, decision, reason string
		code                          string
		msg                           string
	}{
		{"the partnership manager", partnerMgr, "needed", "Pattern across schools.", c.EFORBIDDEN, "Only the Chair of the WSCB QA&P Sub Group can record whether a deep dive is needed."},
		{"the raiser", f.raiser, "needed", "I think so.", c.EFORBIDDEN, "Only the Chair of the WSCB QA&P Sub Group can record whether a deep dive is needed."},
		{"no decision", qapChair, "", "A reason.", c.EINVALID, "Some answers"},
		{"an unreadable decision", qapChair, "perhaps", "A reason.", c.EINVALID, "Some answers"},
		{"no reason", qapChair, "needed", " ", c.EINVALID, "Some answers"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.Engine.DecideDeepDive(ctx, c.Cmd{Actor: tt.actor, CaseID: id}, tt.decision, tt.reason)
			if c.ErrorCode(err) != tt.code || !strings.Contains(said(err), tt.msg) {
				t.Errorf("err = %v (%s), want %s %q", err, c.ErrorCode(err), tt.code, tt.msg)
			}
		})
	}
	res, err = f.Engine.DecideDeepDive(ctx, c.Cmd{Actor: qapChair, CaseID: id}, "not needed", "A single-agency issue already being reviewed.")
	if err != nil {
		t.Fatal(err)
	}
	if res.Case.DeepDive != c.DeepDiveNotNeeded || len(res.Events) != 1 {
		t.Fatalf("deep dive = %q, events %+v", res.Case.DeepDive, res.Events)
	}
	e := res.Events[0]
	if e.Kind != c.EventDeepDiveDecided || e.Fields["decision"] != c.DeepDiveNotNeeded || e.Actor != qapChair || e.Text != "A single-agency issue already being reviewed." {
		t.Errorf("event = %+v", e)
	}
	_, err = f.Engine.DecideDeepDive(ctx, c.Cmd{Actor: qapChair, CaseID: id}, "needed", "Changed my mind.")
	if c.ErrorCode(err) != c.EINVALID || !strings.Contains(said(err), "already recorded") {
		t.Errorf("a second decision: %v", err)
	}
}

// TestDeepDiveOnlyWhereTheProtocolSaysSo: a protocol that names no
// serious-concern role logs a serious concern with every partnership role
// and records no deep-dive decision; a case that is no serious concern has
// none to make.
func TestDeepDiveOnlyWhereTheProtocolSaysSo(t *testing.T) {
	ctx := context.Background()
	for _, preset := range []string{"devon", "rotherham", "plymouth", "generic"} {
		t.Run(preset, func(t *testing.T) {
			f := newFixture(t, preset, time.Time{})
			in := bottest.Intake(f.respondent, "school", "csc")
			in.Category = f.Engine.Protocol.Categories[0].Key
			in.SeriousConcern = true
			res, err := f.Engine.Raise(ctx, f.raiser, in)
			if err != nil {
				t.Fatal(err)
			}
			holders, _ := f.Engine.SeriousConcernHolders(ctx)
			if strings.Join(holders, ",") != partnerMgr {
				t.Errorf("logged with %v, want every partnership role", holders)
			}
			_, err = f.Engine.DecideDeepDive(ctx, c.Cmd{Actor: partnerMgr, CaseID: res.Case.ID}, "needed", "A reason.")
			if c.ErrorCode(err) != c.EINVALID {
				t.Errorf("deep dive under %s: %v", preset, err)
			}
		})
	}
	f := newFixture(t, "wiltshire", time.Time{})
	cs := f.raise(t)
	if _, err := f.Engine.DecideDeepDive(ctx, c.Cmd{Actor: qapChair, CaseID: cs.ID}, "needed", "A reason."); c.ErrorCode(err) != c.EINVALID ||
		!strings.Contains(said(err), "not logged as a serious concern") {
		t.Errorf("deep dive on an ordinary case: %v", err)
	}
}

// TestDeepDiveDecisionEndsTheWait: a serious concern waits on the
// partnership until its deep-dive decision is recorded.
func TestDeepDiveDecisionEndsTheWait(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "wiltshire", time.Time{})
	in := bottest.Intake(f.respondent, "school", "csc")
	in.SeriousConcern = true
	res, err := f.Engine.Raise(ctx, f.raiser, in)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.PartnershipAttention(res.Case); got != c.AttentionSerious {
		t.Fatalf("attention = %q before the decision", got)
	}
	res, err = f.Engine.DecideDeepDive(ctx, c.Cmd{Actor: qapChair, CaseID: res.Case.ID}, "yes", "A pattern across schools.")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.PartnershipAttention(res.Case); got != c.AttentionNone {
		t.Errorf("attention = %q after the decision", got)
	}
}
