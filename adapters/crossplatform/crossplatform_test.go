package crossplatform_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/slack-go/slack"

	slackadapter "github.com/resolvebot/resolvebot/adapters/slack"
	"github.com/resolvebot/resolvebot/adapters/slack/slackfake"
	"github.com/resolvebot/resolvebot/adapters/teams"
	"github.com/resolvebot/resolvebot/adapters/teams/teamstest"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
)

const (
	appID   = "00000000-0000-0000-0000-0000000000b0"
	tenant  = "11111111-2222-3333-4444-555555555555"
	secret  = "8f742231b10e8888abcd99yyyzzz85a5"
	slackTS = "1790000000."
)

// The people: the raiser and her manager on Slack; the respondent and her
// manager on Teams. Alex is also a guest in the Slack workspace, so Sam can
// pick her in Slack's people picker, but she uses Teams.
var (
	sam         = slackfake.User{ID: "U01SAM", Name: "Sam Patel", Email: "sam.patel@school.example.org"}
	schoolMgr   = slackfake.User{ID: "U03SMGR", Name: "School Manager (example)", Email: "school.manager@example.org"}
	alexOnSlack = slackfake.User{ID: "U09ALEX", Name: "Alex Worker", Email: "alex.worker@example.org"}
	alex        = teamstest.User{ID: "29:alex", AAD: "aad-alex", Name: "Alex Worker", Email: "alex.worker@example.org", Tenant: tenant}
	cscMgr      = teamstest.User{ID: "29:cscmgr", AAD: "aad-cscmgr", Name: "CSC Manager", Email: "csc.manager@example.org", Tenant: tenant}
)

type world struct {
	t         *testing.T
	logs      *lockedBuffer
	env       *bottest.Env
	slack     *slackDriver
	teams     *teams.Adapter
	connector *teamstest.Connector
	client    *teamstest.Client
}

func newWorld(t *testing.T) *world { return newWorldWith(t, bottest.Options{}) }

// newWorldWith is newWorld on a bot built with opts.
func newWorldWith(t *testing.T, opts bottest.Options) *world {
	env := bottest.New(t, opts)
	// Every log line, from the router and both adapters, at debug level.
	logs := &lockedBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	env.Router.Log, env.Dispatcher.Log = log, log
	fake := slackfake.New(t, sam, schoolMgr, alexOnSlack)
	sad := slackadapter.New(slack.New("xoxb-test-token", slack.OptionAPIURL(fake.URL())), env.Router, env.Dispatcher,
		slackadapter.Options{SigningSecret: secret, Now: env.Clock.Now, Log: log})
	sh, err := sad.HTTPHandler()
	if err != nil {
		t.Fatal(err)
	}
	keys := teamstest.NewKeys(t)
	entra := teamstest.NewEntra(t, tenant)
	conn := teamstest.NewConnector(t)
	tad, err := teams.New(env.Router, env.People, env.Dispatcher, teams.Options{
		AppID: appID, AppPassword: "test-secret", TenantID: tenant, TokenAuthority: entra.Authority(),
		OpenIDMetadataURL: keys.MetadataURL(), HTTPClient: entra.Server.Client(), Now: env.Clock.Now, Log: log,
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []teamstest.User{alex, cscMgr} {
		conn.AddMember(u.Member())
	}
	return &world{t: t, logs: logs, env: env, teams: tad, connector: conn,
		slack:  &slackDriver{t: t, fake: fake, handler: sh, wait: func() { sad.Wait(); env.Settle(t) }, secret: secret},
		client: &teamstest.Client{Handler: tad, Keys: keys, Connector: conn, AppID: appID, Now: env.Clock.Now}}
}

// onTeams posts an activity with a valid token and returns the invoke
// answer's card, if any.
func (w *world) onTeams(activity map[string]any) map[string]any {
	w.t.Helper()
	rec := w.client.Post(w.t, activity)
	w.teams.Wait()
	w.env.Settle(w.t)
	if rec.Code != http.StatusOK {
		w.t.Fatalf("teams: status %d: %s", rec.Code, rec.Body.String())
	}
	var out map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	if out["type"] == "application/vnd.microsoft.card.adaptive" {
		card, _ := out["value"].(map[string]any)
		return card
	}
	return nil
}

// lastTeams returns the last activity sent to u on Teams.
func (w *world) lastTeams(u teamstest.User) teamstest.Call {
	w.t.Helper()
	sent := w.connector.Sent(u.Conversation())
	if len(sent) == 0 {
		w.t.Fatalf("nothing sent to %s on Teams", u.Name)
	}
	return sent[len(sent)-1]
}

// execute finds the Action.Execute with verb on card and returns its data.
func execute(t *testing.T, card map[string]any, verb string) map[string]any {
	t.Helper()
	var found map[string]any
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if x["type"] == "Action.Execute" && x["verb"] == verb && found == nil {
				found, _ = x["data"].(map[string]any)
			}
			walk(x["actions"])
			walk(x["card"])
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(card)
	if found == nil {
		t.Fatalf("no %s action on the card:\n%s", verb, teamstest.Text(card))
	}
	out := map[string]any{}
	for k, v := range found {
		out[k] = v
	}
	return out
}

func TestCaseAcrossSlackAndTeams(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.env.Person(t, sam.Email, sam.Name, "school", schoolMgr.Email)
	w.env.Person(t, alex.Email, alex.Name, "csc", "")

	// Alex and her manager have the Teams app; Sam's manager has used the
	// bot on Slack.
	w.onTeams(w.client.Install(alex))
	w.onTeams(w.client.Install(cscMgr))
	w.slack.command(schoolMgr, "list", "trig-0")

	// 1. Sam raises on Slack, naming Alex.
	w.slack.command(sam, "raise", "trig-1")
	intake := w.slack.openedView("trig-1")
	r := w.slack.raise(sam, "Vtrig-1", intake, map[string]string{
		conversation.FieldImmediateRisk: "no", conversation.FieldAbout: conversation.AboutOtherAgency,
		conversation.FieldChildRef: "CSC-204913", conversation.FieldRaiserAgency: "school",
		conversation.FieldRespondent: alex.Email, conversation.FieldRespondentAgency: "csc",
		conversation.FieldCategory: "threshold", conversation.FieldDecision: "The referral was closed with no further action.",
		conversation.FieldConcern:       "Attendance has fallen and the child arrives hungry most days.",
		conversation.FieldEvidenceKind:  string(conversation.EvidenceDocumented),
		conversation.FieldEvidence:      "Attendance records for six weeks.",
		conversation.FieldOutcomeSought: "A strategy discussion.", conversation.FieldUrgency: string(conversation.UrgencyStandard),
		conversation.FieldReflection:     "discussed_with_lead,child_best_interest",
		conversation.FieldFamilyInformed: "no", conversation.FieldSeriousConcern: "no",
	})
	if r["response_action"] != "clear" {
		t.Fatalf("intake on Slack: %v", r)
	}
	cs, err := w.env.Store.ListCases(ctx, conversation.CaseFilter{})
	if err != nil || len(cs) != 1 {
		t.Fatalf("cases %v %v", cs, err)
	}
	caseID := cs[0].ID
	// Alex receives the case on Teams, not Slack.
	alexCall := w.lastTeams(alex)
	if text := teamstest.Text(alexCall.Card()); !strings.Contains(text, "has raised a disagreement with you") {
		t.Fatalf("Alex's Teams card:\n%s", text)
	}
	for _, c := range w.slack.fake.Calls("chat.postMessage") {
		if c.Form.Get("channel") == alexOnSlack.DM() {
			t.Fatalf("Alex was messaged on Slack too")
		}
	}
	samTS, _, _, _ := w.slack.fake.Step(sam.DM(), "withdraw")
	if samTS == "" {
		t.Fatalf("Sam has no case card on Slack")
	}

	// 2. Alex acknowledges on Teams: her card answers in place and Sam's
	// Slack card is updated.
	card := w.onTeams(w.client.Execute(alex, alexCall.Sent, "acknowledge", execute(t, alexCall.Card(), "acknowledge")))
	if !strings.Contains(teamstest.Text(card), "You acknowledged") {
		t.Fatalf("acknowledge answer:\n%s", teamstest.Text(card))
	}
	updatedOnSlack := func(channel, ts string) bool {
		for _, c := range w.slack.fake.Calls("chat.update") {
			if c.Form.Get("channel") == channel && c.Form.Get("ts") == ts {
				return true
			}
		}
		return false
	}
	if !updatedOnSlack(sam.DM(), samTS) {
		t.Errorf("Sam's Slack card was not updated after the acknowledgement")
	}
	if _, posted := w.slack.fake.Posted(sam.DM()); !strings.Contains(mustJSON(posted), "acknowledged this case") {
		t.Errorf("Sam was not told on Slack that Alex acknowledged")
	}

	// 3. Sam escalates on Slack: the managers are brought in, each on their
	// own platform.
	w.slack.press(sam, "rb_escalate", "trig-2")
	esc := w.slack.openedView("trig-2")
	if r := w.slack.submit(sam, "Vtrig-2", esc, map[string]string{"reason": "We still disagree about the threshold."}); r["response_action"] != "clear" {
		t.Fatalf("escalate on Slack: %v", r)
	}
	c, _ := w.env.Store.GetCase(ctx, caseID)
	if c.Current().Key == cs[0].Current().Key {
		t.Fatalf("case did not move on")
	}
	broughtIn := false
	for _, c := range w.slack.fake.Calls("chat.postMessage") {
		if c.Form.Get("channel") == schoolMgr.DM() && strings.Contains(c.Form.Get("blocks"), "you are now part of it") {
			broughtIn = true
		}
	}
	if !broughtIn {
		t.Errorf("school manager not brought in on Slack")
	}
	mgrCall := w.lastTeams(cscMgr)
	if text := teamstest.Text(mgrCall.Card()); !strings.Contains(text, "you are now part of it") {
		t.Fatalf("CSC manager not brought in on Teams:\n%s", text)
	}

	// 4. The CSC manager proposes a way forward on Teams; the school
	// manager confirms it on Slack.
	form := w.onTeams(w.client.Execute(cscMgr, mgrCall.Sent, "propose", execute(t, mgrCall.Card(), "propose")))
	submit := execute(t, form, "submit")
	submit["way_forward"] = "A strategy discussion on Friday with school present."
	if card := w.onTeams(w.client.Execute(cscMgr, mgrCall.Sent, "submit", submit)); card == nil {
		t.Fatalf("no card after proposing")
	}
	w.slack.press(schoolMgr, "rb_confirm", "trig-3")
	c, _ = w.env.Store.GetCase(ctx, caseID)
	if c.Status != conversation.StatusResolved {
		t.Fatalf("status %s, want resolved", c.Status)
	}

	// Every copy of the card, on both platforms, now shows it resolved.
	refs, err := w.env.Store.MessageRefs(ctx, caseID)
	if err != nil {
		t.Fatal(err)
	}
	platforms := map[string]int{}
	for _, ref := range refs {
		platforms[ref.Platform]++
		switch ref.Platform {
		case "slack":
			blocks := w.slack.fake.Message(ref.Channel, ref.ID)
			if !strings.Contains(mustJSON(blocks), "Resolved") {
				t.Errorf("Slack copy %s/%s not updated", ref.Channel, ref.ID)
			}
		case "teams":
			var last map[string]any
			for _, u := range w.connector.Updates() {
				if u.Conversation == ref.Channel && u.ActivityID == ref.ID {
					last = u.Card()
				}
			}
			if !strings.Contains(teamstest.Text(last), "Resolved") {
				t.Errorf("Teams copy %s/%s not updated", ref.Channel, ref.ID)
			}
		}
	}
	if platforms["slack"] == 0 || platforms["teams"] == 0 {
		t.Errorf("copies by platform: %v", platforms)
	}

	// The logs of the whole run name the case but hold none of its text.
	logged := w.logs.String()
	if !strings.Contains(logged, caseID) {
		t.Fatalf("the logs never mention %s, so this check would prove nothing:\n%.500s", caseID, logged)
	}
	for _, text := range []string{"CSC-204913", "hungry", "Attendance records", "strategy discussion", "still disagree", "Alex Worker", alex.Email} {
		if strings.Contains(logged, text) {
			t.Errorf("the logs contain case text or a person's details: %q", text)
		}
	}
}

// lockedBuffer is a bytes.Buffer safe for the loggers of several goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
