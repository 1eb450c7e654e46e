package crossplatform_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/adapters/slack/slackfake"
	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// shownText returns every piece of text a card or view shows a person:
// Block Kit text objects, Adaptive Card text blocks, facts, labels,
// placeholders and titles, and the messages of a modal's field errors.
// Values that only travel back to the bot (button values, data) are left
// out.
func shownText(raw json.RawMessage) []string {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return nil
	}
	var out []string
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if key == "errors" {
					if s, ok := e.(string); ok {
						out = append(out, s)
					}
					continue
				}
				if k == "data" || k == "private_metadata" || k == "value" && x["type"] != "FactSet" && key != "facts" {
					continue
				}
				walk(k, e)
			}
		case []any:
			for _, e := range x {
				walk(key, e)
			}
		case string:
			switch key {
			case "text", "title", "label", "placeholder", "errorMessage", "value", "tooltip", "alt_text":
				out = append(out, x)
			}
		}
	}
	walk("", v)
	return out
}

// checkWording fails for any text shown to a person that names a form
// field by its key ("decision:", "confirm_identifiers:") or says
// "(optional)" twice.
func checkWording(t *testing.T, all []payload) {
	t.Helper()
	keys := []string{bot.FieldConfirmIdentifiers}
	for _, fd := range conversation.IntakeForm(&conversation.Protocol{}, nil).Fields {
		keys = append(keys, fd.Key)
	}
	keys = append(keys, "way_forward", "raiser_side", "respondent_side", "reason", "days")
	seen := 0
	defer func() {
		if seen < 1000 {
			t.Errorf("only %d texts found in %d payloads: the walk misses what cards show", seen, len(all))
		}
	}()
	for _, p := range all {
		for _, s := range shownText(p.JSON) {
			seen++
			low := strings.ToLower(s)
			for _, k := range keys {
				if strings.Contains(low, k+":") {
					t.Errorf("%s shows the field key %q: %q", p.Name, k, s)
				}
			}
			if strings.Count(low, "(optional)") > 1 {
				t.Errorf("%s says optional twice: %q", p.Name, s)
			}
		}
	}
}

// raise submits the intake modal with answers and presses Send on the
// check-your-answers modal it is answered with, returning the answer to
// that (or the first answer, when the intake was not accepted).
func (d *slackDriver) raise(u slackfake.User, viewID string, view map[string]any, answers map[string]string) map[string]any {
	r := d.submit(u, viewID, view, answers)
	if check, _ := r["view"].(map[string]any); r["response_action"] == "update" && strings.Contains(fmt.Sprint(check["private_metadata"]), bot.FormIntakeSend) {
		return d.submit(u, viewID, check, nil)
	}
	return r
}
