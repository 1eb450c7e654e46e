package teams

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/config"
)

// TestPartnershipRewordsTeams: a partnership's override of one of the
// Teams adapter's own texts (config protocol.messages, on top of its
// preset) is what Teams is sent, in place of the catalogue's: on a form
// card, in a failure notice, and in the app package's command list.
func TestPartnershipRewordsTeams(t *testing.T) {
	formCard := func(t *testing.T, h *harness) string {
		u := h.user("Sam Patel", "sam.patel@school.example.org")
		h.post(t, h.client.Install(u), http.StatusOK)
		h.post(t, h.client.Message(u, "raise"), http.StatusOK)
		b, _ := json.Marshal(h.lastSent(t, u).Card())
		return string(b)
	}
	tests := []struct {
		key, text string
		shown     func(t *testing.T, h *harness) string
		was       string
	}{
		{"teams.cancel", "Not now", formCard, `"title":"Cancel"`},
		{"teams.form.required", "This one needs an answer.", formCard, "Please answer this question."},
		{"teams.failure.unreachable", "Saved; Teams is down, so check list later.", func(t *testing.T, h *harness) string {
			return failureText(h.env.Router.Cards, errors.New("dial tcp: refused"))
		}, "could not be reached"},
		{"teams.command.help", "What this app does", func(t *testing.T, h *harness) string {
			b, err := Manifest(PackageOptions{AppID: testAppID, App: bot.AppInfoFrom(*h.env.Router.Cards.Protocol)})
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}, "What the bot can do"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			h := newHarnessOf(t, bottest.Options{Preset: "plymouth", Configure: func(c *config.Config) {
				c.Protocol.Messages = map[string]string{tt.key: tt.text}
			}})
			got := tt.shown(t, h)
			if !strings.Contains(got, tt.text) {
				t.Errorf("Teams was not sent the partnership's %q:\n%s", tt.text, got)
			}
			if strings.Contains(got, tt.was) {
				t.Errorf("Teams was still sent the catalogue's %s:\n%s", tt.was, got)
			}
		})
	}
}
