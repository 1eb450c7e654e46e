package crossplatform_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	slackadapter "github.com/resolvebot/resolvebot/adapters/slack"
	"github.com/resolvebot/resolvebot/adapters/slack/slackfake"
	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/scheduler"
)

// slackPlatform is a tour's Slack: everyone is in one workspace, and
// what the bot sends is read back from the fake Web API's calls.
type slackPlatform struct {
	t     *testing.T
	d     *slackDriver
	fake  *slackfake.Server
	users map[string]slackfake.User // by role
	roles map[string]string         // user id and DM channel → role
	label string
	trig  int
	event int
	seen  int                       // fake calls already read
	views map[string]map[string]any // the modal last shown to each role
	ids   map[string]string         // its view id
	got   []payload
	actor string // the role acting now, for modals opened by trigger
	// settle delivers the outbox, as the worker in serve does after each step.
	settle func()
}

func newSlackTour(t *testing.T) *tour {
	env := bottest.New(t, bottest.Options{})
	log := slog.New(slog.DiscardHandler)
	sp := &slackPlatform{t: t, users: map[string]slackfake.User{}, roles: map[string]string{},
		views: map[string]map[string]any{}, ids: map[string]string{}}
	var users []slackfake.User
	for _, p := range tourPeople {
		u := slackfake.User{ID: p.slackID, Name: p.name, Email: p.email}
		users = append(users, u)
		sp.users[p.role] = u
		sp.roles[u.ID], sp.roles[u.DM()] = p.role, p.role
		if p.agency != "" {
			env.Person(t, p.email, p.name, p.agency, p.manager)
		}
	}
	sp.fake = slackfake.New(t, users...)
	ad := slackadapter.New(slack.New("xoxb-test-token", slack.OptionAPIURL(sp.fake.URL())), env.Router, env.Dispatcher,
		slackadapter.Options{SigningSecret: secret, Now: env.Clock.Now, Log: log, NoPace: true})
	h, err := ad.HTTPHandler()
	if err != nil {
		t.Fatal(err)
	}
	sp.settle = func() { env.Settle(t) }
	sp.d = &slackDriver{t: t, fake: sp.fake, handler: h, wait: ad.Wait, secret: secret}
	sched := scheduler.New(env.Engine, env.Router.Cards, env.People, env.Dispatcher, log)
	return &tour{t: t, env: env, p: sp, sched: sched}
}

func (s *slackPlatform) name() string { return "slack" }

func (s *slackPlatform) step(label string) {
	s.harvest()
	s.label = label
}

func (s *slackPlatform) trigger() string {
	s.trig++
	return fmt.Sprintf("trig-%d", s.trig)
}

func (s *slackPlatform) add(role, how string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		s.t.Fatal(err)
	}
	s.got = append(s.got, payload{Name: s.label + "--" + role + "--" + how, Kind: "slack", JSON: b})
}

// harvest reads the fake API's new calls: messages, modals and homes.
func (s *slackPlatform) harvest() {
	s.settle()
	calls := s.fake.Calls("")
	for _, c := range calls[s.seen:] {
		switch c.Method {
		case "chat.postMessage", "chat.update", "chat.postEphemeral":
			var blocks any
			if err := json.Unmarshal([]byte(c.Blocks), &blocks); err != nil {
				s.t.Fatalf("%s: blocks are not JSON: %v", c.Method, err)
			}
			role := s.roles[c.Channel]
			if c.Method == "chat.postEphemeral" {
				role = s.roles[c.Form.Get("user")]
			}
			how := map[string]string{"chat.postMessage": "message", "chat.update": "update", "chat.postEphemeral": "ephemeral"}[c.Method]
			s.add(role, how, map[string]any{"text": c.Text, "blocks": blocks})
		case "views.open", "views.update", "views.push":
			view, _ := c.JSON["view"].(map[string]any)
			s.add(s.actor, "modal", view)
			id, _ := c.JSON["view_id"].(string)
			if tr, _ := c.JSON["trigger_id"].(string); tr != "" {
				id = "V" + tr
			}
			s.views[s.actor], s.ids[s.actor] = view, id
		case "views.publish":
			uid, _ := c.JSON["user_id"].(string)
			view, _ := c.JSON["view"].(map[string]any)
			s.add(s.roles[uid], "home", view)
		}
	}
	s.seen = len(calls)
}

func (s *slackPlatform) join(p person) {
	s.actor = p.role
	s.event++
	u := s.users[p.role]
	body, _ := json.Marshal(map[string]any{
		"token": "legacy-token", "team_id": slackfake.Team, "api_app_id": "A0APP", "type": "event_callback",
		"event_id": fmt.Sprintf("Ev%04d", s.event), "event_time": time.Now().Unix(),
		"event": map[string]any{"type": "app_home_opened", "user": u.ID, "channel": u.DM(), "tab": "home", "event_ts": "1790000000.1"},
	})
	s.d.post("application/json", body)
	s.harvest()
}

func (s *slackPlatform) say(p person, text string) {
	s.actor = p.role
	r := s.d.command(s.users[p.role], text, s.trigger())
	if _, ok := r["blocks"]; ok {
		s.add(p.role, "command-answer", r)
	}
	s.harvest()
}

// press finds the step for verb on the case in the person's DM — a
// button, or an option of an overflow menu or select — and uses it as
// Slack would send it; with none shown, it fails the test and types the
// step instead.
func (s *slackPlatform) press(p person, caseID string, verb conversation.Verb) {
	before := len(s.payloads())
	s.pressOnce(p, caseID, verb)
	if sawLatest(s.payloads()[before:], p.role) {
		s.pressOnce(p, caseID, verb) // on the latest card, as a person would
	}
}

func (s *slackPlatform) pressOnce(p person, caseID string, verb conversation.Verb) {
	s.actor = p.role
	u := s.users[p.role]
	var best string
	var action map[string]any
	for _, c := range s.fake.Calls("") {
		if (c.Method != "chat.postMessage" && c.Method != "chat.update") || c.Channel != u.DM() || c.TS <= best && best != "" {
			continue
		}
		var blocks any
		_ = json.Unmarshal([]byte(s.fake.MessageJSON(c.Channel, c.TS)), &blocks)
		if a := findSlackAction(blocks, "", nil, string(verb)+"|"+caseID+"|"); a != nil {
			best, action = c.TS, a
		}
	}
	if action == nil {
		s.t.Errorf("slack: %s: no %s step for %s on %s's cards; every step a person may take must be on their card (a button or its overflow)", s.label, verb, caseID, p.role)
		s.say(p, string(verb)+" "+caseID)
		return
	}
	trig := s.trigger()
	blocks := s.fake.Message(u.DM(), best)
	s.d.interact(map[string]any{
		"type": "block_actions", "user": s.d.userJSON(u), "api_app_id": "A0APP", "token": "legacy-token",
		"container":  map[string]any{"type": "message", "message_ts": best, "channel_id": u.DM(), "is_ephemeral": false},
		"trigger_id": trig, "team": map[string]any{"id": slackfake.Team, "domain": "example"},
		"channel":      map[string]any{"id": u.DM(), "name": "directmessage"},
		"message":      map[string]any{"type": "message", "user": "U0BOT", "bot_id": "B0BOT", "ts": best, "text": "card", "blocks": blocks},
		"state":        map[string]any{"values": map[string]any{}},
		"response_url": "https://hooks.slack.com/actions/T0TEAM/1/abc",
		"actions":      []any{action},
	})
	s.harvest()
}

// findSlackAction returns the block_actions entry for the first element
// whose value (or option's value) starts with prefix.
func findSlackAction(v any, blockID string, element map[string]any, prefix string) map[string]any {
	switch x := v.(type) {
	case map[string]any:
		if id, ok := x["block_id"].(string); ok {
			blockID = id
		}
		if _, ok := x["action_id"]; ok {
			element = x
		}
		if val, ok := x["value"].(string); ok && strings.HasPrefix(val, prefix) && element != nil {
			a := map[string]any{"action_id": element["action_id"], "block_id": blockID, "type": element["type"], "action_ts": "1790000000.2"}
			if element["type"] == "button" {
				a["value"], a["text"] = val, element["text"]
			} else {
				a["selected_option"] = x
			}
			return a
		}
		for _, k := range []string{"blocks", "elements", "accessory", "options", "option_groups", "element"} {
			if a := findSlackAction(x[k], blockID, element, prefix); a != nil {
				return a
			}
		}
	case []any:
		for _, e := range x {
			if a := findSlackAction(e, blockID, element, prefix); a != nil {
				return a
			}
		}
	}
	return nil
}

func (s *slackPlatform) submit(p person, answers map[string]string) bool {
	s.harvest()
	s.actor = p.role
	view, id := s.views[p.role], s.ids[p.role]
	if view == nil {
		s.t.Fatalf("slack: no form open for %s", p.role)
	}
	// A person field offers people from the bot's own search, each with
	// their person id (their email) as the value.
	answers = resolveAnswers(answers, func(q person) string { return q.email })
	r := s.d.submit(s.users[p.role], id, view, answers)
	if v, _ := r["view"].(map[string]any); r["response_action"] == "update" && strings.Contains(fmt.Sprint(v["private_metadata"]), `"f":"`+bot.FormIntakeSend+`"`) {
		// Complete answers come back to be checked: Send them.
		s.add(p.role, "modal-update", v)
		s.harvest()
		r = s.d.submit(s.users[p.role], id, v, nil)
	}
	switch r["response_action"] {
	case "update", "push":
		v, _ := r["view"].(map[string]any)
		s.add(p.role, "modal-"+r["response_action"].(string), v)
		s.views[p.role] = v
		s.harvest()
		// Accepted when the next form follows (the intake after the
		// profile); the same form again (with a question added) or an
		// information modal in its place means it was not.
		return hasInputs(v) && title(v) != title(view)
	case "errors":
		s.t.Logf("slack: %s's form %q was refused: %v", p.role, title(view), r["errors"])
		s.harvest()
		return false
	}
	s.harvest()
	return true
}

func title(view map[string]any) string {
	t, _ := view["title"].(map[string]any)
	s, _ := t["text"].(string)
	return s
}

func hasInputs(view map[string]any) bool {
	blocks, _ := view["blocks"].([]any)
	for _, b := range blocks {
		if m, _ := b.(map[string]any); m["type"] == "input" {
			return true
		}
	}
	return false
}

func (s *slackPlatform) payloads() []payload {
	s.harvest()
	return s.got
}
