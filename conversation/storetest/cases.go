package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
)

func testCaseRoundTrip(t *testing.T, open Opener) {
	ctx := context.Background()
	tests := []struct {
		name string
		c    *conversation.Case
	}{
		{"full", fullCase("CR-2026-0001")},
		{"minimal", minimalCase("CR-2026-0002", t0)},
		{"zero times", &conversation.Case{ID: "CR-2026-0003", Status: conversation.StatusOpen}},
	}
	h := newHarness(t, open)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.c.Clone()
			must(t, h.s.CreateCase(ctx, in), "CreateCase")
			want := tt.c.Clone()
			want.Version = 1

			got, err := h.s.GetCase(ctx, tt.c.ID)
			must(t, err, "GetCase")
			sameCase(t, "GetCase after CreateCase", got, want)

			// Changing what the caller passed in or got back changes nothing stored.
			in.Concern = "changed after create"
			got.Concern = "changed"
			got.Events = append(got.Events, conversation.Event{Seq: 99, Kind: conversation.EventNote})
			for i := range got.Events {
				if got.Events[i].Fields != nil {
					got.Events[i].Fields["to_stage"] = "changed"
				}
			}
			for i := range got.Stages {
				if len(got.Stages[i].Raiser) > 0 {
					got.Stages[i].Raiser[0] = "changed"
				}
			}
			if got.Resolution != nil && len(got.Resolution.Actions) > 0 {
				got.Resolution.Actions[0].Owner = "changed"
			}
			again, err := h.s.GetCase(ctx, tt.c.ID)
			must(t, err, "GetCase again")
			sameCase(t, "GetCase after changing a returned copy", again, want)

			// An update round trip keeps every field and bumps the version.
			var passed *conversation.Case // fn may run on another goroutine: check afterwards
			updated, err := h.s.UpdateCase(ctx, tt.c.ID, func(c *conversation.Case) error {
				passed = c.Clone()
				c.Status = conversation.StatusResolved
				c.Events = append(c.Events, conversation.Event{
					Seq: len(c.Events) + 1, Kind: conversation.EventResolutionConfirmed, At: t0.Add(time.Hour),
					Fields: map[string]string{"outcome": "agreed"},
				})
				return nil
			})
			must(t, err, "UpdateCase")
			sameCase(t, "case passed to fn", passed, want)
			want.Version = 2
			want.Status = conversation.StatusResolved
			want.Events = append(want.Events, conversation.Event{
				Seq: len(want.Events) + 1, Kind: conversation.EventResolutionConfirmed, At: t0.Add(time.Hour),
				Fields: map[string]string{"outcome": "agreed"},
			})
			sameCase(t, "case returned by UpdateCase", updated, want)
			updated.Concern = "changed after update"
			got, err = h.s.GetCase(ctx, tt.c.ID)
			must(t, err, "GetCase after UpdateCase")
			sameCase(t, "GetCase after UpdateCase", got, want)
		})
	}
}

func testCaseErrors(t *testing.T, open Opener) {
	ctx := context.Background()
	h := newHarness(t, open)
	must(t, h.s.CreateCase(ctx, minimalCase("CR-2026-0001", t0)), "CreateCase")

	t.Run("create existing is a conflict", func(t *testing.T) {
		c := minimalCase("CR-2026-0001", t0.Add(time.Hour))
		c.Concern = "second"
		wantCode(t, h.s.CreateCase(ctx, c), conversation.ECONFLICT, "CreateCase of an existing id")
		got, err := h.s.GetCase(ctx, "CR-2026-0001")
		must(t, err, "GetCase")
		if got.Concern != "" || got.Version != 1 {
			t.Fatalf("the failed CreateCase overwrote the case: version %d", got.Version)
		}
	})
	t.Run("get unknown", func(t *testing.T) {
		_, err := h.s.GetCase(ctx, "CR-2026-9999")
		wantCode(t, err, conversation.ENOTFOUND, "GetCase of an unknown id")
	})
	t.Run("update unknown", func(t *testing.T) {
		called := false
		_, err := h.s.UpdateCase(ctx, "CR-2026-9999", func(*conversation.Case) error { called = true; return nil })
		wantCode(t, err, conversation.ENOTFOUND, "UpdateCase of an unknown id")
		if called {
			t.Fatal("UpdateCase called fn for an unknown case")
		}
	})
	t.Run("fn error returned unchanged and nothing written", func(t *testing.T) {
		before, err := h.s.GetCase(ctx, "CR-2026-0001")
		must(t, err, "GetCase")
		_, err = h.s.UpdateCase(ctx, "CR-2026-0001", func(c *conversation.Case) error {
			c.Status = conversation.StatusClosed
			c.DueAt = t0
			c.Events = append(c.Events, conversation.Event{Seq: 1, Kind: conversation.EventClosed})
			return errFromFn
		})
		if err != errFromFn {
			t.Fatalf("UpdateCase returned %v, want the fn's error unchanged", err)
		}
		after, err := h.s.GetCase(ctx, "CR-2026-0001")
		must(t, err, "GetCase")
		sameCase(t, "case after a failed UpdateCase", after, before)
		due, err := h.s.DueBefore(ctx, t0.Add(time.Hour), 0)
		must(t, err, "DueBefore")
		if len(due) != 0 {
			t.Fatalf("a failed UpdateCase changed the due index: %v", due)
		}
	})
}

func testUpdateVersions(t *testing.T, open Opener) {
	ctx := context.Background()
	h := newHarness(t, open)
	c := minimalCase("CR-2026-0001", t0)
	c.Version = 42 // the store sets the version, whatever the caller passes
	must(t, h.s.CreateCase(ctx, c), "CreateCase")
	got, err := h.s.GetCase(ctx, c.ID)
	must(t, err, "GetCase")
	if got.Version != 1 {
		t.Fatalf("Version after CreateCase = %d, want 1", got.Version)
	}
	for want := int64(2); want <= 5; want++ {
		updated, err := h.s.UpdateCase(ctx, c.ID, func(c *conversation.Case) error {
			c.Version = 1000 // ignored: the store owns the version
			c.Events = append(c.Events, conversation.Event{Seq: len(c.Events) + 1, Kind: conversation.EventNote})
			return nil
		})
		must(t, err, "UpdateCase")
		if updated.Version != want {
			t.Fatalf("Version returned by UpdateCase = %d, want %d", updated.Version, want)
		}
		got, err := h.s.GetCase(ctx, c.ID)
		must(t, err, "GetCase")
		if got.Version != want {
			t.Fatalf("stored Version = %d, want %d", got.Version, want)
		}
	}
}

func testUpdateConcurrent(t *testing.T, open Opener) {
	ctx := context.Background()
	h := newHarness(t, open)
	const workers, each = 8, 25
	must(t, h.s.CreateCase(ctx, minimalCase("CR-2026-0001", t0)), "CreateCase")
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				_, err := h.s.UpdateCase(ctx, "CR-2026-0001", func(c *conversation.Case) error {
					c.Events = append(c.Events, conversation.Event{
						Seq: len(c.Events) + 1, Kind: conversation.EventNote, At: t0,
						Fields: map[string]string{"note": fmt.Sprintf("%d-%d", w, i)},
					})
					return nil
				})
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("UpdateCase: %v", err)
	}
	got, err := h.s.GetCase(ctx, "CR-2026-0001")
	must(t, err, "GetCase")
	if got.Version != workers*each+1 {
		t.Errorf("Version = %d, want %d", got.Version, workers*each+1)
	}
	if len(got.Events) != workers*each {
		t.Fatalf("%d events, want %d", len(got.Events), workers*each)
	}
	seen := map[string]bool{}
	for i, e := range got.Events {
		if e.Seq != i+1 {
			t.Fatalf("event %d has Seq %d: an update read a stale case", i, e.Seq)
		}
		seen[e.Fields["note"]] = true
	}
	for w := range workers {
		for i := range each {
			if !seen[fmt.Sprintf("%d-%d", w, i)] {
				t.Fatalf("note %d-%d was lost", w, i)
			}
		}
	}
}

// dueIDs returns the case ids of items.
func dueIDs(items []conversation.DueItem) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.CaseID
	}
	return out
}

func testDueIndex(t *testing.T, open Opener) {
	ctx := context.Background()
	h := newHarness(t, open)
	due := map[string]time.Time{
		"CR-2026-0001": t0.Add(2 * time.Hour),
		"CR-2026-0002": t0.Add(1 * time.Hour),
		"CR-2026-0003": t0.Add(3 * time.Hour),
		"CR-2026-0004": t0.Add(2 * time.Hour), // ties with 0001: ordered by id
		"CR-2026-0005": {},                    // nothing due
		"CR-2026-0006": t0.Add(time.Hour + time.Nanosecond),
		"CR-2026-0007": t0.Add(-1000 * time.Hour), // long overdue
	}
	for id, at := range due {
		c := minimalCase(id, t0)
		c.DueAt = at
		must(t, h.s.CreateCase(ctx, c), "CreateCase")
	}
	tests := []struct {
		name  string
		t     time.Time
		limit int
		want  []string
	}{
		{"nothing due before the earliest", t0.Add(-1001 * time.Hour), 10, nil},
		{"at the exact due time", t0.Add(-1000 * time.Hour), 10, []string{"CR-2026-0007"}},
		{"nanosecond before", t0.Add(time.Hour + time.Nanosecond - 1), 10, []string{"CR-2026-0007", "CR-2026-0002"}},
		{"nanosecond precision", t0.Add(time.Hour + time.Nanosecond), 10, []string{"CR-2026-0007", "CR-2026-0002", "CR-2026-0006"}},
		{"ties ordered by id", t0.Add(2 * time.Hour), 10, []string{"CR-2026-0007", "CR-2026-0002", "CR-2026-0006", "CR-2026-0001", "CR-2026-0004"}},
		{"limit honoured", t0.Add(2 * time.Hour), 2, []string{"CR-2026-0007", "CR-2026-0002"}},
		{"limit 1", t0.Add(10 * time.Hour), 1, []string{"CR-2026-0007"}},
		{"all due", t0.Add(10 * time.Hour), 100, []string{"CR-2026-0007", "CR-2026-0002", "CR-2026-0006", "CR-2026-0001", "CR-2026-0004", "CR-2026-0003"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, err := h.s.DueBefore(ctx, tt.t, tt.limit)
			must(t, err, "DueBefore")
			if got := dueIDs(items); !slices.Equal(got, tt.want) {
				t.Fatalf("DueBefore = %v, want %v", got, tt.want)
			}
			for _, it := range items {
				if !it.DueAt.Equal(due[it.CaseID]) {
					t.Fatalf("DueItem %s has DueAt %v, want %v", it.CaseID, it.DueAt, due[it.CaseID])
				}
			}
		})
	}
}

func testDueFollowsUpdates(t *testing.T, open Opener) {
	ctx := context.Background()
	h := newHarness(t, open)
	for i, at := range []time.Time{t0.Add(time.Hour), t0.Add(2 * time.Hour), {}} {
		c := minimalCase(fmt.Sprintf("CR-2026-000%d", i+1), t0)
		c.DueAt = at
		must(t, h.s.CreateCase(ctx, c), "CreateCase")
	}
	setDue := func(id string, at time.Time) {
		t.Helper()
		_, err := h.s.UpdateCase(ctx, id, func(c *conversation.Case) error { c.DueAt = at; return nil })
		must(t, err, "UpdateCase "+id)
	}
	check := func(step string, want ...string) {
		t.Helper()
		items, err := h.s.DueBefore(ctx, t0.Add(1000*time.Hour), 0)
		must(t, err, "DueBefore")
		if got := dueIDs(items); !slices.Equal(got, want) {
			t.Fatalf("%s: DueBefore = %v, want %v", step, got, want)
		}
	}
	check("after create", "CR-2026-0001", "CR-2026-0002")
	setDue("CR-2026-0001", t0.Add(3*time.Hour))
	check("after moving 0001 later", "CR-2026-0002", "CR-2026-0001")
	setDue("CR-2026-0002", time.Time{})
	check("after clearing 0002", "CR-2026-0001")
	setDue("CR-2026-0003", t0)
	check("after setting 0003", "CR-2026-0003", "CR-2026-0001")
	_, err := h.s.UpdateCase(ctx, "CR-2026-0001", func(c *conversation.Case) error {
		c.Status = conversation.StatusResolved // DueAt unchanged: entry stays
		return nil
	})
	must(t, err, "UpdateCase")
	check("after an update not touching DueAt", "CR-2026-0003", "CR-2026-0001")
	items, err := h.s.DueBefore(ctx, t0.Add(3*time.Hour), 0)
	must(t, err, "DueBefore")
	if len(items) != 2 || !items[1].DueAt.Equal(t0.Add(3*time.Hour)) {
		t.Fatalf("moved entry has the wrong DueAt: %v", items)
	}
	setDue("CR-2026-0003", time.Time{})
	setDue("CR-2026-0001", time.Time{})
	check("after clearing all")
}

func testDueManyNotDue(t *testing.T, open Opener) {
	ctx := context.Background()
	h := newHarness(t, open)
	want := seedDue(t, h.s, 2000, 5)
	items, err := h.s.DueBefore(ctx, t0, 100)
	must(t, err, "DueBefore")
	if got := dueIDs(items); !slices.Equal(got, want) {
		t.Fatalf("DueBefore = %v, want %v", got, want)
	}
	items, err = h.s.DueBefore(ctx, t0, 3)
	must(t, err, "DueBefore")
	if got := dueIDs(items); !slices.Equal(got, want[:3]) {
		t.Fatalf("DueBefore with limit 3 = %v, want %v", got, want[:3])
	}
}

func testListCases(t *testing.T, open Opener) {
	ctx := context.Background()
	h := newHarness(t, open)
	mk := func(id string, hoursAfter int, raiser, respondent string, stagePeople []string, st conversation.Status) *conversation.Case {
		c := minimalCase(id, t0.Add(time.Duration(hoursAfter)*time.Hour))
		c.Raiser.PersonID, c.Respondent.PersonID = raiser, respondent
		c.Status = st
		if stagePeople != nil {
			c.Stages = []conversation.StageRecord{{Key: "professional", Raiser: []string{raiser}, Respondent: []string{respondent}},
				{Key: "manager", Raiser: stagePeople[:1], Respondent: stagePeople[1:]}}
		}
		return c
	}
	// Created out of order, so ordering by CreatedAt is not insertion order.
	for _, c := range []*conversation.Case{
		mk("CR-2026-0001", 3, "ann", "bob", nil, conversation.StatusOpen),
		mk("CR-2026-0002", 1, "cat", "dan", []string{"eve", "ann"}, conversation.StatusResolved),
		mk("CR-2026-0003", 5, "bob", "cat", nil, conversation.StatusReferred),
		mk("CR-2026-0004", 2, "dan", "eve", nil, conversation.StatusOpen),
		mk("CR-2026-0005", 4, "fay", "gus", []string{"hal", "ivy"}, conversation.StatusWithdrawn),
	} {
		must(t, h.s.CreateCase(ctx, c), "CreateCase")
	}
	tests := []struct {
		name string
		f    conversation.CaseFilter
		want []string
	}{
		{"all newest first", conversation.CaseFilter{}, []string{"CR-2026-0003", "CR-2026-0005", "CR-2026-0001", "CR-2026-0004", "CR-2026-0002"}},
		{"limit", conversation.CaseFilter{Limit: 2}, []string{"CR-2026-0003", "CR-2026-0005"}},
		{"person as party", conversation.CaseFilter{Person: "bob"}, []string{"CR-2026-0003", "CR-2026-0001"}},
		{"person at a later stage", conversation.CaseFilter{Person: "ann"}, []string{"CR-2026-0001", "CR-2026-0002"}},
		{"person only at a stage", conversation.CaseFilter{Person: "ivy"}, []string{"CR-2026-0005"}},
		{"unknown person", conversation.CaseFilter{Person: "zed"}, nil},
		{"one status", conversation.CaseFilter{Statuses: []conversation.Status{conversation.StatusOpen}}, []string{"CR-2026-0001", "CR-2026-0004"}},
		{"two statuses", conversation.CaseFilter{Statuses: []conversation.Status{conversation.StatusReferred, conversation.StatusResolved}}, []string{"CR-2026-0003", "CR-2026-0002"}},
		{"person, status and limit", conversation.CaseFilter{Person: "eve", Statuses: []conversation.Status{conversation.StatusOpen, conversation.StatusResolved}, Limit: 1}, []string{"CR-2026-0004"}},
		{"no status matches", conversation.CaseFilter{Statuses: []conversation.Status{conversation.StatusClosed}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cases, err := h.s.ListCases(ctx, tt.f)
			must(t, err, "ListCases")
			var got []string
			for _, c := range cases {
				got = append(got, c.ID)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("ListCases(%+v) = %v, want %v", tt.f, got, tt.want)
			}
		})
	}
	t.Run("returns copies", func(t *testing.T) {
		cases, err := h.s.ListCases(ctx, conversation.CaseFilter{Limit: 1})
		must(t, err, "ListCases")
		cases[0].Status = conversation.StatusClosed
		got, err := h.s.GetCase(ctx, cases[0].ID)
		must(t, err, "GetCase")
		if got.Status != conversation.StatusReferred || got.Version != 1 {
			t.Fatalf("changing a listed case changed the store: %s v%d", got.Status, got.Version)
		}
	})
}
