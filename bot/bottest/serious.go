package bottest

import (
	"context"
	"testing"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// QAPChair is the example directory's holder of Wiltshire's serious-concern
// role, the Chair of the WSCB QA&P Sub Group.
const QAPChair = "serious.concern.chair@example.org"

// SeriousConcern builds a bot under Wiltshire's protocol, raises a case
// logged as a serious concern, and returns the bot, the case, and the
// message the outbox delivered to the Chair of the WSCB QA&P Sub Group (a
// card with the deep-dive decision), for the renderers' golden files.
func SeriousConcern(tb testing.TB) (*Env, *conversation.Case, bot.Message) {
	tb.Helper()
	e := New(tb, Options{Preset: "wiltshire"})
	e.Dispatcher.Fallback = e.Inbox // the chair has no handle: see what they would get
	sam := e.Person(tb, "sam.patel@school.example.org", "Sam Patel", "school", "school.manager@example.org")
	priya := e.Person(tb, "priya.shah@csc.example.org", "Priya Shah", "csc", "csc.manager@example.org")
	in := Intake(priya, "school", "csc")
	in.SeriousConcern = true
	res, err := e.Engine.Raise(context.Background(), sam, in)
	if err != nil {
		tb.Fatal(err)
	}
	got := e.Deliver(tb)[QAPChair]
	if len(got) != 1 {
		tb.Fatalf("the chair was sent %d messages", len(got))
	}
	return e, res.Case, got[0]
}
