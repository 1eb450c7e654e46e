package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/resolvebot/resolvebot/bot"

	"github.com/resolvebot/resolvebot/adapters/metrics"
	"github.com/resolvebot/resolvebot/adapters/slack/slackfake"
	"github.com/resolvebot/resolvebot/bot/bottest"
)

const testSecret = "8f742231b10e8888abcd99yyyzzz85a5"

// The fake workspace.
var (
	sam      = slackfake.User{ID: "U01SAM", Name: "Sam Patel", Email: "sam.patel@school.example.org"}
	jo       = slackfake.User{ID: "U02JO", Name: "Jo Reed", Email: "jo.reed@csc.example.org"}
	schoolMg = slackfake.User{ID: "U03SMGR", Name: "School Manager (example)", Email: "school.manager@example.org"}
	cscMg    = slackfake.User{ID: "U04CMGR", Name: "Social Care Manager (example)", Email: "csc.manager@example.org"}
	pm       = slackfake.User{ID: "U05PM", Name: "Partnership Manager (example)", Email: "partnership.manager@example.org"}
)

// harness is a whole bot with the Slack adapter in front and the fake
// Slack Web API behind, driven over signed HTTP or over Socket Mode.
type harness struct {
	t       *testing.T
	env     *bottest.Env
	fake    *slackfake.Server
	ad      *Adapter
	handler http.Handler
	metrics *metrics.Metrics
	socket  bool
	acker   *recordingAcker
	seq     int
	// serving is held for reading while a request is handled and for
	// writing while the adapter's after-ack work is awaited: a WaitGroup's
	// Wait must not overlap the Add of a request handled at the same time
	// (tests that press one button from many goroutines).
	serving sync.RWMutex
}

// serve hands one request to the adapter, then waits for its after-ack
// work and delivers what it put in the outbox.
func (h *harness) serve(handle func()) {
	h.serving.RLock()
	handle()
	h.serving.RUnlock()
	h.serving.Lock()
	h.ad.Wait()
	h.serving.Unlock()
	h.env.Settle(h.t)
}

func newHarness(t *testing.T, socket bool) *harness {
	t.Helper()
	return newHarnessOf(t, socket, bottest.Options{})
}

// newHarnessOf is newHarness with the bot built from bo.
func newHarnessOf(t *testing.T, socket bool, bo bottest.Options) *harness {
	t.Helper()
	env := bottest.New(t, bo)
	fake := slackfake.New(t, sam, jo, schoolMg, cscMg, pm)
	m := metrics.New()
	client := slack.New("xoxb-test-token", slack.OptionAPIURL(fake.URL()))
	ad := New(client, env.Router, env.Dispatcher, Options{SigningSecret: testSecret, Now: env.Clock.Now, Metrics: m})
	h, err := ad.HTTPHandler()
	if err != nil {
		t.Fatal(err)
	}
	return &harness{t: t, env: env, fake: fake, ad: ad, handler: h, metrics: m, socket: socket, acker: &recordingAcker{}}
}

// response is how the bot acknowledged one request.
type response struct {
	Status int
	Body   map[string]any
	Raw    string
}

// postSigned sends a request to the HTTP endpoint, signed as Slack signs it.
func (h *harness) postSigned(contentType string, body []byte, headers map[string]string) response {
	h.t.Helper()
	ts := time.Now().Unix()
	req := httptest.NewRequest(http.MethodPost, EventsPath, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("X-Slack-Signature", slackfake.Sign(testSecret, ts, body))
	for k, v := range headers {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	rec := httptest.NewRecorder()
	h.serve(func() { h.handler.ServeHTTP(rec, req) })
	out := response{Status: rec.Code, Raw: rec.Body.String()}
	if rec.Header().Get("Content-Type") == "application/json" {
		if err := json.Unmarshal(rec.Body.Bytes(), &out.Body); err != nil {
			h.t.Fatalf("acknowledgement is not JSON: %v", err)
		}
	}
	return out
}

// recordingAcker records Socket Mode acknowledgements.
type recordingAcker struct {
	mu   sync.Mutex
	acks map[string][]any
}

func (r *recordingAcker) Ack(req socketmode.Request, payload ...any) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.acks == nil {
		r.acks = map[string][]any{}
	}
	var p any
	if len(payload) > 0 {
		p = payload[0]
	}
	r.acks[req.EnvelopeID] = append(r.acks[req.EnvelopeID], p)
	return nil
}

func (r *recordingAcker) get(id string) ([]any, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	a, ok := r.acks[id]
	return a, ok
}

// socketEvent turns a raw Socket Mode message into the event the library
// emits, the way socketmode.Client parses it.
func socketEvent(t testing.TB, raw []byte) socketmode.Event {
	t.Helper()
	var req socketmode.Request
	if err := json.Unmarshal(raw, &req); err != nil {
		return socketmode.Event{Type: socketmode.EventTypeErrorBadMessage, Data: &socketmode.ErrorBadMessage{Cause: err, Message: raw}}
	}
	bad := func(err error) socketmode.Event {
		return socketmode.Event{Type: socketmode.EventTypeErrorBadMessage, Data: &socketmode.ErrorBadMessage{Cause: err, Message: raw}}
	}
	switch req.Type {
	case socketmode.RequestTypeEventsAPI:
		ev, err := slackevents.ParseEvent(req.Payload, slackevents.OptionNoVerifyToken())
		if err != nil {
			return bad(err)
		}
		return socketmode.Event{Type: socketmode.EventTypeEventsAPI, Data: ev, Request: &req}
	case socketmode.RequestTypeSlashCommands:
		var cmd slack.SlashCommand
		if err := json.Unmarshal(req.Payload, &cmd); err != nil {
			return bad(err)
		}
		return socketmode.Event{Type: socketmode.EventTypeSlashCommand, Data: cmd, Request: &req}
	case socketmode.RequestTypeInteractive:
		var ic slack.InteractionCallback
		if err := json.Unmarshal(req.Payload, &ic); err != nil {
			return bad(err)
		}
		return socketmode.Event{Type: socketmode.EventTypeInteractive, Data: ic, Request: &req}
	}
	return bad(fmt.Errorf("unsupported type %q", req.Type))
}

// viaSocket sends payload as a Socket Mode envelope of type and returns the ack.
func (h *harness) viaSocket(typ string, payload any) response {
	h.t.Helper()
	h.seq++
	id := fmt.Sprintf("env-%d", h.seq)
	p, err := json.Marshal(payload)
	if err != nil {
		h.t.Fatal(err)
	}
	raw, _ := json.Marshal(map[string]any{"envelope_id": id, "type": typ, "payload": json.RawMessage(p), "accepts_response_payload": typ != socketmode.RequestTypeEventsAPI})
	h.serve(func() { h.ad.HandleSocketEvent(context.Background(), h.acker, socketEvent(h.t, raw)) })
	acks, ok := h.acker.get(id)
	if !ok {
		return response{Status: 500}
	}
	if len(acks) != 1 {
		h.t.Fatalf("envelope %s acknowledged %d times", id, len(acks))
	}
	out := response{Status: 200}
	if acks[0] != nil {
		b, _ := json.Marshal(acks[0])
		out.Raw = string(b)
		json.Unmarshal(b, &out.Body)
	}
	return out
}

// command runs the slash command as user with text.
func (h *harness) command(u slackfake.User, text, trigger string) response {
	h.t.Helper()
	f := map[string]string{
		"token": "legacy-token", "team_id": slackfake.Team, "team_domain": "example", "channel_id": "C0GENERAL",
		"channel_name": "general", "user_id": u.ID, "user_name": "someone", "command": "/resolve", "text": text,
		"api_app_id": "A0APP", "is_enterprise_install": "false",
		"response_url": "https://hooks.slack.com/commands/T0TEAM/1/abc", "trigger_id": trigger,
	}
	if h.socket {
		return h.viaSocket(socketmode.RequestTypeSlashCommands, f)
	}
	v := url.Values{}
	for k, x := range f {
		v.Set(k, x)
	}
	return h.postSigned("application/x-www-form-urlencoded", []byte(v.Encode()), nil)
}

// interact sends an interactivity payload.
func (h *harness) interact(payload map[string]any) response {
	h.t.Helper()
	if h.socket {
		return h.viaSocket(socketmode.RequestTypeInteractive, payload)
	}
	b, _ := json.Marshal(payload)
	return h.postSigned("application/x-www-form-urlencoded", []byte(url.Values{"payload": {string(b)}}.Encode()), nil)
}

// event sends an Events API callback.
func (h *harness) event(payload map[string]any, headers map[string]string) response {
	h.t.Helper()
	if h.socket {
		return h.viaSocket(socketmode.RequestTypeEventsAPI, payload)
	}
	b, _ := json.Marshal(payload)
	return h.postSigned("application/json", b, headers)
}

func (h *harness) userJSON(u slackfake.User) map[string]any {
	return map[string]any{"id": u.ID, "username": u.Name, "name": u.Name, "team_id": slackfake.Team}
}

func (h *harness) team() map[string]any {
	return map[string]any{"id": slackfake.Team, "domain": "example"}
}

// press presses the button with actionID on the latest card in u's DM.
func (h *harness) press(u slackfake.User, actionID, trigger string) response {
	h.t.Helper()
	ch := "D" + u.ID[1:]
	ts, value := h.fake.Button(ch, actionID)
	action := map[string]any{"action_id": actionID, "block_id": "actions", "type": "button", "value": value,
		"text": map[string]any{"type": "plain_text", "text": "x", "emoji": true}, "action_ts": "1790000000.1"}
	if verb, ok := strings.CutPrefix(actionID, actionPrefix); ok && actionID != actionView {
		// A step may be a button or an option of the card's overflow menu.
		var id, typ string
		ts, id, typ, value = h.fake.Step(ch, verb)
		action = slackfake.StepAction(id, typ, value)
	}
	if value == "" {
		h.t.Fatalf("no %s button in %s's messages", actionID, u.Name)
	}
	return h.interact(map[string]any{
		"type": "block_actions", "user": h.userJSON(u), "api_app_id": "A0APP", "token": "legacy-token",
		"container":  map[string]any{"type": "message", "message_ts": ts, "channel_id": ch, "is_ephemeral": false},
		"trigger_id": trigger, "team": h.team(), "enterprise": nil, "is_enterprise_install": false,
		"channel":      map[string]any{"id": ch, "name": "directmessage"},
		"message":      map[string]any{"type": "message", "user": "U0BOT", "bot_id": "B0BOT", "ts": ts, "text": "card", "blocks": h.fake.Message(ch, ts)},
		"state":        map[string]any{"values": map[string]any{}},
		"response_url": "https://hooks.slack.com/actions/T0TEAM/1/abc",
		"actions":      []any{action},
	})
}

// openedView returns the view a trigger opened with views.open.
func (h *harness) openedView(trigger string) map[string]any {
	h.t.Helper()
	for _, c := range h.fake.Calls("views.open") {
		if c.JSON["trigger_id"] == trigger {
			v, _ := c.JSON["view"].(map[string]any)
			return v
		}
	}
	h.t.Fatalf("no view opened with trigger %s; calls: %v", trigger, slackfake.Methods(h.fake.Calls("")))
	return nil
}

// submit submits view (as opened or as last updated) with answers keyed by
// block id, shaping the state as Slack does for each element type.
func (h *harness) submit(u slackfake.User, viewID string, view map[string]any, answers map[string]string) response {
	h.t.Helper()
	v := map[string]any{}
	for k, x := range view {
		v[k] = x
	}
	v["id"], v["team_id"], v["hash"], v["root_view_id"], v["app_id"], v["bot_id"] = viewID, slackfake.Team, "h"+viewID, viewID, "A0APP", "B0BOT"
	v["state"] = map[string]any{"values": slackfake.ViewState(view, answers)}
	return h.interact(map[string]any{
		"type": "view_submission", "team": h.team(), "user": h.userJSON(u), "api_app_id": "A0APP",
		"token": "legacy-token", "trigger_id": "submit-" + viewID, "view": v, "response_urls": []any{},
		"is_enterprise_install": false, "enterprise": nil,
	})
}

// appHome sends an app_home_opened event with eventID.
func (h *harness) appHome(u slackfake.User, eventID string, headers map[string]string) response {
	return h.event(map[string]any{
		"token": "legacy-token", "team_id": slackfake.Team, "api_app_id": "A0APP", "type": "event_callback",
		"event_id": eventID, "event_time": 1790000000, "authed_users": []any{},
		"event": map[string]any{"type": "app_home_opened", "user": u.ID, "channel": "D" + u.ID[1:], "tab": "home", "event_ts": "1790000000.1"},
	}, headers)
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// sendChecked presses Send on the check-your-answers modal a submission
// answered with, and returns the answer to that.
func (h *harness) sendChecked(u slackfake.User, viewID string, r response) response {
	h.t.Helper()
	view, _ := r.Body["view"].(map[string]any)
	meta, _ := decodeMeta(fmt.Sprint(view["private_metadata"]))
	if r.Body["response_action"] != "update" || meta.Form != bot.FormIntakeSend {
		h.t.Fatalf("the intake was not shown back to check: %s", r.Raw)
	}
	return h.submit(u, viewID, view, nil)
}

// pressInView presses a button inside an open modal, as Slack sends it.
func (h *harness) pressInView(u slackfake.User, viewID string, view map[string]any, actionID, value string) response {
	h.t.Helper()
	v := map[string]any{}
	for k, x := range view {
		v[k] = x
	}
	v["id"], v["team_id"], v["hash"], v["root_view_id"], v["app_id"], v["bot_id"] = viewID, slackfake.Team, "h"+viewID, viewID, "A0APP", "B0BOT"
	v["state"] = map[string]any{"values": map[string]any{}}
	return h.interact(map[string]any{
		"type": "block_actions", "user": h.userJSON(u), "api_app_id": "A0APP", "token": "legacy-token",
		"container":  map[string]any{"type": "view", "view_id": viewID},
		"trigger_id": "press-" + viewID, "team": h.team(), "enterprise": nil, "is_enterprise_install": false,
		"view": v,
		"actions": []any{map[string]any{"action_id": actionID, "block_id": "b", "type": "button", "value": value,
			"text": map[string]any{"type": "plain_text", "text": "Change", "emoji": true}, "action_ts": "1790000000.2"}},
	})
}

// updatedView returns the view last put in place of viewID by views.update.
func (h *harness) updatedView(viewID string) map[string]any {
	h.t.Helper()
	calls := h.fake.Calls("views.update")
	for i := len(calls) - 1; i >= 0; i-- {
		if calls[i].JSON["view_id"] == viewID {
			v, _ := calls[i].JSON["view"].(map[string]any)
			return v
		}
	}
	h.t.Fatalf("view %s was never updated; calls: %v", viewID, slackfake.Methods(h.fake.Calls("")))
	return nil
}
