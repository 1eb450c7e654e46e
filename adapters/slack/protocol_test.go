package slack

import (
	"context"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/resolvebot/resolvebot/adapters/metrics"
	"github.com/resolvebot/resolvebot/adapters/slack/slackfake"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
)

// The Wiltshire people of the example directory.
var (
	qapChair  = slackfake.User{ID: "U06CHAIR", Name: "Serious Concern Chair (example)", Email: bottest.QAPChair}
	confChair = slackfake.User{ID: "U07CONF", Name: "Conference Chair (example)", Email: "conference.chair@example.org"}
)

// newPresetHarness is newHarness for a bot under a preset, with the
// preset's chairs in the workspace.
func newPresetHarness(t *testing.T, preset string) *harness {
	t.Helper()
	env := bottest.New(t, bottest.Options{Preset: preset})
	fake := slackfake.New(t, sam, jo, schoolMg, cscMg, pm, qapChair, confChair)
	m := metrics.New()
	client := slack.New("xoxb-test-token", slack.OptionAPIURL(fake.URL()))
	ad := New(client, env.Router, env.Dispatcher, Options{SigningSecret: testSecret, Now: env.Clock.Now, Metrics: m})
	h, err := ad.HTTPHandler()
	if err != nil {
		t.Fatal(err)
	}
	return &harness{t: t, env: env, fake: fake, ad: ad, handler: h, metrics: m, acker: &recordingAcker{}}
}

// Under Wiltshire's protocol, on Slack: the Chair of the WSCB QA&P Sub
// Group is sent the serious concern's card and records the deep-dive
// decision from its button; a conference chair logs a difference seen in a
// conference with "/resolve observe".
func TestWiltshireChairsOnSlack(t *testing.T) {
	ctx := context.Background()
	h := newPresetHarness(t, "wiltshire")
	// Both chairs have used the bot, so Slack is how they are reached.
	for _, u := range []slackfake.User{qapChair, confChair, sam, jo} {
		h.appHome(u, "Ev"+u.ID, nil)
	}
	samID := h.env.Person(t, sam.Email, sam.Name, "school", "")
	joID := h.env.Person(t, jo.Email, jo.Name, "csc", "")
	in := bottest.Intake(joID, "school", "csc")
	in.SeriousConcern = true
	res, err := h.env.Engine.Raise(ctx, samID, in)
	if err != nil {
		t.Fatal(err)
	}
	h.env.Settle(t)
	if r := h.press(qapChair, actionPrefix+string(conversation.VerbDeepDive), "trig-dd"); r.Status != 200 {
		t.Fatalf("press: %d %s", r.Status, r.Raw)
	}
	view := h.openedView("trig-dd")
	r := h.submit(qapChair, "Vdd", view, map[string]string{conversation.FieldDeepDive: conversation.DeepDiveNotNeeded, "reason": "One school, already reviewed."})
	if r.Status != 200 || r.Body["response_action"] == "errors" {
		t.Fatalf("deep dive submission: %s", r.Raw)
	}
	if c, _ := h.env.Store.GetCase(ctx, res.Case.ID); c.DeepDive != conversation.DeepDiveNotNeeded {
		t.Errorf("deep dive = %q", c.DeepDive)
	}

	if r := h.command(confChair, "observe", "trig-ob"); r.Status != 200 {
		t.Fatalf("/resolve observe: %d %s", r.Status, r.Raw)
	}
	view = h.openedView("trig-ob")
	if meta, _ := decodeMeta(view["private_metadata"].(string)); meta.Form != conversation.FormObservation {
		t.Fatalf("observe opened %+v", meta)
	}
	r = h.submit(confChair, "Vob", view, map[string]string{conversation.FieldObservedAgencyA: "police", conversation.FieldObservedAgencyB: "csc",
		conversation.FieldObservedMeeting: conversation.MeetingReview, conversation.FieldCategory: "roles",
		conversation.FieldObservedText: "Who leads the plan between review and conference."})
	if r.Status != 200 || r.Body["response_action"] == "errors" {
		t.Fatalf("observation submission: %s", r.Raw)
	}
	now := h.env.Clock.Now()
	obs, err := h.env.Engine.Observations(ctx, now.Add(-time.Hour), now.Add(time.Hour))
	if err != nil || len(obs) != 1 || obs[0].Category != "roles" || obs[0].Meeting != conversation.MeetingReview {
		t.Errorf("observations: %+v, %v", obs, err)
	}
}
