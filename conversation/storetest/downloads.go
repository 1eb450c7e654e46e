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

// testDownloads: the partnership's download log keeps every record with
// who, when, which view, period and figure, numbered in the order they
// were made; reads back newest first, all or the latest few; refuses an
// incomplete record; survives a restart; loses none of many made at once;
// and retention deletes exactly the records made before its cutoff.
func testDownloads(t *testing.T, open Opener) {
	ctx := context.Background()
	h := newHarness(t, open)
	if got, err := h.s.Downloads(ctx, 0); err != nil || len(got) != 0 {
		t.Fatalf("Downloads before any = %v, %v; want none", got, err)
	}
	recs := []conversation.DownloadRecord{
		{At: t0, Actor: "manager@partnership.example", View: "board-pack", Format: "pdf", From: "2026-05-01", To: "2026-06-30"},
		{At: t0.Add(time.Hour), Actor: "lead@police.example", View: "cases", Format: "csv", From: "2026-05-01", To: "2026-05-31",
			Detail: "category neglect", Scope: []string{"police"}},
		{At: t0.Add(2 * time.Hour), Actor: "manager@partnership.example", View: "attention", Format: "pdf", Detail: "stuck"},
	}
	for _, r := range recs {
		must(t, h.s.AppendDownload(ctx, r), "AppendDownload "+r.View)
	}
	for _, bad := range []conversation.DownloadRecord{
		{At: t0, View: "report", Format: "pdf"},
		{At: t0, Actor: "manager@partnership.example", Format: "pdf"},
		{Actor: "manager@partnership.example", View: "report", Format: "pdf"},
	} {
		if err := h.s.AppendDownload(ctx, bad); conversation.ErrorCode(err) != conversation.EINVALID {
			t.Errorf("AppendDownload(%+v) = %v, want EINVALID", bad, err)
		}
	}
	check := func(when string) {
		t.Helper()
		got, err := h.s.Downloads(ctx, 0)
		must(t, err, "Downloads")
		if len(got) != len(recs) {
			t.Fatalf("%s: %d records, want %d: %+v", when, len(got), len(recs), got)
		}
		for i, r := range got {
			want := recs[len(recs)-1-i]
			want.Seq = int64(len(recs) - i)
			if !r.At.Equal(want.At) || r.Seq != want.Seq || r.Actor != want.Actor || r.View != want.View || r.Format != want.Format ||
				r.From != want.From || r.To != want.To || r.Detail != want.Detail || !slices.Equal(r.Scope, want.Scope) {
				t.Errorf("%s: record %d = %+v, want %+v", when, i, r, want)
			}
		}
		latest, err := h.s.Downloads(ctx, 2)
		must(t, err, "Downloads(2)")
		if len(latest) != 2 || latest[0].View != "attention" || latest[1].View != "cases" {
			t.Errorf("%s: the latest two = %+v, want the live list's then the cases'", when, latest)
		}
	}
	check("written")
	h.restart()
	check("after a restart")

	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := conversation.DownloadRecord{At: t0.Add(3 * time.Hour), Actor: fmt.Sprintf("p%d@partnership.example", i), View: "report", Format: "csv"}
			if err := h.s.AppendDownload(ctx, r); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	all, err := h.s.Downloads(ctx, 0)
	must(t, err, "Downloads")
	seqs := map[int64]bool{}
	for _, r := range all {
		seqs[r.Seq] = true
	}
	if len(all) != 23 || len(seqs) != 23 {
		t.Fatalf("after 20 at once: %d records with %d different numbers, want 23 and 23", len(all), len(seqs))
	}

	n, err := h.s.DeleteDownloadsBefore(ctx, t0.Add(90*time.Minute))
	must(t, err, "DeleteDownloadsBefore")
	if n != 2 {
		t.Errorf("DeleteDownloadsBefore deleted %d, want the 2 made before the cutoff", n)
	}
	left, err := h.s.Downloads(ctx, 0)
	must(t, err, "Downloads")
	if len(left) != 21 || slices.ContainsFunc(left, func(r conversation.DownloadRecord) bool { return r.At.Before(t0.Add(90 * time.Minute)) }) {
		t.Errorf("after retention %d records are left (want 21), some older than the cutoff: %+v", len(left), left)
	}
}
