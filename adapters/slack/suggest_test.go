package slack

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/resolvebot/resolvebot/adapters/slack/slackfake"
	"github.com/resolvebot/resolvebot/conversation"
)

// suggestion is the block_suggestion Slack posts to the options load URL
// when someone types in a person field of the modal viewID.
func (h *harness) suggestion(u slackfake.User, field, typed string) map[string]any {
	return map[string]any{
		"type": "block_suggestion", "user": h.userJSON(u), "container": map[string]any{"type": "view", "view_id": "V1"},
		"api_app_id": "A0APP", "token": "legacy-token", "action_id": field, "block_id": field, "value": typed,
		"team": h.team(), "enterprise": nil, "is_enterprise_install": false,
		"view": map[string]any{"id": "V1", "team_id": slackfake.Team, "type": "modal", "callback_id": callbackForm,
			"private_metadata": `{"f":"intake"}`, "state": map[string]any{"values": map[string]any{}}, "hash": "h1"},
	}
}

// optionsOf reads an options load answer, checking it is Slack's wire
// format: {"options":[...]} (never null), each a plain_text option of at
// most 75 characters with a value of at most 150, at most 100 of them.
func optionsOf(t *testing.T, r response) [][2]string {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("status %d: %s", r.Status, r.Raw)
	}
	var body struct {
		Options *[]struct {
			Text struct {
				Type string `json:"type"`
				Text string `json:"text"`
			} `json:"text"`
			Value string `json:"value"`
		} `json:"options"`
	}
	if err := json.Unmarshal([]byte(r.Raw), &body); err != nil || body.Options == nil {
		t.Fatalf("not an options answer: %s", r.Raw)
	}
	if len(*body.Options) > MaxSelectOptions {
		t.Errorf("%d options, at most %d", len(*body.Options), MaxSelectOptions)
	}
	var out [][2]string
	for _, o := range *body.Options {
		if o.Text.Type != "plain_text" || utf8.RuneCountInString(o.Text.Text) > MaxOptionText || o.Value == "" || len(o.Value) > MaxOptionValue {
			t.Errorf("option not as Slack takes it: %+v", o)
		}
		out = append(out, [2]string{o.Text.Text, o.Value})
	}
	return out
}

// TestPersonFieldSearch: what someone types in a person field is answered
// from the bot's own people search, over signed HTTP and over Socket Mode:
// people from the directory by part of their name, with or without the
// "(example)", a work email typed in full offered as it is, and nothing
// for a name nobody has.
func TestPersonFieldSearch(t *testing.T) {
	tests := []struct {
		typed string
		want  [][2]string
	}{
		{"social care man", [][2]string{{"Social Care Manager (example) (Children's Social Care)", "csc.manager@example.org"},
			{"Social Care Senior Manager (example) (Children's Social Care)", "csc.senior-manager@example.org"}}},
		{"POLICE LEADER", [][2]string{{"Police Leader (example) (Police Public Protection)", "police.leader@example.org"}}},
		{"Jo@NHS.net", [][2]string{{"Use jo@nhs.net", "jo@nhs.net"}}},
		{"zebedee", nil},
	}
	for _, mode := range []struct {
		name   string
		socket bool
	}{{"http", false}, {"socket mode", true}} {
		t.Run(mode.name, func(t *testing.T) {
			h := newHarness(t, mode.socket)
			for _, tt := range tests {
				got := optionsOf(t, h.interact(h.suggestion(sam, conversation.FieldRespondent, tt.typed)))
				if jsonString(got) != jsonString(tt.want) {
					t.Errorf("%q offers %v, want %v", tt.typed, got, tt.want)
				}
			}
			// Typing in a field stores nothing: no person is created for an
			// email until it is chosen and sent.
			if _, err := h.env.Store.GetPerson(context.Background(), "jo@nhs.net"); conversation.ErrorCode(err) != conversation.ENOTFOUND {
				t.Errorf("a typed email created a person: %v", err)
			}
		})
	}
}

// TestPersonFieldSearchVerified: a block_suggestion is verified with the
// signing secret like every other request: a forged or stale one is
// refused and answered with no one's name.
func TestPersonFieldSearchVerified(t *testing.T) {
	h := newHarness(t, false)
	b, _ := json.Marshal(h.suggestion(sam, conversation.FieldRespondent, "manager"))
	body := []byte(url.Values{"payload": {string(b)}}.Encode())
	stale := time.Now().Add(-6 * time.Minute).Unix()
	for name, headers := range map[string]map[string]string{
		"forged": {"X-Slack-Signature": slackfake.Sign("not-the-secret", time.Now().Unix(), body)},
		"stale":  {"X-Slack-Request-Timestamp": jsonString(stale), "X-Slack-Signature": slackfake.Sign(testSecret, stale, body)},
		"none":   {"X-Slack-Signature": ""},
	} {
		r := h.postSigned("application/x-www-form-urlencoded", body, headers)
		if r.Status != http.StatusUnauthorized || strings.Contains(r.Raw, "example.org") {
			t.Errorf("%s signature: status %d, body %q", name, r.Status, r.Raw)
		}
	}
}

// TestRaiseNamingAnEmail: on Slack, Sam types a GP's work email in the
// respondent field, chooses "Use …", checks the answers (the GP named in
// them) and sends: the case is raised with the GP as its respondent, a
// person created under her email with no chat handle.
func TestRaiseNamingAnEmail(t *testing.T) {
	h := newHarness(t, false)
	ctx := context.Background()
	h.env.Person(t, sam.Email, sam.Name, "school", schoolMg.Email)
	h.command(sam, "", "trig-1")
	intake := h.openedView("trig-1")
	el := inputElement(t, intake, conversation.FieldRespondent)
	if el["type"] != "external_select" {
		t.Fatalf("the respondent is asked with %v, want an external_select", el["type"])
	}
	const gp = "dr.grey@gp.example.org"
	opts := optionsOf(t, h.interact(h.suggestion(sam, conversation.FieldRespondent, gp)))
	if len(opts) != 1 || opts[0] != [2]string{"Use " + gp, gp} {
		t.Fatalf("options %v", opts)
	}
	answers := copyAnswers(intakeAnswers)
	answers[conversation.FieldRespondent] = opts[0][1]
	answers[conversation.FieldRespondentAgency] = "health-visiting"
	r := h.submit(sam, "Vtrig-1", intake, answers)
	if !strings.Contains(r.Raw, "Dr Grey (dr.grey@gp.example.org)") {
		t.Errorf("the answers to check do not name the GP: %s", r.Raw)
	}
	if r := h.sendChecked(sam, "Vtrig-1", r); r.Body["response_action"] != "clear" {
		t.Fatalf("intake: %s", r.Raw)
	}
	cs, err := h.env.Store.ListCases(ctx, conversation.CaseFilter{})
	if err != nil || len(cs) != 1 || cs[0].Respondent.PersonID != gp {
		t.Fatalf("cases %+v %v", cs, err)
	}
	per, err := h.env.Store.GetPerson(ctx, gp)
	if err != nil || per.Email != gp || len(per.Handles) != 0 {
		t.Errorf("the GP: %+v %v", per, err)
	}
}

// inputElement returns the element of the input block with id in a view.
func inputElement(t *testing.T, view map[string]any, id string) map[string]any {
	t.Helper()
	blocks, _ := view["blocks"].([]any)
	for _, b := range blocks {
		bm, _ := b.(map[string]any)
		if bm["block_id"] == id {
			el, _ := bm["element"].(map[string]any)
			return el
		}
	}
	t.Fatalf("no input %s in the view", id)
	return nil
}

// TestPersonFieldShownAgain: a modal built again (after an identifier
// warning) keeps each person field's answer as its chosen option: a known
// person by name and agency, a work email chosen but not yet sent as
// "Use …", and an answer naming nobody left unchosen.
func TestPersonFieldShownAgain(t *testing.T) {
	h := newHarness(t, false)
	label := h.ad.personLabels(context.Background())
	h.env.Person(t, sam.Email, sam.Name, "school", schoolMg.Email)
	for id, want := range map[string]string{
		"school.manager@example.org": "School Manager (example) (Riverside Primary School)",
		sam.Email:                    "Sam Patel (Riverside Primary School)",
		"dr.grey@gp.example.org":     "Use dr.grey@gp.example.org",
		"not a person":               "",
	} {
		if got := label(id); got != want {
			t.Errorf("%q shows as %q, want %q", id, got, want)
		}
	}
}
