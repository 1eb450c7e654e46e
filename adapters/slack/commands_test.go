package slack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/resolvebot/resolvebot/adapters/slack/slackfake"
	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
)

// withCase gives Sam a profile and raises a case against Jo; Sam and Jo
// are linked to their Slack users by email on first contact.
func withCase(t *testing.T, h *harness) *conversation.Case {
	t.Helper()
	ctx := context.Background()
	samID := h.env.Person(t, sam.Email, sam.Name, "school", schoolMg.Email)
	joID := h.env.Person(t, jo.Email, jo.Name, "csc", "")
	res, err := h.env.Engine.Raise(ctx, samID, bottest.Intake(joID, "school", "csc"))
	if err != nil {
		t.Fatal(err)
	}
	// Deliver what the raise put in the outbox, so a test that resets the
	// fake Slack afterwards sees only what its own steps cause.
	h.env.Settle(t)
	return res.Case
}

func TestSlashCommands(t *testing.T) {
	h := newHarness(t, false)
	c := withCase(t, h)
	tests := []struct {
		text, want string
	}{
		{"list", c.ID},
		{"status " + strings.ToLower(c.ID), "Timeline of " + c.ID},
		{"help", "/resolve list"},
		{"report", "partnership"},
		{"what is this", "couldn't match that"},
		{"rasie", `Did you mean \"/resolve raise\"? Nothing has changed yet`},
		{"esclate " + c.ID, `Did you mean \"/resolve escalate ` + c.ID + `\"?`},
		{"status CR-2099-9999", "I can't find a case CR-2099-9999 that you're part of"},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			r := h.command(sam, tc.text, "trig")
			if r.Status != 200 || r.Body["response_type"] != "ephemeral" {
				t.Fatalf("status %d, body %s", r.Status, r.Raw)
			}
			if !strings.Contains(r.Raw, tc.want) {
				t.Fatalf("answer to %q lacks %q: %s", tc.text, tc.want, r.Raw)
			}
		})
	}
	// profile opens the profile modal.
	h.command(sam, "profile", "trig-p")
	if meta, _ := decodeMeta(h.openedView("trig-p")["private_metadata"].(string)); meta.Form != bot.FormProfile {
		t.Fatalf("profile opened %+v", meta)
	}
	// With a profile, no text opens the intake straight away.
	h.command(sam, "", "trig-i")
	if meta, _ := decodeMeta(h.openedView("trig-i")["private_metadata"].(string)); meta.Form != bot.FormIntake {
		t.Fatalf("/resolve opened %+v", meta)
	}
}

// A status too long for a command's answer comes as a DM, and the answer
// says so, naming the case.
func TestLongStatusGoesToTheDM(t *testing.T) {
	h := newHarness(t, false)
	c := withCase(t, h)
	for i := range 400 {
		if _, err := h.env.Engine.AddNote(context.Background(), conversation.Cmd{Actor: sam.Email, CaseID: c.ID},
			fmt.Sprintf("Note %d: called the duty desk again and left a message with the team manager.", i)); err != nil {
			t.Fatal(err)
		}
	}
	h.env.Discard(t) // the notes' messages are not what this is about
	h.fake.Reset()
	r := h.command(sam, "status "+c.ID, "trig")
	if r.Status != 200 || !strings.Contains(r.Raw, "Case "+c.ID+" has a lot to show") || !strings.Contains(r.Raw, "direct message") {
		t.Fatalf("answer %d: %s", r.Status, r.Raw)
	}
	var dm []string
	for _, call := range h.fake.Calls("chat.postMessage") {
		if call.Channel == sam.DM() {
			dm = append(dm, call.Blocks)
		}
	}
	if len(dm) == 0 || !strings.Contains(strings.Join(dm, ""), "Timeline of "+c.ID) {
		t.Fatalf("Sam's DM got %d messages, want the case and its timeline", len(dm))
	}
}

func TestShortcuts(t *testing.T) {
	h := newHarness(t, false)
	h.env.Person(t, sam.Email, sam.Name, "school", "")
	// Global shortcut: the intake modal.
	h.interact(map[string]any{"type": "shortcut", "token": "x", "action_ts": "1.2", "team": h.team(), "user": h.userJSON(sam),
		"is_enterprise_install": false, "enterprise": nil, "callback_id": shortcutRaise, "trigger_id": "trig-g"})
	if meta, _ := decodeMeta(h.openedView("trig-g")["private_metadata"].(string)); meta.Form != bot.FormIntake {
		t.Fatalf("global shortcut opened %+v", meta)
	}
	// Message shortcut: the concern starts with a link to the message, never its text.
	h.interact(map[string]any{"type": "message_action", "token": "x", "action_ts": "1.2", "team": h.team(), "user": h.userJSON(sam),
		"channel": map[string]any{"id": "C0CASES", "name": "cases"}, "is_enterprise_install": false, "enterprise": nil,
		"callback_id": shortcutRaiseAbout, "trigger_id": "trig-m", "message_ts": "1790000001.000200",
		"response_url": "https://hooks.slack.com/app/T0TEAM/1/abc",
		"message":      map[string]any{"type": "message", "user": jo.ID, "ts": "1790000001.000200", "text": "SECRET child details"}})
	view := h.openedView("trig-m")
	var concern string
	for _, b := range view["blocks"].([]any) {
		if bm := b.(map[string]any); bm["block_id"] == conversation.FieldConcern {
			concern, _ = bm["element"].(map[string]any)["initial_value"].(string)
		}
	}
	if !strings.Contains(concern, "https://example.slack.com/archives/C0CASES/p1790000001000200") {
		t.Fatalf("concern not pre-filled with the permalink: %q", concern)
	}
	if strings.Contains(concern, "SECRET") {
		t.Fatal("the message's text was copied into the concern")
	}
}

func TestImmediateRiskClosesTheFlow(t *testing.T) {
	h := newHarness(t, false)
	h.env.Person(t, sam.Email, sam.Name, "school", "")
	h.command(sam, "", "trig-i")
	intake := h.openedView("trig-i")
	// Choosing yes replaces the modal with the route at once.
	h.interact(map[string]any{"type": "block_actions", "team": h.team(), "user": h.userJSON(sam), "api_app_id": "A0APP",
		"token": "x", "trigger_id": "trig-d", "container": map[string]any{"type": "view", "view_id": "Vtrig-i"},
		"view": map[string]any{"id": "Vtrig-i", "hash": "hVtrig-i", "type": "modal", "callback_id": callbackForm},
		"actions": []any{map[string]any{"type": "radio_buttons", "action_id": conversation.FieldImmediateRisk, "block_id": conversation.FieldImmediateRisk,
			"selected_option": map[string]any{"text": map[string]any{"type": "plain_text", "text": "Yes"}, "value": "yes"}, "action_ts": "1.2"}}})
	ups := h.fake.Calls("views.update")
	if len(ups) != 1 || ups[0].JSON["view_id"] != "Vtrig-i" || !strings.Contains(jsonString(ups[0].JSON), "not the route for an emergency") {
		t.Fatalf("views.update calls: %v", ups)
	}
	// Submitting yes (say, from an old client) updates the modal to the route too.
	r := h.submit(sam, "Vtrig-i", intake, map[string]string{conversation.FieldImmediateRisk: "yes"})
	if r.Body["response_action"] != "update" || !strings.Contains(r.Raw, "999") {
		t.Fatalf("submission with immediate risk: %s", r.Raw)
	}
	if cs, _ := h.env.Store.ListCases(context.Background(), conversation.CaseFilter{}); len(cs) != 0 {
		t.Fatal("a case was opened")
	}
}

func TestAppHome(t *testing.T) {
	h := newHarness(t, false)
	c := withCase(t, h)
	h.appHome(jo, "Ev1", nil)
	pubs := h.fake.Calls("views.publish")
	if len(pubs) != 1 || pubs[0].JSON["user_id"] != jo.ID {
		t.Fatalf("views.publish: %v", pubs)
	}
	s := jsonString(pubs[0].JSON)
	if !strings.Contains(s, "Waiting on you") || !strings.Contains(s, c.ID) || !strings.Contains(s, "working day") {
		t.Fatalf("home does not show the case waiting on Jo with its deadline: %s", s)
	}
	// The view button opens the whole case.
	h.interact(map[string]any{"type": "block_actions", "team": h.team(), "user": h.userJSON(jo), "trigger_id": "trig-v",
		"container": map[string]any{"type": "view", "view_id": "VHOME"}, "view": map[string]any{"id": "VHOME", "type": "home"},
		"actions": []any{map[string]any{"type": "button", "action_id": actionView, "block_id": "Xh3k", "value": c.ID, "action_ts": "1.2"}}})
	if v := jsonString(h.openedView("trig-v")); !strings.Contains(v, "Timeline of "+c.ID) {
		t.Fatalf("case view: %s", v)
	}
	// Jo's DM channel from the event is remembered on his handle.
	per, _ := h.env.Store.FindPersonByHandle(context.Background(), Platform, slackfake.Team, jo.ID)
	if per == nil || per.Handles[len(per.Handles)-1].Channel != "D02JO" {
		t.Fatalf("handle not linked with its DM channel: %+v", per)
	}
}

func TestRateLimitedCallsAreRetried(t *testing.T) {
	tests := []struct {
		name    string
		limited int
		wantErr bool
	}{
		{"two 429s then success", 2, false},
		{"more 429s than retries", 10, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, false)
			h.fake.Limit("chat.postMessage", tc.limited)
			per := &conversation.Person{ID: jo.Email, Email: jo.Email}
			_, err := h.ad.Send(context.Background(), per, conversation.Handle{Platform: Platform, Team: slackfake.Team, User: jo.ID, Channel: "D02JO"},
				bot.Message{Kind: "notice", Text: "hello"})
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v", err)
			}
			var rl *slack.RateLimitedError
			if tc.wantErr && !errors.As(err, &rl) {
				t.Fatalf("err = %v, want the rate limit error", err)
			}
			if n := len(h.fake.Calls("chat.postMessage (429)")); tc.wantErr && n != 4 {
				t.Fatalf("%d attempts, want 1 + 3 retries", n)
			}
		})
	}
}

// TestMetricsCarryNoCaseContent runs the flow and scrapes /metrics.
func TestMetricsCarryNoCaseContent(t *testing.T) {
	h := newHarness(t, false)
	c := withCase(t, h)
	h.command(sam, "status "+c.ID, "t")
	h.appHome(jo, "Ev2", nil)
	rec := httptest.NewRecorder()
	h.metrics.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	b, _ := io.ReadAll(rec.Body)
	s := string(b)
	for _, want := range []string{`resolvebot_requests_total{platform="slack",route="command",status="200"} 1`,
		`resolvebot_engine_commands_total{kind="status",outcome="ok",platform="slack"} 1`,
		`resolvebot_platform_calls_total{method="views.publish",platform="slack"} 1`,
		`resolvebot_ack_latency_seconds_count{platform="slack",route="events"} 1`} {
		if !strings.Contains(s, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	for _, secret := range []string{c.ID, c.ChildRef, "Attendance", sam.Email, sam.ID} {
		if strings.Contains(s, secret) {
			t.Errorf("metrics carry %q", secret)
		}
	}
}
