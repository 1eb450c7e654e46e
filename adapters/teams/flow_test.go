package teams

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/adapters/teams/teamstest"
	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// intakeValues are a complete intake as the card's inputs send it.
func intakeValues(respondent string) map[string]any {
	return map[string]any{
		"verb": "submit", "form": "intake",
		"immediate_risk": "no", "about": conversation.AboutOtherAgency, "child_ref": "CSC-204913",
		"raiser_agency": "school", "respondent": respondent, "respondent_agency": "csc",
		"category": "threshold", "decision": "The referral was closed with no further action.",
		"concern":       "Attendance has fallen and the child arrives hungry most days. *Not* a [link](http://x).",
		"evidence_kind": string(conversation.EvidenceDocumented), "evidence": "Attendance records for six weeks.",
		"outcome_sought": "A strategy discussion.", "urgency": "standard",
		"reflection":      "discussed_with_lead,child_best_interest,motivation_considered",
		"family_informed": "yes", "cross_border": "", "serious_concern": "no",
	}
}

// cardOf returns the card an invoke answer carries, failing otherwise.
func cardOf(t *testing.T, answer map[string]any) map[string]any {
	t.Helper()
	if answer["type"] != adaptiveCardType {
		t.Fatalf("invoke answer is not a card: %v", answer)
	}
	card, _ := answer["value"].(map[string]any)
	return card
}

// buttonData finds the Action.Execute with verb on a card (looking inside
// "are you sure" cards too) and returns its data.
func buttonData(t *testing.T, card map[string]any, verb string) map[string]any {
	t.Helper()
	var found map[string]any
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if x["type"] == "Action.Execute" && x["verb"] == verb && found == nil {
				found, _ = x["data"].(map[string]any)
				fb, _ := x["fallback"].(map[string]any)
				if fb["type"] != "Action.Submit" || !jsonEqual(fb["data"], x["data"]) {
					t.Errorf("action %s has no matching Action.Submit fallback: %v", verb, fb)
				}
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
		t.Fatalf("no %s button on card:\n%s", verb, teamstest.Text(card))
	}
	out := map[string]any{}
	for k, v := range found {
		out[k] = v
	}
	return out
}

func TestTeamsFlow(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.env.Person(t, "sam.teacher@example.org", "Sam Teacher", "school", "school.manager@example.org")
	h.env.Person(t, "alex.worker@example.org", "Alex Worker", "csc", "")
	sam := h.user("Sam Teacher", "sam.teacher@example.org")
	alex := h.user("Alex Worker", "alex.worker@example.org")
	schoolMgr := h.user("School Manager", "school.manager@example.org")
	cscMgr := h.user("CSC Manager", "csc.manager@example.org")
	for _, u := range []teamstest.User{sam, alex, schoolMgr, cscMgr} {
		h.post(t, h.client.Install(u), http.StatusOK)
	}

	// Raise: typed, with a mention, in any case; the intake card asks the
	// immediate-risk question first.
	h.post(t, h.client.Message(sam, "<at>resolvebot</at> Raise"), http.StatusOK)
	formCall := h.lastSent(t, sam)
	form := formCall.Card()
	if form["version"] != "1.5" {
		t.Fatalf("intake card version %v", form["version"])
	}
	body, _ := form["body"].([]any)
	var firstInput map[string]any
	for _, e := range body {
		if m, _ := e.(map[string]any); strings.HasPrefix(m["type"].(string), "Input.") {
			firstInput = m
			break
		}
	}
	if firstInput["id"] != conversation.FieldImmediateRisk || firstInput["isRequired"] != true {
		t.Fatalf("first input = %v", firstInput)
	}
	formID := h.activityIDOf(t, formCall)

	// A submission with a missing answer shows the form again with the
	// error and keeps what was typed.
	bad := intakeValues("alex.worker@example.org")
	delete(bad, "decision")
	answer := h.post(t, h.client.Execute(sam, formID, "submit", bad), http.StatusOK)
	again := cardOf(t, answer)
	if text := teamstest.Text(again); !strings.Contains(text, "Please answer this question.") || !strings.Contains(text, "CSC-204913") {
		t.Fatalf("form shown again without its error or values:\n%s", text)
	}
	if cs, _ := h.env.Store.ListCases(ctx, conversation.CaseFilter{}); len(cs) != 0 {
		t.Fatalf("a case was opened from an invalid form")
	}

	// Complete answers come back to be checked, each with a Change; the
	// form comes back from Change with every answer in place.
	check := cardOf(t, h.post(t, h.client.Execute(sam, formID, "submit", intakeValues("alex.worker@example.org")), http.StatusOK))
	if text := teamstest.Text(check); !strings.Contains(text, "Check your answers") || !strings.Contains(text, "Alex Worker (alex.worker@example.org)") ||
		!strings.Contains(text, "Children's Social Care (example)") {
		t.Fatalf("check your answers:\n%s", text)
	}
	if cs, _ := h.env.Store.ListCases(ctx, conversation.CaseFilter{}); len(cs) != 0 {
		t.Fatalf("a case was opened before the answers were checked")
	}
	changed := cardOf(t, h.post(t, h.client.Execute(sam, formID, verbSubmit, changeData(t, check, conversation.FieldChildRef)), http.StatusOK))
	if text := teamstest.Text(changed); !strings.Contains(text, "CSC-204913") || !strings.Contains(text, "The referral was closed with no further action.") ||
		!strings.Contains(text, "Continue") {
		t.Fatalf("Change did not give back the form with the answers:\n%s", text)
	}
	answer = h.raise(t, sam, formID, intakeValues("alex.worker@example.org"))
	samCard := cardOf(t, answer)
	if text := teamstest.Text(samCard); !strings.Contains(text, "is open at") {
		t.Fatalf("raiser's card:\n%s", text)
	}
	if text := teamstest.Text(samCard); !strings.Contains(text, `\*Not\* a \[link\](http://x).`) {
		t.Errorf("user text not escaped for markdown:\n%s", text)
	}
	cs, err := h.env.Store.ListCases(ctx, conversation.CaseFilter{})
	if err != nil || len(cs) != 1 {
		t.Fatalf("cases: %v %v", cs, err)
	}
	caseID := cs[0].ID
	alexCall := h.lastSent(t, alex)
	alexCardID := h.activityIDOf(t, alexCall)
	if text := teamstest.Text(alexCall.Card()); !strings.Contains(text, "has raised a disagreement with you") {
		t.Fatalf("respondent's card:\n%s", text)
	}

	// Acknowledge: the invoke answer carries the refreshed card, and every
	// copy (the raiser's, the respondent's) is updated in place.
	h.connector.Reset()
	ack := buttonData(t, alexCall.Card(), string(conversation.VerbAcknowledge))
	if ack["case"] != caseID {
		t.Fatalf("button data %v", ack)
	}
	answer = h.post(t, h.client.Execute(alex, alexCardID, string(conversation.VerbAcknowledge), ack), http.StatusOK)
	if text := teamstest.Text(cardOf(t, answer)); !strings.Contains(text, "You acknowledged") || !strings.Contains(text, "Acknowledged") {
		t.Fatalf("acknowledge answer:\n%s", text)
	}
	updated := map[string]bool{}
	for _, u := range h.connector.Updates() {
		updated[u.Conversation+"/"+u.ActivityID] = true
	}
	for _, want := range []string{sam.Conversation() + "/" + formID, alex.Conversation() + "/" + alexCardID} {
		if !updated[want] {
			t.Errorf("copy %s not updated; updates: %v", want, updated)
		}
	}
	c, _ := h.env.Store.GetCase(ctx, caseID)
	if !c.Current().Acknowledged() {
		t.Fatalf("case not acknowledged")
	}
	if text := teamstest.Text(h.lastSent(t, sam).Card()); !strings.Contains(text, "acknowledged this case") {
		t.Errorf("raiser not told of the acknowledgement:\n%s", text)
	}

	// A stale button (old version) shows the latest card instead of acting.
	answer = h.post(t, h.client.Execute(alex, alexCardID, string(conversation.VerbAcknowledge), ack), http.StatusOK)
	if answer["type"] != "application/vnd.microsoft.activity.message" && !strings.Contains(teamstest.Text(answer["value"]), "changed") {
		t.Errorf("stale press answer: %v", answer)
	}

	// Escalate: the button opens the form in place of the card; sending it
	// moves the case to the managers, who get the card in their own chats.
	latest := h.latestCard(t, sam, caseID)
	esc := buttonData(t, latest, string(conversation.VerbEscalate))
	answer = h.post(t, h.client.Execute(sam, formID, string(conversation.VerbEscalate), esc), http.StatusOK)
	escForm := cardOf(t, answer)
	submit := buttonData(t, escForm, verbSubmit)
	submit["reason"] = "We talked on Tuesday and still disagree about the threshold."
	answer = h.post(t, h.client.Execute(sam, formID, verbSubmit, submit), http.StatusOK)
	if text := teamstest.Text(cardOf(t, answer)); !strings.Contains(text, "is now at") {
		t.Fatalf("escalate answer:\n%s", text)
	}
	for _, u := range []teamstest.User{schoolMgr, cscMgr} {
		if text := teamstest.Text(h.lastSent(t, u).Card()); !strings.Contains(text, "you are now part of it") {
			t.Errorf("%s not brought in:\n%s", u.Name, text)
		}
	}

	// Resolve: one manager proposes, the other confirms ("are you sure"
	// card with the Execute inside).
	mgrCall := h.lastSent(t, cscMgr)
	mgrCardID := h.activityIDOf(t, mgrCall)
	prop := buttonData(t, mgrCall.Card(), string(conversation.VerbPropose))
	answer = h.post(t, h.client.Execute(cscMgr, mgrCardID, string(conversation.VerbPropose), prop), http.StatusOK)
	submit = buttonData(t, cardOf(t, answer), verbSubmit)
	submit["way_forward"] = "A strategy discussion on Friday with school present."
	submit["actions"] = "Book the strategy discussion | csc.manager@example.org | 2026-11-27"
	answer = h.post(t, h.client.Execute(cscMgr, mgrCardID, verbSubmit, submit), http.StatusOK)
	cardOf(t, answer)

	schoolCall := h.lastSent(t, schoolMgr)
	confirm := buttonData(t, schoolCall.Card(), string(conversation.VerbConfirm))
	answer = h.post(t, h.client.Execute(schoolMgr, h.activityIDOf(t, schoolCall), string(conversation.VerbConfirm), confirm), http.StatusOK)
	if text := teamstest.Text(cardOf(t, answer)); !strings.Contains(text, "is resolved") {
		t.Fatalf("confirm answer:\n%s", text)
	}
	c, _ = h.env.Store.GetCase(ctx, caseID)
	if c.Status != conversation.StatusResolved {
		t.Fatalf("status %s", c.Status)
	}
	// Every recorded copy got the resolved card.
	refs, _ := h.env.Store.MessageRefs(ctx, caseID)
	last := map[string]map[string]any{}
	for _, u := range h.connector.Updates() {
		last[u.Conversation+"/"+u.ActivityID] = u.Card()
	}
	for _, ref := range refs {
		card := last[ref.Channel+"/"+ref.ID]
		if !strings.Contains(teamstest.Text(card), "Resolved") {
			t.Errorf("copy %s/%s for %s not updated to resolved", ref.Channel, ref.ID, ref.PersonID)
		}
	}
}

// latestCard returns the newest card about caseID that u can see: the
// last update or send to u's chat.
func (h *harness) latestCard(t *testing.T, u teamstest.User, caseID string) map[string]any {
	t.Helper()
	var card map[string]any
	for _, c := range h.connector.Calls() {
		if c.Conversation == u.Conversation() && c.ResponseStatus == 200 && (c.Method == http.MethodPut || c.Method == http.MethodPost) {
			if k := c.Card(); k != nil && strings.Contains(teamstest.Text(k), caseID) && len(k["actions"].([]any)) > 0 {
				card = k
			}
		}
	}
	if card == nil {
		t.Fatalf("no card about %s for %s", caseID, u.Name)
	}
	return card
}

func TestUnreachableRespondentIsReported(t *testing.T) {
	h := newHarness(t)
	h.env.Person(t, "sam.teacher@example.org", "Sam Teacher", "school", "school.manager@example.org")
	sam := h.user("Sam Teacher", "sam.teacher@example.org")
	h.post(t, h.client.Install(sam), http.StatusOK)
	h.post(t, h.client.Message(sam, "raise"), http.StatusOK)
	formID := h.activityIDOf(t, h.lastSent(t, sam))
	h.raise(t, sam, formID, intakeValues("jo.nobody@example.org"))
	text := teamstest.Text(h.lastSent(t, sam).Card())
	for _, want := range []string{"couldn't reach Jo Nobody", "install the resolvebot app", "note on the case"} {
		if !strings.Contains(text, want) {
			t.Errorf("notice lacks %q:\n%s", want, text)
		}
	}
}

func TestConnectorRetries(t *testing.T) {
	tests := []struct {
		name       string
		retryAfter string
		fail       []int
		wantCalls  int
		wantWaits  []string // waits between tries, as durations; "~" for backoff
		wantErr    string
	}{
		{"429 then success honours Retry-After", "2", []int{429}, 2, []string{"2s"}, ""},
		{"412 and 504 are retried", "", []int{412, 504}, 3, []string{"~", "~"}, ""},
		{"502 until the tries are used up", "0", []int{502, 502, 502, 502}, 4, []string{"0s", "0s", "0s"}, "status 502 after 4 tries"},
		{"500 is not retried", "", []int{500}, 1, nil, "status 500"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			h.connector.FailNext(tc.retryAfter, tc.fail...)
			h.adapter.conn.trusted.add(h.connector.URL())
			id, err := h.adapter.conn.send(context.Background(), h.connector.URL(), "a:conv/with?odd#chars", cardActivity(Render(nil, UnreachedNotice("x")), "t"))
			calls := h.connector.Calls()
			if len(calls) != tc.wantCalls {
				t.Fatalf("%d calls, want %d", len(calls), tc.wantCalls)
			}
			for _, c := range calls {
				if c.Conversation != "a:conv/with?odd#chars" || !strings.HasPrefix(c.Path, "/v3/conversations/a:conv%2Fwith%3Fodd%23chars/") {
					t.Errorf("conversation id not escaped: %s", c.Path)
				}
				if c.Authorization != "Bearer app-token-1" {
					t.Errorf("authorization %q", c.Authorization)
				}
			}
			waits := h.waits.all()
			if len(waits) != len(tc.wantWaits) {
				t.Fatalf("waits %v, want %v", waits, tc.wantWaits)
			}
			for i, w := range tc.wantWaits {
				if w == "~" {
					base := h.adapter.conn.base << i
					if waits[i] < base || waits[i] > base+base/2 {
						t.Errorf("wait %d = %v, want backoff %v plus jitter", i, waits[i], base)
					}
				} else if waits[i].String() != w {
					t.Errorf("wait %d = %v, want %s", i, waits[i], w)
				}
			}
			if tc.wantErr == "" {
				if err != nil || id == "" {
					t.Fatalf("send: %q %v", id, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err %v, want %q", err, tc.wantErr)
			}
		})
	}
}

func TestUntrustedServiceURLGetsNoToken(t *testing.T) {
	h := newHarness(t)
	_, err := h.adapter.conn.send(context.Background(), "https://evil.example.org/", "conv", cardActivity(Render(nil, UnreachedNotice("x")), "t"))
	if err == nil || !strings.Contains(err.Error(), "not trusted") {
		t.Fatalf("err = %v", err)
	}
	if h.entra.Issued() != 0 {
		t.Errorf("a token was issued for an untrusted service URL")
	}
}

func TestFailureAfterRetriesTellsThePerson(t *testing.T) {
	h := newHarness(t)
	h.env.Person(t, "sam.teacher@example.org", "Sam Teacher", "school", "")
	sam := h.user("Sam Teacher", "sam.teacher@example.org")
	h.post(t, h.client.Install(sam), http.StatusOK)
	h.connector.Reset()
	h.connector.FailNext("0", 502, 502, 502, 502)
	h.post(t, h.client.Message(sam, "list"), http.StatusOK)
	text := teamstest.Text(h.lastSent(t, sam).Card())
	if !strings.Contains(text, "Teams refused to deliver the message (status 502, after 4 tries)") {
		t.Fatalf("person was not told clearly:\n%s", text)
	}
}

func TestSubmitFallbackAndChannelMention(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.env.Person(t, "sam.teacher@example.org", "Sam Teacher", "school", "school.manager@example.org")
	h.env.Person(t, "alex.worker@example.org", "Alex Worker", "csc", "")
	sam := h.user("Sam Teacher", "sam.teacher@example.org")
	alex := h.user("Alex Worker", "alex.worker@example.org")
	h.post(t, h.client.Install(sam), http.StatusOK)
	h.post(t, h.client.Install(alex), http.StatusOK)
	h.post(t, h.client.Message(sam, "raise"), http.StatusOK)
	formID := h.lastSent(t, sam).Sent
	h.raise(t, sam, formID, intakeValues("alex.worker@example.org"))
	alexCall := h.lastSent(t, alex)

	// Action.Submit (an older client) arrives as a message with a value:
	// the step runs, the pressed card is brought up to date through the
	// connector, and the confirmation comes from the outbox.
	h.connector.Reset()
	h.post(t, h.client.Submit(alex, alexCall.Sent, buttonData(t, alexCall.Card(), "acknowledge")), http.StatusOK)
	cs, _ := h.env.Store.ListCases(ctx, conversation.CaseFilter{})
	if !cs[0].Current().Acknowledged() {
		t.Fatalf("Action.Submit did not acknowledge")
	}
	var pressed, told bool
	for _, u := range h.connector.Updates() {
		if u.Conversation == alex.Conversation() && u.ActivityID == alexCall.Sent && strings.Contains(teamstest.Text(u.Card()), "Acknowledged") {
			pressed = true
		}
	}
	for _, c := range h.connector.Sent(alex.Conversation()) {
		told = told || strings.Contains(teamstest.Text(c.Card()), "You acknowledged")
	}
	if !pressed {
		t.Errorf("the pressed card was not brought up to date: %+v", h.connector.Updates())
	}
	if !told {
		t.Errorf("Alex was not told the step is done: %+v", h.connector.Sent(alex.Conversation()))
	}

	// An @mention in a team channel is answered in the person's 1:1 chat,
	// never in the channel.
	mgr := h.user("School Manager", "school.manager@example.org")
	h.connector.Reset()
	act := h.client.Message(mgr, "<at>resolvebot</at> list")
	act["conversation"] = map[string]any{"id": "19:channel@thread.tacv2", "conversationType": "channel", "isGroup": true, "tenantId": testTenant}
	h.post(t, act, http.StatusOK)
	var created bool
	for _, c := range h.connector.Calls() {
		if c.Conversation == "19:channel@thread.tacv2" && c.Method == http.MethodPost {
			t.Errorf("the bot posted in the channel")
		}
		if c.Method == http.MethodPost && c.Conversation == "" {
			tenant, _ := c.Body["channelData"].(map[string]any)["tenant"].(map[string]any)
			created = tenant["id"] == testTenant
		}
	}
	if !created {
		t.Fatalf("no 1:1 conversation created with the tenant in channelData: %+v", h.connector.Calls())
	}
	if sent := h.connector.Sent("a:1:1-" + mgr.ID); len(sent) == 0 || !strings.Contains(teamstest.Text(sent[0].Card()), "Your cases") {
		t.Errorf("no answer in the 1:1 chat: %+v", sent)
	}
	per, _ := h.env.Store.FindPersonByEmail(ctx, "school.manager@example.org")
	for _, hd := range per.Handles {
		if hd.Platform == Platform && hd.Channel != "a:1:1-"+mgr.ID {
			t.Errorf("the 1:1 chat was not stored: %+v", hd)
		}
	}
}

// raise submits the intake card with values and presses Send on the
// check-your-answers card the submission answers with, returning the
// answer to that.
func (h *harness) raise(t *testing.T, u teamstest.User, formID string, values map[string]any) map[string]any {
	t.Helper()
	check := cardOf(t, h.post(t, h.client.Execute(u, formID, verbSubmit, values), http.StatusOK))
	send := buttonData(t, check, verbSubmit)
	if send[dataForm] != bot.FormIntakeSend {
		t.Fatalf("the intake was not shown back to check:\n%s", teamstest.Text(check))
	}
	return h.post(t, h.client.Execute(u, formID, verbSubmit, send), http.StatusOK)
}

// changeData returns the data of the Change button beside the answer to
// the question key on a check-your-answers card.
func changeData(t *testing.T, card map[string]any, key string) map[string]any {
	t.Helper()
	var found map[string]any
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if d, _ := x["data"].(map[string]any); x["type"] == "Action.Execute" && d[dataForm] == bot.FormIntakeChange && d[bot.ChangeField] == key {
				found = d
			}
			for _, k := range []string{"body", "columns", "items", "actions"} {
				walk(x[k])
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(card)
	if found == nil {
		t.Fatalf("no Change button for %s:\n%s", key, teamstest.Text(card))
	}
	return found
}
