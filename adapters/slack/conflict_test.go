package slack

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/resolvebot/resolvebot/conversation"
)

// TestParallelAcknowledgements: ten signed presses of one Acknowledge
// button at once record one acknowledgement; each of the nine others is
// answered with one short line, not the whole card.
func TestParallelAcknowledgements(t *testing.T) {
	h := newHarness(t, false)
	c := withCase(t, h)
	value := "acknowledge|" + c.ID + "|" + strconv.FormatInt(c.Version, 10)
	h.fake.Reset()
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Go(func() { h.interact(pressPayload(h, jo, "D02JO", "rb_acknowledge", value, "trig-"+strconv.Itoa(i))) })
	}
	wg.Wait()
	got, _ := h.env.Store.GetCase(context.Background(), c.ID)
	acks := 0
	for _, e := range got.Events {
		if e.Kind == conversation.EventAcknowledged {
			acks++
		}
	}
	if acks != 1 {
		t.Fatalf("%d acknowledgements recorded, want 1", acks)
	}
	already, cards := 0, 0
	for _, call := range h.fake.Calls("") {
		if call.Channel != "D02JO" || (call.Method != "chat.postMessage" && call.Method != "chat.postEphemeral") {
			continue
		}
		switch {
		case strings.Contains(call.Text, "Already acknowledged by you at"):
			already++
			if strings.Contains(call.Blocks, "rb_") || strings.Contains(call.Blocks, c.ChildRef) {
				t.Errorf("the loser's answer carries the card: %s", call.Blocks)
			}
		case strings.Contains(call.Blocks, c.ChildRef):
			cards++
		}
	}
	if already != 9 || cards != 0 {
		t.Errorf("%d short answers and %d whole cards sent to Jo, want 9 and 0; calls %v", already, cards, h.fake.Calls(""))
	}
}
