package storetest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
)

// testCaseSummaries: CaseSummaries returns, newest first, each case's
// summary as conversation.SummaryOf makes it from the case as stored now,
// after a create, appends and a whole rewrite, with none of the case's
// text in it; a deleted case's summary goes with it.
func testCaseSummaries(t *testing.T, open Opener) {
	ctx := context.Background()
	h := newHarness(t, open)
	if got, err := h.s.CaseSummaries(ctx); err != nil || len(got) != 0 {
		t.Fatalf("CaseSummaries of an empty store = %d, %v; want none", len(got), err)
	}
	full := fullCase("CR-2026-0001")
	must(t, h.s.CreateCase(ctx, full), "CreateCase")
	must(t, h.s.CreateCase(ctx, minimalCase("CR-2026-0002", t0.Add(time.Hour))), "CreateCase")
	must(t, h.s.CreateCase(ctx, minimalCase("CR-2026-0003", t0.Add(-time.Hour))), "CreateCase")
	for i := range 3 { // appends: a new event and a state change each time
		_, err := h.s.UpdateCase(ctx, "CR-2026-0001", func(c *conversation.Case) error {
			c.Status = conversation.StatusOpen
			c.Events = append(c.Events, conversation.Event{Seq: len(c.Events) + 1, Kind: conversation.EventNudged,
				At: t0.Add(time.Duration(i+1) * time.Hour), Stage: "manager", Text: "SECRET nudge text",
				Fields: map[string]string{"nudge": string(conversation.NudgeStuck), "note": "SECRET field"}})
			return nil
		})
		must(t, err, "UpdateCase")
	}
	check := func(when string, ids ...string) {
		t.Helper()
		got, err := h.s.CaseSummaries(ctx)
		must(t, err, "CaseSummaries")
		if len(got) != len(ids) {
			t.Fatalf("%s: %d summaries, want %d", when, len(got), len(ids))
		}
		for i, id := range ids {
			c, err := h.s.GetCase(ctx, id)
			must(t, err, "GetCase")
			sameCase(t, when+": summary of "+id, got[i], conversation.SummaryOf(c))
			b, _ := json.Marshal(got[i])
			for _, secret := range []string{"SECRET", c.ChildRef, "café", "Ann", "ann@school.example"} {
				if strings.Contains(string(b), secret) {
					t.Fatalf("%s: the summary of %s holds %q: %s", when, id, secret, b)
				}
			}
		}
	}
	check("after appends", "CR-2026-0002", "CR-2026-0001", "CR-2026-0003")
	if rw, ok := h.s.(interface {
		RewriteCase(context.Context, string, func(*conversation.Case) error) (*conversation.Case, error)
	}); ok {
		_, err := rw.RewriteCase(ctx, "CR-2026-0001", func(c *conversation.Case) error {
			c.Category = "roles"
			return nil
		})
		must(t, err, "RewriteCase")
		check("after a rewrite", "CR-2026-0002", "CR-2026-0001", "CR-2026-0003")
	}
	h.restart()
	check("after a restart", "CR-2026-0002", "CR-2026-0001", "CR-2026-0003")
	must(t, h.s.DeleteCase(ctx, "CR-2026-0002"), "DeleteCase")
	check("after a delete", "CR-2026-0001", "CR-2026-0003")
}
