package console_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/adapters/console"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
)

// downStore is a store whose outbox can be made to fail, as Redis does
// after it loses its data.
type downStore struct {
	conversation.Store
	down bool
}

func (s *downStore) ClaimEffects(ctx context.Context, owner string, lease time.Duration, now time.Time, n int) ([]conversation.Effect, error) {
	if s.down {
		return nil, conversation.Internal("claim effects", errors.New("WRONGTYPE Operation against a key holding the wrong kind of value"))
	}
	return s.Store.ClaimEffects(ctx, owner, lease, now, n)
}

// lines is an input that gives one line per read, running a hook before
// each, so a test can change the world between the lines a person types.
type lines struct {
	lines []string
	hooks map[int]func()
	n     int
}

func (l *lines) Read(p []byte) (int, error) {
	if l.n >= len(l.lines) {
		return 0, io.EOF
	}
	if h := l.hooks[l.n]; h != nil {
		h()
	}
	line := l.lines[l.n] + "\n"
	l.n++
	return copy(p, line), nil
}

// TestDeliveryFailureShownOnce checks that a store that stays down is
// reported to the person once, not after every line, is logged for the
// operator every time, and is reported again when it fails after recovering.
func TestDeliveryFailureShownOnce(t *testing.T) {
	env := bottest.New(t, bottest.Options{})
	store := &downStore{Store: env.Store}
	var out, logs bytes.Buffer
	env.Router.Log = slog.New(slog.NewTextHandler(&logs, nil))
	in := &lines{
		lines: []string{"/as sam.patel@school.example.org", "help", "help", "help", "help", "help"},
		hooks: map[int]func(){
			1: func() { store.down = true },  // before the first help: down
			4: func() { store.down = false }, // fourth help: back
			5: func() { store.down = true },  // fifth: down again
		},
	}
	c := console.New(env.Router, env.People, env.Dispatcher, in, &out, false)
	c.Worker().Store = store
	if err := c.Run(context.Background()); err != nil {
		t.Fatalf("run: %v", err)
	}
	const said = "Could not deliver messages:"
	if got := strings.Count(out.String(), said); got != 2 {
		t.Errorf("the failure was shown %d times, want 2 (once per outage):\n%s", got, out.String())
	}
	if got := strings.Count(logs.String(), "outbox delivery failed"); got != 4 {
		t.Errorf("the failure was logged %d times, want 4 (every failed delivery):\n%s", got, logs.String())
	}
}
