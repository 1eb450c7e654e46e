package teams

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestTeamsForgivingCommands: typed in a Teams chat, a slip of a step is
// offered back as "did you mean" and changes nothing, a slip of list is
// carried out, and two words for one step are read as that step.
func TestTeamsForgivingCommands(t *testing.T) {
	h := newHarness(t)
	h.env.Person(t, "sam.teacher@example.org", "Sam Teacher", "school", "school.manager@example.org")
	sam := h.user("Sam Teacher", "sam.teacher@example.org")
	h.post(t, h.client.Install(sam), http.StatusOK)
	tests := []struct{ text, want string }{
		{"<at>resolvebot</at> rasie", `Did you mean \"raise\"? Nothing has changed yet`},
		{"LSIT", `I took \"lsit\" to mean \"list\".`},
		{"accept referral CR-2026-0404", "I can't find a case CR-2026-0404 that you're part of"},
		{"I want to raise a concern about a school's decision", `Did you mean \"raise\"?`},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			before := len(h.connector.Sent(sam.Conversation()))
			h.post(t, h.client.Message(sam, tt.text), http.StatusOK)
			sent := h.connector.Sent(sam.Conversation())
			var all strings.Builder
			for _, c := range sent[before:] {
				b, _ := json.Marshal(c.Body)
				all.Write(b)
			}
			if !strings.Contains(all.String(), tt.want) {
				t.Errorf("answer to %q lacks %s: %s", tt.text, tt.want, all.String())
			}
		})
	}
}
