package crossplatform_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// slackUser is a person in the fake Slack workspace.
type slackUser struct{ ID, Name, Email string }

// dm is the user's direct-message channel with the bot.
func (u slackUser) dm() string { return "D" + u.ID[1:] }

type slackCall struct {
	Method string
	Form   url.Values
	JSON   map[string]any
}

// fakeSlack answers the Slack Web API methods the adapter uses, as Slack
// does, and records every call.
type fakeSlack struct {
	t        testing.TB
	srv      *httptest.Server
	team     string
	mu       sync.Mutex
	calls    []slackCall
	users    map[string]slackUser
	seq      int
	messages map[string]any // channel/ts → blocks
	views    map[string]map[string]any
}

func newFakeSlack(t testing.TB, users ...slackUser) *fakeSlack {
	f := &fakeSlack{t: t, team: "T0TEAM", users: map[string]slackUser{}, messages: map[string]any{}, views: map[string]map[string]any{}}
	for _, u := range users {
		f.users[u.ID] = u
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeSlack) URL() string { return f.srv.URL + "/api/" }

func (f *fakeSlack) serve(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	c := slackCall{Method: method}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		b, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(b, &c.JSON)
	} else {
		_ = r.ParseForm()
		c.Form = r.Form
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, c)
	reply := func(v map[string]any) {
		v["ok"] = true
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(v)
	}
	fail := func(code string) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": code})
	}
	userJSON := func(u slackUser) map[string]any {
		return map[string]any{"id": u.ID, "team_id": f.team, "name": strings.ToLower(strings.Fields(u.Name)[0]),
			"real_name": u.Name, "profile": map[string]any{"real_name": u.Name, "display_name": u.Name, "email": u.Email}}
	}
	decode := func(s string) any {
		var v any
		_ = json.Unmarshal([]byte(s), &v)
		return v
	}
	switch method {
	case "users.info":
		u, ok := f.users[c.Form.Get("user")]
		if !ok {
			fail("user_not_found")
			return
		}
		reply(map[string]any{"user": userJSON(u)})
	case "users.lookupByEmail":
		for _, u := range f.users {
			if strings.EqualFold(u.Email, c.Form.Get("email")) {
				reply(map[string]any{"user": userJSON(u)})
				return
			}
		}
		fail("users_not_found")
	case "conversations.open":
		users := c.Form.Get("users")
		if _, ok := f.users[users]; !ok {
			fail("user_not_found")
			return
		}
		reply(map[string]any{"channel": map[string]any{"id": "D" + users[1:]}})
	case "chat.postMessage":
		f.seq++
		ts := fmt.Sprintf("1790000000.%06d", f.seq)
		ch := c.Form.Get("channel")
		f.messages[ch+"/"+ts] = decode(c.Form.Get("blocks"))
		reply(map[string]any{"channel": ch, "ts": ts})
	case "chat.update":
		ch, ts := c.Form.Get("channel"), c.Form.Get("ts")
		if _, ok := f.messages[ch+"/"+ts]; !ok {
			fail("message_not_found")
			return
		}
		f.messages[ch+"/"+ts] = decode(c.Form.Get("blocks"))
		reply(map[string]any{"channel": ch, "ts": ts})
	case "chat.postEphemeral":
		f.seq++
		reply(map[string]any{"message_ts": fmt.Sprintf("1790000000.%06d", f.seq)})
	case "chat.getPermalink":
		reply(map[string]any{"channel": c.Form.Get("channel"), "permalink": "https://example.slack.com/archives/x"})
	case "views.open", "views.update", "views.publish":
		view, _ := c.JSON["view"].(map[string]any)
		id, _ := c.JSON["view_id"].(string)
		if id == "" {
			if tr, _ := c.JSON["trigger_id"].(string); tr != "" {
				id = "V" + tr
			} else {
				f.seq++
				id = fmt.Sprintf("V%06d", f.seq)
			}
		}
		f.views[id] = view
		reply(map[string]any{"view": map[string]any{"id": id, "hash": "h" + id}})
	default:
		f.t.Errorf("fake slack: unexpected method %s", method)
		fail("unknown_method")
	}
}

// Calls returns the calls of method ("" for all).
func (f *fakeSlack) Calls(method string) []slackCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []slackCall
	for _, c := range f.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// Posted returns the blocks of the latest message posted to channel.
func (f *fakeSlack) Posted(channel string) (ts string, blocks any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for key, b := range f.messages {
		ch, t, _ := strings.Cut(key, "/")
		if ch == channel && t > ts {
			ts, blocks = t, b
		}
	}
	return ts, blocks
}

// Button returns the latest message in channel with a button actionID.
func (f *fakeSlack) Button(channel, actionID string) (ts, value string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	best := ""
	for key, blocks := range f.messages {
		ch, t, _ := strings.Cut(key, "/")
		if ch != channel || t < best {
			continue
		}
		if v := findButton(blocks, actionID); v != "" {
			best, value = t, v
		}
	}
	return best, value
}

func findButton(v any, actionID string) string {
	switch x := v.(type) {
	case map[string]any:
		if x["type"] == "button" && x["action_id"] == actionID {
			s, _ := x["value"].(string)
			return s
		}
		for _, e := range x {
			if s := findButton(e, actionID); s != "" {
				return s
			}
		}
	case []any:
		for _, e := range x {
			if s := findButton(e, actionID); s != "" {
				return s
			}
		}
	}
	return ""
}

// slackDriver sends signed requests to the Slack adapter's handler.
type slackDriver struct {
	t       *testing.T
	fake    *fakeSlack
	handler http.Handler
	wait    func()
	secret  string
}

func (d *slackDriver) post(contentType string, body []byte) map[string]any {
	d.t.Helper()
	ts := time.Now().Unix()
	mac := hmac.New(sha256.New, []byte(d.secret))
	fmt.Fprintf(mac, "v0:%d:%s", ts, body)
	req := httptest.NewRequest(http.MethodPost, "/slack/events", bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
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
func (d *slackDriver) command(u slackUser, text, trigger string) map[string]any {
	d.t.Helper()
	v := url.Values{}
	for k, x := range map[string]string{
		"token": "legacy-token", "team_id": d.fake.team, "team_domain": "example", "channel_id": u.dm(),
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

func (d *slackDriver) userJSON(u slackUser) map[string]any {
	return map[string]any{"id": u.ID, "username": u.Name, "name": u.Name, "team_id": d.fake.team}
}

// press presses the button actionID on the latest card in u's DM.
func (d *slackDriver) press(u slackUser, actionID, trigger string) map[string]any {
	d.t.Helper()
	ts, value := d.fake.Button(u.dm(), actionID)
	if value == "" {
		d.t.Fatalf("no %s button in %s's Slack messages", actionID, u.Name)
	}
	d.fake.mu.Lock()
	blocks := d.fake.messages[u.dm()+"/"+ts]
	d.fake.mu.Unlock()
	return d.interact(map[string]any{
		"type": "block_actions", "user": d.userJSON(u), "api_app_id": "A0APP", "token": "legacy-token",
		"container":  map[string]any{"type": "message", "message_ts": ts, "channel_id": u.dm(), "is_ephemeral": false},
		"trigger_id": trigger, "team": map[string]any{"id": d.fake.team, "domain": "example"},
		"channel":      map[string]any{"id": u.dm(), "name": "directmessage"},
		"message":      map[string]any{"type": "message", "user": "U0BOT", "bot_id": "B0BOT", "ts": ts, "text": "card", "blocks": blocks},
		"state":        map[string]any{"values": map[string]any{}},
		"response_url": "https://hooks.slack.com/actions/T0TEAM/1/abc",
		"actions": []any{map[string]any{"action_id": actionID, "block_id": "actions", "type": "button", "value": value,
			"text": map[string]any{"type": "plain_text", "text": "x"}, "action_ts": "1790000000.1"}},
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
func (d *slackDriver) submit(u slackUser, viewID string, view map[string]any, answers map[string]string) map[string]any {
	d.t.Helper()
	values := map[string]any{}
	blocks, _ := view["blocks"].([]any)
	for _, b := range blocks {
		bm := b.(map[string]any)
		if bm["type"] != "input" {
			continue
		}
		el := bm["element"].(map[string]any)
		typ := el["type"].(string)
		id := bm["block_id"].(string)
		ans, has := answers[id]
		st := map[string]any{"type": typ}
		switch typ {
		case "plain_text_input":
			st["value"] = nil
			if has {
				st["value"] = ans
			}
		case "static_select", "radio_buttons":
			st["selected_option"] = nil
			if has {
				st["selected_option"] = map[string]any{"text": map[string]any{"type": "plain_text", "text": ans}, "value": ans}
			}
		case "checkboxes":
			var sel []any
			for _, v := range strings.Split(ans, ",") {
				if v != "" {
					sel = append(sel, map[string]any{"text": map[string]any{"type": "plain_text", "text": v}, "value": v})
				}
			}
			st["selected_options"] = sel
		case "users_select":
			st["selected_user"] = nil
			if has {
				st["selected_user"] = ans
			}
		}
		values[id] = map[string]any{el["action_id"].(string): st}
	}
	v := map[string]any{}
	for k, x := range view {
		v[k] = x
	}
	v["id"], v["team_id"], v["hash"], v["root_view_id"], v["app_id"], v["bot_id"] = viewID, d.fake.team, "h"+viewID, viewID, "A0APP", "B0BOT"
	v["state"] = map[string]any{"values": values}
	return d.interact(map[string]any{
		"type": "view_submission", "team": map[string]any{"id": d.fake.team, "domain": "example"}, "user": d.userJSON(u),
		"api_app_id": "A0APP", "token": "legacy-token", "trigger_id": "submit-" + viewID, "view": v,
	})
}
