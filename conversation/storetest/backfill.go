package storetest

import (
	"context"
	"testing"

	"github.com/resolvebot/resolvebot/conversation"
)

// Backfill is how RunSummaryBackfill reaches into a store: Migrate runs
// the store's migrate (what `resolvebot migrate` runs) and calls tb.Fatal
// if it fails; Unsummarise removes case id's summary as the store keeps
// it, leaving the case as it is, the way a case written before summaries
// were kept is stored.
type Backfill struct {
	Migrate     func(tb testing.TB, s conversation.Store)
	Unsummarise func(tb testing.TB, s conversation.Store, id string)
}

// fallbackCounter is a store that counts the cases CaseSummaries reads
// whole for want of a summary.
type fallbackCounter interface{ SummaryFallbacks() int64 }

// RunSummaryBackfill runs the conformance checks for cases stored without
// a summary, in the older single-record form (written by write) or in the
// log form (a case whose summary Unsummarise removed): migrate writes
// their summaries; the first CaseSummaries reads them whole and writes
// their summaries, so the second reads none whole; an append to such a
// case writes its whole summary. Each summary must equal SummaryOf of the
// case as stored.
func RunSummaryBackfill(t *testing.T, open Opener, write LegacyWriter, b Backfill) {
	ctx := context.Background()
	// setup stores CR-2026-0001 in the single-record form and CR-2026-0002
	// in the log form, neither with a summary.
	setup := func(t *testing.T) *harness {
		h := newHarness(t, open)
		old := fullCase("CR-2026-0001")
		old.Version = 4
		write(h.tb, h.s, old)
		must(t, h.s.CreateCase(ctx, fullCase("CR-2026-0002")), "CreateCase")
		_, err := h.s.UpdateCase(ctx, "CR-2026-0002", addNote)
		must(t, err, "UpdateCase")
		b.Unsummarise(t, h.s, "CR-2026-0002")
		return h
	}
	ids := []string{"CR-2026-0002", "CR-2026-0001"} // newest first: the same CreatedAt, ids descending
	t.Run("Migrate", func(t *testing.T) {
		h := setup(t)
		b.Migrate(t, h.s)
		checkSummaries(t, h, "after migrate", 0, ids...)
		b.Migrate(t, h.s) // again: nothing to do, nothing changed
		checkSummaries(t, h, "after a second migrate", 0, ids...)
	})
	t.Run("FirstRead", func(t *testing.T) {
		h := setup(t)
		checkSummaries(t, h, "the first CaseSummaries", 2, ids...)
		checkSummaries(t, h, "the second CaseSummaries", 0, ids...)
		h.restart()
		checkSummaries(t, h, "CaseSummaries after a restart", 0, ids...)
		// The written summaries go on growing with the cases.
		for _, id := range ids {
			_, err := h.s.UpdateCase(ctx, id, addNote)
			must(t, err, "UpdateCase")
		}
		checkSummaries(t, h, "CaseSummaries after appends", 0, ids...)
	})
	t.Run("Append", func(t *testing.T) {
		h := setup(t)
		for _, id := range ids {
			_, err := h.s.UpdateCase(ctx, id, addNote)
			must(t, err, "UpdateCase")
		}
		checkSummaries(t, h, "CaseSummaries after an append", 0, ids...)
	})
}

// checkSummaries checks that CaseSummaries returns the summaries of ids,
// in that order, each SummaryOf the case as stored, having read wantWhole
// cases whole (when the store counts them).
func checkSummaries(t *testing.T, h *harness, when string, wantWhole int64, ids ...string) {
	t.Helper()
	ctx := context.Background()
	fc, counts := h.s.(fallbackCounter)
	var before int64
	if counts {
		before = fc.SummaryFallbacks()
	}
	got, err := h.s.CaseSummaries(ctx)
	must(t, err, when)
	if counts {
		if n := fc.SummaryFallbacks() - before; n != wantWhole {
			t.Errorf("%s read %d cases whole, want %d", when, n, wantWhole)
		}
	}
	if len(got) != len(ids) {
		t.Fatalf("%s: %d summaries, want %d", when, len(got), len(ids))
	}
	for i, id := range ids {
		c, err := h.s.GetCase(ctx, id)
		must(t, err, "GetCase")
		sameCase(t, when+": summary of "+id, got[i], conversation.SummaryOf(c))
	}
}
