package conversation_test

import (
	"testing"

	"github.com/resolvebot/resolvebot/conversation"
)

func TestLabels(t *testing.T) {
	tests := []struct{ got, want string }{
		{conversation.StatusOpen.Label(), "Open"},
		{conversation.StatusResolved.Label(), "Resolved"},
		{conversation.StatusReferred.Label(), "Referred to the partnership"},
		{conversation.Status("archived").Label(), "archived"},
		{conversation.UrgencyUrgent.Label(), "Urgent"},
		{conversation.UrgencyStandard.Label(), "Standard"},
		{conversation.EventReferralReturned.Label(), "Referral returned with advice"},
		{conversation.EventKind("some_new_kind").Label(), "some new kind"},
		{conversation.NudgeBeforeDeadline.Label(), "deadline coming up"},
		{conversation.NudgeKind("weekly_digest").Label(), "weekly digest"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("label %q, want %q", tt.got, tt.want)
		}
	}
}
