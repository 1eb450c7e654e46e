package teams

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/adapters/teams/teamstest"
	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
)

// maxVisibleActions is Teams' host configuration's maxActions: the most
// actions a card shows, counting the overflow button ("…") the host adds
// for secondary actions.
const maxVisibleActions = 6

// cardVerbs returns the verbs of a card's top-level actions, primary and
// secondary (looking inside "are you sure" cards), and how many are primary.
func cardVerbs(card map[string]any) (verbs []string, primary int) {
	acts, _ := card["actions"].([]any)
	for _, a := range acts {
		am, _ := a.(map[string]any)
		if am["mode"] != "secondary" {
			primary++
		}
		if am["type"] == "Action.ShowCard" {
			inner, _ := am["card"].(map[string]any)
			v, _ := cardVerbs(inner)
			verbs = append(verbs, v...)
			continue
		}
		v, _ := am["verb"].(string)
		verbs = append(verbs, v)
	}
	return verbs, primary
}

var hexColour = regexp.MustCompile(`^#?[0-9a-fA-F]{3,8}$`)

// checkTeamsCard checks what a person sees on any card: every text and
// choice wraps, colours come from the host's palette (no hex, and no
// yellow or pale green text), and no text relies on a single newline,
// which Teams runs together (a list block, every line "- …", is the only
// place one may stand).
func checkTeamsCard(t *testing.T, where string, v any) {
	t.Helper()
	switch x := v.(type) {
	case map[string]any:
		switch x["type"] {
		case "TextBlock":
			if x["wrap"] != true {
				t.Errorf("%s: TextBlock without wrap: %v", where, x["text"])
			}
			s, _ := x["text"].(string)
			if _, list := listItems(s); !list && strings.Contains(strings.ReplaceAll(s, "\n\n", ""), "\n") {
				t.Errorf("%s: lines that Teams runs together: %q", where, s)
			}
		case "Input.ChoiceSet", "Input.Toggle":
			if x["wrap"] != true {
				t.Errorf("%s: %s %v without wrap", where, x["type"], x["id"])
			}
		}
		for _, k := range []string{"color", "style", "backgroundColor"} {
			s, _ := x[k].(string)
			if hexColour.MatchString(s) && s != "" && strings.HasPrefix(s, "#") {
				t.Errorf("%s: hex colour %s=%s", where, k, s)
			}
			if k == "color" && (strings.EqualFold(s, "warning") || strings.EqualFold(s, "good")) {
				t.Errorf("%s: text in the host's %s colour, hard to read on a light background", where, s)
			}
		}
		for _, e := range x {
			checkTeamsCard(t, where, e)
		}
	case []any:
		for _, e := range x {
			checkTeamsCard(t, where, e)
		}
	}
}

// render renders a message as the adapter sends it: forms with their
// Cancel, everything else with Render.
func render(m bot.Message) map[string]any {
	if m.Kind == "form" {
		return formCard(nil, m)
	}
	return Render(nil, m)
}

// TestEveryCardFitsTeams renders every card and message a walk through
// every state sends: no card shows more than 5 primary actions (Teams
// shows 6 at most, the overflow button included), the primary and
// secondary actions together are exactly the message's steps, and the card
// passes checkTeamsCard.
func TestEveryCardFitsTeams(t *testing.T) {
	env := bottest.New(t, bottest.Options{})
	shown := bottest.Walk(t, env)
	// Messages no walk sends: the routes out of the ladder, the notice of
	// people not reached, and the intake asking to confirm identifiers.
	intake := env.Router.Cards.WithIdentifierConfirm(env.Router.IntakeForm(context.Background(), "someone@example.org"))
	extra := []bot.Message{
		env.Router.Cards.Route(conversation.RouteImmediateRisk), env.Router.Cards.Route(conversation.RouteDissent),
		env.Router.Cards.Route(conversation.RouteWhistleblowing), UnreachedNotice("Jo Nobody"),
		{Kind: "form", Title: intake.Title, Text: "One answer looks like it holds an NHS number.", Form: intake, Tone: bot.ToneWarning,
			Errors: map[string]string{conversation.FieldConcern: "This looks like an NHS number."}},
	}
	for _, m := range extra {
		shown = append(shown, bottest.Shown{State: "extra", Message: m})
	}
	for _, s := range shown {
		where := s.State + " → " + s.To + ": " + s.Message.Title
		card := render(s.Message)
		var v any
		b, _ := json.Marshal(card)
		_ = json.Unmarshal(b, &v)
		checkTeamsCard(t, where, v)
		acts, _ := card["actions"].([]any)
		for _, a := range acts {
			am, _ := a.(map[string]any)
			if fb, ok := am["fallback"].(map[string]any); ok && fb["mode"] != am["mode"] {
				t.Errorf("%s: %v is %v but its Action.Submit fallback is %v", where, am["verb"], am["mode"], fb["mode"])
			}
		}
		verbs, primary := cardVerbs(card)
		if primary > bot.MaxPrimaryButtons || primary+min(1, len(verbs)-primary) > maxVisibleActions {
			t.Errorf("%s: %d primary actions", where, primary)
		}
		if s.Message.Kind == "form" || s.Message.Kind == "check" {
			continue
		}
		var want []string
		for _, btn := range s.Message.Buttons {
			want = append(want, string(btn.Verb))
		}
		slices.Sort(verbs)
		slices.Sort(want)
		if !slices.Equal(verbs, want) {
			t.Errorf("%s: actions %v, steps %v", where, verbs, want)
		}
	}
}

// TestFailedFormKeepsCancelAndShowsEveryError: an action form sent with
// several problems comes back with every problem listed at the top and each
// under its own question, what was typed kept, and its Cancel still there,
// sending no answers (so empty required questions do not hold it up).
func TestFailedFormKeepsCancelAndShowsEveryError(t *testing.T) {
	h := newHarness(t)
	h.env.Person(t, "sam.teacher@example.org", "Sam Teacher", "school", "school.manager@example.org")
	h.env.Person(t, "alex.worker@example.org", "Alex Worker", "csc", "")
	sam := h.user("Sam Teacher", "sam.teacher@example.org")
	alex := h.user("Alex Worker", "alex.worker@example.org")
	for _, u := range []teamstest.User{sam, alex} {
		h.post(t, h.client.Install(u), http.StatusOK)
	}
	h.post(t, h.client.Message(sam, "raise"), http.StatusOK)
	formID := h.activityIDOf(t, h.lastSent(t, sam))
	h.raise(t, sam, formID, intakeValues("alex.worker@example.org"))
	alexCall := h.lastSent(t, alex)
	alexCardID := h.activityIDOf(t, alexCall)

	// Extend opens its form from the overflow, as it would from a button.
	ext := buttonData(t, alexCall.Card(), string(conversation.VerbExtend))
	form := cardOf(t, h.post(t, h.client.Execute(alex, alexCardID, string(conversation.VerbExtend), ext), http.StatusOK))
	submit := buttonData(t, form, verbSubmit)
	submit["days"] = "lots"
	submit["reason"] = ""
	again := cardOf(t, h.post(t, h.client.Execute(alex, alexCardID, verbSubmit, submit), http.StatusOK))
	checkTeamsCard(t, "form shown again", again)

	cancel := buttonData(t, again, verbCancel)
	if cancel[dataCase] == nil {
		t.Fatalf("Cancel carries no case: %v", cancel)
	}
	acts, _ := again["actions"].([]any)
	for _, a := range acts {
		if am, _ := a.(map[string]any); am["verb"] == verbCancel && am["associatedInputs"] != "none" {
			t.Errorf("Cancel sends the form's answers, so empty required ones would stop it: %v", am)
		}
	}
	body, _ := json.Marshal(again["body"])
	text := teamstest.Text(again)
	errs := 0
	for _, e := range again["body"].([]any) {
		if em, _ := e.(map[string]any); em["type"] == "TextBlock" && em["color"] == "attention" {
			errs++
		}
	}
	if errs < 2 {
		t.Errorf("%d errors under their questions, want one for each of days and reason:\n%s", errs, text)
	}
	if !strings.Contains(text, "Some answers need another look") || !strings.Contains(text, "- New deadline, or extra working days") || !strings.Contains(text, "- Reason for the extension") {
		t.Errorf("no summary naming every question with a problem:\n%s", text)
	}
	if !strings.Contains(string(body), `"value":"lots"`) {
		t.Errorf("what was typed is lost: %s", body)
	}

	// Cancel puts the case card back.
	back := cardOf(t, h.post(t, h.client.Execute(alex, alexCardID, verbCancel, cancel), http.StatusOK))
	if verbs, _ := cardVerbs(back); !slices.Contains(verbs, string(conversation.VerbAcknowledge)) {
		t.Errorf("Cancel did not bring back the case card: %v", verbs)
	}
}

// TestIntakeFormHasCancel: a form that acts on no case has a Cancel too;
// pressing it, with required questions unanswered, closes the form in
// place and opens nothing.
func TestIntakeFormHasCancel(t *testing.T) {
	h := newHarness(t)
	h.env.Person(t, "sam.teacher@example.org", "Sam Teacher", "school", "school.manager@example.org")
	sam := h.user("Sam Teacher", "sam.teacher@example.org")
	h.post(t, h.client.Install(sam), http.StatusOK)
	h.post(t, h.client.Message(sam, "raise"), http.StatusOK)
	call := h.lastSent(t, sam)
	cancel := buttonData(t, call.Card(), verbCancel)
	if cancel[dataForm] != bot.FormIntake {
		t.Fatalf("intake Cancel data %v", cancel)
	}
	closed := cardOf(t, h.post(t, h.client.Execute(sam, h.activityIDOf(t, call), verbCancel, cancel), http.StatusOK))
	if text := teamstest.Text(closed); !strings.Contains(text, "Nothing from that form was sent") {
		t.Fatalf("Cancel answered:\n%s", text)
	}
	if cs, _ := h.env.Store.ListCases(context.Background(), conversation.CaseFilter{}); len(cs) != 0 {
		t.Fatalf("Cancel opened a case")
	}
}

// TestReportAndRecordKeepTheirLines: the partnership report and a case
// record, sent over several cards, keep every line on Teams (a report's
// lines and a note written over several lines are not run together).
func TestReportAndRecordKeepTheirLines(t *testing.T) {
	h := newHarness(t)
	sam, _, c := teamsCase(t, h)
	if _, err := h.env.Engine.AddNote(context.Background(), conversation.Cmd{Actor: c.Raiser.PersonID, CaseID: c.ID},
		"Phoned the duty desk.\nThey will call back tomorrow."); err != nil {
		t.Fatal(err)
	}
	pm := h.user("Partnership Manager", "partnership.manager@example.org")
	h.post(t, h.client.Install(pm), http.StatusOK)
	h.connector.Reset()
	h.post(t, h.client.Message(pm, "report 2026-11"), http.StatusOK)
	h.post(t, h.client.Message(sam, "export "+c.ID+" pdf"), http.StatusOK)
	n := 0
	for _, u := range []teamstest.User{pm, sam} {
		for i, call := range h.connector.Sent(u.Conversation()) {
			if card := call.Card(); card != nil {
				n++
				checkTeamsCard(t, u.Name+" message "+strconv.Itoa(i), card)
			}
		}
	}
	if n < 2 {
		t.Fatalf("%d cards sent", n)
	}
}
