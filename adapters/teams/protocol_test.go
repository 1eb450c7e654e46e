package teams

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/adapters/teams/teamstest"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
)

// newPresetHarness is newHarness for a bot under a preset.
func newPresetHarness(t *testing.T, preset string) *harness {
	t.Helper()
	return newHarnessOf(t, bottest.Options{Preset: preset})
}

// Under Wiltshire's protocol, in Teams: the Chair of the WSCB QA&P Sub
// Group gets the serious concern's card and records the deep-dive decision
// from its button; a conference chair types "observe" and logs a
// difference from the card; a form sent with the same agency twice comes
// back with its error.
func TestWiltshireChairsInTeams(t *testing.T) {
	ctx := context.Background()
	h := newPresetHarness(t, "wiltshire")
	samID := h.env.Person(t, "sam.teacher@example.org", "Sam Teacher", "school", "")
	alexID := h.env.Person(t, "alex.worker@example.org", "Alex Worker", "csc", "")
	chair := h.user("Serious Concern Chair", bottest.QAPChair)
	conf := h.user("Conference Chair", "conference.chair@example.org")
	for _, u := range []teamstest.User{chair, conf} {
		h.post(t, h.client.Install(u), http.StatusOK)
	}
	in := bottest.Intake(alexID, "school", "csc")
	in.SeriousConcern = true
	res, err := h.env.Engine.Raise(ctx, samID, in)
	if err != nil {
		t.Fatal(err)
	}
	h.env.Settle(t)
	call := h.lastSent(t, chair)
	if text := teamstest.Text(call.Card()); !strings.Contains(text, "logged with you as Chair of the WSCB QA&P Sub Group") {
		t.Fatalf("the chair's card:\n%s", text)
	}
	cardID := h.activityIDOf(t, call)
	data := buttonData(t, call.Card(), string(conversation.VerbDeepDive))
	answer := h.post(t, h.client.Execute(chair, cardID, string(conversation.VerbDeepDive), data), http.StatusOK)
	submit := buttonData(t, cardOf(t, answer), verbSubmit)
	submit[conversation.FieldDeepDive] = conversation.DeepDiveNeeded
	submit["reason"] = "Three schools have raised the same closures this term."
	answer = h.post(t, h.client.Execute(chair, cardID, verbSubmit, submit), http.StatusOK)
	if text := teamstest.Text(cardOf(t, answer)); !strings.Contains(text, "a broader deep dive is needed") {
		t.Fatalf("deep dive answer:\n%s", text)
	}
	if c, _ := h.env.Store.GetCase(ctx, res.Case.ID); c.DeepDive != conversation.DeepDiveNeeded {
		t.Errorf("deep dive = %q", c.DeepDive)
	}

	h.post(t, h.client.Message(conf, "observe"), http.StatusOK)
	formCall := h.lastSent(t, conf)
	if text := teamstest.Text(formCall.Card()); !strings.Contains(text, "Conference and Reviewing Service") {
		t.Fatalf("observe sent:\n%s", text)
	}
	formID := h.activityIDOf(t, formCall)
	submit = buttonData(t, formCall.Card(), verbSubmit)
	for k, v := range map[string]string{conversation.FieldObservedAgencyA: "police", conversation.FieldObservedAgencyB: "police",
		conversation.FieldObservedMeeting: conversation.MeetingConference, conversation.FieldCategory: "threshold",
		conversation.FieldObservedText: "Apart on whether the threshold for a plan was met."} {
		submit[k] = v
	}
	answer = h.post(t, h.client.Execute(conf, formID, verbSubmit, submit), http.StatusOK)
	if text := teamstest.Text(cardOf(t, answer)); !strings.Contains(text, "a difference is between two agencies") {
		t.Fatalf("the form did not come back with its error:\n%s", text)
	}
	submit[conversation.FieldObservedAgencyB] = "csc"
	answer = h.post(t, h.client.Execute(conf, formID, verbSubmit, submit), http.StatusOK)
	if text := teamstest.Text(cardOf(t, answer)); !strings.Contains(text, "Difference logged") {
		t.Fatalf("observation answer:\n%s", text)
	}
	now := h.env.Clock.Now()
	if obs, _ := h.env.Engine.Observations(ctx, now.Add(-time.Hour), now.Add(time.Hour)); len(obs) != 1 {
		t.Errorf("%d observations logged", len(obs))
	}
}
