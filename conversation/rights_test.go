package conversation_test

import (
	"context"
	"slices"
	"testing"
	"time"

	c "github.com/resolvebot/resolvebot/conversation"
)

// TestAnsweringSideAcknowledgesBeforeTakingItFurther: before the answering
// side has acknowledged a stage they cannot escalate it, refer it or ask for
// mediation (the engine refuses and nothing changes); once they have, they
// can. The raising side can take an unanswered case up at any time.
func TestAnsweringSideAcknowledgesBeforeTakingItFurther(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "", time.Time{})
	cs := f.raise(t)
	respondent := c.Actor{ID: f.respondent}
	for _, v := range []c.Verb{c.VerbEscalate, c.VerbRefer} {
		if err := p(f).Allowed(cs, respondent, v); c.ErrorCode(err) != c.EINVALID {
			t.Errorf("respondent %s before acknowledging: %v, want EINVALID", v, err)
		}
		if slices.Contains(p(f).AllowedVerbs(cs, respondent), v) {
			t.Errorf("AllowedVerbs offers %s before acknowledging", v)
		}
	}
	_, err := f.Engine.Escalate(ctx, c.Cmd{Actor: f.respondent, CaseID: cs.ID}, c.EscalateInput{Reason: "Not mine to answer."})
	if c.ErrorCode(err) != c.EINVALID {
		t.Fatalf("respondent escalating before acknowledging: %v, want EINVALID", err)
	}
	_, err = f.Engine.ReferToPartnership(ctx, c.Cmd{Actor: f.respondent, CaseID: cs.ID}, "Straight to the partnership.")
	if c.ErrorCode(err) != c.EINVALID {
		t.Fatalf("respondent referring before acknowledging: %v, want EINVALID", err)
	}
	if got, _ := f.Store.GetCase(ctx, cs.ID); got.Version != cs.Version || len(got.Stages) != 1 {
		t.Fatalf("a refused step changed the case: version %d → %d, %d stages", cs.Version, got.Version, len(got.Stages))
	}
	if err := p(f).Allowed(cs, c.Actor{ID: f.raiser}, c.VerbEscalate); err != nil {
		t.Errorf("raiser escalating an unacknowledged case: %v", err)
	}

	res, err := f.Engine.Acknowledge(ctx, c.Cmd{Actor: f.respondent, CaseID: cs.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []c.Verb{c.VerbEscalate, c.VerbRefer} {
		if err := p(f).Allowed(res.Case, respondent, v); err != nil {
			t.Errorf("respondent %s after acknowledging: %v", v, err)
		}
	}

	// At the manager stage the same holds for mediation.
	res, err = f.Engine.Escalate(ctx, c.Cmd{Actor: f.raiser, CaseID: cs.ID}, c.EscalateInput{Reason: "Still stuck."})
	if err != nil {
		t.Fatal(err)
	}
	mgr := c.Actor{ID: "csc.manager@example.org"}
	if err := p(f).Allowed(res.Case, mgr, c.VerbMediation); c.ErrorCode(err) != c.EINVALID {
		t.Errorf("respondent manager asking for mediation before acknowledging: %v, want EINVALID", err)
	}
	if err := p(f).Allowed(res.Case, c.Actor{ID: "school.manager@example.org"}, c.VerbMediation); err != nil {
		t.Errorf("raiser's manager asking for mediation: %v", err)
	}
	res, err = f.Engine.Acknowledge(ctx, c.Cmd{Actor: mgr.ID, CaseID: cs.ID})
	if err != nil {
		t.Fatal(err)
	}
	if err := p(f).Allowed(res.Case, mgr, c.VerbMediation); err != nil {
		t.Errorf("respondent manager asking for mediation after acknowledging: %v", err)
	}
}
