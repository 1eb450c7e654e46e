package slack

import (
	"strings"
	"testing"
)

// TestHelpKeepsThePartnershipContact: the help a slash command answers
// with names the slash command and keeps what the router adds to it, as
// the console and Teams show: the partnership's contact.
func TestHelpKeepsThePartnershipContact(t *testing.T) {
	h := newHarness(t, false)
	withCase(t, h)
	h.env.Router.Cards.Protocol().Routes.PartnershipContact = "lscb@wiltshire.gov.uk"
	for _, text := range []string{"help", "what is this"} {
		t.Run(text, func(t *testing.T) {
			r := h.command(sam, text, "trig")
			if r.Status != 200 {
				t.Fatalf("status %d, body %s", r.Status, r.Raw)
			}
			for _, want := range []string{"To contact the partnership about this process: lscb@wiltshire.gov.uk", "/resolve list"} {
				if !strings.Contains(r.Raw, want) {
					t.Errorf("answer to %q lacks %q: %s", text, want, r.Raw)
				}
			}
		})
	}
}
