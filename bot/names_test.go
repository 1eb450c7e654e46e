package bot_test

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/boltstore"
)

// personReads counts the store's person reads.
type personReads struct {
	conversation.Store
	n atomic.Int64
}

func (s *personReads) GetPerson(ctx context.Context, id string) (*conversation.Person, error) {
	s.n.Add(1)
	return s.Store.GetPerson(ctx, id)
}

// A name is read from the store once however often a card mentions it,
// and a profile saved through the directory shows its new name at once.
func TestNamesAreReadOnce(t *testing.T) {
	ctx := context.Background()
	bolt, err := boltstore.Open(filepath.Join(t.TempDir(), "bot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bolt.Close() })
	store := &personReads{Store: bolt}
	if err := store.PutPerson(ctx, &conversation.Person{ID: "sam@school.example.org", Name: "Sam Patel"}); err != nil {
		t.Fatal(err)
	}
	people := bot.NewPeople(store, []bot.Agency{{Key: "school", Name: "Hill School"}}, nil, nil)
	for range 5 {
		if got := people.Name(ctx, "sam@school.example.org"); got != "Sam Patel" {
			t.Fatalf("Name = %q, want Sam Patel", got)
		}
	}
	if n := store.n.Load(); n != 1 {
		t.Errorf("five mentions read the person %d times, want once", n)
	}
	if got := people.Names(ctx, []string{"sam@school.example.org", "nobody@example.org"}); got != "Sam Patel and nobody@example.org" {
		t.Errorf("Names = %q: an unknown person should show as their id", got)
	}
	if _, err := people.SaveProfile(ctx, "sam@school.example.org", "Samir Patel", "school", ""); err != nil {
		t.Fatal(err)
	}
	if got := people.Name(ctx, "sam@school.example.org"); got != "Samir Patel" {
		t.Errorf("after the profile was saved, Name = %q, want Samir Patel", got)
	}
}
