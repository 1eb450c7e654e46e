package conversation_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/bot/messages"
	c "github.com/resolvebot/resolvebot/conversation"
)

// TestErrorWordedByTheCatalogue: what a person is told of an error is its
// key's text in the catalogue given, with a partnership's override where
// there is one, then its further sentences; an internal error, or an error
// of another type, gets the generic sentence; and Error(), which goes to
// logs, shows the code and keys but none of the arguments, which may repeat
// what the person typed.
func TestErrorWordedByTheCatalogue(t *testing.T) {
	en := messages.English()
	over := en.With(map[string]string{"refusal.case_closed": "Closed cases take no more steps."})
	typed := "QZX-447193 Jayden"
	refused := c.Invalid("refusal.case_closed", nil)
	refused.More = []c.Text{c.Msg("refusal.nothing_to_do", nil)}
	fe := c.FieldErrors{}
	fe.Add("text", c.Msg("error.answer.not_an_option", messages.Args{"answer": typed}))
	fe.Add("text", c.Msg("error.add.note", nil)) // the first message of a field stays
	tests := []struct {
		name    string
		err     error
		cat     *messages.Catalogue
		says    string
		fields  map[string]string
		logged  string
		private string
	}{
		{"a refusal", c.Forbidden("refusal.raiser_withdraws", nil), en,
			"Only the side that raised the case can withdraw it.", nil, "forbidden: refusal.raiser_withdraws", ""},
		{"with arguments", c.NotFound("error.case_not_found", messages.Args{"case": "CR-2026-0007"}), en,
			"I can't find a case CR-2026-0007 that you're part of. Check the id, or ask the person who raised it.", nil,
			"not_found: error.case_not_found", ""},
		{"with more, overridden", refused, over,
			"Closed cases take no more steps. There is nothing for you to do on it just now.", nil, "invalid: refusal.case_closed", ""},
		{"fields", fe.Err(), en, "Some answers need another look.",
			map[string]string{"text": `QZX-447193 Jayden is not one of the options.`},
			"invalid: form.another_look (text: error.answer.not_an_option)", typed},
		{"what the person typed", c.Invalid("error.people.several_match", messages.Args{"typed": typed, "people": "A or B"}), en,
			"More than one person matches QZX-447193 Jayden: A or B. Type their full name or work email address.", nil,
			"invalid: error.people.several_match", typed},
		{"internal", c.Internal("load case", errors.New("disk full")), en,
			"Something went wrong on our side and nothing was changed. Please try again in a minute.", nil, "internal: load case: disk full", ""},
		{"another type", errors.New("boom"), en,
			"Something went wrong on our side and nothing was changed. Please try again in a minute.", nil, "boom", ""},
		{"nil", nil, en, "", nil, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.ErrorMessage(tt.cat, tt.err); got != tt.says {
				t.Errorf("says %q, want %q", got, tt.says)
			}
			got := c.FieldMessages(tt.cat, tt.err)
			if len(got) != len(tt.fields) {
				t.Errorf("fields %q, want %q", got, tt.fields)
			}
			for k, v := range tt.fields {
				if got[k] != v {
					t.Errorf("field %s says %q, want %q", k, got[k], v)
				}
			}
			if tt.err == nil {
				return
			}
			if got := tt.err.Error(); got != tt.logged {
				t.Errorf("Error() = %q, want %q", got, tt.logged)
			}
			if tt.private != "" && strings.Contains(tt.err.Error(), tt.private) {
				t.Errorf("Error() = %q carries what the person typed", tt.err.Error())
			}
		})
	}
}
