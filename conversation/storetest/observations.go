package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
)

// testObservations: observations of inter-agency differences are kept with
// an id each, read back by period in the order they were logged with every
// field as written, and survive a restart.
func testObservations(t *testing.T, open Opener) {
	h := newHarness(t, open)
	ctx := context.Background()
	st, ok := h.s.(conversation.ObservationStore)
	if !ok {
		t.Fatalf("%T keeps no observations (conversation.ObservationStore)", h.s)
	}
	logged := []conversation.Observation{
		{At: t0, By: "chair@example.org", AgencyA: "csc", AgencyB: "police", Meeting: conversation.MeetingConference, Category: "threshold", Description: "Police did not attend; disagreement on the plan's level."},
		{At: t0.Add(time.Hour), By: "iro@example.org", AgencyA: "health", AgencyB: "school", Meeting: conversation.MeetingReview, Category: "communication", Description: "Reports were not shared before the review."},
		{At: t0.Add(48 * time.Hour), By: "chair@example.org", AgencyA: "csc", AgencyB: "school", Meeting: conversation.MeetingConference, Category: "roles", Description: "Who leads the core group."},
	}
	ids := map[string]bool{}
	for i := range logged {
		o := logged[i]
		if err := st.AddObservation(ctx, &o); err != nil {
			t.Fatalf("AddObservation: %v", err)
		}
		if !strings.HasPrefix(o.ID, "OB-2026-") || ids[o.ID] {
			t.Fatalf("observation id %q: want a new OB-2026-… id", o.ID)
		}
		ids[o.ID] = true
		logged[i].ID = o.ID
	}
	check := func(from, to time.Time, want ...conversation.Observation) {
		t.Helper()
		st := h.s.(conversation.ObservationStore)
		got, err := st.Observations(ctx, from, to)
		if err != nil {
			t.Fatalf("Observations: %v", err)
		}
		if len(got) != len(want) {
			t.Fatalf("Observations(%s, %s) = %d observations, want %d", from, to, len(got), len(want))
		}
		for i := range want {
			g, w := got[i], want[i]
			if g.ID != w.ID || !g.At.Equal(w.At) || g.By != w.By || g.AgencyA != w.AgencyA || g.AgencyB != w.AgencyB ||
				g.Meeting != w.Meeting || g.Category != w.Category || g.Description != w.Description {
				t.Errorf("observation %d = %+v, want %+v", i, g, w)
			}
		}
	}
	day := t0.Truncate(24 * time.Hour)
	check(day, day.Add(24*time.Hour), logged[0], logged[1])
	check(t0.Add(time.Hour), t0.Add(72*time.Hour), logged[1], logged[2])
	check(t0.Add(-time.Hour), t0) // the end of a period is not in it
	h.restart()
	check(day, day.Add(7*24*time.Hour), logged...)
}
