package teamstest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"
)

// User is a Teams user in tests.
type User struct {
	ID     string // Bot Framework user id, e.g. "29:sam"
	AAD    string // AAD object id
	Name   string
	Email  string
	Tenant string
}

// Conversation is the user's 1:1 chat with the bot.
func (u User) Conversation() string { return "a:personal-" + u.ID }

// Member returns the user as the members API describes them.
func (u User) Member() Member {
	return Member{ID: u.ID, Name: u.Name, AadObjectID: u.AAD, Email: u.Email, TenantID: u.Tenant}
}

// Client posts activities to the bot's handler as the Bot Framework does,
// each with a freshly signed token.
type Client struct {
	Handler    http.Handler
	Keys       *Keys
	Connector  *Connector
	AppID      string
	Now        func() time.Time
	activityID int
}

// BotID is the bot's channel account id.
func (c *Client) BotID() string { return "28:" + c.AppID }

func (c *Client) base(u User, typ string) map[string]any {
	c.activityID++
	return map[string]any{
		"type":         typ,
		"id":           "in-" + strconv.Itoa(c.activityID),
		"timestamp":    c.Now().UTC().Format(time.RFC3339),
		"serviceUrl":   c.Connector.URL(),
		"channelId":    "msteams",
		"from":         map[string]any{"id": u.ID, "name": u.Name, "aadObjectId": u.AAD},
		"recipient":    map[string]any{"id": c.BotID(), "name": "resolvebot"},
		"conversation": map[string]any{"id": u.Conversation(), "conversationType": "personal", "tenantId": u.Tenant},
		"channelData":  map[string]any{"tenant": map[string]any{"id": u.Tenant}},
	}
}

// Install is the conversationUpdate Teams sends when u installs the bot.
func (c *Client) Install(u User) map[string]any {
	a := c.base(u, "conversationUpdate")
	a["membersAdded"] = []any{map[string]any{"id": c.BotID()}}
	return a
}

// Message is u typing text.
func (c *Client) Message(u User, text string) map[string]any {
	a := c.base(u, "message")
	a["text"] = text
	a["textFormat"] = "plain"
	return a
}

// Execute is u pressing an Action.Execute button on the card activity
// replyTo, with the action's verb and data (inputs merged into data).
func (c *Client) Execute(u User, replyTo, verb string, data map[string]any) map[string]any {
	a := c.base(u, "invoke")
	a["name"] = "adaptiveCard/action"
	a["replyToId"] = replyTo
	a["value"] = map[string]any{"action": map[string]any{"type": "Action.Execute", "verb": verb, "data": data}, "trigger": "manual"}
	return a
}

// Search is the invoke Teams sends as u types text in an Input.ChoiceSet
// whose choices.data is a Data.Query of dataset (dynamic typeahead), asking
// for top results after skip.
func (c *Client) Search(u User, dataset, text string, skip, top int) map[string]any {
	a := c.base(u, "invoke")
	a["name"] = "application/search"
	a["value"] = map[string]any{"queryText": text, "queryOptions": map[string]any{"skip": skip, "top": top}, "dataset": dataset}
	a["locale"] = "en-GB"
	a["localTimezone"] = "Europe/London"
	return a
}

// Submit is u pressing an Action.Submit fallback button.
func (c *Client) Submit(u User, replyTo string, data map[string]any) map[string]any {
	a := c.base(u, "message")
	a["replyToId"] = replyTo
	a["value"] = data
	return a
}

// Post sends an activity with a valid token and returns the response.
func (c *Client) Post(tb testing.TB, activity map[string]any) *httptest.ResponseRecorder {
	tb.Helper()
	tok := c.Keys.Sign(tb, "key-1", Claims(c.AppID, c.Connector.URL(), c.Now()))
	return c.PostWith(tb, activity, "Bearer "+tok)
}

// PostWith sends an activity with the given Authorization header ("" for
// none).
func (c *Client) PostWith(tb testing.TB, activity any, authorization string) *httptest.ResponseRecorder {
	tb.Helper()
	body, err := json.Marshal(activity)
	if err != nil {
		tb.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/api/messages", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	rec := httptest.NewRecorder()
	c.Handler.ServeHTTP(rec, req)
	return rec
}

// Card returns the Adaptive Card in a connector call's activity, or nil.
func (call Call) Card() map[string]any {
	atts, _ := call.Body["attachments"].([]any)
	if len(atts) == 0 {
		return nil
	}
	a, _ := atts[0].(map[string]any)
	card, _ := a["content"].(map[string]any)
	return card
}

// Text returns every text of a card (text blocks, facts, inputs' labels,
// action titles) joined with newlines, for assertions.
func Text(card any) string {
	var b bytes.Buffer
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for _, k := range []string{"text", "title", "value", "label"} {
				if s, ok := x[k].(string); ok {
					b.WriteString(s + "\n")
				}
			}
			for _, k := range []string{"body", "facts", "actions", "card", "choices", "items", "columns"} {
				walk(x[k])
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(card)
	return b.String()
}

// InstallationUpdate is the installationUpdate Teams sends when u adds
// (action "add") or removes ("remove") the app in their personal scope;
// "add-upgrade" and "remove-upgrade" come when an upgrade brings or drops
// the bot.
func (c *Client) InstallationUpdate(u User, action string) map[string]any {
	a := c.base(u, "installationUpdate")
	a["action"] = action
	a["locale"] = "en-GB"
	a["channelData"] = map[string]any{"tenant": map[string]any{"id": u.Tenant}, "source": map[string]any{"name": "message"}}
	return a
}

// RemoveBot is the conversationUpdate Teams sends when the bot is removed
// from u's 1:1 chat (the app uninstalled).
func (c *Client) RemoveBot(u User) map[string]any {
	a := c.base(u, "conversationUpdate")
	a["membersRemoved"] = []any{map[string]any{"id": c.BotID()}}
	return a
}
