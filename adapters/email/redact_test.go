package email_test

import (
	"bytes"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/adapters/email/smtptest"
	"github.com/resolvebot/resolvebot/bot/bottest"
)

// TestRefusalLogKeepsNoAddress: when the relay refuses an address, the
// log line about it keeps the SMTP code and the case but not the
// person's email address.
func TestRefusalLogKeepsNoAddress(t *testing.T) {
	for _, code := range []int{550, 451} {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			w := newWorld(t, smtptest.Options{}, nil)
			var logs bytes.Buffer
			w.env.Dispatcher.Log = slog.New(slog.NewTextHandler(&logs, nil))
			w.smtp.FailRcpt(gpEmail, code, 1)
			c := w.raise(bottest.Intake("", "school", "health-visiting"))
			w.env.Clock.Advance(time.Second)
			w.env.Settle(t)
			var line string
			for _, l := range strings.Split(logs.String(), "\n") {
				if strings.Contains(l, "send failed") && strings.Contains(l, "platform=email") {
					line = l
				}
			}
			if line == "" {
				t.Fatalf("no send failure logged:\n%s", logs.String())
			}
			if strings.Contains(strings.ToLower(line), strings.ToLower(gpEmail)) {
				t.Errorf("the log carries the refused address:\n%s", line)
			}
			if !strings.Contains(line, strconv.Itoa(code)) || !strings.Contains(line, c.ID) {
				t.Errorf("the log lacks the SMTP code %d or the case %s:\n%s", code, c.ID, line)
			}
		})
	}
}
