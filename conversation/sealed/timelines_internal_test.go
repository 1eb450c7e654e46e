package sealed

import (
	"fmt"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/conversation"
)

// events returns n events numbered from 1, in a slice with room for more.
func events(n int) []conversation.Event {
	out := make([]conversation.Event, n, 2*n)
	for i := range out {
		out[i].Seq = i + 1
	}
	return out
}

// One writer at a time holds the room after a timeline's events, and only
// it gives it back: a writer whose timeline was replaced meanwhile frees
// nothing of the new one's.
func TestTimelinesRoom(t *testing.T) {
	var tl timelines
	tl.put("a", events(3), nil)
	first, room := tl.take("a")
	if room == nil || len(first) != 3 || cap(first) == 3 {
		t.Fatalf("first take: %d events, cap %d, room %v", len(first), cap(first), room != nil)
	}
	second, room2 := tl.take("a")
	if room2 != nil || cap(second) != 3 {
		t.Fatalf("second take while the room is held: cap %d, room %v", cap(second), room2 != nil)
	}
	// A writer without the room stores a longer timeline of its own.
	tl.put("a", events(5), nil)
	third, room3 := tl.take("a")
	if room3 == nil || len(third) != 5 {
		t.Fatalf("take of the new timeline: %d events, room %v", len(third), room3 != nil)
	}
	// The first writer finishes: it must not free the third's room.
	tl.put("a", append(first, conversation.Event{Seq: 4}), room)
	if _, r := tl.take("a"); r != nil {
		t.Fatal("the room of the new timeline was handed out twice")
	}
	tl.put("a", append(third, conversation.Event{Seq: 6}), room3)
	if got := tl.get("a"); len(got) != 6 || cap(got) != 6 {
		t.Fatalf("get = %d events, cap %d", len(got), cap(got))
	}
	// A shorter timeline does not replace a longer one, and forget drops it.
	tl.put("a", events(2), nil)
	if len(tl.get("a")) != 6 {
		t.Fatal("a shorter timeline replaced a longer one")
	}
	tl.forget("a")
	if tl.get("a") != nil || tl.events != 0 {
		t.Fatalf("after forget: %d events remembered", tl.events)
	}
}

// The remembered events stay within maxRemembered, and a timeline longer
// than that is not remembered at all.
func TestTimelinesBound(t *testing.T) {
	var tl timelines
	for i := range 50 {
		tl.put(string(rune('a'+i)), events(maxRemembered/10), nil)
		if tl.events > maxRemembered {
			t.Fatalf("%d events remembered, bound %d", tl.events, maxRemembered)
		}
	}
	tl.put("huge", events(maxRemembered+1), nil)
	if tl.get("huge") != nil {
		t.Fatal("a timeline over the bound was remembered")
	}
}

// Long notes are remembered within maxRememberedBytes, not only within the
// count: a hundred cases of a hundred 2,500-character notes (27 MB opened)
// were all remembered when only the events were counted. The size kept as
// timelines grow matches a recount.
func TestTimelinesBoundBytes(t *testing.T) {
	long := strings.Repeat("x", conversation.MaxLongText)
	var tl timelines
	for i := range 100 {
		evs := events(100)
		for j := range evs {
			evs[j].Text = long
		}
		tl.put(fmt.Sprint("case", i), evs, nil)
	}
	total := 0
	for id, c := range tl.cases {
		got := 0
		for _, e := range tl.get(id) {
			got += eventSize(e)
		}
		got += (cap(c.events) - len(c.events)) * eventOverhead
		if got != c.bytes {
			t.Errorf("%s: %d bytes counted, %d recounted", id, c.bytes, got)
		}
		total += got
	}
	if total > maxRememberedBytes || tl.bytes != total {
		t.Fatalf("%d bytes remembered (counted %d), bound %d", total, tl.bytes, maxRememberedBytes)
	}
	if len(tl.cases) == 0 {
		t.Fatal("nothing remembered")
	}

	// A case's timeline growing by a write, in the room after it.
	id := "grows"
	tl.put(id, events(10), nil)
	known, room := tl.take(id)
	if room == nil {
		t.Fatal("no room to append in")
	}
	grown := append(known, conversation.Event{Seq: 11, Text: long, Fields: map[string]string{"to_stage": "manager"}})
	tl.put(id, grown, room)
	want := (cap(grown) - len(grown)) * eventOverhead
	for _, e := range grown {
		want += eventSize(e)
	}
	if got := tl.cases[id].bytes; got != want {
		t.Errorf("after a write: %d bytes counted, %d recounted", got, want)
	}
}
