package slack

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/bot/bottest"
)

// TestEveryCardFitsSlack renders every card and message a walk through
// every state sends: no actions block holds more than MaxCardButtons
// buttons, an overflow menu holds 2 to 5 options, action ids are unique in
// a block, and the buttons and menu options together are exactly the
// message's steps (none dropped).
func TestEveryCardFitsSlack(t *testing.T) {
	env := bottest.New(t, bottest.Options{})
	for _, s := range bottest.Walk(t, env) {
		if s.Message.Kind == "form" || s.Message.Kind == "check" {
			continue // a form or answers to check are a modal, with no case steps
		}
		where := s.State + " → " + s.To + ": " + s.Message.Title
		blocks, _ := renderMessage(nil, s.Message, MaxMessageBlocks)
		raw, err := json.Marshal(blocks)
		if err != nil {
			t.Fatal(err)
		}
		var bs []map[string]any
		if err := json.Unmarshal(raw, &bs); err != nil {
			t.Fatal(err)
		}
		var offered []string
		for _, b := range bs {
			if b["type"] != "actions" {
				continue
			}
			els, _ := b["elements"].([]any)
			buttons := 0
			var ids []string
			for _, e := range els {
				em, _ := e.(map[string]any)
				id, _ := em["action_id"].(string)
				if slices.Contains(ids, id) {
					t.Errorf("%s: action id %s twice in a block", where, id)
				}
				ids = append(ids, id)
				switch em["type"] {
				case "button":
					buttons++
					if v, _ := em["value"].(string); id != actionView {
						verb, _, _ := strings.Cut(v, "|")
						offered = append(offered, verb)
					}
				case "overflow", "static_select":
					opts, _ := em["options"].([]any)
					if em["type"] == "overflow" && (len(opts) < MinOverflowOptions || len(opts) > MaxOverflowOptions) {
						t.Errorf("%s: overflow menu with %d options", where, len(opts))
					}
					for _, o := range opts {
						om, _ := o.(map[string]any)
						v, _ := om["value"].(string)
						verb, _, _ := strings.Cut(v, "|")
						offered = append(offered, verb)
					}
				}
			}
			if buttons > MaxCardButtons {
				t.Errorf("%s: %d buttons in an actions block", where, buttons)
			}
		}
		var want []string
		for _, btn := range s.Message.Buttons {
			want = append(want, string(btn.Verb))
		}
		slices.Sort(offered)
		slices.Sort(want)
		if !slices.Equal(offered, want) {
			t.Errorf("%s: offers %v, steps %v", where, offered, want)
		}
	}
}
