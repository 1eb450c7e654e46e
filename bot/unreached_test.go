package bot

import (
	"context"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/conversation"
)

// platformOnly is a Sender that only names its platform.
type platformOnly string

func (p platformOnly) Platform() string { return string(p) }
func (p platformOnly) Send(context.Context, *conversation.Person, conversation.Handle, Message) (conversation.MessageRef, error) {
	return conversation.MessageRef{}, nil
}
func (p platformOnly) Update(context.Context, conversation.MessageRef, Message) error { return nil }

// The "could not be reached" notice names only the ways the bot has: a
// partnership on email and Slack was told the person could not be reached
// on Teams, which it does not use, and the console (email only) on both.
func TestUnreachedByEmailNamesOnlyTheWaysTried(t *testing.T) {
	for _, tc := range []struct {
		senders []string
		want    string
		notWant string
	}{
		{[]string{EmailPlatform}, "I couldn't reach Jo Bloggs by email about CR-2026-0002,", "Teams"},
		{[]string{"slack", EmailPlatform}, "I couldn't reach Jo Bloggs on Slack or by email about CR-2026-0002,", "Teams"},
		{[]string{"teams", EmailPlatform}, "I couldn't reach Jo Bloggs on Teams or by email about CR-2026-0002,", "Slack"},
		{[]string{"slack", "teams", EmailPlatform}, "I couldn't reach Jo Bloggs on Teams, on Slack or by email about CR-2026-0002,", ""},
	} {
		d := NewDispatcher(nil, nil, nil)
		for _, s := range tc.senders {
			d.Register(platformOnly(s))
		}
		got := d.unreachedByEmail("CR-2026-0002", "Jo Bloggs").Text
		if !strings.Contains(got, tc.want) || (tc.notWant != "" && strings.Contains(got, tc.notWant)) {
			t.Errorf("with %v the notice says %q, want %q", tc.senders, got, tc.want)
		}
	}
}
