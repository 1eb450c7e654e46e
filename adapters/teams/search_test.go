package teams

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/adapters/teams/teamstest"
	"github.com/resolvebot/resolvebot/conversation"
)

// personInput returns the input with id in a card's body.
func personInput(t *testing.T, card map[string]any, id string) map[string]any {
	t.Helper()
	body, _ := card["body"].([]any)
	for _, e := range body {
		if m, _ := e.(map[string]any); m["id"] == id {
			return m
		}
	}
	t.Fatalf("no input %s in the card", id)
	return nil
}

// searchResults reads a search invoke's answer, checking its shape:
// {"statusCode":200,"type":"application/vnd.microsoft.search.searchResponse",
// "value":{"results":[{"title":…,"value":…}]}}.
func searchResults(t *testing.T, answer map[string]any) [][2]string {
	t.Helper()
	if answer["statusCode"] != float64(200) || answer["type"] != searchResponseType {
		t.Fatalf("not a search answer: %v", answer)
	}
	value, _ := answer["value"].(map[string]any)
	results, ok := value["results"].([]any)
	if !ok {
		t.Fatalf("no results list: %v", answer)
	}
	var out [][2]string
	for _, r := range results {
		m, _ := r.(map[string]any)
		title, _ := m["title"].(string)
		v, _ := m["value"].(string)
		if title == "" || v == "" || len(m) != 2 {
			t.Errorf("result not {title, value}: %v", m)
		}
		out = append(out, [2]string{title, v})
	}
	return out
}

// TestPersonFieldTypeahead: on Teams a person field is an Input.ChoiceSet
// that asks the bot as the person types (choices.data, dataset "people"),
// with the directory as choices for clients without typeahead; the
// application/search invoke is answered from the bot's people search,
// paged as Teams asks, a typed work email offered as it is.
func TestPersonFieldTypeahead(t *testing.T) {
	h := newHarness(t)
	sam := h.user("Sam Teacher", "sam.teacher@example.org")
	h.env.Person(t, "sam.teacher@example.org", "Sam Teacher", "school", "school.manager@example.org")
	h.post(t, h.client.Install(sam), http.StatusOK)

	h.post(t, h.client.Message(sam, "raise"), http.StatusOK)
	in := personInput(t, h.lastSent(t, sam).Card(), conversation.FieldRespondent)
	data, _ := in["choices.data"].(map[string]any)
	choices, _ := in["choices"].([]any)
	if in["type"] != "Input.ChoiceSet" || data["type"] != "Data.Query" || data["dataset"] != PeopleDataset || len(choices) < 10 {
		t.Fatalf("respondent input: %v", in)
	}

	tests := []struct {
		typed     string
		skip, top int
		want      [][2]string
	}{
		{"police lead", 0, 15, [][2]string{{"Police Leader (example) (Police Public Protection)", "police.leader@example.org"}}},
		{"social care manager", 0, 15, [][2]string{{"Social Care Manager (example) (Children's Social Care)", "csc.manager@example.org"},
			{"Social Care Senior Manager (example) (Children's Social Care)", "csc.senior-manager@example.org"}}},
		{"social care manager", 1, 1, [][2]string{{"Social Care Senior Manager (example) (Children's Social Care)", "csc.senior-manager@example.org"}}},
		{"Jo@NHS.net", 0, 15, [][2]string{{"Use jo@nhs.net", "jo@nhs.net"}}},
		{"zebedee", 0, 15, nil},
	}
	for _, tt := range tests {
		got := searchResults(t, h.post(t, h.client.Search(sam, PeopleDataset, tt.typed, tt.skip, tt.top), http.StatusOK))
		if jsonString(got) != jsonString(tt.want) {
			t.Errorf("%q (skip %d, top %d) = %v, want %v", tt.typed, tt.skip, tt.top, got, tt.want)
		}
	}
	if got := searchResults(t, h.post(t, h.client.Search(sam, PeopleDataset, "", 0, 15), http.StatusOK)); len(got) != 13 {
		t.Errorf("an empty query lists %d of the directory, want its 13", len(got))
	}
	answer := h.post(t, h.client.Search(sam, "games", "x", 0, 15), http.StatusOK)
	if answer["statusCode"] != float64(400) || answer["type"] != "application/vnd.microsoft.error" {
		t.Errorf("unknown dataset: %v", answer)
	}
	if _, err := h.env.Store.GetPerson(context.Background(), "jo@nhs.net"); conversation.ErrorCode(err) != conversation.ENOTFOUND {
		t.Errorf("a typed email created a person: %v", err)
	}
}

// TestPersonFieldTypeaheadVerified: a search invoke with no token, or a
// forged one, is refused like every activity and answers no one's name.
func TestPersonFieldTypeaheadVerified(t *testing.T) {
	h := newHarness(t)
	sam := h.user("Sam Teacher", "sam.teacher@example.org")
	h.keys.AddKey(t, "forger", false, "msteams")
	forged := h.keys.Sign(t, "forger", teamstest.Claims(testAppID, h.connector.URL(), h.env.Clock.Now()))
	for name, auth := range map[string]string{"none": "", "forged": "Bearer " + forged} {
		rec := h.client.PostWith(t, h.client.Search(sam, PeopleDataset, "manager", 0, 15), auth)
		if rec.Code != http.StatusUnauthorized || strings.Contains(rec.Body.String(), "example.org") {
			t.Errorf("%s token: status %d, body %q", name, rec.Code, rec.Body.String())
		}
	}
}

// TestRaiseNamingAnEmailOnTeams: Sam picks "Use dr.grey@gp.example.org"
// in the respondent field and sends; the case is raised with the GP, a
// person created under her email with no chat handle.
func TestRaiseNamingAnEmailOnTeams(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	sam := h.user("Sam Teacher", "sam.teacher@example.org")
	h.env.Person(t, "sam.teacher@example.org", "Sam Teacher", "school", "school.manager@example.org")
	h.post(t, h.client.Install(sam), http.StatusOK)
	h.post(t, h.client.Message(sam, "raise"), http.StatusOK)
	formID := h.activityIDOf(t, h.lastSent(t, sam))
	const gp = "dr.grey@gp.example.org"
	got := searchResults(t, h.post(t, h.client.Search(sam, PeopleDataset, gp, 0, 15), http.StatusOK))
	if len(got) != 1 || got[0][1] != gp {
		t.Fatalf("search for the GP: %v", got)
	}
	values := intakeValues(got[0][1])
	values["respondent_agency"] = "health-visiting"
	h.raise(t, sam, formID, values)
	cs, err := h.env.Store.ListCases(ctx, conversation.CaseFilter{})
	if err != nil || len(cs) != 1 || cs[0].Respondent.PersonID != gp {
		t.Fatalf("cases %+v %v", cs, err)
	}
	if per, err := h.env.Store.GetPerson(ctx, gp); err != nil || per.Email != gp || len(per.Handles) != 0 {
		t.Errorf("the GP: %+v %v", per, err)
	}
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
