package conversation_test

import (
	"testing"

	c "github.com/resolvebot/resolvebot/conversation"
)

// TestPartnershipRights: a partnership role of a deployment of one sees and
// acts on every case; on a deployment of several it acts on its own
// partnership's cases, reads those that cross into its partnership, and
// sees no other; the case's own people keep their rights.
func TestPartnershipRights(t *testing.T) {
	stages := []c.StageRecord{{Key: "professional", Raiser: []string{"ann@x"}}}
	own := &c.Case{ID: "CR-2026-0001", Partnership: "wiltshire", Raiser: c.Party{PersonID: "ann@x", Agency: "wilts-school"}, Status: c.StatusOpen, Stages: stages}
	cross := &c.Case{ID: "CR-2026-0002", Partnership: "wiltshire", CrossBorderPartnership: "devon", Raiser: c.Party{PersonID: "ann@x"}, Status: c.StatusOpen, Stages: stages}
	for _, tc := range []struct {
		name      string
		a         c.Actor
		k         *c.Case
		see, act  bool
		closeCode string // the code of closing it ("" when allowed)
	}{
		{"one partnership's role", c.Actor{ID: "m@x", Partnership: true}, own, true, true, ""},
		{"own partnership's role", c.Actor{ID: "m@x", Partnership: true, PartnershipIDs: []string{"wiltshire"}}, own, true, true, ""},
		{"other partnership's role", c.Actor{ID: "m@x", Partnership: true, PartnershipIDs: []string{"devon"}}, own, false, false, c.ENOTFOUND},
		{"no partnership's role", c.Actor{ID: "m@x", Partnership: true, PartnershipIDs: []string{}}, own, false, false, c.ENOTFOUND},
		{"raising partnership's role, cross-border", c.Actor{ID: "m@x", Partnership: true, PartnershipIDs: []string{"wiltshire"}}, cross, true, true, ""},
		{"other partnership's role, cross-border", c.Actor{ID: "m@x", Partnership: true, PartnershipIDs: []string{"devon"}}, cross, true, false, c.EFORBIDDEN},
		{"role in both, cross-border", c.Actor{ID: "m@x", Partnership: true, PartnershipIDs: []string{"devon", "wiltshire"}}, cross, true, true, ""},
		{"the raiser, no role", c.Actor{ID: "ann@x", PartnershipIDs: []string{}}, cross, true, true, c.EFORBIDDEN},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.CanSee(tc.k, tc.a); got != tc.see {
				t.Errorf("CanSee = %v, want %v", got, tc.see)
			}
			if got := c.CanAct(tc.k, tc.a); got != tc.act {
				t.Errorf("CanAct = %v, want %v", got, tc.act)
			}
			p := &c.Protocol{}
			if got := c.ErrorCode(p.Allowed(tc.k, tc.a, c.VerbClose)); got != tc.closeCode {
				t.Errorf("close: code %q, want %q", got, tc.closeCode)
			}
		})
	}
}
