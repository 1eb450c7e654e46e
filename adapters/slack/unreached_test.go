package slack

import (
	"context"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/bot/bottest"
)

// TestUnreachedIsToldOnSlack: when the other side of a step is on no
// platform the bot reaches (here: known by email only, and not in the Slack
// workspace), the person who acted on Slack is told by DM who was not
// reached and what to do, instead of the bot only logging it.
func TestUnreachedIsToldOnSlack(t *testing.T) {
	h := newHarness(t, false)
	ctx := context.Background()
	if r := h.command(sam, "help", "trig"); r.Status != 200 {
		t.Fatalf("help: status %d", r.Status)
	}
	samID := h.env.Person(t, sam.Email, sam.Name, "school", schoolMg.Email)
	olu := h.env.Person(t, "olu.ade@police.example.org", "Olu Ade", "police", "")
	res, err := h.env.Engine.Raise(ctx, samID, bottest.Intake(olu, "school", "police"))
	if err != nil {
		t.Fatal(err)
	}
	h.fake.Reset()
	h.env.Settle(t)
	var notice string
	for _, c := range h.fake.Calls("chat.postMessage") {
		if c.Channel == sam.DM() && strings.Contains(c.Blocks, "could not be reached") {
			notice = c.Blocks
		}
	}
	for _, want := range []string{"Olu Ade", res.Case.ID, "note on the case"} {
		if !strings.Contains(notice, want) {
			t.Errorf("Sam's notice lacks %q: %s", want, notice)
		}
	}
	if n := len(h.fake.Calls("users.lookupByEmail")); n != 1 {
		t.Errorf("%d lookups of Olu by email, want 1 (users_not_found is not retried)", n)
	}
}
