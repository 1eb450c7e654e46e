package slack

import (
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/config"
)

// TestPartnershipRewordsSlack: a partnership's override of one of the
// Slack adapter's own texts (config protocol.messages, on top of its
// preset) is what Slack is sent, in place of the catalogue's: in a modal,
// in the App Home, and in the app manifest.
func TestPartnershipRewordsSlack(t *testing.T) {
	tests := []struct {
		key, text string
		shown     func(h *harness) string // what Slack was sent, as JSON or YAML
		was       string
	}{
		{"slack.modal.cancel", "Not now, thanks", func(h *harness) string {
			h.command(sam, "", "trig-w")
			return jsonString(h.openedView("trig-w")["close"])
		}, `"Cancel"`},
		{"check.yes", "Yes, there is", func(h *harness) string {
			h.command(sam, "", "trig-w")
			return jsonString(h.openedView("trig-w")["blocks"])
		}, `"text":"Yes"`},
		{"slack.home.title", "My disagreements", func(h *harness) string {
			h.appHome(sam, "EvW", nil)
			pubs := h.fake.Calls("views.publish")
			if len(pubs) == 0 {
				h.t.Fatal("no App Home published")
			}
			return jsonString(pubs[len(pubs)-1].JSON)
		}, "Your cases"},
		{"slack.shortcut.raise_about", "Raise about this post", func(h *harness) string {
			out, err := Manifest(ManifestOptions{App: bot.AppInfoFrom(*h.env.Router.Cards.Protocol)})
			if err != nil {
				h.t.Fatal(err)
			}
			return out
		}, "Raise about this message"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			h := newHarnessOf(t, false, bottest.Options{Preset: "plymouth", Configure: func(c *config.Config) {
				c.Protocol.Messages = map[string]string{tt.key: tt.text}
			}})
			h.env.Person(t, sam.Email, sam.Name, "school", "")
			got := tt.shown(h)
			if !strings.Contains(got, tt.text) {
				t.Errorf("Slack was not sent the partnership's %q:\n%s", tt.text, got)
			}
			if strings.Contains(got, tt.was) {
				t.Errorf("Slack was still sent the catalogue's %s:\n%s", tt.was, got)
			}
		})
	}
}
