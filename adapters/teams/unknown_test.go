package teams

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestUnknownButton: an Action.Execute the bot's cards never send — an
// unknown verb, or a step with no case — is answered calmly, in place,
// and changes nothing. It was answered "There is no case . Check the id…".
func TestUnknownButton(t *testing.T) {
	tests := []struct {
		name string
		verb string
		data map[string]any
	}{
		{"unknown verb, no case", "frobnicate", map[string]any{}},
		{"unknown verb with a case", "frobnicate", map[string]any{dataCase: "CR-2026-0001", dataVersion: "1"}},
		{"unknown verb in the data", "", map[string]any{dataVerb: "frobnicate"}},
		{"a step with no case", "acknowledge", map[string]any{}},
		{"a typed alias, not a button's verb", "ack", map[string]any{dataCase: "CR-2026-0001"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.env.Person(t, "sam.teacher@example.org", "Sam Teacher", "school", "school.manager@example.org")
			sam := h.user("Sam Teacher", "sam.teacher@example.org")
			h.post(t, h.client.Install(sam), http.StatusOK)
			sent := len(h.connector.Sent(sam.Conversation()))

			answer := h.post(t, h.client.Execute(sam, "act-1", tt.verb, tt.data), http.StatusOK)
			text, _ := answer["value"].(string)
			if answer["statusCode"] != float64(200) || answer["type"] != "application/vnd.microsoft.activity.message" ||
				!strings.Contains(text, "That button isn't one I know") || !strings.Contains(text, "Type help") {
				t.Errorf("answer = %v", answer)
			}
			if strings.Contains(text, "There is no case") {
				t.Errorf("answered about a case: %q", text)
			}
			if n := len(h.connector.Sent(sam.Conversation())); n != sent {
				t.Errorf("%d more messages were sent", n-sent)
			}
		})
	}
}

// TestUnknownSubmit: the same for an Action.Submit fallback press, which
// arrives as a message: the answer comes as a message, nothing else.
func TestUnknownSubmit(t *testing.T) {
	h := newHarness(t)
	h.env.Person(t, "sam.teacher@example.org", "Sam Teacher", "school", "school.manager@example.org")
	sam := h.user("Sam Teacher", "sam.teacher@example.org")
	h.post(t, h.client.Install(sam), http.StatusOK)
	sent := len(h.connector.Sent(sam.Conversation()))
	h.post(t, h.client.Submit(sam, "act-1", map[string]any{dataVerb: "frobnicate"}), http.StatusOK)
	calls := h.connector.Sent(sam.Conversation())
	if len(calls) != sent+1 {
		t.Fatalf("%d messages sent, want 1", len(calls)-sent)
	}
	body, _ := json.Marshal(calls[len(calls)-1].Body)
	if !strings.Contains(string(body), "That button isn't one I know") || strings.Contains(string(body), "There is no case") {
		t.Errorf("sent %s", body)
	}
}
