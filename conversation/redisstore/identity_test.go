package redisstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"

	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/redisstore"
)

// These tests restart and empty their own in-memory Redis, so they never
// touch a shared server.

func openOn(t *testing.T, m *miniredis.Miniredis) *redisstore.Store {
	t.Helper()
	s, err := redisstore.Open(t.Context(), "redis://"+m.Addr()+"/0", "ident")
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func nextIDs(t *testing.T, s conversation.Store, n int) []string {
	t.Helper()
	var ids []string
	for range n {
		id, err := s.NextCaseID(t.Context(), 2026)
		if err != nil {
			t.Fatalf("next case id: %v", err)
		}
		ids = append(ids, id)
	}
	return ids
}

// wipe empties the server and restarts it on the same port, as a Redis
// without persistence does when it restarts.
func wipe(t *testing.T, m *miniredis.Miniredis) {
	t.Helper()
	m.Close()
	m.FlushAll()
	if err := m.Restart(); err != nil {
		t.Fatal(err)
	}
}

func wantLost(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, conversation.ErrStoreLost) || conversation.ErrorCode(err) != conversation.EINTERNAL {
		t.Errorf("%s after the store lost its data: %v, want an internal error wrapping ErrStoreLost", what, err)
	}
}

func TestIdentityFirstStartAndReopen(t *testing.T) {
	m := miniredis.RunT(t)
	s := openOn(t, m)
	id := s.Identity()
	if id.ID == "" || !id.New || id.Adopted {
		t.Fatalf("first open identity = %+v, want a new one", id)
	}
	first := nextIDs(t, s, 2)
	s.Close()
	s2 := openOn(t, m)
	if got := s2.Identity(); got.ID != id.ID || got.New {
		t.Fatalf("reopened identity = %+v, want %s again", got, id.ID)
	}
	if got := nextIDs(t, s2, 1)[0]; got != "CR-2026-0003" || first[1] != "CR-2026-0002" {
		t.Fatalf("ids %v then %s", first, got)
	}
	if err := s2.Ping(t.Context()); err != nil {
		t.Fatalf("ping: %v", err)
	}
}

// A Redis without persistence restarts empty under a running bot: every
// read and write fails with ErrStoreLost (no "There is no case", nothing
// written), Ping fails, and no case id is allocated again from 1.
func TestIdentityLostOnRestartEmpty(t *testing.T) {
	ctx := context.Background()
	m := miniredis.RunT(t)
	s := openOn(t, m)
	before := nextIDs(t, s, 3)
	now := time.Date(2026, 4, 2, 9, 0, 0, 0, time.UTC)
	c := &conversation.Case{ID: before[0], Partnership: "generic", ChildRef: "CSC-1", Status: conversation.StatusOpen, CreatedAt: now, UpdatedAt: now}
	if err := s.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	wipe(t, m)

	wantLost(t, "Ping", s.Ping(ctx))
	_, err := s.NextCaseID(ctx, 2026)
	wantLost(t, "NextCaseID", err)
	_, err = s.GetCase(ctx, before[0])
	wantLost(t, "GetCase", err)
	_, err = s.UpdateCase(ctx, before[0], func(*conversation.Case) error { return nil })
	wantLost(t, "UpdateCase", err)
	wantLost(t, "PutPerson", s.PutPerson(ctx, &conversation.Person{ID: "sam@example.org", Name: "Sam"}))
	wantLost(t, "SaveDraft", s.SaveDraft(ctx, &conversation.Draft{PersonID: "sam@example.org"}))
	_, err = s.Remember(ctx, "event-1", time.Hour, now)
	wantLost(t, "Remember", err)
	if keys := m.Keys(); len(keys) != 0 {
		t.Errorf("the emptied store was written to: %v", keys)
	}

	// The same after a FLUSHALL without a restart: connections stay open,
	// but no id is allocated and readiness fails.
	m2 := miniredis.RunT(t)
	s2 := openOn(t, m2)
	nextIDs(t, s2, 2)
	m2.FlushAll()
	_, err = s2.NextCaseID(ctx, 2026)
	wantLost(t, "NextCaseID after FLUSHALL", err)
	wantLost(t, "Ping after FLUSHALL", s2.Ping(ctx))
	if keys := m2.Keys(); len(keys) != 0 {
		t.Errorf("the flushed store was written to: %v", keys)
	}
}

// Restoring the data (with its identity) ends the loss; so does an
// operator accepting the empty store with ResetIdentity, which never lets
// an id be issued twice.
func TestIdentityRestoreAndReset(t *testing.T) {
	ctx := context.Background()
	m := miniredis.RunT(t)
	s := openOn(t, m)
	nextIDs(t, s, 2)
	identity := m.HGet("ident:{rb}:identity", "id")
	created := m.HGet("ident:{rb}:identity", "created")
	seq, _ := m.Get("ident:{rb}:seq:2026")
	wipe(t, m)
	wantLost(t, "Ping", s.Ping(ctx))

	// Restore: the identity and sequence come back.
	m.HSet("ident:{rb}:identity", "id", identity, "created", created)
	m.Set("ident:{rb}:seq:2026", seq)
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("ping after restore: %v", err)
	}
	if got := nextIDs(t, s, 1)[0]; got != "CR-2026-0003" {
		t.Fatalf("after restore the next id is %s", got)
	}

	// Accept the empty store instead.
	wipe(t, m)
	wantLost(t, "Ping", s.Ping(ctx))
	op, err := redisstore.Connect(ctx, "redis://"+m.Addr()+"/0", "ident")
	if err != nil {
		t.Fatal(err)
	}
	defer op.Close()
	if _, err := op.ResetIdentity(ctx, "CR-2026-00x", identity); conversation.ErrorCode(err) != conversation.EINVALID {
		t.Fatalf("reset with a bad last id: %v", err)
	}
	rec, err := op.ResetIdentity(ctx, "CR-2026-0040", identity)
	if err != nil || rec.Previous != identity || rec.ID == identity {
		t.Fatalf("reset: %+v %v", rec, err)
	}
	second, err := op.ResetIdentity(ctx, "CR-2026-0040", identity)
	if err != nil || second.Previous != identity {
		t.Fatalf("a second reset before any case: %+v %v", second, err)
	}
	rec = second
	// The running store adopts the new identity and goes on after the last id.
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("ping after reset: %v", err)
	}
	if got := nextIDs(t, s, 1)[0]; got != "CR-2026-0041" || s.Identity().ID != rec.ID {
		t.Fatalf("after reset the next id is %s (identity %s), want CR-2026-0041 under %s", got, s.Identity().ID, rec.ID)
	}
	// Once the store holds cases again, a reset is refused.
	c := &conversation.Case{ID: "CR-2026-0041", Partnership: "generic", Status: conversation.StatusOpen, CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := s.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	if _, err := op.ResetIdentity(ctx, "CR-2026-0050", rec.ID); conversation.ErrorCode(err) != conversation.EINVALID {
		t.Fatalf("a reset of a store holding cases: %v, want EINVALID", err)
	}
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("the refused reset changed the store: %v", err)
	}
}

// A store written before identities (cases and a sequence, no identity)
// is adopted at open and its ids go on; an older copy restored with its
// identity never makes this process issue an id it has issued.
func TestIdentityAdoptAndOlderCopy(t *testing.T) {
	m := miniredis.RunT(t)
	m.Set("ident:{rb}:seq:2026", "7")
	m.ZAdd("ident:{rb}:cases", 1, "CR-2026-0007")
	s := openOn(t, m)
	if id := s.Identity(); id.ID == "" || id.New || !id.Adopted {
		t.Fatalf("identity on an old store = %+v, want adopted", id)
	}
	if got := nextIDs(t, s, 3); got[0] != "CR-2026-0008" || got[2] != "CR-2026-0010" {
		t.Fatalf("ids %v", got)
	}
	m.Set("ident:{rb}:seq:2026", "8") // an older copy of the same store
	if got := nextIDs(t, s, 1)[0]; got != "CR-2026-0011" {
		t.Fatalf("after an older copy came back the next id is %s, want CR-2026-0011", got)
	}
}

// A store pinned to its identity refuses a Redis without it (or with
// another) at open, and writes nothing there.
func TestIdentityPinned(t *testing.T) {
	ctx := context.Background()
	m := miniredis.RunT(t)
	url := "redis://" + m.Addr() + "/0"
	s := openOn(t, m)
	id := s.Identity().ID
	s.Close()
	if s, err := redisstore.OpenPinned(ctx, url, "ident", id); err != nil {
		t.Fatalf("open pinned to its own identity: %v", err)
	} else {
		s.Close()
	}
	m.FlushAll()
	_, err := redisstore.OpenPinned(ctx, url, "ident", id)
	wantLost(t, "OpenPinned on an empty Redis", err)
	if keys := m.Keys(); len(keys) != 0 {
		t.Errorf("a pinned open wrote to the empty Redis: %v", keys)
	}
	openOn(t, m) // unpinned: a new store
	_, err = redisstore.OpenPinned(ctx, url, "ident", id)
	wantLost(t, "OpenPinned on another store", err)
}
