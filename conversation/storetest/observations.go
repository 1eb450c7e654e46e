package storetest

import (
	"context"
	"slices"
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

// testObservationRetention: the retention purge deletes the observations
// logged more than the retention period ago and keeps the rest (a dry run
// only counts them), and they stay gone after a restart.
func testObservationRetention(t *testing.T, open Opener) {
	h := newHarness(t, open)
	ctx := context.Background()
	st := h.s.(conversation.ObservationStore)
	const day = 24 * time.Hour
	keep := 365 * day
	logged := []conversation.Observation{
		{At: t0.Add(-400 * day), By: "chair@example.org", AgencyA: "csc", AgencyB: "police", Meeting: conversation.MeetingConference, Category: "threshold", Description: "Oldest: past retention."},
		{At: t0.Add(-keep - time.Minute), By: "iro@example.org", AgencyA: "health", AgencyB: "school", Meeting: conversation.MeetingReview, Category: "communication", Description: "Just past retention."},
		{At: t0.Add(-keep + time.Minute), By: "chair@example.org", AgencyA: "csc", AgencyB: "school", Meeting: conversation.MeetingConference, Category: "roles", Description: "Just inside retention."},
		{At: t0.Add(-day), By: "iro@example.org", AgencyA: "csc", AgencyB: "health", Meeting: conversation.MeetingReview, Category: "threshold", Description: "Yesterday."},
	}
	for i := range logged {
		if err := st.AddObservation(ctx, &logged[i]); err != nil {
			t.Fatalf("AddObservation: %v", err)
		}
	}
	kept := func() []string {
		t.Helper()
		got, err := h.s.(conversation.ObservationStore).Observations(ctx, t0.Add(-1000*day), t0.Add(day))
		if err != nil {
			t.Fatalf("Observations: %v", err)
		}
		var ids []string
		for _, o := range got {
			ids = append(ids, o.ID)
		}
		return ids
	}
	all := []string{logged[0].ID, logged[1].ID, logged[2].ID, logged[3].ID}
	e := &conversation.Engine{Store: h.s, Now: func() time.Time { return t0 }}
	for _, tc := range []struct {
		name   string
		dryRun bool
		want   []string
	}{
		{"dry run", true, all},
		{"purge", false, all[2:]},
	} {
		rep, err := e.Purge(ctx, keep, tc.dryRun)
		if err != nil {
			t.Fatalf("%s: Purge: %v", tc.name, err)
		}
		if rep.Observations != 2 {
			t.Errorf("%s: the report counts %d observations past retention, want 2", tc.name, rep.Observations)
		}
		if got := kept(); !slices.Equal(got, tc.want) {
			t.Errorf("%s: observations kept %v, want %v", tc.name, got, tc.want)
		}
	}
	rep, err := e.Purge(ctx, keep, false)
	if err != nil || rep.Observations != 0 {
		t.Errorf("a second purge: %d observations deleted, %v; want none", rep.Observations, err)
	}
	h.restart()
	if got := kept(); !slices.Equal(got, all[2:]) {
		t.Errorf("after a restart: observations kept %v, want %v", got, all[2:])
	}
}
