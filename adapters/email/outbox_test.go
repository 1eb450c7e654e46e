package email_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/adapters/email"
	"github.com/resolvebot/resolvebot/adapters/email/smtptest"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/boltstore"
	"github.com/resolvebot/resolvebot/conversation/redisstore/redistest"
	"github.com/resolvebot/resolvebot/scheduler"
)

// boltOpener opens a bbolt file, and reopens it as a restart would.
func boltOpener(t testing.TB) (conversation.Store, func() conversation.Store) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	cur, err := boltstore.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cur.Close() })
	return cur, func() conversation.Store {
		t.Helper()
		if err := cur.Close(); err != nil {
			t.Fatalf("close: %v", err)
		}
		if cur, err = boltstore.Open(path); err != nil {
			t.Fatalf("reopen: %v", err)
		}
		return cur
	}
}

// redisOpener is redistest.Opener, closing its last store at the end.
func redisOpener(t testing.TB) (conversation.Store, func() conversation.Store) {
	t.Helper()
	s, reopen := redistest.Opener(t)
	cur := s
	t.Cleanup(func() { cur.Close() })
	return s, func() conversation.Store { cur = reopen(); return cur }
}

// process is one run of the bot on a store: what serve builds, with the
// email sender on the shared relay.
type process struct {
	env   *bottest.Env
	sched *scheduler.Scheduler
}

func start(t *testing.T, store conversation.Store, relay *smtptest.Server, now time.Time, owner string) *process {
	t.Helper()
	env := bottest.New(t, bottest.Options{Store: store, Start: now})
	sender, err := email.New(env.Store, env.Router.Cards, email.Options{Host: relay.Host, Port: relay.Port, RootCAs: relay.RootCAs,
		User: smtpUser, Password: smtpPass, From: "resolvebot@partnership.example.org", BaseURL: "https://resolve.example.org",
		Timeout: 5 * time.Second, Now: env.Clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	env.Dispatcher.Register(env.Inbox)
	env.Dispatcher.Register(sender)
	sched := scheduler.New(env.Engine, env.Router.Cards, env.People, env.Dispatcher, nil)
	sched.Owner = owner
	return &process{env: env, sched: sched}
}

// TestScheduledEmailsThroughTheOutbox: the morning digest and the monthly
// summary are effects in the outbox. Two replicas enqueue each once; the
// process is killed after enqueueing and before sending, and the one that
// starts next sends them; the relay answers 4xx the first time, and the
// worker tries again after its backoff; each person gets exactly one
// email. On the embedded store and on Redis.
func TestScheduledEmailsThroughTheOutbox(t *testing.T) {
	for _, tt := range []struct {
		name string
		open func(testing.TB) (conversation.Store, func() conversation.Store)
	}{{"bolt", boltOpener}, {"redis", redisOpener}} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			relay := smtptest.New(t, smtptest.Options{User: smtpUser, Password: smtpPass})
			store, reopen := tt.open(t)
			friday := time.Date(2026, 11, 27, 8, 0, 0, 0, bottest.London)
			p := start(t, store, relay, time.Date(2026, 11, 23, 10, 0, 0, 0, bottest.London), "replica-1")
			sam := p.env.Person(t, "sam.patel@school.example.org", "Sam Patel", "school", "")
			gp, err := p.env.People.Resolve(ctx, gpEmail)
			if err != nil {
				t.Fatal(err)
			}
			in := bottest.Intake(gp.ID, "school", "health-visiting")
			_, err = p.env.Engine.Raise(ctx, sam, in)
			if err != nil {
				t.Fatal(err)
			}
			p.env.Settle(t)
			emailsTo := func(addr, subject string) int {
				n := 0
				for _, m := range relay.Messages() {
					if len(m.To) == 1 && m.To[0] == addr && parse(t, m).subject == subject {
						n++
					}
				}
				return n
			}
			const digestSubject = "1 case is waiting for you, Fri 27 Nov"
			const summarySubject = "Case resolution summary, November 2026"

			for _, job := range []struct {
				name, to, subject string
				at                time.Time
				run               func(*scheduler.Scheduler, context.Context) (int, error)
			}{
				{"digest", gpEmail, digestSubject, friday, (*scheduler.Scheduler).Digest},
				{"summary", pmEmail, summarySubject, time.Date(2026, 12, 1, 9, 0, 0, 0, bottest.London), (*scheduler.Scheduler).Summary},
			} {
				// Two replicas on one store enqueue it once.
				p.env.Clock.Set(job.at)
				other := start(t, p.env.Store, relay, job.at, "replica-2")
				enqueued := 0
				for _, s := range []*scheduler.Scheduler{p.sched, other.sched} {
					n, err := job.run(s, ctx)
					if err != nil {
						t.Fatalf("%s: %v", job.name, err)
					}
					enqueued += n
				}
				if enqueued != 1 {
					t.Fatalf("%s: two replicas enqueued %d, want 1", job.name, enqueued)
				}
				// Killed before the worker sent it; the next start finds it
				// in the store, and its scheduler does not enqueue it again.
				p = start(t, reopen(), relay, job.at, "replica-3")
				if n, err := job.run(p.sched, ctx); err != nil || n != 0 {
					t.Fatalf("%s after the restart: enqueued %d, %v; want 0", job.name, n, err)
				}
				if st, err := p.env.Store.OutboxStats(ctx); err != nil || st.Depth != 1 {
					t.Fatalf("%s: outbox depth %d (%v) after the restart, want 1", job.name, st.Depth, err)
				}
				// The relay is busy the first time: 451, tried again after a
				// second, then accepted.
				relay.FailRcpt(job.to, 451, 1)
				tries := relay.Tries()
				p.env.Settle(t)
				if n := emailsTo(job.to, job.subject); n != 0 || relay.Tries() != tries+1 {
					t.Fatalf("%s: %d emails accepted, %d tries, after the relay's 451; want 0 and 1", job.name, n, relay.Tries()-tries)
				}
				p.env.Clock.Advance(time.Second)
				p.env.Settle(t)
				p.env.Clock.Advance(time.Minute)
				p.env.Settle(t)
				if n := emailsTo(job.to, job.subject); n != 1 {
					t.Errorf("%s: %d emails to %s, want exactly 1", job.name, n, job.to)
				}
				if st, err := p.env.Store.OutboxStats(ctx); err != nil || st.Depth != 0 {
					t.Errorf("%s: outbox depth %d (%v) after delivery, want 0", job.name, st.Depth, err)
				}
			}
			if n := len(relay.Messages()); n != 3 {
				t.Errorf("the relay accepted %d emails, want the raise's, the digest and the summary", n)
			}
		})
	}
}
