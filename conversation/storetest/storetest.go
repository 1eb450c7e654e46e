// Package storetest is the conformance suite that every conversation.Store
// implementation must pass, plus benchmarks for the due index.
//
// A store package calls Run from its tests and Bench from a benchmark:
//
//	func TestStore(t *testing.T) { storetest.Run(t, open) }
//	func BenchmarkStore(b *testing.B) { storetest.Bench(b, open) }
//
// The suite asserts behaviour only; it never asserts on elapsed time.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
)

// Opener opens an empty store for one test or benchmark. It returns the
// store and a reopen function, which closes the store it last returned and
// opens a new one on the same data (for a file store: the same file; for a
// server store: a new client on the same key prefix), as a restart would.
//
// The suite closes the store it holds last when the test ends, so the opener
// must not close it itself. The opener should remove the data it created
// with tb.Cleanup; cleanups registered by the opener run after that close.
// On failure it calls tb.Fatal or tb.Skip.
type Opener func(tb testing.TB) (store conversation.Store, reopen func() conversation.Store)

// harness holds the store under test and swaps it on reopen.
type harness struct {
	tb     testing.TB
	s      conversation.Store
	reopen func() conversation.Store
}

func newHarness(tb testing.TB, open Opener) *harness {
	tb.Helper()
	s, reopen := open(tb)
	h := &harness{tb: tb, s: s, reopen: reopen}
	tb.Cleanup(func() {
		if err := h.s.Close(); err != nil {
			tb.Errorf("close store: %v", err)
		}
	})
	return h
}

// restart closes the store and opens it again on the same data.
func (h *harness) restart() {
	h.tb.Helper()
	h.s = h.reopen()
}

// t0 is the suite's fixed "now"; all times are in UTC so they compare exactly.
var t0 = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

// Run runs the conformance suite against the stores made by open. Each
// subtest opens its own empty store.
func Run(t *testing.T, open Opener) {
	t.Run("Ping", func(t *testing.T) {
		h := newHarness(t, open)
		if err := h.s.Ping(context.Background()); err != nil {
			t.Fatalf("Ping: %v", err)
		}
	})
	t.Run("CaseRoundTrip", func(t *testing.T) { testCaseRoundTrip(t, open) })
	t.Run("CaseErrors", func(t *testing.T) { testCaseErrors(t, open) })
	t.Run("UpdateCaseVersions", func(t *testing.T) { testUpdateVersions(t, open) })
	t.Run("UpdateCaseConcurrent", func(t *testing.T) { testUpdateConcurrent(t, open) })
	t.Run("DueIndex", func(t *testing.T) { testDueIndex(t, open) })
	t.Run("DueIndexFollowsUpdates", func(t *testing.T) { testDueFollowsUpdates(t, open) })
	t.Run("DueIndexManyNotDue", func(t *testing.T) { testDueManyNotDue(t, open) })
	t.Run("ListCases", func(t *testing.T) { testListCases(t, open) })
	t.Run("CaseSummaries", func(t *testing.T) { testCaseSummaries(t, open) })
	t.Run("Drafts", func(t *testing.T) { testDrafts(t, open) })
	t.Run("People", func(t *testing.T) { testPeople(t, open) })
	t.Run("MessageRefs", func(t *testing.T) { testMessageRefs(t, open) })
	t.Run("Remember", func(t *testing.T) { testRemember(t, open) })
	t.Run("Secrets", func(t *testing.T) { testSecrets(t, open) })
	t.Run("SecretTakenOnce", func(t *testing.T) { testSecretTakenOnce(t, open) })
	t.Run("SlackInstalls", func(t *testing.T) { testSlackInstalls(t, open) })
	t.Run("SlackInstallRefresh", func(t *testing.T) { testSlackInstallRefresh(t, open) })
	t.Run("EnqueueEffect", func(t *testing.T) { testEnqueueEffect(t, open) })
	t.Run("Claim", func(t *testing.T) { testClaim(t, open) })
	t.Run("ClaimRace", func(t *testing.T) { testClaimRace(t, open) })
	t.Run("NextCaseID", func(t *testing.T) { testNextCaseID(t, open) })
	t.Run("NextCaseIDConcurrent", func(t *testing.T) { testNextCaseIDConcurrent(t, open) })
	t.Run("NextCaseIDBeyond9999", func(t *testing.T) { testNextCaseIDBeyond9999(t, open) })
	t.Run("SurvivesReopen", func(t *testing.T) { testReopen(t, open) })
	t.Run("DeleteCase", func(t *testing.T) { testDeleteCase(t, open) })
	t.Run("DeleteExpiredDrafts", func(t *testing.T) { testDeleteExpiredDrafts(t, open) })
	t.Run("AuditLog", func(t *testing.T) { testAudit(t, open) })
	t.Run("Outbox", func(t *testing.T) { testOutbox(t, open) })
	t.Run("Observations", func(t *testing.T) { testObservations(t, open) })
	t.Run("ObservationRetention", func(t *testing.T) { testObservationRetention(t, open) })
	t.Run("Settings", func(t *testing.T) { testSettings(t, open) })
	t.Run("SettingsRace", func(t *testing.T) { testSettingsRace(t, open) })
	t.Run("Downloads", func(t *testing.T) { testDownloads(t, open) })
}

// Bench benchmarks DueBefore with 5 due cases among 100 and among 10,000
// cases that are not due, and UpdateCase on a case whose access log holds
// 10 and 10,000 records. The two figures of each pair should be close:
// DueBefore's cost depends on what is due, not on how many cases there
// are, and a case's writes do not read or write its access log.
func Bench(b *testing.B, open Opener) {
	for _, records := range []int{10, 10_000} {
		b.Run(fmt.Sprintf("UpdateCase/audit=%d", records), func(b *testing.B) { benchUpdateWithAudit(b, open, records) })
	}
	for _, notDue := range []int{100, 10_000} {
		b.Run(fmt.Sprintf("DueBefore/notdue=%d", notDue), func(b *testing.B) {
			h := newHarness(b, open)
			ctx := context.Background()
			seedDue(b, h.s, notDue, 5)
			b.ResetTimer()
			for b.Loop() {
				items, err := h.s.DueBefore(ctx, t0, 100)
				if err != nil {
					b.Fatalf("DueBefore: %v", err)
				}
				if len(items) != 5 {
					b.Fatalf("DueBefore returned %d items, want 5", len(items))
				}
			}
		})
	}
}

// seedDue creates notDue cases due after t0 (or not due at all) and due
// cases due at or before t0. It returns the ids of the due cases, earliest
// first.
func seedDue(tb testing.TB, s conversation.Store, notDue, due int) []string {
	tb.Helper()
	cases := make([]*conversation.Case, 0, notDue+due)
	for i := range notDue {
		c := minimalCase(fmt.Sprintf("CR-2026-N%05d", i), t0)
		if i%2 == 0 { // half due later, half with nothing due
			c.DueAt = t0.Add(time.Duration(i+1) * time.Minute)
		}
		cases = append(cases, c)
	}
	var dueIDs []string
	for i := range due {
		id := fmt.Sprintf("CR-2026-D%05d", i)
		c := minimalCase(id, t0)
		c.DueAt = t0.Add(-time.Duration(due-i) * time.Hour)
		cases = append(cases, c)
		dueIDs = append(dueIDs, id)
	}
	createAll(tb, s, cases)
	return dueIDs
}

// createAll creates cases from several goroutines, so stores that group
// concurrent writes can do so.
func createAll(tb testing.TB, s conversation.Store, cases []*conversation.Case) {
	tb.Helper()
	ctx := context.Background()
	const workers = 32
	work := make(chan *conversation.Case)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range work {
				if err := s.CreateCase(ctx, c); err != nil {
					errs <- fmt.Errorf("create %s: %w", c.ID, err)
					for range work {
					}
					return
				}
			}
		}()
	}
	for _, c := range cases {
		work <- c
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		tb.Fatal(err)
	}
}

// minimalCase returns a small open case created at created.
func minimalCase(id string, created time.Time) *conversation.Case {
	return &conversation.Case{
		ID:          id,
		Partnership: "test",
		ChildRef:    "REF-" + id,
		Raiser:      conversation.Party{PersonID: "raiser@example.org", Name: "Raiser", Agency: "school"},
		Respondent:  conversation.Party{PersonID: "respondent@example.org", Name: "Respondent", Agency: "council"},
		Category:    "threshold",
		Status:      conversation.StatusOpen,
		Urgency:     conversation.UrgencyStandard,
		CreatedAt:   created,
		UpdatedAt:   created,
	}
}

// fullCase returns a case with every field set, including zero and non-zero
// times, stages, events with fields and a resolution.
func fullCase(id string) *conversation.Case {
	return &conversation.Case{
		ID:             id,
		Partnership:    "devon",
		ChildRef:       "LA-123456",
		Raiser:         conversation.Party{PersonID: "ann@school.example", Name: "Ann", Agency: "school"},
		Respondent:     conversation.Party{PersonID: "bob@council.example", Name: "Bob", Agency: "council"},
		Category:       "threshold",
		Decision:       "the referral was not accepted",
		Concern:        "concern text with \"quotes\", <angles> & unicode: café",
		EvidenceKind:   conversation.EvidenceDocumented,
		Evidence:       "three incidents\nrecorded",
		OutcomeSought:  "a strategy discussion",
		Urgency:        conversation.UrgencyUrgent,
		Reflection:     conversation.Reflection{DiscussedWithLead: true, ChildBestInterest: true},
		FamilyInformed: true,
		CrossBorder:    "cornwall",
		SeriousConcern: true,
		Status:         conversation.StatusReferred,
		Stages: []conversation.StageRecord{
			{
				Key:            "professional",
				Raiser:         []string{"ann@school.example"},
				Respondent:     []string{"bob@council.example"},
				StartedAt:      t0,
				Deadline:       t0.Add(72 * time.Hour),
				AckDeadline:    t0.Add(24 * time.Hour),
				AcknowledgedAt: t0.Add(2*time.Hour + 123456789*time.Nanosecond),
				AcknowledgedBy: "bob@council.example",
				Overdue:        true,
			},
			{
				Key:         "manager",
				Raiser:      []string{"carol@school.example", "ann@school.example"},
				Respondent:  []string{"dan@council.example"},
				StartedAt:   t0.Add(96 * time.Hour),
				Deadline:    t0.Add(168 * time.Hour),
				AckDeadline: t0.Add(120 * time.Hour),
				// AcknowledgedAt left zero on purpose.
			},
		},
		Resolution: &conversation.Resolution{
			WayForward: "joint visit",
			Actions: []conversation.ResolutionAction{
				{Description: "book the visit", Owner: "dan@council.example", Due: t0.Add(200 * time.Hour)},
				{Description: "share the chronology", Owner: "carol@school.example"},
			},
			ProposedBy:     "dan@council.example",
			ProposedBySide: conversation.SideRespondent,
			ProposedAt:     t0.Add(150 * time.Hour),
		},
		Mediation: true,
		DueAt:     t0.Add(168 * time.Hour),
		CreatedAt: t0,
		UpdatedAt: t0.Add(150 * time.Hour),
		Events: []conversation.Event{
			{Seq: 1, Kind: conversation.EventRaised, At: t0, Actor: "ann@school.example", Side: conversation.SideRaiser, Stage: "professional", Text: "raised"},
			{Seq: 2, Kind: conversation.EventEscalated, At: t0.Add(96 * time.Hour), Stage: "manager", Fields: map[string]string{"from_stage": "professional", "to_stage": "manager"}},
			{Seq: 3, Kind: conversation.EventNote, At: t0.Add(97 * time.Hour), Actor: "carol@school.example", Side: conversation.SideRaiser, Stage: "manager", Text: "a note"},
		},
	}
}

// wantCode fails the test unless err carries code.
func wantCode(tb testing.TB, err error, code, what string) {
	tb.Helper()
	if got := conversation.ErrorCode(err); got != code {
		tb.Fatalf("%s: error %v (code %q), want code %q", what, err, got, code)
	}
}

// must fails the test on err.
func must(tb testing.TB, err error, what string) {
	tb.Helper()
	if err != nil {
		tb.Fatalf("%s: %v", what, err)
	}
}

// sameCase fails the test unless got equals want, treating nil and empty
// slices and maps alike and comparing times as instants.
func sameCase(tb testing.TB, what string, got, want any) {
	tb.Helper()
	if !same(reflect.ValueOf(got), reflect.ValueOf(want)) {
		tb.Fatalf("%s:\n got  %+v\n want %+v", what, got, want)
	}
}

var timeType = reflect.TypeFor[time.Time]()

// same is a deep equality that treats nil and empty slices and maps as
// equal and compares time.Time with Equal.
func same(a, b reflect.Value) bool {
	if a.IsValid() != b.IsValid() {
		return false
	}
	if !a.IsValid() {
		return true
	}
	if a.Type() != b.Type() {
		return false
	}
	if a.Type() == timeType {
		return a.Interface().(time.Time).Equal(b.Interface().(time.Time))
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return same(a.Elem(), b.Elem())
	case reflect.Struct:
		for i := range a.NumField() {
			if !same(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	case reflect.Slice, reflect.Array:
		if a.Len() != b.Len() {
			return false
		}
		for i := range a.Len() {
			if !same(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Map:
		if a.Len() != b.Len() {
			return false
		}
		for _, k := range a.MapKeys() {
			bv := b.MapIndex(k)
			if !bv.IsValid() || !same(a.MapIndex(k), bv) {
				return false
			}
		}
		return true
	case reflect.String:
		return a.String() == b.String()
	case reflect.Bool:
		return a.Bool() == b.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return a.Int() == b.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return a.Uint() == b.Uint()
	case reflect.Float32, reflect.Float64:
		return a.Float() == b.Float()
	}
	panic("storetest: cannot compare kind " + a.Kind().String())
}

// errFromFn is returned by an UpdateCase fn to check it comes back unchanged.
var errFromFn = errors.New("storetest: error from fn")
