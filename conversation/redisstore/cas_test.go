package redisstore_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/redisstore"
	"github.com/resolvebot/resolvebot/conversation/redisstore/redistest"
)

// rawClient is a plain client on the test Redis, for reaching under the store.
func rawClient(t *testing.T) *redis.Client {
	t.Helper()
	return redistest.Client(t)
}

func casCase(id string) *conversation.Case {
	at := time.Date(2026, 4, 2, 9, 0, 0, 0, time.UTC)
	return &conversation.Case{ID: id, Partnership: "generic", ChildRef: "CSC-1", Status: conversation.StatusOpen,
		CreatedAt: at, UpdatedAt: at, DueAt: at.Add(time.Hour)}
}

// A record changed under the store (here rewritten with its fields in
// another order and a new version, as a hand repair might) is read again
// before the change is applied, not overwritten from what the store
// remembered.
func TestUpdateCaseAfterARecordChangedUnderneath(t *testing.T) {
	ctx := context.Background()
	s, prefix := redistest.Open(t)
	raw := rawClient(t)
	c := casCase("CR-2026-0001")
	if err := s.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	key := prefix + ":{rb}:case:" + c.ID
	data, err := raw.Get(ctx, key).Bytes()
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]any // marshals with its keys sorted: "category" before "id"
	if err := json.Unmarshal(data, &fields); err != nil {
		t.Fatal(err)
	}
	fields["version"] = 7
	fields["decision"] = "changed by hand"
	reordered, _ := json.Marshal(fields)
	if err := raw.Set(ctx, key, reordered, 0).Err(); err != nil {
		t.Fatal(err)
	}
	got, err := s.UpdateCase(ctx, c.ID, func(c *conversation.Case) error { c.Category = "threshold"; return nil })
	if err != nil {
		t.Fatalf("update of a reordered record: %v", err)
	}
	if got.Version != 8 || got.Category != "threshold" || got.Decision != "changed by hand" {
		t.Fatalf("got version %d category %q decision %q, want 8, threshold and the hand change kept", got.Version, got.Category, got.Decision)
	}
}

// A write landing between the store's read and its compare-and-set makes
// the store read again and apply the change on top: nothing is lost, and
// the due index holds only the final entry.
func TestUpdateCaseRetriesAfterAWriteInBetween(t *testing.T) {
	ctx := context.Background()
	s, prefix := redistest.Open(t)
	c := casCase("CR-2026-0002")
	if err := s.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	calls := 0
	got, err := s.UpdateCase(ctx, c.ID, func(x *conversation.Case) error {
		calls++
		if calls == 1 {
			// Another replica writes first, moving the due time.
			if _, err := s.UpdateCase(ctx, c.ID, func(y *conversation.Case) error {
				y.Category = "roles"
				y.DueAt = y.DueAt.Add(time.Hour)
				return nil
			}); err != nil {
				t.Errorf("inner update: %v", err)
			}
		}
		x.Decision = "decided"
		x.DueAt = x.DueAt.Add(24 * time.Hour)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls != 2 {
		t.Errorf("fn called %d times, want 2 (once stale, once on the other write)", calls)
	}
	if got.Version != 3 || got.Category != "roles" || got.Decision != "decided" {
		t.Errorf("got version %d category %q decision %q, want 3, roles, decided", got.Version, got.Category, got.Decision)
	}
	members, err := rawClient(t).ZRange(ctx, prefix+":{rb}:due", 0, -1).Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(members) != 1 {
		t.Fatalf("due index holds %d entries, want 1: %v", len(members), members)
	}
	due, err := s.DueBefore(ctx, got.DueAt, 0)
	if err != nil || len(due) != 1 || !due[0].DueAt.Equal(got.DueAt) {
		t.Errorf("due entry %v (%v), want one at %v", due, err, got.DueAt)
	}
}

// A case deleted between the read and the write is reported as not found,
// not recreated.
func TestUpdateCaseOfADeletedCase(t *testing.T) {
	ctx := context.Background()
	s, _ := redistest.Open(t)
	c := casCase("CR-2026-0003")
	if err := s.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	_, err := s.UpdateCase(ctx, c.ID, func(x *conversation.Case) error {
		if err := s.DeleteCase(ctx, c.ID); err != nil {
			t.Errorf("delete: %v", err)
		}
		x.Decision = "decided"
		return nil
	})
	if code := conversation.ErrorCode(err); code != conversation.ENOTFOUND {
		t.Fatalf("error %v, want %s", err, conversation.ENOTFOUND)
	}
	if _, err := s.GetCase(ctx, c.ID); conversation.ErrorCode(err) != conversation.ENOTFOUND {
		t.Errorf("case came back after delete: %v", err)
	}
}

// openTwo returns two stores on one prefix, as two replicas would be.
func openTwo(t *testing.T) (a, b *redisstore.Store, prefix string) {
	t.Helper()
	a, prefix = redistest.Open(t)
	b, err := redisstore.Open(context.Background(), redistest.URL(), prefix)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close(); b.Close() })
	return a, b, prefix
}

// A replica that wrote a case last, and so starts its next change from
// what it remembers, still builds on another replica's writes since.
func TestUpdateCaseOnTwoReplicas(t *testing.T) {
	ctx := context.Background()
	a, b, prefix := openTwo(t)
	c := casCase("CR-2026-0004")
	if err := a.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"from b, first", "from b, second"} {
		if _, err := b.UpdateCase(ctx, c.ID, func(x *conversation.Case) error {
			x.Events = append(x.Events, conversation.Event{Kind: conversation.EventNote, Text: text})
			x.DueAt = x.DueAt.Add(time.Hour)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	calls := 0
	got, err := a.UpdateCase(ctx, c.ID, func(x *conversation.Case) error {
		calls++
		x.Events = append(x.Events, conversation.Event{Kind: conversation.EventNote, Text: "from a"})
		x.DueAt = x.DueAt.Add(time.Hour)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls != 2 || got.Version != 4 || len(got.Events) != 3 || got.Events[2].Text != "from a" {
		t.Fatalf("fn called %d times; version %d with %d events; want 2 calls, version 4, b's two notes then a's", calls, got.Version, len(got.Events))
	}
	stored, err := b.GetCase(ctx, c.ID)
	if err != nil || stored.Version != 4 || len(stored.Events) != 3 {
		t.Fatalf("stored: %+v, %v", stored, err)
	}
	members, err := rawClient(t).ZRange(ctx, prefix+":{rb}:due", 0, -1).Result()
	if err != nil || len(members) != 1 {
		t.Fatalf("due index %v (%v), want one entry", members, err)
	}
	if due, _ := a.DueBefore(ctx, got.DueAt, 0); len(due) != 1 || !due[0].DueAt.Equal(c.DueAt.Add(3*time.Hour)) {
		t.Errorf("due entry %v, want one at %v", due, c.DueAt.Add(3*time.Hour))
	}
}

// A case deleted and stored again under the same id by another replica,
// at the same version, is not mistaken for the one remembered.
func TestUpdateCaseAfterDeleteAndRecreateElsewhere(t *testing.T) {
	ctx := context.Background()
	a, b, _ := openTwo(t)
	first := casCase("CR-2026-0005")
	first.Decision = "first"
	if err := a.CreateCase(ctx, first); err != nil {
		t.Fatal(err)
	}
	if err := b.DeleteCase(ctx, first.ID); err != nil {
		t.Fatal(err)
	}
	second := casCase("CR-2026-0005")
	second.Decision = "second"
	if err := b.CreateCase(ctx, second); err != nil {
		t.Fatal(err)
	}
	var seen string
	got, err := a.UpdateCase(ctx, first.ID, func(x *conversation.Case) error {
		seen = x.Decision
		x.Category = "roles"
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen != "second" || got.Decision != "second" || got.Version != 2 {
		t.Fatalf("the change was made to %q and stored as %q at version %d; want it made to the second record, version 2", seen, got.Decision, got.Version)
	}
}
