package email

import "testing"

// TestThe: a partnership's name reads as a body in a sentence ("under the
// Case Resolution Protocol of the Devon Safeguarding Children Partnership"),
// without doubling an article the name already has.
func TestThe(t *testing.T) {
	for _, tt := range []struct{ name, want string }{
		{"Devon Safeguarding Children Partnership", "the Devon Safeguarding Children Partnership"},
		{"The Wiltshire Safeguarding Children Board", "The Wiltshire Safeguarding Children Board"},
		{"your safeguarding partnership", "your safeguarding partnership"},
		{"Theale Partnership", "the Theale Partnership"},
	} {
		if got := the(tt.name); got != tt.want {
			t.Errorf("the(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}
