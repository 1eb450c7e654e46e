package conversation_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
)

// TestSummaryRoundTrip: a summary written and read back is the summary;
// a summary holds no text; damaged data is refused, never half read.
func TestSummaryRoundTrip(t *testing.T) {
	at := time.Date(2026, 5, 11, 10, 0, 0, 0, time.UTC)
	c := &conversation.Case{ID: "CR-2026-0001", Version: 7, ChildRef: "QZX-447193", Concern: "words", Category: "threshold",
		Raiser: conversation.Party{PersonID: "a@x", Name: "A", Agency: "school"}, Respondent: conversation.Party{Agency: "csc"},
		Status: conversation.StatusResolved, Urgency: conversation.UrgencyUrgent, SeriousConcern: true, Mediation: true, CreatedAt: at, UpdatedAt: at.Add(time.Hour),
		Stages: []conversation.StageRecord{{Key: "professional", Raiser: []string{"a@x"}, StartedAt: at, Deadline: at.Add(72 * time.Hour), Overdue: true}},
		Resolution: &conversation.Resolution{WayForward: "words", Confirmed: true, ConfirmedAt: at.Add(48 * time.Hour),
			Actions: []conversation.ResolutionAction{{Description: "words", Due: at.Add(96 * time.Hour)}}},
		Events: []conversation.Event{{Seq: 1, Kind: conversation.EventRaised, At: at, Stage: "professional", Text: "words"},
			{Seq: 2, Kind: conversation.EventNudged, At: at.Add(time.Hour), Text: "words", Fields: map[string]string{"nudge": "stuck", "note": "words"}}}}
	want := conversation.SummaryOf(c)
	if want.ChildRef != "" || want.Concern != "" || want.Events[1].Text != "" || want.Events[1].Fields["note"] != "" || want.Resolution.Actions[0].Description != "" {
		t.Fatalf("the summary holds text: %+v", want)
	}
	b, err := conversation.EncodeSummary(want)
	if err != nil {
		t.Fatal(err)
	}
	got, err := conversation.DecodeSummary(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, want)
	}
	for i := range len(b) {
		if _, err := conversation.DecodeSummary(b[:i]); err == nil {
			t.Fatalf("a summary cut to %d of %d bytes was read", i, len(b))
		}
	}
	eb, _ := conversation.EncodeSummaryEvent(want.Events[1])
	var e conversation.Event
	if err := conversation.DecodeSummaryEvent(eb, &e); err != nil || !reflect.DeepEqual(e, want.Events[1]) {
		t.Fatalf("event round trip: %v, %+v", err, e)
	}
}

// TestSummaryCrossBorder: a summary keeps a case's cross-border
// partnership, so both partnerships' reports count it without opening it;
// a summary stored before it was kept still reads, as none.
func TestSummaryCrossBorder(t *testing.T) {
	at := time.Date(2026, 5, 11, 10, 0, 0, 0, time.UTC)
	c := &conversation.Case{ID: "CR-2026-0002", Partnership: "wiltshire", CrossBorderPartnership: "devon", Status: conversation.StatusOpen,
		CreatedAt: at, Stages: []conversation.StageRecord{{Key: "professional", StartedAt: at}}}
	b, _ := conversation.EncodeSummary(conversation.SummaryOf(c))
	got, err := conversation.DecodeSummary(b)
	if err != nil || got.Partnership != "wiltshire" || got.CrossBorderPartnership != "devon" {
		t.Fatalf("round trip: %v, %q %q", err, got.Partnership, got.CrossBorderPartnership)
	}
	c.CrossBorderPartnership = ""
	b, _ = conversation.EncodeSummary(conversation.SummaryOf(c))
	// The earlier form: first byte 1, nothing after the events.
	old := append([]byte{1}, b[1:len(b)-1]...)
	got, err = conversation.DecodeSummary(old)
	if err != nil || got.ID != c.ID || got.Partnership != "wiltshire" || got.CrossBorderPartnership != "" {
		t.Fatalf("an earlier summary: %v, %+v", err, got)
	}
}
