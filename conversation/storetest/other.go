package storetest

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
)

func testDrafts(t *testing.T, open Opener) {
	ctx := context.Background()
	h := newHarness(t, open)
	d := &conversation.Draft{PersonID: "ann", Values: map[string]string{"category": "threshold", "concern": "text"}, Step: 3, ExpiresAt: t0.Add(24 * time.Hour)}
	must(t, h.s.SaveDraft(ctx, d), "SaveDraft")
	d.Values["category"] = "changed after save"

	got, err := h.s.GetDraft(ctx, "ann", t0)
	must(t, err, "GetDraft")
	want := &conversation.Draft{PersonID: "ann", Values: map[string]string{"category": "threshold", "concern": "text"}, Step: 3, ExpiresAt: t0.Add(24 * time.Hour)}
	sameCase(t, "GetDraft", got, want)

	_, err = h.s.GetDraft(ctx, "bob", t0)
	wantCode(t, err, conversation.ENOTFOUND, "GetDraft of a person with none")

	t.Run("expiry", func(t *testing.T) {
		for _, tt := range []struct {
			name string
			now  time.Time
			code string
		}{
			{"before expiry", t0.Add(24*time.Hour - time.Nanosecond), ""},
			{"at expiry", t0.Add(24 * time.Hour), conversation.ENOTFOUND},
			{"after expiry", t0.Add(25 * time.Hour), conversation.ENOTFOUND},
		} {
			_, err := h.s.GetDraft(ctx, "ann", tt.now)
			wantCode(t, err, tt.code, "GetDraft "+tt.name)
		}
	})
	t.Run("zero ExpiresAt never expires", func(t *testing.T) {
		must(t, h.s.SaveDraft(ctx, &conversation.Draft{PersonID: "cat", Step: 1}), "SaveDraft")
		_, err := h.s.GetDraft(ctx, "cat", t0.Add(10000*time.Hour))
		must(t, err, "GetDraft")
	})
	t.Run("replace", func(t *testing.T) {
		repl := &conversation.Draft{PersonID: "ann", Values: map[string]string{"decision": "d"}, Step: 5, ExpiresAt: t0.Add(48 * time.Hour)}
		must(t, h.s.SaveDraft(ctx, repl), "SaveDraft")
		got, err := h.s.GetDraft(ctx, "ann", t0.Add(30*time.Hour))
		must(t, err, "GetDraft after replace")
		sameCase(t, "replaced draft", got, repl)
	})
	t.Run("delete", func(t *testing.T) {
		must(t, h.s.DeleteDraft(ctx, "ann"), "DeleteDraft")
		_, err := h.s.GetDraft(ctx, "ann", t0)
		wantCode(t, err, conversation.ENOTFOUND, "GetDraft after DeleteDraft")
		must(t, h.s.DeleteDraft(ctx, "ann"), "DeleteDraft of none")
		must(t, h.s.DeleteDraft(ctx, "nobody"), "DeleteDraft of an unknown person")
	})
}

func testPeople(t *testing.T, open Opener) {
	ctx := context.Background()
	h := newHarness(t, open)
	ann := &conversation.Person{
		ID: "ann.smith@example.org", Name: "Ann Smith", Email: "Ann.Smith@Example.org", Agency: "school", ManagerID: "carol@example.org",
		Handles: []conversation.Handle{
			{Platform: "slack", Team: "T1", User: "U1", Channel: "D1"},
			{Platform: "teams", Team: "tenant-1", User: "aad-1", Ref: `{"conversation":{"id":"a:1"}}`, Channel: "a:1"},
		},
		Reach: []string{"teams", "email", "slack"}, ReachChosen: true,
		UpdatedAt: t0,
	}
	bob := &conversation.Person{ID: "bob@example.org", Name: "Bob", Email: "bob@example.org",
		Handles: []conversation.Handle{{Platform: "slack", Team: "T1", User: "U2"}}, UpdatedAt: t0}
	noEmail := &conversation.Person{ID: "console:zed", Name: "Zed", Handles: []conversation.Handle{{Platform: "console", User: "zed"}}}
	for _, p := range []*conversation.Person{bob, ann, noEmail} {
		must(t, h.s.PutPerson(ctx, p), "PutPerson "+p.ID)
	}
	wantAnn := *ann
	wantAnn.Handles = slices.Clone(ann.Handles)
	wantAnn.Reach = slices.Clone(ann.Reach)
	ann.Handles[0].User = "changed after put"
	ann.Reach[0] = "changed after put"

	t.Run("get", func(t *testing.T) {
		got, err := h.s.GetPerson(ctx, ann.ID)
		must(t, err, "GetPerson")
		sameCase(t, "GetPerson", got, &wantAnn)
		_, err = h.s.GetPerson(ctx, "nobody@example.org")
		wantCode(t, err, conversation.ENOTFOUND, "GetPerson of an unknown id")
	})
	t.Run("find", func(t *testing.T) {
		for _, tt := range []struct {
			name    string
			find    func() (*conversation.Person, error)
			want    string // person id; "" for ENOTFOUND
			compare bool
		}{
			{"slack handle", func() (*conversation.Person, error) { return h.s.FindPersonByHandle(ctx, "slack", "T1", "U1") }, ann.ID, true},
			{"teams handle", func() (*conversation.Person, error) { return h.s.FindPersonByHandle(ctx, "teams", "tenant-1", "aad-1") }, ann.ID, false},
			{"other slack user", func() (*conversation.Person, error) { return h.s.FindPersonByHandle(ctx, "slack", "T1", "U2") }, bob.ID, false},
			{"console handle", func() (*conversation.Person, error) { return h.s.FindPersonByHandle(ctx, "console", "", "zed") }, noEmail.ID, false},
			{"same user other team", func() (*conversation.Person, error) { return h.s.FindPersonByHandle(ctx, "slack", "T2", "U1") }, "", false},
			{"same user other platform", func() (*conversation.Person, error) { return h.s.FindPersonByHandle(ctx, "teams", "T1", "U1") }, "", false},
			{"email exact", func() (*conversation.Person, error) { return h.s.FindPersonByEmail(ctx, "Ann.Smith@Example.org") }, ann.ID, true},
			{"email other case", func() (*conversation.Person, error) { return h.s.FindPersonByEmail(ctx, "ANN.SMITH@EXAMPLE.ORG") }, ann.ID, false},
			{"email lower", func() (*conversation.Person, error) { return h.s.FindPersonByEmail(ctx, "bob@example.org") }, bob.ID, false},
			{"unknown email", func() (*conversation.Person, error) { return h.s.FindPersonByEmail(ctx, "nobody@example.org") }, "", false},
			{"empty email", func() (*conversation.Person, error) { return h.s.FindPersonByEmail(ctx, "") }, "", false},
		} {
			t.Run(tt.name, func(t *testing.T) {
				got, err := tt.find()
				if tt.want == "" {
					wantCode(t, err, conversation.ENOTFOUND, tt.name)
					return
				}
				must(t, err, tt.name)
				if got.ID != tt.want {
					t.Fatalf("found %s, want %s", got.ID, tt.want)
				}
				if tt.compare {
					sameCase(t, tt.name, got, &wantAnn)
				}
			})
		}
	})
	t.Run("list ordered by id", func(t *testing.T) {
		people, err := h.s.ListPeople(ctx)
		must(t, err, "ListPeople")
		var ids []string
		for _, p := range people {
			ids = append(ids, p.ID)
		}
		if want := []string{"ann.smith@example.org", "bob@example.org", "console:zed"}; !slices.Equal(ids, want) {
			t.Fatalf("ListPeople = %v, want %v", ids, want)
		}
	})
	t.Run("replace drops old index entries", func(t *testing.T) {
		repl := &conversation.Person{ID: ann.ID, Name: "Ann Jones", Email: "ann.jones@example.org",
			Handles:   []conversation.Handle{{Platform: "slack", Team: "T1", User: "U9"}, {Platform: "teams", Team: "tenant-1", User: "aad-1"}},
			UpdatedAt: t0.Add(time.Hour)}
		must(t, h.s.PutPerson(ctx, repl), "PutPerson replacement")
		got, err := h.s.GetPerson(ctx, ann.ID)
		must(t, err, "GetPerson")
		sameCase(t, "replaced person", got, repl)

		_, err = h.s.FindPersonByHandle(ctx, "slack", "T1", "U1")
		wantCode(t, err, conversation.ENOTFOUND, "old handle")
		_, err = h.s.FindPersonByEmail(ctx, "ann.smith@example.org")
		wantCode(t, err, conversation.ENOTFOUND, "old email")
		for _, find := range []func() (*conversation.Person, error){
			func() (*conversation.Person, error) { return h.s.FindPersonByHandle(ctx, "slack", "T1", "U9") },
			func() (*conversation.Person, error) { return h.s.FindPersonByHandle(ctx, "teams", "tenant-1", "aad-1") },
			func() (*conversation.Person, error) { return h.s.FindPersonByEmail(ctx, "Ann.Jones@example.org") },
		} {
			p, err := find()
			must(t, err, "find replaced person")
			if p.ID != ann.ID || p.Name != "Ann Jones" {
				t.Fatalf("found %s %q, want the replaced person", p.ID, p.Name)
			}
		}
	})
	t.Run("handle moved to another person", func(t *testing.T) {
		// Bob's Slack handle now belongs to a new person; replacing Bob
		// afterwards must not remove the new owner's index entry.
		must(t, h.s.PutPerson(ctx, &conversation.Person{ID: "dan@example.org", Name: "Dan",
			Handles: []conversation.Handle{{Platform: "slack", Team: "T1", User: "U2"}}}), "PutPerson dan")
		must(t, h.s.PutPerson(ctx, &conversation.Person{ID: bob.ID, Name: "Bob", Email: bob.Email}), "PutPerson bob")
		p, err := h.s.FindPersonByHandle(ctx, "slack", "T1", "U2")
		must(t, err, "FindPersonByHandle")
		if p.ID != "dan@example.org" {
			t.Fatalf("handle belongs to %s, want dan@example.org", p.ID)
		}
	})
}

func testMessageRefs(t *testing.T, open Opener) {
	ctx := context.Background()
	h := newHarness(t, open)
	ref := func(caseID, id string, sentAt time.Time) conversation.MessageRef {
		return conversation.MessageRef{CaseID: caseID, PersonID: "p-" + id, Platform: "slack", Channel: "D" + id, ID: id, SentAt: sentAt}
	}
	// The same SentAt on purpose: order is insertion order.
	adds := []conversation.MessageRef{
		ref("CR-2026-0001", "3", t0), ref("CR-2026-0002", "x", t0), ref("CR-2026-0001", "1", t0),
		ref("CR-2026-0001", "2", t0.Add(-time.Hour)),
	}
	for _, r := range adds {
		must(t, h.s.AddMessageRef(ctx, r), "AddMessageRef")
	}
	got, err := h.s.MessageRefs(ctx, "CR-2026-0001")
	must(t, err, "MessageRefs")
	sameCase(t, "MessageRefs", got, []conversation.MessageRef{adds[0], adds[2], adds[3]})
	got, err = h.s.MessageRefs(ctx, "CR-2026-0002")
	must(t, err, "MessageRefs")
	sameCase(t, "MessageRefs of another case", got, []conversation.MessageRef{adds[1]})
	got, err = h.s.MessageRefs(ctx, "CR-2026-0009")
	must(t, err, "MessageRefs of a case with none")
	if len(got) != 0 {
		t.Fatalf("MessageRefs of a case with none = %v", got)
	}
}

func testRemember(t *testing.T, open Opener) {
	ctx := context.Background()
	h := newHarness(t, open)
	const ttl = time.Hour
	steps := []struct {
		name string
		key  string
		now  time.Time
		want bool
	}{
		{"first time", "evt-1", t0, true},
		{"again at once", "evt-1", t0, false},
		{"within ttl", "evt-1", t0.Add(ttl - time.Second), false},
		{"another key", "evt-2", t0.Add(time.Minute), true},
		{"after ttl", "evt-1", t0.Add(ttl + time.Second), true},
		{"remembered again", "evt-1", t0.Add(ttl + 2*time.Second), false},
		{"other key still remembered", "evt-2", t0.Add(ttl), false},
		{"after second ttl", "evt-1", t0.Add(2*ttl + 2*time.Second), true},
	}
	for _, s := range steps {
		got, err := h.s.Remember(ctx, s.key, ttl, s.now)
		must(t, err, "Remember "+s.name)
		if got != s.want {
			t.Fatalf("Remember %s (%s at %v) = %v, want %v", s.name, s.key, s.now.Sub(t0), got, s.want)
		}
	}
}

func testClaim(t *testing.T, open Opener) {
	ctx := context.Background()
	h := newHarness(t, open)
	const lease = time.Minute
	type step struct {
		name    string
		release bool // Release instead of Claim
		key     string
		owner   string
		at      time.Duration // after t0
		want    bool
	}
	steps := []step{
		{name: "free", key: "k", owner: "a", at: 0, want: true},
		{name: "other owner before expiry", key: "k", owner: "b", at: 30 * time.Second, want: false},
		{name: "other key is independent", key: "k2", owner: "b", at: 30 * time.Second, want: true},
		{name: "same owner extends", key: "k", owner: "a", at: 40 * time.Second, want: true},
		{name: "other owner after first lease, before extension ends", key: "k", owner: "b", at: 90 * time.Second, want: false},
		{name: "other owner after extension", key: "k", owner: "b", at: 101 * time.Second, want: true},
		{name: "previous owner refused", key: "k", owner: "a", at: 102 * time.Second, want: false},
		{name: "release by non-owner", release: true, key: "k", owner: "a"},
		{name: "still held after non-owner release", key: "k", owner: "a", at: 103 * time.Second, want: false},
		{name: "release by owner", release: true, key: "k", owner: "b"},
		{name: "free after release", key: "k", owner: "a", at: 104 * time.Second, want: true},
		{name: "release of unknown key", release: true, key: "nothing", owner: "a"},
	}
	for _, s := range steps {
		if s.release {
			must(t, h.s.Release(ctx, s.key, s.owner), "Release "+s.name)
			continue
		}
		got, err := h.s.Claim(ctx, s.key, s.owner, lease, t0.Add(s.at))
		must(t, err, "Claim "+s.name)
		if got != s.want {
			t.Fatalf("Claim %s = %v, want %v", s.name, got, s.want)
		}
	}
}

func testClaimRace(t *testing.T, open Opener) {
	ctx := context.Background()
	h := newHarness(t, open)
	for round := range 5 {
		key := fmt.Sprintf("nudge:CR-2026-0001:%d", round)
		var wins sync.Map
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make(chan error, 8)
		for w := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				ok, err := h.s.Claim(ctx, key, fmt.Sprintf("replica-%d", w), time.Minute, t0)
				if err != nil {
					errs <- err
				}
				if ok {
					wins.Store(w, true)
				}
			}()
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("Claim: %v", err)
		}
		n := 0
		wins.Range(func(any, any) bool { n++; return true })
		if n != 1 {
			t.Fatalf("round %d: %d owners won the claim, want exactly 1", round, n)
		}
	}
}

var caseIDPattern = regexp.MustCompile(`^CR-(\d{4})-(\d{4,})$`)

// idNumber returns the number of a case id, failing the test if it is malformed.
func idNumber(tb testing.TB, id string, year int) int {
	tb.Helper()
	m := caseIDPattern.FindStringSubmatch(id)
	if m == nil || m[1] != strconv.Itoa(year) {
		tb.Fatalf("case id %q does not look like CR-%d-0001", id, year)
	}
	if len(m[2]) > 4 && strings.HasPrefix(m[2], "0") {
		tb.Fatalf("case id %q is padded beyond 4 digits", id)
	}
	n, _ := strconv.Atoi(m[2])
	return n
}

func testNextCaseID(t *testing.T, open Opener) {
	ctx := context.Background()
	h := newHarness(t, open)
	for _, tt := range []struct {
		year int
		want string
	}{
		{2026, "CR-2026-0001"},
		{2026, "CR-2026-0002"},
		{2027, "CR-2027-0001"},
		{2026, "CR-2026-0003"},
		{2027, "CR-2027-0002"},
	} {
		got, err := h.s.NextCaseID(ctx, tt.year)
		must(t, err, "NextCaseID")
		if got != tt.want {
			t.Fatalf("NextCaseID(%d) = %q, want %q", tt.year, got, tt.want)
		}
	}
}

func testNextCaseIDConcurrent(t *testing.T, open Opener) {
	ctx := context.Background()
	h := newHarness(t, open)
	const workers, each = 8, 50
	ids := allocate(t, h.s, 2026, workers, each)
	seen := map[string]bool{}
	for _, id := range ids {
		idNumber(t, id, 2026)
		if seen[id] {
			t.Fatalf("id %s allocated twice", id)
		}
		seen[id] = true
	}
	if len(seen) != workers*each {
		t.Fatalf("%d distinct ids, want %d", len(seen), workers*each)
	}
	h.restart()
	for range 10 {
		id, err := h.s.NextCaseID(ctx, 2026)
		must(t, err, "NextCaseID after reopen")
		if n := idNumber(t, id, 2026); seen[id] || n <= workers*each {
			t.Fatalf("after reopen NextCaseID gave %s, which repeats or goes back", id)
		}
		seen[id] = true
	}
}

// allocate calls NextCaseID workers*each times from workers goroutines.
func allocate(tb testing.TB, s conversation.Store, year, workers, each int) []string {
	tb.Helper()
	var mu sync.Mutex
	var ids []string
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				id, err := s.NextCaseID(context.Background(), year)
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				ids = append(ids, id)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		tb.Fatalf("NextCaseID: %v", err)
	}
	return ids
}

func testNextCaseIDBeyond9999(t *testing.T, open Opener) {
	if testing.Short() {
		t.Skip("allocates 10,000 ids")
	}
	ctx := context.Background()
	h := newHarness(t, open)
	ids := allocate(t, h.s, 2030, 40, 250)
	highest := 0
	for _, id := range ids {
		highest = max(highest, idNumber(t, id, 2030))
	}
	if highest != 10000 || !slices.Contains(ids, "CR-2030-9999") || !slices.Contains(ids, "CR-2030-10000") {
		t.Fatalf("after 10,000 ids the highest is %d, want 10000 (CR-2030-10000)", highest)
	}
	id, err := h.s.NextCaseID(ctx, 2030)
	must(t, err, "NextCaseID")
	if id != "CR-2030-10001" {
		t.Fatalf("NextCaseID = %s, want CR-2030-10001", id)
	}
}

func testReopen(t *testing.T, open Opener) {
	ctx := context.Background()
	h := newHarness(t, open)

	id1, err := h.s.NextCaseID(ctx, 2026)
	must(t, err, "NextCaseID")
	id2, err := h.s.NextCaseID(ctx, 2026)
	must(t, err, "NextCaseID")
	full := fullCase(id1)
	must(t, h.s.CreateCase(ctx, full), "CreateCase")
	other := minimalCase(id2, t0.Add(time.Hour))
	other.DueAt = t0.Add(-time.Hour)
	must(t, h.s.CreateCase(ctx, other), "CreateCase")
	_, err = h.s.UpdateCase(ctx, id1, func(c *conversation.Case) error { c.DueAt = t0.Add(-2 * time.Hour); return nil })
	must(t, err, "UpdateCase")
	person := &conversation.Person{ID: "ann@example.org", Name: "Ann", Email: "Ann@Example.org",
		Handles: []conversation.Handle{{Platform: "slack", Team: "T1", User: "U1"}}, UpdatedAt: t0}
	must(t, h.s.PutPerson(ctx, person), "PutPerson")
	draft := &conversation.Draft{PersonID: "ann@example.org", Values: map[string]string{"concern": "c"}, Step: 2, ExpiresAt: t0.Add(time.Hour)}
	must(t, h.s.SaveDraft(ctx, draft), "SaveDraft")
	refs := []conversation.MessageRef{
		{CaseID: id1, PersonID: "ann@example.org", Platform: "slack", Channel: "D1", ID: "1.0", SentAt: t0},
		{CaseID: id1, PersonID: "bob@example.org", Platform: "teams", Channel: "a:1", ID: "act-1", SentAt: t0},
	}
	for _, r := range refs {
		must(t, h.s.AddMessageRef(ctx, r), "AddMessageRef")
	}
	first, err := h.s.Remember(ctx, "evt-1", time.Hour, t0)
	must(t, err, "Remember")
	claimed, err := h.s.Claim(ctx, "job", "a", time.Hour, t0)
	must(t, err, "Claim")
	if !first || !claimed {
		t.Fatal("Remember or Claim failed on a fresh store")
	}

	h.restart()

	want := full.Clone()
	want.Version = 2
	want.DueAt = t0.Add(-2 * time.Hour)
	got, err := h.s.GetCase(ctx, id1)
	must(t, err, "GetCase after reopen")
	sameCase(t, "case after reopen", got, want)
	cases, err := h.s.ListCases(ctx, conversation.CaseFilter{})
	must(t, err, "ListCases after reopen")
	if len(cases) != 2 || cases[0].ID != id2 || cases[1].ID != id1 {
		t.Fatalf("ListCases after reopen returned %d cases", len(cases))
	}
	due, err := h.s.DueBefore(ctx, t0, 10)
	must(t, err, "DueBefore after reopen")
	if ids := dueIDs(due); !slices.Equal(ids, []string{id1, id2}) {
		t.Fatalf("DueBefore after reopen = %v, want %v", ids, []string{id1, id2})
	}
	p, err := h.s.GetPerson(ctx, person.ID)
	must(t, err, "GetPerson after reopen")
	sameCase(t, "person after reopen", p, person)
	p, err = h.s.FindPersonByHandle(ctx, "slack", "T1", "U1")
	must(t, err, "FindPersonByHandle after reopen")
	if p.ID != person.ID {
		t.Fatalf("FindPersonByHandle after reopen found %s", p.ID)
	}
	p, err = h.s.FindPersonByEmail(ctx, "ann@example.org")
	must(t, err, "FindPersonByEmail after reopen")
	if p.ID != person.ID {
		t.Fatalf("FindPersonByEmail after reopen found %s", p.ID)
	}
	d, err := h.s.GetDraft(ctx, draft.PersonID, t0)
	must(t, err, "GetDraft after reopen")
	sameCase(t, "draft after reopen", d, draft)
	gotRefs, err := h.s.MessageRefs(ctx, id1)
	must(t, err, "MessageRefs after reopen")
	sameCase(t, "message refs after reopen", gotRefs, refs)
	again, err := h.s.Remember(ctx, "evt-1", time.Hour, t0.Add(time.Minute))
	must(t, err, "Remember after reopen")
	if again {
		t.Fatal("an idempotency key was forgotten on reopen")
	}
	stolen, err := h.s.Claim(ctx, "job", "b", time.Hour, t0.Add(time.Minute))
	must(t, err, "Claim after reopen")
	if stolen {
		t.Fatal("a claim was lost on reopen")
	}
	id3, err := h.s.NextCaseID(ctx, 2026)
	must(t, err, "NextCaseID after reopen")
	if id3 == id1 || id3 == id2 || idNumber(t, id3, 2026) != 3 {
		t.Fatalf("NextCaseID after reopen = %s, want CR-2026-0003", id3)
	}
}
