package storetest

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
)

// Scanner returns every key and value a store holds, as raw bytes, so a
// test can check that nothing of a case is left behind. Each store's tests
// write one over their own storage (bolt buckets, Redis keys under the
// prefix).
type Scanner func(tb testing.TB, s conversation.Store) [][]byte

// seedForDelete creates two cases, both due, each with message refs, a
// claim and a remembered key naming them, and an access log; it returns
// the ids.
func seedForDelete(tb testing.TB, s conversation.Store) (gone, kept string) {
	tb.Helper()
	ctx := context.Background()
	gone, kept = "CR-2026-0007", "CR-2026-0008"
	for _, id := range []string{gone, kept} {
		c := fullCase(id)
		must(tb, s.CreateCase(ctx, c), "CreateCase "+id)
		for i := range 3 {
			must(tb, s.AddMessageRef(ctx, conversation.MessageRef{CaseID: id, PersonID: "ann@school.example",
				Platform: "slack", Channel: "D1", ID: id + "-" + string(rune('a'+i)), SentAt: t0}), "AddMessageRef")
		}
		if _, err := s.Claim(ctx, "nudge:"+id+":ack", "owner", time.Hour, t0); err != nil {
			tb.Fatalf("Claim: %v", err)
		}
		if _, err := s.Remember(ctx, "sent:"+id, time.Hour, t0); err != nil {
			tb.Fatalf("Remember: %v", err)
		}
		must(tb, s.AppendAudit(ctx, id, viewed("ann@school.example", t0)), "AppendAudit")
		must(tb, s.AppendAudit(ctx, id, refused("olu@police.example", t0)), "AppendAudit")
	}
	return gone, kept
}

// testDeleteCase checks DeleteCase through the Store's own methods.
func testDeleteCase(t *testing.T, open Opener) {
	ctx := context.Background()
	h := newHarness(t, open)
	gone, kept := seedForDelete(t, h.s)
	must(t, h.s.DeleteCase(ctx, gone), "DeleteCase")

	_, err := h.s.GetCase(ctx, gone)
	wantCode(t, err, conversation.ENOTFOUND, "GetCase after DeleteCase")
	_, err = h.s.UpdateCase(ctx, gone, func(*conversation.Case) error { return nil })
	wantCode(t, err, conversation.ENOTFOUND, "UpdateCase after DeleteCase")
	wantCode(t, h.s.DeleteCase(ctx, gone), conversation.ENOTFOUND, "DeleteCase twice")
	cs, err := h.s.ListCases(ctx, conversation.CaseFilter{})
	must(t, err, "ListCases")
	if len(cs) != 1 || cs[0].ID != kept {
		t.Errorf("ListCases after DeleteCase = %d cases, want only %s", len(cs), kept)
	}
	due, err := h.s.DueBefore(ctx, t0.Add(1000*time.Hour), 0)
	must(t, err, "DueBefore")
	if ids := dueIDs(due); len(ids) != 1 || ids[0] != kept {
		t.Errorf("DueBefore after DeleteCase = %v, want [%s]", ids, kept)
	}
	refs, err := h.s.MessageRefs(ctx, gone)
	must(t, err, "MessageRefs")
	if len(refs) != 0 {
		t.Errorf("MessageRefs after DeleteCase = %d, want none", len(refs))
	}
	if log, err := h.s.AuditLog(ctx, gone); err != nil || len(log) != 0 {
		t.Errorf("AuditLog after DeleteCase = %d records, %v; want none", len(log), err)
	}
	if log, _ := h.s.AuditLog(ctx, kept); len(log) != 2 {
		t.Errorf("AuditLog of the other case = %d records, want 2", len(log))
	}
	if refs, _ := h.s.MessageRefs(ctx, kept); len(refs) != 3 {
		t.Errorf("MessageRefs of the other case = %d, want 3", len(refs))
	}
	// The claim naming the deleted case is gone, so another owner may take it.
	if won, err := h.s.Claim(ctx, "nudge:"+gone+":ack", "other", time.Hour, t0); err != nil || !won {
		t.Errorf("Claim after DeleteCase = %v, %v; want it free", won, err)
	}
	if won, err := h.s.Claim(ctx, "nudge:"+kept+":ack", "other", time.Hour, t0); err != nil || won {
		t.Errorf("Claim of the other case = %v, %v; want it still held", won, err)
	}
	if fresh, err := h.s.Remember(ctx, "sent:"+gone, time.Hour, t0); err != nil || !fresh {
		t.Errorf("Remember after DeleteCase = %v, %v; want it forgotten", fresh, err)
	}
	// The same id can be created again (a restore), and survives a restart.
	must(t, h.s.CreateCase(ctx, minimalCase(gone, t0)), "CreateCase again")
	h.restart()
	if _, err := h.s.GetCase(ctx, kept); err != nil {
		t.Errorf("GetCase of the other case after restart: %v", err)
	}
}

// testDeleteExpiredDrafts checks that only drafts past their expiry go.
func testDeleteExpiredDrafts(t *testing.T, open Opener) {
	ctx := context.Background()
	h := newHarness(t, open)
	drafts := []struct {
		person  string
		expires time.Time
		gone    bool
	}{
		{"expired", t0.Add(-time.Hour), true},
		{"at-now", t0, true},
		{"later", t0.Add(time.Hour), false},
		{"never", time.Time{}, false},
	}
	for _, d := range drafts {
		must(t, h.s.SaveDraft(ctx, &conversation.Draft{PersonID: d.person, Values: map[string]string{"concern": "x"}, ExpiresAt: d.expires}), "SaveDraft")
	}
	n, err := h.s.DeleteExpiredDrafts(ctx, t0)
	must(t, err, "DeleteExpiredDrafts")
	if n != 2 {
		t.Errorf("DeleteExpiredDrafts = %d, want 2", n)
	}
	for _, d := range drafts {
		_, err := h.s.GetDraft(ctx, d.person, time.Time{})
		want := ""
		if d.gone {
			want = conversation.ENOTFOUND
		}
		wantCode(t, err, want, "GetDraft "+d.person)
	}
}

// RunDeleteLeavesNothing checks, by scanning the store's raw storage, that
// after DeleteCase no key or value anywhere contains the deleted case's id,
// while the other case's data is still there.
func RunDeleteLeavesNothing(t *testing.T, open Opener, scan Scanner) {
	ctx := context.Background()
	h := newHarness(t, open)
	gone, kept := seedForDelete(t, h.s)
	before := scan(t, h.s)
	if !containsAny(before, []byte(gone)) {
		t.Fatalf("the scanner does not see case %s before it is deleted", gone)
	}
	must(t, h.s.DeleteCase(ctx, gone), "DeleteCase")
	after := scan(t, h.s)
	if containsAny(after, []byte(gone)) {
		for _, b := range after {
			if bytes.Contains(b, []byte(gone)) {
				t.Errorf("after DeleteCase the store still holds %q", truncate(b))
			}
		}
	}
	if !containsAny(after, []byte(kept)) {
		t.Errorf("DeleteCase removed the other case %s too", kept)
	}
}

func containsAny(all [][]byte, sub []byte) bool {
	for _, b := range all {
		if bytes.Contains(b, sub) {
			return true
		}
	}
	return false
}

func truncate(b []byte) string {
	if len(b) > 120 {
		return string(b[:120]) + "…"
	}
	return string(b)
}
