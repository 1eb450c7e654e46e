package sealed_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/redisstore"
	"github.com/resolvebot/resolvebot/conversation/redisstore/redistest"
	"github.com/resolvebot/resolvebot/conversation/sealed"
)

// note appends one note with text to the case.
func note(text string) func(*conversation.Case) error {
	return func(c *conversation.Case) error {
		c.Events = append(c.Events, conversation.Event{Seq: len(c.Events) + 1, Kind: conversation.EventNote, Text: text,
			At: time.Date(2026, 3, 2, 9, 0, len(c.Events), 0, time.UTC)})
		return nil
	}
}

// texts returns the texts of a case's events, in order.
func texts(c *conversation.Case) []string {
	var out []string
	for _, e := range c.Events {
		out = append(out, e.Text)
	}
	return out
}

// Two replicas, each remembering the timelines it has seen, write to the
// same case in turn and at once: each write sees every event the other
// wrote (it reads the events after those it remembers), nothing is lost or
// repeated, and a case deleted and stored again with fewer events is read
// afresh, not from what a replica remembered of the old one.
func TestTwoReplicasShareTimelines(t *testing.T) {
	ctx := context.Background()
	k := ring(t, key("k1", 1))
	ra, prefix := redistest.Open(t)
	defer ra.Close()
	rb, err := redisstore.Open(ctx, redistest.URL(), prefix)
	if err != nil {
		t.Fatal(err)
	}
	defer rb.Close()
	a, b := sealed.Wrap(ra, k), sealed.Wrap(rb, k)
	const id = "CR-2026-0001"
	c := &conversation.Case{ID: id, ChildRef: "LA-1", Status: conversation.StatusOpen,
		Events: []conversation.Event{{Seq: 1, Kind: conversation.EventRaised, Text: "raised"}}}
	if err := a.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	var want []string
	want = append(want, "raised")
	for i := range 6 {
		s := a
		if i%3 == 1 {
			s = b
		}
		text := fmt.Sprint("turn ", i)
		got, err := s.UpdateCase(ctx, id, note(text))
		want = append(want, text)
		if err != nil || fmt.Sprint(texts(got)) != fmt.Sprint(want) {
			t.Fatalf("turn %d: %v, %v; want %v", i, texts(got), err, want)
		}
	}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := a
			if i%2 == 1 {
				s = b
			}
			if _, err := s.UpdateCase(ctx, id, note(fmt.Sprint("at once ", i))); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	for _, s := range []*sealed.Store{a, b} {
		got, err := s.GetCase(ctx, id)
		if err != nil || len(got.Events) != len(want)+20 {
			t.Fatalf("after the writes at once: %d events, %v", len(got.Events), err)
		}
		seen := map[string]bool{}
		for i, e := range got.Events {
			if e.Seq != i+1 || seen[e.Text] {
				t.Fatalf("event %d: seq %d, %q repeated=%v", i, e.Seq, e.Text, seen[e.Text])
			}
			seen[e.Text] = true
		}
	}

	// Stored again, shorter: a remembers the longer timeline.
	if err := b.DeleteCase(ctx, id); err != nil {
		t.Fatal(err)
	}
	c = &conversation.Case{ID: id, ChildRef: "LA-2", Status: conversation.StatusOpen,
		Events: []conversation.Event{{Seq: 1, Kind: conversation.EventRaised, Text: "raised again"}}}
	if err := b.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	got, err := a.GetCase(ctx, id)
	if err != nil || fmt.Sprint(texts(got)) != "[raised again]" || got.ChildRef != "LA-2" {
		t.Fatalf("GetCase of the case stored again = %v, %v", texts(got), err)
	}
	if err := b.DeleteCase(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := b.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	got, err = a.UpdateCase(ctx, id, note("first note"))
	if err != nil || fmt.Sprint(texts(got)) != "[raised again first note]" {
		t.Fatalf("UpdateCase of the case stored again = %v, %v", texts(got), err)
	}
}
