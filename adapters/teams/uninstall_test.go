package teams

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/adapters/email"
	"github.com/resolvebot/resolvebot/adapters/email/smtptest"
	"github.com/resolvebot/resolvebot/adapters/teams/teamstest"
	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
)

// TestUninstallFallsBackToEmail: once Ana removes the app (Teams sends
// installationUpdate remove, or remove-upgrade, or a conversationUpdate
// removing the bot), her next message goes by email and nothing more is
// sent to her old chat; Ben, on the other tenant, is still reached on
// Teams. When she installs it again, on a replica that knew her reference
// from before the uninstall another replica handled, her reference is
// stored again and she is reached on Teams.
func TestUninstallFallsBackToEmail(t *testing.T) {
	tests := []struct {
		name   string
		remove func(c *teamstest.Client, u teamstest.User) map[string]any
	}{
		{"installationUpdate remove", func(c *teamstest.Client, u teamstest.User) map[string]any { return c.InstallationUpdate(u, "remove") }},
		{"installationUpdate remove-upgrade", func(c *teamstest.Client, u teamstest.User) map[string]any {
			return c.InstallationUpdate(u, "remove-upgrade")
		}},
		{"conversationUpdate removing the bot", (*teamstest.Client).RemoveBot},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tt := newTwoTenants(t, false)
			relay := smtptest.New(t, smtptest.Options{User: "relay-user", Password: "relay-pass"})
			sender, err := email.New(tt.env.Store, tt.env.Router.Cards, email.Options{Host: relay.Host, Port: relay.Port, RootCAs: relay.RootCAs,
				User: "relay-user", Password: "relay-pass", From: "resolvebot@partnership.example.org", BaseURL: "https://resolve.example.org", Timeout: 5 * time.Second, Now: tt.env.Clock.Now})
			if err != nil {
				t.Fatal(err)
			}
			tt.env.Dispatcher.Register(sender)
			other := tt.replica(t)
			otherCouncil := &teamstest.Client{Handler: other, Keys: tt.keys, Connector: tt.councilConn, AppID: councilApp, Now: tt.env.Clock.Now}

			anaID := tt.env.Person(t, tt.ana.Email, tt.ana.Name, "school", "")
			benID := tt.env.Person(t, tt.ben.Email, tt.ben.Name, "csc", "")
			res, err := tt.env.Engine.Raise(context.Background(), anaID, bottest.Intake(benID, "school", "csc"))
			if err != nil {
				t.Fatal(err)
			}
			tt.post(t, tt.council, tt.council.Install(tt.ana))
			tt.post(t, tt.council, tt.council.InstallationUpdate(tt.ana, "add"))
			tt.post(t, tt.police, tt.police.Install(tt.ben))
			chat := func() int { return len(tt.councilConn.Sent(tt.ana.Conversation())) }
			emails := func() int {
				n := 0
				for _, m := range relay.Messages() {
					if len(m.To) == 1 && m.To[0] == tt.ana.Email {
						n++
					}
				}
				return n
			}
			note := func(text string) {
				t.Helper()
				if unreached := tt.env.Dispatcher.Deliver(context.Background(), []bot.Outbound{
					{To: tt.ana.Email, Message: bot.Message{Kind: "notice", CaseID: res.Case.ID, Text: text}},
					{To: tt.ben.Email, Message: bot.Message{Kind: "notice", CaseID: res.Case.ID, Text: text}},
				}); len(unreached) != 0 {
					t.Fatalf("unreached: %v", unreached)
				}
			}
			note("Before the uninstall.")
			if emails() != 0 || chat() < 2 {
				t.Fatalf("before the uninstall Ana had %d emails and %d messages in her chat, want none and the welcome and the note", emails(), chat())
			}

			// The uninstall reaches the other replica.
			if rec := otherCouncil.Post(t, tc.remove(otherCouncil, tt.ana)); rec.Code != http.StatusOK {
				t.Fatalf("remove: %d", rec.Code)
			}
			other.Wait()
			before, benBefore := chat(), len(tt.policeConn.Sent(tt.ben.Conversation()))
			note("After the uninstall.")
			if emails() != 1 || chat() != before {
				t.Errorf("after the uninstall Ana got %d emails and %d more messages in her old chat, want one email and none", emails(), chat()-before)
			}
			if n := len(tt.policeConn.Sent(tt.ben.Conversation())) - benBefore; n != 1 {
				t.Errorf("Ben, who kept the app, got %d messages on Teams, want 1", n)
			}

			// Installed again, on the replica that still remembers her.
			tt.post(t, tt.council, tt.council.InstallationUpdate(tt.ana, "add"))
			before = chat()
			note("After installing again.")
			if emails() != 1 || chat() != before+1 {
				t.Errorf("after installing again Ana got %d emails and %d messages on Teams, want the one email from before and one message", emails(), chat()-before)
			}
			if wrong := tt.wrongTokens(); len(wrong) != 0 {
				t.Errorf("calls with another registration's token: %v", wrong)
			}
			for _, m := range relay.Messages() {
				if strings.Contains(string(m.Data), "council-token") {
					t.Error("an email carries a token")
				}
			}
		})
	}
}
