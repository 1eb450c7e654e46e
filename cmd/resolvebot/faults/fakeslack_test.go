//go:build faults

package faults

import (
	"testing"

	"github.com/resolvebot/resolvebot/adapters/slack/slackfake"
)

// newFakeSlack starts a fake Slack Web API (SLACK_API_URL is its URL())
// with sam and jo in its workspace. users.lookupByEmail finds a user for
// every email: the directory names people the workspace does not hold.
func newFakeSlack(t *testing.T) *slackfake.Server {
	f := slackfake.New(t, sam.user(), jo.user())
	f.AnswerAnyEmail()
	return f
}

// user is p as a user of the fake workspace.
func (p person) user() slackfake.User {
	return slackfake.User{ID: p.id, Name: p.name, Email: p.email}
}
