package slack

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/resolvebot/resolvebot/adapters/slack/slackfake"
	"github.com/resolvebot/resolvebot/bot"
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

// TestTamperedButtonValues: a signed press whose value was tampered with
// is answered, never ignored, and changes nothing: a known step on a case
// with a version no card showed (negative, too big, ahead of the case)
// with the case as it stands; anything else as a button the bot does not
// know.
func TestTamperedButtonValues(t *testing.T) {
	h := newHarness(t, false)
	c := withCase(t, h)
	damaged, unknown := "That button is out of date or damaged.", bot.UnknownButton().Text
	for i, tt := range []struct{ value, want string }{
		{"acknowledge|" + c.ID + "|-5", damaged},
		{"acknowledge|" + c.ID + "|99999999999999999999", damaged},
		{"acknowledge|" + c.ID + "|" + strconv.FormatInt(1<<62, 10), damaged},
		{"acknowledge|" + c.ID + "|x", damaged},
		{"garbage", unknown},
		{"", unknown},
		{"frobnicate|" + c.ID + "|1", unknown},
	} {
		value := tt.value
		t.Run(value, func(t *testing.T) {
			h.fake.Reset()
			r := h.interact(pressPayload(h, jo, "D02JO", "rb_acknowledge", value, "trig-t"+strconv.Itoa(i)))
			if r.Status != 200 {
				t.Fatalf("status %d", r.Status)
			}
			told := ""
			for _, call := range h.fake.Calls("") {
				if call.Channel == "D02JO" && (call.Method == "chat.postMessage" || call.Method == "chat.postEphemeral") {
					told += call.Text + call.Blocks
				}
			}
			if !strings.Contains(told, tt.want) || tt.want == damaged && !strings.Contains(told, c.ChildRef) {
				t.Errorf("no answer to a tampered button; calls %v", slackfake.Methods(h.fake.Calls("")))
			}
			if got, _ := h.env.Store.GetCase(context.Background(), c.ID); got.Version != c.Version {
				t.Error("a tampered button changed the case")
			}
		})
	}
}
