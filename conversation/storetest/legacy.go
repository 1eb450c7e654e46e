package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
)

// LegacyWriter stores c as resolvebot stored cases before the event log
// (schema 1): one record holding the case and its whole timeline, which
// LegacyRecord returns, with the case's index entries (the due index, and
// any list of cases) as that version kept them. It bypasses the Store and
// calls tb.Fatal on failure.
type LegacyWriter func(tb testing.TB, s conversation.Store, c *conversation.Case)

// LegacyRecord returns c's record in the single-record form of schema 1.
func LegacyRecord(tb testing.TB, c *conversation.Case) []byte {
	tb.Helper()
	b, err := json.Marshal(c)
	if err != nil {
		tb.Fatal(err)
	}
	return append([]byte(`{"schema":1,`), b[1:]...)
}

// RunLegacy runs the conformance checks for cases stored in the older
// single-record form, which stores read as they are and move to the event
// log when they next write them: reads whole (and in part, for a
// conversation.CaseLog), a write appending to the whole timeline, writes at
// once, the due index, a reopen, and deletion.
func RunLegacy(t *testing.T, open Opener, write LegacyWriter) {
	ctx := context.Background()
	legacy := func(h *harness, id string) *conversation.Case {
		c := fullCase(id)
		c.Version = 4
		write(h.tb, h.s, c)
		return c
	}
	t.Run("ReadsWhole", func(t *testing.T) {
		h := newHarness(t, open)
		want := legacy(h, "CR-2026-0001")
		got, err := h.s.GetCase(ctx, want.ID)
		must(t, err, "GetCase")
		sameCase(t, "GetCase of a single-record case", got, want)
		cs, err := h.s.ListCases(ctx, conversation.CaseFilter{})
		must(t, err, "ListCases")
		if len(cs) != 1 {
			t.Fatalf("ListCases = %d cases, want 1", len(cs))
		}
		sameCase(t, "ListCases of a single-record case", cs[0], want)
		due, err := h.s.DueBefore(ctx, want.DueAt, 0)
		must(t, err, "DueBefore")
		if len(due) != 1 || due[0].CaseID != want.ID {
			t.Fatalf("DueBefore = %v", due)
		}
		if log, ok := h.s.(conversation.CaseLog); ok {
			part, err := log.GetCaseAfter(ctx, want.ID, 2)
			must(t, err, "GetCaseAfter")
			if len(part.Events) != len(want.Events)-2 || part.Events[0].Seq != 3 {
				t.Fatalf("GetCaseAfter(2) = %d events", len(part.Events))
			}
		}
	})
	t.Run("WriteKeepsTheTimeline", func(t *testing.T) {
		h := newHarness(t, open)
		want := legacy(h, "CR-2026-0001")
		later := want.DueAt.Add(time.Hour)
		got, err := h.s.UpdateCase(ctx, want.ID, func(c *conversation.Case) error {
			if len(c.Events) != len(want.Events) {
				t.Errorf("fn got %d events, want %d", len(c.Events), len(want.Events))
			}
			c.DueAt = later
			return addNote(c)
		})
		must(t, err, "UpdateCase")
		want.Version++
		want.DueAt = later
		_ = addNote(want)
		want.Events[len(want.Events)-1].Version = want.Version
		sameCase(t, "UpdateCase of a single-record case", got, want)
		h.restart()
		got, err = h.s.GetCase(ctx, want.ID)
		must(t, err, "GetCase after a restart")
		sameCase(t, "GetCase after the write and a restart", got, want)
		due, err := h.s.DueBefore(ctx, later, 0)
		must(t, err, "DueBefore")
		if len(due) != 1 || !due[0].DueAt.Equal(later) {
			t.Fatalf("DueBefore after the write = %v", due)
		}
		// And the next write appends after it.
		got, err = h.s.UpdateCase(ctx, want.ID, addNote)
		must(t, err, "second UpdateCase")
		if len(got.Events) != len(want.Events)+1 || got.Events[len(got.Events)-1].Seq != len(want.Events)+1 {
			t.Fatalf("second UpdateCase: %d events", len(got.Events))
		}
	})
	t.Run("WritesAtOnce", func(t *testing.T) {
		h := newHarness(t, open)
		want := legacy(h, "CR-2026-0001")
		const writers = 8
		var wg sync.WaitGroup
		for range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := h.s.UpdateCase(ctx, want.ID, addNote); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		got, err := h.s.GetCase(ctx, want.ID)
		must(t, err, "GetCase")
		if got.Version != want.Version+writers || len(got.Events) != len(want.Events)+writers {
			t.Fatalf("after %d writes at once: version %d, %d events; want %d, %d", writers, got.Version, len(got.Events), want.Version+writers, len(want.Events)+writers)
		}
		for i, e := range got.Events {
			if e.Seq != i+1 {
				t.Fatalf("event %d has seq %d", i, e.Seq)
			}
		}
		sameCase(t, "the first events after writes at once", got.Events[:len(want.Events)], want.Events)
	})
	t.Run("Delete", func(t *testing.T) {
		h := newHarness(t, open)
		want := legacy(h, "CR-2026-0001")
		must(t, h.s.DeleteCase(ctx, want.ID), "DeleteCase")
		_, err := h.s.GetCase(ctx, want.ID)
		wantCode(t, err, conversation.ENOTFOUND, "GetCase after DeleteCase")
		due, err := h.s.DueBefore(ctx, want.DueAt, 0)
		must(t, err, "DueBefore")
		if len(due) != 0 {
			t.Fatalf("DueBefore after DeleteCase = %v", due)
		}
		// The id can take a new case whose timeline starts afresh.
		c := minimalCase(want.ID, t0)
		c.Events = []conversation.Event{{Seq: 1, Kind: conversation.EventRaised, At: t0}}
		must(t, h.s.CreateCase(ctx, c), "CreateCase")
		got, err := h.s.GetCase(ctx, want.ID)
		must(t, err, "GetCase")
		if len(got.Events) != 1 {
			t.Fatalf("a new case under the id has %d events: %v", len(got.Events), fmt.Sprint(got.Events))
		}
	})
}
