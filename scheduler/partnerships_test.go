package scheduler_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/bot/bottest"
)

// twoHosted hosts Wiltshire (the school and children's social care) and
// Devon (the police), each with its own partnership manager.
const twoHosted = `partnerships:
  - id: wiltshire
    partnership: wiltshire
    protocol: {routes: {front_door: "0300 456 0108"}}
    directory:
      agencies:
        - {key: school, name: Riverside School}
        - {key: csc, name: Children's Social Care}
      partnership_roles:
        - {name: Wil Manager, email: wil.manager@wiltshire.example.org, role: partnership manager}
  - id: devon
    partnership: devon
    protocol: {routes: {front_door: "0345 155 1071"}}
    directory:
      agencies:
        - {key: police, name: Devon Police}
      partnership_roles:
        - {name: Dev Manager, email: dev.manager@devon.example.org, role: partnership manager}
`

// TestSummaryPerPartnership: on a deployment hosting two partnerships, each
// partnership's manager gets its own partnership's monthly summary: its
// own cases and the cross-border one, once each, never the other's own.
func TestSummaryPerPartnership(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, bottest.Options{File: twoHosted, Start: time.Date(2026, 11, 16, 10, 0, 0, 0, bottest.London)})
	olu := f.Person(t, "olu.ade@police.example.org", "Olu Ade", "police", "")
	f.raise(t) // Sam (school) to Priya (csc): Wiltshire's own
	f.raise(t)
	if _, err := f.Engine.Raise(ctx, f.sam, bottest.Intake(olu, "school", "police")); err != nil { // into Devon
		t.Fatal(err)
	}
	f.Discard(t)
	f.Clock.Set(time.Date(2026, 12, 1, 9, 0, 0, 0, bottest.London))
	if n, err := f.sched.Summary(ctx); err != nil || n != 2 {
		t.Fatalf("summaries enqueued %d (%v), want one to each partnership's manager", n, err)
	}
	f.Settle(t)
	got := map[string]string{}
	for _, s := range f.rec.sent {
		text := s.msg.Title + s.msg.Text
		for _, fd := range s.msg.Fields {
			text += fd.Label + ": " + fd.Value + "\n"
		}
		got[s.to] += text
	}
	for who, want := range map[string]string{"wil.manager@wiltshire.example.org": "• Raised: 3 (0)", "dev.manager@devon.example.org": "• Raised: 1 (0)"} {
		if !strings.Contains(got[who], want) {
			t.Errorf("%s's summary lacks %q:\n%s", who, want, got[who])
		}
	}
}
