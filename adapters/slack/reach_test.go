package slack

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/bot"
)

// TestProfileReachOnSlack: Sam, on Slack with an email address, finds
// "How to reach you" in his profile modal with his current order (Slack,
// then email) chosen, picks "Email only", and is told and saved so.
func TestProfileReachOnSlack(t *testing.T) {
	h := newHarness(t, false)
	ctx := context.Background()
	h.command(sam, "profile", "trig-p")
	view := h.openedView("trig-p")
	raw := jsonString(view)
	for _, want := range []string{`"block_id":"` + bot.FieldReach + `"`, `"static_select"`, "How to reach you", "Slack, then email", "Email only"} {
		if !strings.Contains(raw, want) {
			t.Fatalf("the profile modal lacks %s:\n%s", want, raw)
		}
	}
	r := h.submit(sam, "Vtrig-p", view, map[string]string{"agency": "school", bot.FieldReach: "email"})
	if r.Status != 200 || strings.Contains(r.Raw, `"errors"`) {
		t.Fatalf("profile submission: %d %s", r.Status, r.Raw)
	}
	per, err := h.env.Store.FindPersonByEmail(ctx, sam.Email)
	if err != nil {
		t.Fatal(err)
	}
	if !per.ReachChosen || !slices.Equal(h.env.People.Reach(per), []string{"email"}) {
		t.Errorf("Sam's reach after choosing email only: %v (chosen %v)", per.Reach, per.ReachChosen)
	}
}
