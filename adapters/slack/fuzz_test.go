package slack

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// Fuzz targets. The seed corpora (below and in testdata/fuzz) run in every
// go test; fuzz one target at a time with, for example:
//
//	go test ./adapters/slack -run '^$' -fuzz '^FuzzSlackRequest$' -fuzztime 5m

// Kinds of fuzzed Slack request.
const (
	fuzzEvent       = 0 // body is an Events API JSON body
	fuzzInteraction = 1 // body is the payload JSON of an interactivity form
	fuzzCommand     = 2 // body is a slash command's form body
)

// fuzzSeeds returns real-shaped requests: events, button presses, view
// submissions of every golden modal, shortcuts and slash commands.
func fuzzSeeds(tb testing.TB) (kinds []uint8, bodies [][]byte) {
	tb.Helper()
	add := func(k uint8, v any) {
		b, ok := v.([]byte)
		if !ok {
			b, _ = json.Marshal(v)
		}
		kinds, bodies = append(kinds, k), append(bodies, b)
	}
	user := map[string]any{"id": sam.ID, "username": "sam", "name": "sam", "team_id": benchTeam}
	team := map[string]any{"id": benchTeam, "domain": "example"}
	add(fuzzEvent, map[string]any{"token": "t", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", "type": "url_verification"})
	add(fuzzEvent, map[string]any{"token": "legacy-token", "team_id": benchTeam, "api_app_id": "A0APP", "type": "event_callback",
		"event_id": "Ev01", "event_time": 1790000000, "authed_users": []any{},
		"event": map[string]any{"type": "app_home_opened", "user": sam.ID, "channel": "D01SAM", "tab": "home", "event_ts": "1790000000.1"}})
	add(fuzzEvent, map[string]any{"token": "legacy-token", "team_id": benchTeam, "api_app_id": "A0APP", "type": "event_callback",
		"event_id": "Ev02", "event_time": 1790000000,
		"event": map[string]any{"type": "message", "channel_type": "im", "user": sam.ID, "channel": "D01SAM", "text": "status CR-2026-0001", "ts": "1790000000.2"}})
	var press map[string]any
	form, _ := url.ParseQuery(string(buttonBody(jo, "rb_acknowledge", conversation.VerbAcknowledge, "CR-2026-0001", 1)))
	json.Unmarshal([]byte(form.Get("payload")), &press)
	add(fuzzInteraction, press)
	add(fuzzInteraction, map[string]any{"type": "shortcut", "callback_id": shortcutRaise, "trigger_id": "t1", "user": user, "team": team})
	add(fuzzInteraction, map[string]any{"type": "message_action", "callback_id": shortcutRaiseAbout, "trigger_id": "t2", "user": user, "team": team,
		"channel": map[string]any{"id": "C0GENERAL"}, "message": map[string]any{"ts": "1790000000.3", "text": "hello"}})
	files, _ := filepath.Glob(filepath.Join("testdata", "modal_*.json"))
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		var view map[string]any
		if err := json.Unmarshal(raw, &view); err != nil {
			tb.Fatal(err)
		}
		values := map[string]any{}
		blocks, _ := view["blocks"].([]any)
		for _, b := range blocks {
			bm, _ := b.(map[string]any)
			el, _ := bm["element"].(map[string]any)
			if bm["type"] != "input" || el == nil {
				continue
			}
			id, _ := bm["block_id"].(string)
			st := map[string]any{"type": el["type"]}
			switch el["type"] {
			case "plain_text_input":
				st["value"] = intakeAnswers[id]
			case "static_select", "radio_buttons":
				st["selected_option"] = map[string]any{"value": intakeAnswers[id]}
			case "checkboxes":
				st["selected_options"] = []any{map[string]any{"value": "discussed_with_lead"}}
			case "external_select":
				st["selected_option"] = map[string]any{"value": jo.Email}
			}
			values[id] = map[string]any{el["action_id"].(string): st}
		}
		view["id"], view["team_id"], view["hash"], view["state"] = "V1", benchTeam, "h1", map[string]any{"values": values}
		add(fuzzInteraction, map[string]any{"type": "view_submission", "team": team, "user": user, "api_app_id": "A0APP",
			"trigger_id": "t3", "view": view})
	}
	for _, text := range []string{"", "help", "list", "status CR-2026-0001", "note CR-2026-0001", "report", "acknowledge"} {
		add(fuzzCommand, []byte(url.Values{"token": {"legacy-token"}, "team_id": {benchTeam}, "team_domain": {"example"},
			"channel_id": {"C0GENERAL"}, "user_id": {sam.ID}, "command": {"/resolve"}, "text": {text},
			"response_url": {"https://hooks.slack.com/commands/T0TEAM/1/abc"}, "trigger_id": {"t4"}, "api_app_id": {"A0APP"}}.Encode()))
	}
	return kinds, bodies
}

// FuzzSlackRequest sends validly signed events, interactions and slash
// commands with arbitrary content through the HTTP handler of a whole bot,
// so the fuzzer reaches parsing and handling. The handler must never panic
// or fail with a 5xx, and every JSON acknowledgement must be valid JSON
// within Slack's limits.
func FuzzSlackRequest(f *testing.F) {
	kinds, bodies := fuzzSeeds(f)
	for i := range kinds {
		f.Add(kinds[i], bodies[i])
	}
	sb := newStubBot(f, nil)
	sb.env.Person(f, sam.Email, sam.Name, "school", schoolMg.Email)
	f.Fuzz(func(t *testing.T, kind uint8, body []byte) {
		var req signedRequest
		switch kind % 3 {
		case fuzzEvent:
			req = newSignedRequest("application/json", body)
		case fuzzInteraction:
			req = newSignedRequest("application/x-www-form-urlencoded", []byte(url.Values{"payload": {string(body)}}.Encode()))
		default:
			req = newSignedRequest("application/x-www-form-urlencoded", body)
		}
		// A request, with the work after its acknowledgement, must finish
		// promptly: a hang is a finding too.
		var rec *httptest.ResponseRecorder
		done := make(chan struct{})
		go func() {
			defer close(done)
			rec = req.do(sb.handler)
			sb.ad.Wait()
		}()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			buf := make([]byte, 1<<20)
			t.Fatalf("request still running after 20s:\n%s", buf[:runtime.Stack(buf, true)])
		}
		if rec.Code >= 500 || rec.Code == http.StatusUnauthorized {
			t.Fatalf("status %d for a signed request: %s", rec.Code, rec.Body)
		}
		if rec.Header().Get("Content-Type") == "application/json" {
			var doc map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
				t.Fatalf("acknowledgement is not JSON: %v", err)
			}
			if view, ok := doc["view"].(map[string]any); ok {
				for _, p := range limitProblems(view) {
					t.Errorf("acknowledged view: %s", p)
				}
			}
			if _, ok := doc["blocks"]; ok {
				for _, p := range limitProblems(doc) {
					t.Errorf("acknowledged message: %s", p)
				}
			}
		}
	})
}

// FuzzRenderBlockKit renders messages, forms, the full-case modal and the
// App Home with arbitrary text in every place people's words can go. The
// output must be valid JSON, within Block Kit's limits, with the text
// escaped (no raw <, > or &).
func FuzzRenderBlockKit(f *testing.F) {
	f.Add("CR-2026-0001 · Professional to Professional", evil, "Concern", "Attendance has fallen", "Acknowledge", "", uint8(3))
	f.Add(strings.Repeat("é", 200), strings.Repeat("<!channel> ", 400), strings.Repeat("x", 3000), "", strings.Repeat("b", 100), evil, uint8(12))
	f.Add("", "", "", "", "", "", uint8(0))
	f.Add("\x00\xff", "a\u2028b\r\n*bold* _it_ `code` <https://x|y>", "🚸", "😀😀😀", "Yes", "Sure?", uint8(60))
	f.Fuzz(func(t *testing.T, title, text, label, value, button, confirm string, n uint8) {
		m := bot.Message{Kind: "card", CaseID: "CR-2026-0001", Title: title, Text: text, Tone: bot.ToneWarning,
			Errors: map[string]string{"text": text}}
		for i := range int(n % 64) {
			m.Fields = append(m.Fields, bot.Field{Label: label, Value: strings.Repeat(value, i%4+1)})
		}
		verbs := []conversation.Verb{conversation.VerbAcknowledge, conversation.VerbRespond, conversation.VerbNote, conversation.VerbEscalate,
			conversation.VerbPropose, conversation.VerbWithdraw, conversation.VerbMediation}
		for i := range int(n) % len(verbs) {
			m.Buttons = append(m.Buttons, bot.Button{Label: button, Verb: verbs[i], CaseID: "CR-2026-0001",
				Version: int64(i), Confirm: confirm, Form: i%2 == 0})
		}
		blocks, fallback := renderMessage(nil, m, MaxMessageBlocks)
		form := &conversation.Form{Key: "action:respond", Title: title, Intro: text, Fields: []conversation.Field{
			{Key: "a", Label: label, Help: value, Placeholder: button, Type: conversation.FieldTextarea, MaxLen: 3000, Default: text},
			{Key: "b", Label: label, Type: conversation.FieldSelect, Options: []conversation.Option{{Value: "x", Label: value + confirm}}},
			{Key: "c", Label: button, Type: conversation.FieldCheckboxes, Options: []conversation.Option{{Value: "y", Label: label + value}}},
		}}
		docs := map[string]any{
			"message": map[string]any{"text": fallback, "blocks": blocks},
			"form":    renderForm(nil, bot.Message{Kind: "form", Form: form, Text: text, Errors: map[string]string{"a": value}}, formMeta{Form: form.Key, Case: "CR-2026-0001", Concern: text}, nil),
			"info":    renderInfoModal(nil, title, fullCase(m)),
			"home":    renderHome(nil, []homeCase{{"CR-2026-0001", text}}, []homeCase{{"CR-2026-0002", title}}, nil, "/resolve"),
		}
		for name, doc := range docs {
			b, err := json.Marshal(doc)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if !json.Valid(b) || !utf8.Valid(b) {
				t.Fatalf("%s: invalid JSON", name)
			}
			var v map[string]any
			if err := json.Unmarshal(b, &v); err != nil {
				t.Fatal(err)
			}
			for _, p := range limitProblems(v) {
				t.Errorf("%s: %s", name, p)
			}
			if name == "message" && slen(fallback) > MaxFallbackText {
				t.Errorf("fallback text is %d long", slen(fallback))
			}
			walkText(v, "", func(key, s string) {
				if strings.ContainsAny(s, "<>") || strings.Count(s, "&") != len(entity.FindAllString(s, -1)) {
					t.Errorf("%s: %s not escaped: %q", name, key, s)
				}
			})
		}
	})
}
