package sealed

import (
	"slices"
	"sync"
	"unsafe"

	"github.com/resolvebot/resolvebot/conversation"
)

// maxRemembered bounds the events a Store remembers, over all cases, and
// maxRememberedBytes their size (eventSize: a note may be 2,500
// characters, so a bound on the count alone let the cache reach tens of
// megabytes); past either, arbitrary cases are forgotten to make room. A
// case over the whole budget is not remembered and costs a full read.
const (
	maxRemembered      = 20_000
	maxRememberedBytes = 8 << 20
)

// eventOverhead is what an opened event takes besides its strings: the
// struct, and the header of its fields' map when it has one.
const eventOverhead = int(unsafe.Sizeof(conversation.Event{}))

// eventSize is about the bytes event e holds on the heap, opened.
func eventSize(e conversation.Event) int {
	n := eventOverhead + len(e.Actor) + len(e.Stage) + len(e.Text)
	if e.Fields != nil {
		n += 48
		for k, v := range e.Fields {
			n += len(k) + len(v) + 32
		}
	}
	return n
}

// timelines remembers, per case, the events of its timeline this process
// has read or written, opened. Events never change once on a timeline, so
// what is remembered stays true: a store asked for the events after them
// (conversation.CaseLog) completes it. The slices are never changed or
// handed out for change, only copied; but a timeline's slice may have room
// after its events, which one writer at a time may take (see take) to
// append a write's events without copying the timeline. It is safe for
// concurrent use.
type timelines struct {
	mu     sync.Mutex
	cases  map[string]*timeline
	events int // sum of the remembered timelines' lengths
	bytes  int // sum of their sizes
}

// timeline is one case's remembered events.
type timeline struct {
	events []conversation.Event
	bytes  int  // the events' sizes, and the room after them
	taken  bool // a writer holds the room after events
}

// get returns the events remembered for case id, oldest first; none when
// nothing is. The slice has no room after them.
func (t *timelines) get(id string) []conversation.Event {
	t.mu.Lock()
	defer t.mu.Unlock()
	if tl := t.cases[id]; tl != nil {
		return slices.Clip(tl.events)
	}
	return nil
}

// take is get for a writer: when nobody else holds the room after the
// events, the slice comes with it and room is the timeline whose room the
// writer now holds: it may append to the slice until it calls put with
// that room. Otherwise room is nil.
func (t *timelines) take(id string) (events []conversation.Event, room *timeline) {
	t.mu.Lock()
	defer t.mu.Unlock()
	tl := t.cases[id]
	if tl == nil {
		return nil, nil
	}
	if tl.taken || cap(tl.events) == len(tl.events) {
		return slices.Clip(tl.events), nil
	}
	tl.taken = true
	return tl.events, tl
}

// put remembers events as case id's timeline, unless what is remembered is
// longer already (a later write, done meanwhile), and gives back the room
// take handed out (nil for none). The events must not be changed
// afterwards; the slice's room after them may be used by a later writer.
func (t *timelines) put(id string, events []conversation.Event, room *timeline) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if room != nil {
		room.taken = false // if it is still remembered, its room is free again
	}
	if len(events) == 0 {
		return
	}
	if t.cases == nil {
		t.cases = make(map[string]*timeline)
	}
	old := t.cases[id]
	if old != nil && len(old.events) >= len(events) {
		return
	}
	// A timeline only grows, so only the events after the remembered ones
	// are measured: a write costs the same whatever the case's history.
	size, from := 0, 0
	if old != nil {
		size, from = old.bytes-(cap(old.events)-len(old.events))*eventOverhead, len(old.events)
	}
	for _, e := range events[from:] {
		size += eventSize(e)
	}
	size += (cap(events) - len(events)) * eventOverhead
	t.drop(id)
	if len(events) > maxRemembered || size > maxRememberedBytes {
		return
	}
	for k := range t.cases {
		if t.events+len(events) <= maxRemembered && t.bytes+size <= maxRememberedBytes {
			break
		}
		t.drop(k)
	}
	t.cases[id] = &timeline{events: events, bytes: size}
	t.events += len(events)
	t.bytes += size
}

// drop forgets id; the caller holds mu.
func (t *timelines) drop(id string) {
	if tl, ok := t.cases[id]; ok {
		t.events -= len(tl.events)
		t.bytes -= tl.bytes
		delete(t.cases, id)
	}
}

// forget drops what is remembered of case id.
func (t *timelines) forget(id string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.drop(id)
}
