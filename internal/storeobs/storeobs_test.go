package storeobs_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/boltstore"
	"github.com/resolvebot/resolvebot/conversation/storetest"
	"github.com/resolvebot/resolvebot/internal/storeobs"
)

// recorder collects observed operations.
type recorder struct {
	mu  sync.Mutex
	ops []string
	err map[string]error
}

func (r *recorder) observe(op string, d time.Duration, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ops = append(r.ops, op)
	if r.err == nil {
		r.err = map[string]error{}
	}
	r.err[op] = err
}

func openBolt(tb testing.TB, path string) *boltstore.Store {
	bs, err := boltstore.Open(path)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	return bs
}

// The wrapped store still keeps the store contract.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(tb testing.TB) (conversation.Store, func() conversation.Store) {
		path := filepath.Join(tb.TempDir(), "resolvebot.db")
		var cur conversation.Store = openBolt(tb, path)
		return storeobs.Wrap(cur, nil), func() conversation.Store {
			if err := cur.Close(); err != nil {
				tb.Fatalf("Close: %v", err)
			}
			cur = openBolt(tb, path)
			return storeobs.Wrap(cur, nil)
		}
	})
}

// Each operation is reported once, by name, with the error it returned.
func TestObserved(t *testing.T) {
	ctx := context.Background()
	bs := openBolt(t, filepath.Join(t.TempDir(), "resolvebot.db"))
	defer bs.Close()
	var r recorder
	s := storeobs.Wrap(bs, r.observe)
	if s.Unwrap() != bs {
		t.Errorf("Unwrap does not give the wrapped store")
	}
	now := time.Now()
	c := &conversation.Case{ID: "CR-2026-0001", Status: conversation.StatusOpen, CreatedAt: now, UpdatedAt: now}
	if err := s.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetCase(ctx, "CR-2026-0404"); conversation.ErrorCode(err) != conversation.ENOTFOUND {
		t.Fatalf("GetCase of a missing case: %v", err)
	}
	declined := conversation.Invalid("refusal.case_closed", nil)
	if _, err := s.UpdateCase(ctx, c.ID, func(*conversation.Case) error { return declined }); !errors.Is(err, declined) {
		t.Fatalf("UpdateCase: %v", err)
	}
	if err := s.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	want := []string{"create_case", "get_case", "update_case", "ping"}
	if !slices.Equal(r.ops, want) {
		t.Errorf("observed %v, want %v", r.ops, want)
	}
	if r.err["create_case"] != nil || conversation.ErrorCode(r.err["get_case"]) != conversation.ENOTFOUND || !errors.Is(r.err["update_case"], declined) {
		t.Errorf("errors observed: %v", r.err)
	}
}
