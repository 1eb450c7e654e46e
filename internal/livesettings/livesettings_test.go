package livesettings_test

import (
	"context"
	"sync"
	"testing"

	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/config"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/internal/livesettings"
)

// TestChangeWhileRaising: settings changed while cases are raised at the
// same time (run it with -race): every case gets the first stage's
// timescale of one version of the settings, whole, and the history holds
// every change in order.
func TestChangeWhileRaising(t *testing.T) {
	env := bottest.New(t, bottest.Options{})
	ctx := context.Background()
	cfg, seed, err := livesettings.Effective(ctx, env.Config, env.Store, conversation.DefaultPartnershipID, env.Clock.Now(), nil)
	if err != nil {
		t.Fatal(err)
	}
	live := livesettings.New(env.Config, cfg, seed.Version, env.Store.(conversation.SettingsStore), env.Engine, env.People,
		conversation.DefaultPartnershipID, env.Clock.Now, nil)
	sam := env.Person(t, "sam.patel@school.example.org", "Sam Patel", "school", "")
	gp := env.Person(t, "dr.jones@gp.example.nhs.uk", "Dr Jones", "health-visiting", "")
	base := cfg.Protocol.Stages[0].Days
	const changes = 5
	var wg sync.WaitGroup
	wg.Add(1)
	var cases []*conversation.Case
	go func() {
		defer wg.Done()
		for range 20 {
			res, err := env.Engine.Raise(ctx, sam, bottest.Intake(gp, "school", "health-visiting"))
			if err != nil {
				t.Error(err)
				return
			}
			cases = append(cases, res.Case)
		}
	}()
	for i := 1; i <= changes; i++ {
		if _, err := live.Change(ctx, "ada@example.org", "faster", int64(i), func(c *config.Config) {
			c.Protocol.Stages[0].Days = base + i
		}); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	for _, c := range cases {
		st := c.Current()
		ok := false
		for d := base; d <= base+changes; d++ {
			ok = ok || st.Deadline.Equal(env.Calendar.AddWorkingDays(st.StartedAt, d))
		}
		if !ok {
			t.Errorf("%s is due %v, which no version of the settings gives", c.ID, st.Deadline)
		}
	}
	hist, err := live.History(ctx, 0)
	if err != nil || len(hist) != changes+1 || hist[0].Version != changes+1 {
		t.Errorf("history: %d changes, newest %+v (%v); want %d", len(hist), hist[0].Version, err, changes+1)
	}
}
