package teams

import (
	"context"
	"testing"

	"github.com/resolvebot/resolvebot/bot"
)

// TestKnownPersonFollowsTheirChat: a person known from an earlier message
// is not read again from the store, but a message from a new chat (a new
// conversation reference) is recorded at once, so proactive messages go
// where they now are; a profile saved in Teams is seen on the next message.
func TestKnownPersonFollowsTheirChat(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	sam := h.user("Sam Patel", "sam.patel@school.example.org")
	h.post(t, h.client.Message(sam, "help"), 200)
	h.post(t, h.client.Message(sam, "help"), 200)

	moved := h.client.Message(sam, "help")
	conv := moved["conversation"].(map[string]any)
	conv["id"] = "a:personal-new-chat"
	h.post(t, moved, 200)
	per, err := h.env.Store.FindPersonByHandle(ctx, Platform, testTenant, sam.AAD)
	if err != nil {
		t.Fatal(err)
	}
	if got := per.Handles[0].Channel; got != "a:personal-new-chat" {
		t.Errorf("Sam's chat is %q after a message from a new chat, want a:personal-new-chat", got)
	}

	// A profile saved in Teams: the next message reads Sam again.
	h.post(t, h.client.Submit(sam, "", map[string]any{"verb": "submit", "form": bot.FormProfile, "agency": "school",
		"manager": "school.manager@example.org"}), 200)
	if per, err := h.env.Store.FindPersonByHandle(ctx, Platform, testTenant, sam.AAD); err != nil || per.Agency != "school" {
		t.Fatalf("the profile was not saved: %v %+v", err, per)
	}
	if _, ok := h.adapter.known[per.Handles[0].Key()]; ok {
		t.Error("Sam is still known without a store read after saving a profile")
	}
}
