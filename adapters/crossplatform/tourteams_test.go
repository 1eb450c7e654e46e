package crossplatform_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/adapters/teams"
	"github.com/resolvebot/resolvebot/adapters/teams/teamstest"
	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/scheduler"
)

// teamsPlatform is a tour's Teams: everyone has the app in one tenant,
// and what the bot sends is read back from the fake Bot Connector's
// calls and from the cards its invoke answers carry.
type teamsPlatform struct {
	t      *testing.T
	ad     *teams.Adapter
	conn   *teamstest.Connector
	client *teamstest.Client
	users  map[string]teamstest.User // by role
	roles  map[string]string         // conversation id → role
	label  string
	seen   int
	cards  map[string][]teamsCard // every card each role was shown, in order
	forms  map[string]teamsCard   // the form last shown to each role
	got    []payload
	// settle delivers the outbox, as the worker in serve does after each step.
	settle func()
}

// teamsCard is a card and the activity that holds it.
type teamsCard struct {
	activity string
	card     map[string]any
}

func newTeamsTour(t *testing.T) *tour {
	env := bottest.New(t, bottest.Options{})
	log := slog.New(slog.DiscardHandler)
	keys := teamstest.NewKeys(t)
	entra := teamstest.NewEntra(t, tenant)
	conn := teamstest.NewConnector(t)
	ad, err := teams.New(env.Router, env.People, env.Dispatcher, teams.Options{
		AppID: appID, AppPassword: "test-secret", TenantID: tenant, TokenAuthority: entra.Authority(),
		OpenIDMetadataURL: keys.MetadataURL(), HTTPClient: entra.Server.Client(), Now: env.Clock.Now, Log: log,
	})
	if err != nil {
		t.Fatal(err)
	}
	tp := &teamsPlatform{t: t, ad: ad, conn: conn, settle: func() { env.Settle(t) }, users: map[string]teamstest.User{}, roles: map[string]string{},
		cards: map[string][]teamsCard{}, forms: map[string]teamsCard{},
		client: &teamstest.Client{Handler: ad, Keys: keys, Connector: conn, AppID: appID, Now: env.Clock.Now}}
	for _, p := range tourPeople {
		local, _, _ := strings.Cut(p.email, "@")
		u := teamstest.User{ID: "29:" + local, AAD: "aad-" + local, Name: p.name, Email: p.email, Tenant: tenant}
		tp.users[p.role] = u
		tp.roles[u.Conversation()] = p.role
		conn.AddMember(u.Member())
		if p.agency != "" {
			env.Person(t, p.email, p.name, p.agency, p.manager)
		}
	}
	sched := scheduler.New(env.Engine, env.Router.Cards, env.People, env.Dispatcher, log)
	return &tour{t: t, env: env, p: tp, sched: sched}
}

func (p *teamsPlatform) name() string { return "teams" }

func (p *teamsPlatform) step(label string) {
	p.harvest()
	p.label = label
}

// shown records a card shown to role, and remembers it as their form
// when it has a submit button.
func (p *teamsPlatform) shown(role, how, activity string, card map[string]any) {
	b, err := json.Marshal(card)
	if err != nil {
		p.t.Fatal(err)
	}
	p.got = append(p.got, payload{Name: p.label + "--" + role + "--" + how, Kind: "teams", JSON: b})
	c := teamsCard{activity: activity, card: card}
	p.cards[role] = append(p.cards[role], c)
	if findExecute(card, "submit", "") != nil {
		p.forms[role] = c
	}
}

// harvest reads the connector's new calls: cards sent and cards updated.
func (p *teamsPlatform) harvest() {
	p.settle()
	calls := p.conn.Calls()
	for _, c := range calls[p.seen:] {
		card := c.Card()
		if card == nil || c.ResponseStatus != http.StatusOK {
			continue
		}
		switch {
		case c.Method == http.MethodPost && c.ActivityID == "":
			p.shown(p.roles[c.Conversation], "sent", c.Sent, card)
		case c.Method == http.MethodPut:
			p.shown(p.roles[c.Conversation], "update", c.ActivityID, card)
		}
	}
	p.seen = len(calls)
}

// post sends an activity and records the card its invoke answer carries.
func (p *teamsPlatform) post(role string, activity map[string]any) map[string]any {
	p.t.Helper()
	rec := p.client.Post(p.t, activity)
	p.ad.Wait()
	if rec.Code != http.StatusOK {
		p.t.Fatalf("teams: status %d: %s", rec.Code, rec.Body.String())
	}
	var out map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	var card map[string]any
	if out["type"] == "application/vnd.microsoft.card.adaptive" {
		card, _ = out["value"].(map[string]any)
		replyTo, _ := activity["replyToId"].(string)
		p.shown(role, "invoke-answer", replyTo, card)
	}
	p.harvest()
	return card
}

func (p *teamsPlatform) join(who person) {
	p.post(who.role, p.client.Install(p.users[who.role]))
}

func (p *teamsPlatform) say(who person, text string) {
	p.post(who.role, p.client.Message(p.users[who.role], text))
}

// findExecute returns the data of the Action.Execute with verb (and, when
// caseID is not "", for that case) anywhere on card, overflow and
// confirmation cards included; nil if there is none.
func findExecute(card any, verb, caseID string) map[string]any {
	switch x := card.(type) {
	case map[string]any:
		if x["type"] == "Action.Execute" && x["verb"] == verb {
			data, _ := x["data"].(map[string]any)
			if caseID == "" || data["case"] == caseID {
				out := map[string]any{}
				for k, v := range data {
					out[k] = v
				}
				return out
			}
		}
		for _, k := range []string{"body", "actions", "card", "items", "columns"} {
			if d := findExecute(x[k], verb, caseID); d != nil {
				return d
			}
		}
	case []any:
		for _, e := range x {
			if d := findExecute(e, verb, caseID); d != nil {
				return d
			}
		}
	}
	return nil
}

// press presses the step's button on the person's latest card that has
// it, or types the step where no card shows it.
func (p *teamsPlatform) press(who person, caseID string, verb conversation.Verb) {
	before := len(p.payloads())
	p.pressOnce(who, caseID, verb)
	if sawLatest(p.payloads()[before:], who.role) {
		p.pressOnce(who, caseID, verb) // on the latest card, as a person would
	}
}

func (p *teamsPlatform) pressOnce(who person, caseID string, verb conversation.Verb) {
	cards := p.cards[who.role]
	for i := len(cards) - 1; i >= 0; i-- {
		if data := findExecute(cards[i].card, string(verb), caseID); data != nil {
			p.post(who.role, p.client.Execute(p.users[who.role], cards[i].activity, string(verb), data))
			return
		}
	}
	p.t.Errorf("teams: %s: no %s step for %s on %s's cards; every step a person may take must be on their card (a button or its overflow)", p.label, verb, caseID, who.role)
	p.say(who, string(verb)+" "+caseID)
}

func (p *teamsPlatform) submit(who person, answers map[string]string) bool {
	p.harvest()
	form, ok := p.forms[who.role]
	if !ok {
		p.t.Fatalf("teams: no form shown to %s", who.role)
	}
	delete(p.forms, who.role)
	data := findExecute(form.card, "submit", "")
	for k, v := range resolveAnswers(answers, func(q person) string { return q.email }) {
		data[k] = v
	}
	answer := p.post(who.role, p.client.Execute(p.users[who.role], form.activity, "submit", data))
	if send := checkSend(answer); send != nil {
		// Complete answers come back to be checked: Send them.
		answer = p.post(who.role, p.client.Execute(p.users[who.role], form.activity, "submit", send))
	}
	// Refused when the same form comes back (with its errors).
	return answer == nil || formKey(answer) != formKey(form.card)
}

// checkSend returns the data of Send on a check-your-answers card, or nil
// for any other card.
func checkSend(card map[string]any) map[string]any {
	acts, _ := card["actions"].([]any)
	for _, a := range acts {
		am, _ := a.(map[string]any)
		if d, _ := am["data"].(map[string]any); am["verb"] == "submit" && d["form"] == bot.FormIntakeSend {
			return d
		}
	}
	return nil
}

func formKey(card map[string]any) any {
	return findExecute(card, "submit", "")["form"]
}

func (p *teamsPlatform) payloads() []payload {
	p.harvest()
	return p.got
}
