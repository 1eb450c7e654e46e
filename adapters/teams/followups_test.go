package teams

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/adapters/teams/teamstest"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
)

// TestGoldenFollowUpCards renders the follow-through of agreed actions
// (reminders with Mark done, overdue notices, the case card with each
// action's state) and the learning and Mark done forms as Adaptive Cards,
// against testdata/followup_*.json (run with -update to rewrite them;
// tools/cardcheck checks them against the schema).
func TestGoldenFollowUpCards(t *testing.T) {
	env := bottest.New(t, bottest.Options{})
	msgs := bottest.FollowUps(t, env)
	for _, name := range slices.Sorted(maps.Keys(msgs)) {
		t.Run(name, func(t *testing.T) {
			m := msgs[name]
			card := Render(nil, m)
			if m.Kind == "form" {
				card = formCard(nil, m)
			}
			golden(t, "followup_"+name, card)
		})
	}
	if text := teamstest.Text(Render(nil, msgs["action_due"])); !strings.Contains(text, "Mark done") {
		t.Errorf("the reminder has no Mark done button:\n%s", text)
	}
}

// TestMarkDoneFromTheTeamsReminder: the owner presses Mark done on the
// reminder card Teams showed them; the action is recorded done by them
// and the answer card thanks them.
func TestMarkDoneFromTheTeamsReminder(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	samID := h.env.Person(t, "sam.teacher@example.org", "Sam Teacher", "school", "")
	alexID := h.env.Person(t, "alex.worker@example.org", "Alex Worker", "csc", "")
	alex := h.user("Alex Worker", "alex.worker@example.org")
	h.post(t, h.client.Install(alex), http.StatusOK)
	res, err := h.env.Engine.Raise(ctx, samID, bottest.Intake(alexID, "school", "csc"))
	if err != nil {
		t.Fatal(err)
	}
	id := res.Case.ID
	if _, err := h.env.Engine.Acknowledge(ctx, conversation.Cmd{Actor: alexID, CaseID: id}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.env.Engine.ProposeResolution(ctx, conversation.Cmd{Actor: alexID, CaseID: id}, "A joint visit.",
		[]conversation.ResolutionAction{{Description: "Book the visit", OwnerID: alexID, Due: time.Date(2026, 11, 27, 0, 0, 0, 0, bottest.London)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.env.Engine.ConfirmResolution(ctx, conversation.Cmd{Actor: samID, CaseID: id}); err != nil {
		t.Fatal(err)
	}
	h.env.Discard(t)
	c, _ := h.env.Store.GetCase(ctx, id)
	h.connector.Reset()
	if unreached := h.env.Dispatcher.Deliver(ctx, h.env.Router.Cards.ActionNudgeMessages(ctx, c, conversation.NudgeActionDue, 1, h.env.Clock.Now())); len(unreached) > 0 {
		t.Fatalf("reminder not delivered to %v", unreached)
	}
	call := h.lastSent(t, alex)
	data := buttonData(t, call.Card(), string(conversation.VerbActionDone))
	answer := h.post(t, h.client.Execute(alex, h.activityIDOf(t, call), string(conversation.VerbActionDone), data), http.StatusOK)
	if text := teamstest.Text(cardOf(t, answer)); !strings.Contains(text, "Action 1 on "+id+" is marked done") {
		t.Errorf("answer card:\n%s", text)
	}
	c, _ = h.env.Store.GetCase(ctx, id)
	if a := c.Resolution.Actions[0]; a.DoneBy != alexID {
		t.Errorf("after Mark done the action is %+v", a)
	}
}
