package storetest

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
)

// viewed returns a view of case id by actor at t.
func viewed(actor string, t time.Time) conversation.AuditRecord {
	return conversation.AuditRecord{Kind: conversation.EventViewed, Actor: actor, Stage: "professional",
		Side: conversation.SideRaiser, At: t}
}

// refused returns a refused attempt by actor at t, merged per actor.
func refused(actor string, t time.Time) conversation.AuditRecord {
	return conversation.AuditRecord{Kind: conversation.EventAccessRefused, Actor: actor, At: t,
		Fields: map[string]string{"attempt": "acknowledge"}, Merge: "refused:" + actor}
}

// testAudit checks the access log: records come back in order with their
// Seq, merged records count and keep their first and last times, the case
// itself is never touched, unknown cases are refused, and the log survives
// a restart.
func testAudit(t *testing.T, open Opener) {
	ctx := context.Background()
	h := newHarness(t, open)
	id := "CR-2026-0031"
	must(t, h.s.CreateCase(ctx, fullCase(id)), "CreateCase")
	before, err := h.s.GetCase(ctx, id)
	must(t, err, "GetCase")

	must(t, h.s.AppendAudit(ctx, id, viewed("ann@school.example", t0)), "AppendAudit view")
	for i := range 5 {
		must(t, h.s.AppendAudit(ctx, id, refused("olu@police.example", t0.Add(time.Duration(i+1)*time.Minute))), "AppendAudit refused")
	}
	exp := conversation.AuditRecord{Kind: conversation.EventExported, Actor: "bob@council.example", At: t0.Add(time.Hour),
		Fields: map[string]string{"format": "pdf"}}
	must(t, h.s.AppendAudit(ctx, id, exp), "AppendAudit export")
	must(t, h.s.AppendAudit(ctx, id, refused("eve@elsewhere.example", t0.Add(2*time.Hour))), "AppendAudit other refusal")

	check := func(what string) {
		t.Helper()
		log, err := h.s.AuditLog(ctx, id)
		must(t, err, "AuditLog")
		if len(log) != 4 {
			t.Fatalf("%s: log has %d records, want 4 (a view, one merged refusal, an export, another person's refusal): %+v", what, len(log), log)
		}
		want := []struct {
			kind  conversation.EventKind
			actor string
			count int
		}{
			{conversation.EventViewed, "ann@school.example", 1},
			{conversation.EventAccessRefused, "olu@police.example", 5},
			{conversation.EventExported, "bob@council.example", 1},
			{conversation.EventAccessRefused, "eve@elsewhere.example", 1},
		}
		for i, w := range want {
			r := log[i]
			if r.Seq != i+1 || r.Kind != w.kind || r.Actor != w.actor || r.Times() != w.count {
				t.Errorf("%s: record %d = seq %d %s by %s ×%d, want seq %d %s by %s ×%d", what, i, r.Seq, r.Kind, r.Actor, r.Times(), i+1, w.kind, w.actor, w.count)
			}
		}
		if r := log[1]; !r.At.Equal(t0.Add(time.Minute)) || !r.Last.Equal(t0.Add(5*time.Minute)) || r.Fields["attempt"] != "acknowledge" {
			t.Errorf("%s: merged refusal first %s last %s attempt %q, want first %s last %s", what, r.At, r.Last, r.Fields["attempt"], t0.Add(time.Minute), t0.Add(5*time.Minute))
		}
		if r := log[0]; !r.At.Equal(t0) || r.Stage != "professional" || r.Side != conversation.SideRaiser || !r.Last.IsZero() {
			t.Errorf("%s: view = %+v, want it as written", what, r)
		}
		if log[2].Fields["format"] != "pdf" {
			t.Errorf("%s: export fields = %v", what, log[2].Fields)
		}
	}
	check("after appends")

	after, err := h.s.GetCase(ctx, id)
	must(t, err, "GetCase")
	sameCase(t, "case after access records", after, before)

	// Updates of the case leave the log alone.
	_, err = h.s.UpdateCase(ctx, id, func(c *conversation.Case) error { c.Concern = "changed"; return nil })
	must(t, err, "UpdateCase")
	check("after an update of the case")

	h.restart()
	check("after a restart")

	wantCode(t, h.s.AppendAudit(ctx, "CR-2026-9999", viewed("ann@school.example", t0)), conversation.ENOTFOUND, "AppendAudit to an unknown case")
	if log, err := h.s.AuditLog(ctx, "CR-2026-9999"); err != nil || len(log) != 0 {
		t.Errorf("AuditLog of an unknown case = %d records, %v; want none", len(log), err)
	}

	// Concurrent refusals by one person merge into one record, counting each.
	other := "CR-2026-0032"
	must(t, h.s.CreateCase(ctx, minimalCase(other, t0)), "CreateCase")
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 40 {
		wg.Go(func() {
			if err := h.s.AppendAudit(ctx, other, refused("olu@police.example", t0.Add(time.Duration(i)*time.Second))); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent AppendAudit: %v", err)
	}
	log, err := h.s.AuditLog(ctx, other)
	must(t, err, "AuditLog")
	if len(log) != 1 || log[0].Times() != 40 || !log[0].Last.Equal(t0.Add(39*time.Second)) {
		t.Errorf("40 concurrent refusals = %d records, first ×%d last %v; want one ×40 last %s", len(log), times(log), lastOf(log), t0.Add(39*time.Second))
	}

	// The log goes with the case.
	must(t, h.s.DeleteCase(ctx, id), "DeleteCase")
	if log, err := h.s.AuditLog(ctx, id); err != nil || len(log) != 0 {
		t.Errorf("AuditLog after DeleteCase = %d records, %v; want none", len(log), err)
	}
	wantCode(t, h.s.AppendAudit(ctx, id, viewed("ann@school.example", t0)), conversation.ENOTFOUND, "AppendAudit after DeleteCase")
	must(t, h.s.CreateCase(ctx, minimalCase(id, t0)), "CreateCase again")
	if log, err := h.s.AuditLog(ctx, id); err != nil || len(log) != 0 {
		t.Errorf("AuditLog of a case created again = %d records, %v; want none", len(log), err)
	}
}

func times(log []conversation.AuditRecord) int {
	if len(log) == 0 {
		return 0
	}
	return log[0].Times()
}

func lastOf(log []conversation.AuditRecord) time.Time {
	if len(log) == 0 {
		return time.Time{}
	}
	return log[0].Last
}

// benchUpdateWithAudit times UpdateCase on a case whose access log holds
// records entries. The figures for 10 and 10,000 should be close: the log
// is kept beside the case, so a case costs the same to write whatever its
// log holds.
func benchUpdateWithAudit(b *testing.B, open Opener, records int) {
	h := newHarness(b, open)
	ctx := context.Background()
	id := "CR-2026-0001"
	must(b, h.s.CreateCase(ctx, fullCase(id)), "CreateCase")
	seedAudit(b, h.s, id, records)
	if log, err := h.s.AuditLog(ctx, id); err != nil || len(log) != records {
		b.Fatalf("AuditLog = %d records, %v; want %d", len(log), err, records)
	}
	runtime.GC() // the seeding's garbage is not the update's cost
	b.ResetTimer()
	for b.Loop() {
		if _, err := h.s.UpdateCase(ctx, id, func(c *conversation.Case) error {
			c.UpdatedAt = c.UpdatedAt.Add(time.Second)
			return nil
		}); err != nil {
			b.Fatalf("UpdateCase: %v", err)
		}
	}
}

// seedAudit appends n distinct records to case id's log from several
// goroutines, so stores that group concurrent writes can do so.
func seedAudit(tb testing.TB, s conversation.Store, id string, n int) {
	tb.Helper()
	ctx := context.Background()
	const workers = 32
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				if err := s.AppendAudit(ctx, id, viewed(fmt.Sprintf("person%05d@example.org", i), t0.Add(time.Duration(i)*time.Second))); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		tb.Fatalf("AppendAudit: %v", err)
	}
}
