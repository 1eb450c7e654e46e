package sealed_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/boltstore"
	"github.com/resolvebot/resolvebot/conversation/sealed"
)

// TestObservationDescriptionIsSealed: the words of a logged difference are
// sealed in the store underneath and read back opened.
func TestObservationDescriptionIsSealed(t *testing.T) {
	ctx := context.Background()
	bs, err := boltstore.Open(filepath.Join(t.TempDir(), "resolvebot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer bs.Close()
	s := sealed.Wrap(bs, ring(t, key("k1", 1)))
	at := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	o := &conversation.Observation{At: at, By: "chair@example.org", AgencyA: "csc", AgencyB: "police",
		Meeting: conversation.MeetingConference, Category: "threshold", Description: "Police and social care apart on the level of risk."}
	if err := s.AddObservation(ctx, o); err != nil {
		t.Fatal(err)
	}
	raw, err := bs.Observations(ctx, at, at.Add(time.Hour))
	if err != nil || len(raw) != 1 {
		t.Fatalf("raw observations: %v, %v", raw, err)
	}
	if !strings.HasPrefix(raw[0].Description, sealed.Prefix+"k1.") || strings.Contains(raw[0].Description, "risk") {
		t.Errorf("the store holds the description in the clear: %q", raw[0].Description)
	}
	got, err := s.Observations(ctx, at, at.Add(time.Hour))
	if err != nil || len(got) != 1 || got[0].Description != o.Description || got[0].ID != o.ID {
		t.Errorf("opened observations: %+v, %v", got, err)
	}
}
