package web

import (
	"testing"

	"github.com/resolvebot/resolvebot/conversation"
)

// TestViewFormChoices: a choice is shown chosen by its whole value, even
// one holding commas (an order of ways to reach someone), while ticked
// boxes are read from a comma-separated list.
func TestViewFormChoices(t *testing.T) {
	f := &conversation.Form{Fields: []conversation.Field{
		{Key: "reach", Type: conversation.FieldSelect, Options: []conversation.Option{{Value: "slack,email", Label: "Slack, then email"}, {Value: "email,slack", Label: "Email, then Slack"}}},
		{Key: "boxes", Type: conversation.FieldCheckboxes, Options: []conversation.Option{{Value: "a"}, {Value: "b"}, {Value: "c"}}},
		{Key: "yes", Type: conversation.FieldYesNo, Unsure: true},
	}}
	fv := viewForm(nil, f, map[string]string{"reach": "email,slack", "boxes": "a,c", "yes": conversation.NotSure}, nil)
	checked := func(i int) (out []string) {
		for _, o := range fv.Fields[i].Options {
			if o.Checked {
				out = append(out, o.Value)
			}
		}
		return out
	}
	for i, want := range [][]string{{"email,slack"}, {"a", "c"}, {conversation.NotSure}} {
		if got := checked(i); len(got) != len(want) || (len(got) > 0 && got[0] != want[0]) || (len(got) > 1 && got[1] != want[1]) {
			t.Errorf("%s: chosen %v, want %v", fv.Fields[i].Key, got, want)
		}
	}
}
