package crossplatform_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/adapters/slack/slackfake"
)

// slackDriver sends signed requests to the Slack adapter's handler.
type slackDriver struct {
	t       *testing.T
	fake    *slackfake.Server
	handler http.Handler
	wait    func()
	secret  string
}

func (d *slackDriver) post(contentType string, body []byte) map[string]any {
	d.t.Helper()
	ts := time.Now().Unix()
	req := httptest.NewRequest(http.MethodPost, "/slack/events", bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("X-Slack-Signature", slackfake.Sign(d.secret, ts, body))
	rec := httptest.NewRecorder()
	d.handler.ServeHTTP(rec, req)
	d.wait()
	if rec.Code != http.StatusOK {
		d.t.Fatalf("slack request: status %d: %s", rec.Code, rec.Body.String())
	}
	var out map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	return out
}

// command runs /resolve with text as u.
func (d *slackDriver) command(u slackfake.User, text, trigger string) map[string]any {
	d.t.Helper()
	v := url.Values{}
	for k, x := range map[string]string{
		"token": "legacy-token", "team_id": u.TeamID(), "team_domain": "example", "channel_id": u.DM(),
		"channel_name": "directmessage", "user_id": u.ID, "user_name": "someone", "command": "/resolve", "text": text,
		"api_app_id": "A0APP", "response_url": "https://hooks.slack.com/commands/T0TEAM/1/abc", "trigger_id": trigger,
	} {
		v.Set(k, x)
	}
	return d.post("application/x-www-form-urlencoded", []byte(v.Encode()))
}

func (d *slackDriver) interact(payload map[string]any) map[string]any {
	d.t.Helper()
	b, _ := json.Marshal(payload)
	return d.post("application/x-www-form-urlencoded", []byte(url.Values{"payload": {string(b)}}.Encode()))
}

func (d *slackDriver) userJSON(u slackfake.User) map[string]any {
	return map[string]any{"id": u.ID, "username": u.Name, "name": u.Name, "team_id": u.TeamID()}
}

// press presses the button actionID on the latest card in u's DM.
func (d *slackDriver) press(u slackfake.User, actionID, trigger string) map[string]any {
	d.t.Helper()
	// A step may be a button or an option of the card's overflow menu.
	ts, id, typ, value := d.fake.Step(u.DM(), strings.TrimPrefix(actionID, "rb_"))
	if value == "" {
		d.t.Fatalf("no %s button in %s's Slack messages", actionID, u.Name)
	}
	blocks := d.fake.Message(u.DM(), ts)
	return d.interact(map[string]any{
		"type": "block_actions", "user": d.userJSON(u), "api_app_id": "A0APP", "token": "legacy-token",
		"container":  map[string]any{"type": "message", "message_ts": ts, "channel_id": u.DM(), "is_ephemeral": false},
		"trigger_id": trigger, "team": map[string]any{"id": u.TeamID(), "domain": "example"},
		"channel":      map[string]any{"id": u.DM(), "name": "directmessage"},
		"message":      map[string]any{"type": "message", "user": "U0BOT", "bot_id": "B0BOT", "ts": ts, "text": "card", "blocks": blocks},
		"state":        map[string]any{"values": map[string]any{}},
		"response_url": "https://hooks.slack.com/actions/T0TEAM/1/abc",
		"actions":      []any{slackfake.StepAction(id, typ, value)},
	})
}

// openedView returns the view a trigger opened.
func (d *slackDriver) openedView(trigger string) map[string]any {
	d.t.Helper()
	for _, c := range d.fake.Calls("views.open") {
		if c.JSON["trigger_id"] == trigger {
			v, _ := c.JSON["view"].(map[string]any)
			return v
		}
	}
	d.t.Fatalf("no view opened with trigger %s", trigger)
	return nil
}

// submit submits a view with answers keyed by block id.
func (d *slackDriver) submit(u slackfake.User, viewID string, view map[string]any, answers map[string]string) map[string]any {
	d.t.Helper()
	v := map[string]any{}
	for k, x := range view {
		v[k] = x
	}
	v["id"], v["team_id"], v["hash"], v["root_view_id"], v["app_id"], v["bot_id"] = viewID, u.TeamID(), "h"+viewID, viewID, "A0APP", "B0BOT"
	v["state"] = map[string]any{"values": slackfake.ViewState(view, answers)}
	return d.interact(map[string]any{
		"type": "view_submission", "team": map[string]any{"id": u.TeamID(), "domain": "example"}, "user": d.userJSON(u),
		"api_app_id": "A0APP", "token": "legacy-token", "trigger_id": "submit-" + viewID, "view": v,
	})
}
