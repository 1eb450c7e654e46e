package teams

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"

	"github.com/resolvebot/resolvebot/adapters/teams/teamstest"
	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// Fuzz targets. The seed corpora run in every go test; fuzz one target at
// a time with, for example:
//
//	go test ./adapters/teams -run '^$' -fuzz '^FuzzTeamsActivity$' -fuzztime 5m

// refuseAll is a transport that makes no connection, so fuzzed service
// URLs are never called.
type refuseAll struct{}

func (refuseAll) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("fuzzing: no outbound calls")
}

// FuzzTeamsActivity posts arbitrary activities to an adapter running with
// InsecureNoAuth (a signed token would bind the service URL, which the
// fuzzer changes), so parsing, identification and routing are reached.
// Outbound calls are refused. The adapter must never panic, and must
// answer 200, 400 or 413, or 500 only for a store failure, which cannot
// happen here.
func FuzzTeamsActivity(f *testing.F) {
	h := newBenchHarness(f, nil)
	sam := h.user("Sam Patel", "sam.patel@school.example.org")
	jo := h.user("Jo Reed", "jo.reed@csc.example.org")
	c := h.client
	seeds := []map[string]any{
		c.Install(sam), c.Message(sam, "help"), c.Message(sam, "raise"), c.Message(sam, "status CR-2026-0001"),
		c.Message(sam, "<at>resolvebot</at> list"),
		c.Submit(sam, "act-1", intakeValues(jo.Email)),
		c.Submit(sam, "act-2", map[string]any{"verb": "submit", "form": "profile", "agency": "school", "manager": "school.manager@example.org"}),
		c.Execute(jo, "act-3", "acknowledge", map[string]any{"verb": "acknowledge", "case": "CR-2026-0001", "version": "1"}),
		c.Execute(jo, "act-4", "submit", map[string]any{"verb": "submit", "form": "action:note", "case": "CR-2026-0001", "version": "2", "text": "A note."}),
		{"type": "typing"},
	}
	for _, s := range seeds {
		b, _ := json.Marshal(s)
		f.Add(b)
	}
	a, err := New(h.env.Router, h.env.People, h.env.Dispatcher, Options{InsecureNoAuth: true,
		HTTPClient: &http.Client{Transport: refuseAll{}}, Now: h.env.Clock.Now})
	if err != nil {
		f.Fatal(err)
	}
	a.conn.sleep = func(context.Context, time.Duration) error { return nil }
	f.Fuzz(func(t *testing.T, body []byte) {
		code := postActivity(a, body, "")
		a.Wait()
		switch code {
		case http.StatusOK, http.StatusBadRequest, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("status %d", code)
		}
	})
}

// FuzzTeamsToken checks arbitrary Authorization headers, seeded with
// valid, expired, unsigned and mangled tokens. The validator must never
// panic, must refuse with an errAuth error (never a key-fetch failure,
// since the fake key server answers), and may accept only tokens signed
// with the published key.
func FuzzTeamsToken(f *testing.F) {
	h := newBenchHarness(f, nil)
	now := h.env.Clock.Now()
	url := h.connector.URL()
	claims := teamstest.Claims(testAppID, url, now)
	valid := h.keys.Sign(f, "key-1", claims)
	expired := teamstest.Claims(testAppID, url, now.Add(-3*time.Hour))
	wrongAud := teamstest.Claims("other-app", url, now)
	h.keys.AddKey(f, "key-2", false, "msteams")
	for _, s := range []string{
		"Bearer " + valid, "bearer " + valid, valid, "Bearer " + valid + "x", "Bearer " + strings.Replace(valid, ".", "..", 1),
		"Bearer " + h.keys.Sign(f, "key-1", expired), "Bearer " + h.keys.Sign(f, "key-1", wrongAud),
		"Bearer " + h.keys.Sign(f, "key-2", claims), "Bearer " + h.keys.Sign(f, "", claims),
		"Bearer " + noneToken(claims), "Bearer", "Basic dXNlcjpwYXNz", "", "Bearer e30.e30.",
	} {
		f.Add(s, "msteams")
	}
	v := h.adapter.auth
	if _, err := v.validate(context.Background(), "Bearer "+valid, "msteams", url); err != nil {
		f.Fatalf("the valid seed is refused: %v", err)
	}
	f.Fuzz(func(t *testing.T, header, channel string) {
		_, err := v.validate(context.Background(), header, channel, url)
		if err != nil && !errors.Is(err, errAuth) {
			t.Fatalf("not an auth refusal: %v", err)
		}
		if err == nil {
			_, raw, _ := strings.Cut(strings.TrimSpace(header), " ")
			tok, _, perr := jwt.NewParser().ParseUnverified(strings.TrimSpace(raw), jwt.MapClaims{})
			if perr != nil || tok.Header["kid"] != "key-1" {
				t.Fatalf("accepted a token not signed with the published key: %q", header)
			}
		}
	})
}

// FuzzRenderAdaptiveCard renders messages and forms with arbitrary text.
// The card must be valid JSON, every text block and fact must be escaped
// markdown (every markdown character of the person's text preceded by a
// backslash, no control characters), texts and button titles must stay in
// their limits, and the card must fit a Teams message.
func FuzzRenderAdaptiveCard(f *testing.F) {
	f.Add("CR-2026-0001 · Professional to Professional", "Sam has raised a disagreement.", "Concern", "Attendance has fallen", "Acknowledge", "", uint8(3))
	f.Add("**bold** [x](http://y)", "<at>everyone</at>\n# h\n1. one\n- l", "{{DATE(2026-01-01T00:00:00Z)}}", "`code`", "Yes", "Sure?", uint8(12))
	f.Add(strings.Repeat("\\", 5000), strings.Repeat("<", 5000), strings.Repeat("_", 100), strings.Repeat("🚸", 90), strings.Repeat("b", 100), strings.Repeat("[", 5000), uint8(7))
	f.Add("", "", "", "", "", "", uint8(0))
	f.Add("a\x00b\x1bc\rd\te", "\xff\xfe", "\u2028", "\u0085", "\t", "\n", uint8(255))
	f.Fuzz(func(t *testing.T, title, text, label, value, button, confirm string, n uint8) {
		m := bot.Message{Kind: "card", CaseID: "CR-2026-0001", Title: title, Text: text, Tone: bot.ToneWarning,
			Errors: map[string]string{"text": value}}
		for i := range int(n % 16) {
			m.Fields = append(m.Fields, bot.Field{Label: label, Value: strings.Repeat(value, i%3+1)})
		}
		verbs := []conversation.Verb{conversation.VerbAcknowledge, conversation.VerbRespond, conversation.VerbNote, conversation.VerbEscalate, conversation.VerbWithdraw}
		for i := range int(n) % len(verbs) {
			m.Buttons = append(m.Buttons, bot.Button{Label: button, Verb: verbs[i], CaseID: "CR-2026-0001", Confirm: confirm, Form: i%2 == 1})
		}
		form := bot.Message{Kind: "form", Title: title, Text: text, Errors: map[string]string{"a": value},
			Form: &conversation.Form{Key: "action:respond", Title: title, Fields: []conversation.Field{
				{Key: "a", Label: label, Help: value, Placeholder: button, Type: conversation.FieldTextarea, MaxLen: 3000, Default: text},
				{Key: "b", Label: label, Type: conversation.FieldSelect, Options: []conversation.Option{{Value: "x", Label: value}}},
			}}}
		for name, card := range map[string]map[string]any{"card": Render(nil, m), "form": Render(nil, form)} {
			b, err := json.Marshal(card)
			if err != nil || !json.Valid(b) || !utf8.Valid(b) {
				t.Fatalf("%s: invalid JSON: %v", name, err)
			}
			if len(b) > maxCardBytes {
				t.Errorf("%s: %d bytes, over %d", name, len(b), maxCardBytes)
			}
			if bound, ok := jsonBound(card); ok && bound < len(b) {
				t.Errorf("%s: jsonBound %d under the %d bytes it encodes to", name, bound, len(b))
			}
			var v any
			json.Unmarshal(b, &v)
			checkCard(t, name, v)
		}
	})
}

// checkCard walks a rendered card checking escaping and limits.
func checkCard(t *testing.T, name string, v any) {
	t.Helper()
	switch x := v.(type) {
	case map[string]any:
		switch x["type"] {
		case "TextBlock":
			s, _ := x["text"].(string)
			if items, ok := listItems(s); ok {
				// A list the renderer made: each item must be escaped.
				for _, it := range items {
					checkEscaped(t, name, it)
				}
			} else {
				checkEscaped(t, name, s)
			}
		case "Action.Execute", "Action.Submit", "Action.ShowCard":
			s, _ := x["title"].(string)
			if n := utf8.RuneCountInString(s); n > maxButtonRunes+len("Yes, ") {
				t.Errorf("%s: button title %d runes", name, n)
			}
		}
		if facts, ok := x["facts"].([]any); ok {
			for _, fa := range facts {
				fm, _ := fa.(map[string]any)
				for _, k := range []string{"title", "value"} {
					s, _ := fm[k].(string)
					checkEscaped(t, name, s)
				}
			}
		}
		for _, e := range x {
			checkCard(t, name, e)
		}
	case []any:
		for _, e := range x {
			checkCard(t, name, e)
		}
	}
}

// listItems returns the items of a TextBlock that is a markdown list (every
// line starts with "- "), and whether it is one.
func listItems(s string) ([]string, bool) {
	var items []string
	for _, l := range strings.Split(s, "\n") {
		it, ok := strings.CutPrefix(l, "- ")
		if !ok {
			return nil, false
		}
		items = append(items, it)
	}
	return items, true
}

func checkEscaped(t *testing.T, name, s string) {
	t.Helper()
	if n := utf8.RuneCountInString(s); n > 2*maxTextRunes {
		t.Errorf("%s: text of %d runes", name, n)
	}
	escaped, lineStart := false, true
	for _, r := range s {
		switch {
		case escaped:
			escaped = false
		case r == '\\':
			escaped = true
		case strings.ContainsRune(mdInline, r):
			t.Errorf("%s: unescaped %q in %q", name, r, s)
			return
		case lineStart && r != ' ' && strings.ContainsRune(mdLineStart, r):
			t.Errorf("%s: unescaped %q at a line start in %q", name, r, s)
			return
		case r < 0x20 && r != '\n', r == 0x7f:
			t.Errorf("%s: control character %q in %q", name, r, s)
			return
		}
		if r == '\n' {
			lineStart = true
		} else if r != ' ' {
			lineStart = false
		}
	}
}
