package scheduler_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/redisstore/redistest"
	"github.com/resolvebot/resolvebot/scheduler"
)

// recorder is a bot.Sender that keeps what each person was sent.
type recorder struct {
	mu   sync.Mutex
	sent []sent
	fail map[string]bool // person ids whose sends fail
	gone map[string]bool // person ids the platform refuses for good
}

type sent struct {
	to  string
	at  time.Time
	msg bot.Message
}

func (r *recorder) Platform() string { return "record" }

func (r *recorder) Send(_ context.Context, to *conversation.Person, _ conversation.Handle, m bot.Message) (conversation.MessageRef, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail[to.ID] {
		return conversation.MessageRef{}, fmt.Errorf("platform unavailable")
	}
	if r.gone[to.ID] {
		return conversation.MessageRef{}, bot.Permanent(fmt.Errorf("no such user"))
	}
	r.sent = append(r.sent, sent{to: to.ID, msg: m})
	return conversation.MessageRef{Platform: "record", Channel: to.ID, ID: fmt.Sprint(len(r.sent))}, nil
}

func (r *recorder) Update(context.Context, conversation.MessageRef, bot.Message) error { return nil }

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.sent)
}

// nudges returns the nudge messages sent to each person so far.
func (r *recorder) nudges() map[string][]bot.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string][]bot.Message{}
	for _, s := range r.sent {
		if s.msg.Kind == "nudge" {
			out[s.to] = append(out[s.to], s.msg)
		}
	}
	return out
}

type fixture struct {
	*bottest.Env
	rec        *recorder
	sched      *scheduler.Scheduler
	sam, priya string
}

func newFixture(t testing.TB, opts bottest.Options) *fixture {
	env := bottest.New(t, opts)
	rec := &recorder{fail: map[string]bool{}, gone: map[string]bool{}}
	env.Dispatcher.Fallback = rec
	s := scheduler.New(env.Engine, env.Router.Cards, env.People, env.Dispatcher, nil)
	return &fixture{Env: env, rec: rec, sched: s,
		sam:   env.Person(t, "sam.patel@school.example.org", "Sam Patel", "school", "school.manager@example.org"),
		priya: env.Person(t, "priya.shah@csc.example.org", "Priya Shah", "csc", "csc.manager@example.org"),
	}
}

// raise raises a case from Sam to Priya; what the raise itself sends is
// discarded, so the recorder sees only what the scheduler causes.
func (f *fixture) raise(t testing.TB) *conversation.Case {
	t.Helper()
	res, err := f.Engine.Raise(context.Background(), f.sam, bottest.Intake(f.priya, "school", "csc"))
	if err != nil {
		t.Fatalf("raise: %v", err)
	}
	f.Discard(t)
	return res.Case
}

// pass runs a due pass and then the outbox worker, as serve would, and
// returns how many nudges the pass recorded.
func (f *fixture) pass(t testing.TB) int {
	t.Helper()
	n, err := f.sched.DuePass(context.Background())
	if err != nil {
		t.Fatalf("due pass at %s: %v", f.Clock.Now(), err)
	}
	f.Settle(t)
	return n
}

// recordedNudges counts the nudges of kind on the case's timeline.
func (f *fixture) recordedNudges(t testing.TB, id string, kind conversation.NudgeKind) int {
	t.Helper()
	c, err := f.Store.GetCase(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range c.Events {
		if e.Kind == conversation.EventNudged && e.Fields["nudge"] == string(kind) {
			n++
		}
	}
	return n
}

// nudgeLog lists the nudges on a case's timeline as "when kind → people".
func nudgeLog(c *conversation.Case) []string {
	var out []string
	for _, e := range c.Events {
		switch e.Kind {
		case conversation.EventNudged:
			out = append(out, fmt.Sprintf("%s %s → %s", e.At.In(bottest.London).Format("Mon 02 Jan 15:04"), e.Fields["nudge"], e.Fields["to"]))
		case conversation.EventDeadlineMissed:
			out = append(out, fmt.Sprintf("%s deadline_missed", e.At.In(bottest.London).Format("Mon 02 Jan 15:04")))
		}
	}
	return out
}

// TestMonthOfWorkingDays leaves a case alone from 16 December to 8 January,
// across Christmas, Boxing Day and New Year's Day, with a due pass every 15
// minutes, and checks each nudge came at the right moment, to the right
// people, once.
func TestMonthOfWorkingDays(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, bottest.Options{Start: time.Date(2026, 12, 16, 10, 0, 0, 0, bottest.London)})
	cs := f.raise(t)
	end := time.Date(2027, 1, 8, 18, 0, 0, 0, bottest.London)
	for f.Clock.Now().Before(end) {
		f.Clock.Advance(15 * time.Minute)
		f.pass(t)
	}
	got, err := f.Store.GetCase(ctx, cs.ID)
	if err != nil {
		t.Fatal(err)
	}
	sam, priya := f.sam, f.priya
	want := []string{
		"Fri 18 Dec 09:00 ack_reminder → " + priya, // ack was due Thu 17 Dec 17:00
		"Mon 21 Dec 09:00 ack_unanswered → " + sam, // a working day later, after the weekend
		"Tue 22 Dec 09:00 before_deadline → " + sam + "," + priya,
		"Wed 23 Dec 17:00 deadline_missed", // exactly at the deadline
		"Thu 24 Dec 09:00 overdue → " + priya + "," + sam,
		"Tue 29 Dec 09:00 overdue_reminder → " + priya, // Christmas Day and Boxing Day (observed Mon 28) skipped
		"Wed 30 Dec 09:00 overdue_reminder → " + priya,
		"Thu 31 Dec 09:00 overdue_reminder → " + priya,
		"Mon 04 Jan 09:00 stuck → partnership.manager@example.org," + sam, // New Year's Day skipped
	}
	if log := nudgeLog(got); !slices.Equal(log, want) {
		t.Errorf("nudges:\n  %s\nwant:\n  %s", strings.Join(log, "\n  "), strings.Join(want, "\n  "))
	}
	if n := f.rec.count(); n != 11 {
		t.Errorf("%d messages sent, want 11 (one per recipient per nudge)", n)
	}
	if !got.DueAt.IsZero() {
		t.Errorf("case still due at %s after every nudge", got.DueAt)
	}
	// Nudges carry no child reference or free text.
	for _, s := range f.rec.sent {
		all := s.msg.Title + s.msg.Text
		for _, fd := range s.msg.Fields {
			all += fd.Value
		}
		for _, secret := range []string{cs.ChildRef, "hungry", "Attendance"} {
			if strings.Contains(all, secret) {
				t.Errorf("nudge to %s contains case text %q", s.to, secret)
			}
		}
	}
}

// TestActingStopsNudges: once the stage is acknowledged and resolved, the
// scheduler finds nothing more to say.
func TestActingStopsNudges(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, bottest.Options{Start: time.Date(2026, 12, 16, 10, 0, 0, 0, bottest.London)})
	cs := f.raise(t)
	if _, err := f.Engine.Acknowledge(ctx, conversation.Cmd{Actor: f.priya, CaseID: cs.ID}); err != nil {
		t.Fatal(err)
	}
	f.Clock.Set(time.Date(2026, 12, 22, 9, 0, 0, 0, bottest.London))
	if n, err := f.sched.DuePass(ctx); err != nil || n != 1 {
		t.Fatalf("pass before the deadline sent %d (%v), want the one reminder", n, err)
	}
	if _, err := f.Engine.ProposeResolution(ctx, conversation.Cmd{Actor: f.priya, CaseID: cs.ID}, "Early help this week.", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Engine.ConfirmResolution(ctx, conversation.Cmd{Actor: f.sam, CaseID: cs.ID}); err != nil {
		t.Fatal(err)
	}
	f.Clock.Set(time.Date(2027, 1, 15, 9, 0, 0, 0, bottest.London))
	if n, err := f.sched.DuePass(ctx); err != nil || n != 0 {
		t.Errorf("pass after resolution sent %d (%v), want none", n, err)
	}
	if items, _ := f.Store.DueBefore(ctx, f.Clock.Now(), 0); len(items) != 0 {
		t.Errorf("resolved case still in the due index: %v", items)
	}
}

// TestQuietHoursAndWeekends: a deadline on Friday evening is marked at once,
// but its messages wait for Monday morning; configured quiet hours move them
// to when the quiet ends.
func TestQuietHoursAndWeekends(t *testing.T) {
	ctx := context.Background()
	// A standard case raised Friday 13 Nov is due Fri 20 Nov 17:00.
	f := newFixture(t, bottest.Options{Start: time.Date(2026, 11, 13, 10, 0, 0, 0, bottest.London)})
	{
		r := f.Engine.Rules()
		r.Nudges = conversation.NudgePolicy{QuietStart: 16 * time.Hour, QuietEnd: 10*time.Hour + 30*time.Minute}
		f.Engine.Use(r)
	}
	cs := f.raise(t)
	if _, err := f.Engine.Acknowledge(ctx, conversation.Cmd{Actor: f.priya, CaseID: cs.ID}); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		at   time.Time
		want []string // nudge kinds recorded by then, in order
	}{
		{time.Date(2026, 11, 19, 10, 0, 0, 0, bottest.London), nil}, // quiet until 10:30
		{time.Date(2026, 11, 19, 10, 30, 0, 0, bottest.London), []string{"before_deadline"}},
		{time.Date(2026, 11, 20, 17, 0, 0, 0, bottest.London), []string{"before_deadline", "deadline_missed"}},
		{time.Date(2026, 11, 21, 12, 0, 0, 0, bottest.London), []string{"before_deadline", "deadline_missed"}}, // Saturday
		{time.Date(2026, 11, 22, 12, 0, 0, 0, bottest.London), []string{"before_deadline", "deadline_missed"}}, // Sunday
		{time.Date(2026, 11, 23, 10, 29, 0, 0, bottest.London), []string{"before_deadline", "deadline_missed"}},
		{time.Date(2026, 11, 23, 10, 30, 0, 0, bottest.London), []string{"before_deadline", "deadline_missed", "overdue"}},
	}
	for _, st := range steps {
		f.Clock.Set(st.at)
		if _, err := f.sched.DuePass(ctx); err != nil {
			t.Fatal(err)
		}
		got, _ := f.Store.GetCase(ctx, cs.ID)
		var kinds []string
		for _, e := range got.Events {
			switch e.Kind {
			case conversation.EventNudged:
				kinds = append(kinds, e.Fields["nudge"])
			case conversation.EventDeadlineMissed:
				kinds = append(kinds, "deadline_missed")
				if !e.At.Equal(time.Date(2026, 11, 20, 17, 0, 0, 0, bottest.London)) {
					t.Errorf("deadline marked at %s, want Fri 20 Nov 17:00", e.At)
				}
			}
		}
		if !slices.Equal(kinds, st.want) {
			t.Errorf("at %s: nudges %v, want %v", st.at.Format("Mon 02 Jan 15:04"), kinds, st.want)
		}
	}
}

// TestKilledBetweenRecordAndSend: a nudge recorded on the case is
// delivered by the outbox even when delivery dies after the record (a
// worker killed holding the nudge or its messages, or one whose sends
// fail, then a new worker): once, and never recorded twice, however many
// due passes run meanwhile.
func TestKilledBetweenRecordAndSend(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		kill func(t *testing.T, f *fixture)
	}{
		{"killed holding the nudge", func(t *testing.T, f *fixture) {
			if got, err := f.Store.ClaimEffects(ctx, "killed-worker", 30*time.Second, f.Clock.Now(), 100); err != nil || len(got) == 0 {
				t.Fatalf("claim: %d %v", len(got), err)
			}
		}},
		{"killed holding its messages", func(t *testing.T, f *fixture) {
			if _, err := f.Worker.Pass(ctx); err != nil { // expands the nudge into its messages
				t.Fatal(err)
			}
			got, err := f.Store.ClaimEffects(ctx, "killed-worker", 30*time.Second, f.Clock.Now(), 100)
			if err != nil || !slices.ContainsFunc(got, func(e conversation.Effect) bool { return e.Recipient == f.priya }) {
				t.Fatalf("claim: %+v %v", got, err)
			}
		}},
		{"sends failing, then a new worker", func(t *testing.T, f *fixture) {
			down := bot.NewDispatcher(f.Store, f.Router.Cards, nil)
			down.Fallback = &recorder{fail: map[string]bool{f.priya: true}}
			w := bot.NewWorker(f.Router, down, nil)
			if _, err := w.Drain(ctx); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, bottest.Options{Start: time.Date(2026, 12, 16, 10, 0, 0, 0, bottest.London)})
			cs := f.raise(t)
			f.Clock.Set(time.Date(2026, 12, 18, 9, 0, 0, 0, bottest.London)) // the ack reminder is due
			if n, err := f.sched.DuePass(ctx); err != nil || n != 1 {
				t.Fatalf("due pass recorded %d (%v), want the ack reminder", n, err)
			}
			tt.kill(t, f)
			for _, step := range []struct {
				after time.Duration
				want  int // reminders Priya has had so far
			}{{0, 0}, {time.Minute, 1}, {time.Minute, 1}, {time.Hour, 1}} {
				f.Clock.Advance(step.after)
				if n := f.pass(t); n != 0 {
					t.Errorf("after %s more: a due pass recorded %d nudges again", step.after, n)
				}
				if got := len(f.rec.nudges()[f.priya]); got != step.want {
					t.Errorf("after %s more: %d reminders delivered, want %d", step.after, got, step.want)
				}
			}
			if n := f.recordedNudges(t, cs.ID, conversation.NudgeAckReminder); n != 1 {
				t.Errorf("ack reminder recorded %d times, want once", n)
			}
			if left, _ := f.Store.PendingEffects(ctx); len(left) != 0 {
				t.Errorf("%d effects still pending", len(left))
			}
		})
	}
}

// TestFailedSendIsRetried: a send that fails is tried again by the outbox
// and the people already reached are not sent it twice.
func TestFailedSendIsRetried(t *testing.T) {
	f := newFixture(t, bottest.Options{Start: time.Date(2026, 12, 16, 10, 0, 0, 0, bottest.London)})
	cs := f.raise(t)
	f.Clock.Set(time.Date(2026, 12, 22, 9, 0, 0, 0, bottest.London)) // before_deadline goes to Sam and Priya
	{
		r := f.Engine.Rules()
		r.Nudges.ReminderDaysBefore = 1
		f.Engine.Use(r)
	}
	f.rec.fail[f.priya] = true
	f.pass(t)
	f.rec.fail[f.priya] = false
	f.Clock.Advance(time.Minute)
	f.pass(t)
	f.Clock.Advance(time.Minute)
	f.pass(t)
	per := map[string]int{}
	for to, ms := range f.rec.nudges() {
		for _, m := range ms {
			if strings.Contains(m.Text, "reaches its deadline") {
				per[to]++
			}
		}
	}
	if per[f.sam] != 1 || per[f.priya] != 1 {
		t.Errorf("reminder deliveries = %v, want one each", per)
	}
	if n := f.recordedNudges(t, cs.ID, conversation.NudgeBeforeDeadline); n != 1 {
		t.Errorf("reminder recorded %d times, want once", n)
	}
}

// TestHeldUpNudgeThatNoLongerApplies: a nudge whose delivery is held up
// (the platform down) is not sent once it stopped being true: the
// respondent acknowledged meanwhile, or a later daily reminder fell due.
func TestHeldUpNudgeThatNoLongerApplies(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name      string
		before    time.Time // a pass sends what fell due earlier
		at        time.Time // the held-up nudge falls due
		meanwhile func(t *testing.T, f *fixture, id string)
		want      []string // what Priya finally gets, in order
	}{
		{"acknowledged meanwhile", time.Date(2026, 12, 17, 12, 0, 0, 0, bottest.London), time.Date(2026, 12, 18, 9, 0, 0, 0, bottest.London),
			func(t *testing.T, f *fixture, id string) {
				f.Clock.Advance(time.Hour)
				if _, err := f.Engine.Acknowledge(ctx, conversation.Cmd{Actor: f.priya, CaseID: id}); err != nil {
					t.Fatal(err)
				}
				f.Discard(t) // what the acknowledgement itself says is not the point
			}, nil},
		{"a later daily reminder fell due", time.Date(2026, 12, 24, 12, 0, 0, 0, bottest.London), time.Date(2026, 12, 29, 9, 0, 0, 0, bottest.London),
			func(t *testing.T, f *fixture, id string) {
				f.Clock.Set(time.Date(2026, 12, 30, 9, 0, 0, 0, bottest.London))
				if n, err := f.sched.DuePass(ctx); err != nil || n != 1 {
					t.Fatalf("due pass on 30 Dec recorded %d (%v), want that day's reminder", n, err)
				}
			}, []string{"CR-2026-0001 is 3 working days past its deadline for Professional to Professional. Please pick it up today."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, bottest.Options{Start: time.Date(2026, 12, 16, 10, 0, 0, 0, bottest.London)})
			cs := f.raise(t)
			f.Clock.Set(tt.before)
			f.pass(t) // what fell due before
			f.rec.sent = nil
			f.Clock.Set(tt.at)
			f.rec.fail[f.priya] = true
			if n := f.pass(t); n != 1 {
				t.Fatalf("due pass recorded %d nudges, want 1", n)
			}
			tt.meanwhile(t, f, cs.ID)
			f.rec.fail[f.priya] = false
			f.Clock.Advance(time.Minute)
			f.Settle(t)
			var got []string
			for _, m := range f.rec.nudges()[f.priya] {
				got = append(got, m.Text)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Priya got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestUnreachedNudge: when a nudge cannot reach the person it chases, the
// raiser, who waits on them, is told who could not be reached.
func TestUnreachedNudge(t *testing.T) {
	f := newFixture(t, bottest.Options{Start: time.Date(2026, 12, 16, 10, 0, 0, 0, bottest.London)})
	f.raise(t)
	f.rec.gone[f.priya] = true
	f.Clock.Set(time.Date(2026, 12, 18, 9, 0, 0, 0, bottest.London)) // the ack reminder is due
	f.pass(t)
	var notices []string
	for _, s := range f.rec.sent {
		if s.msg.Title == "Some people could not be reached" {
			notices = append(notices, s.to+": "+s.msg.Text)
		}
	}
	if len(notices) != 1 || !strings.HasPrefix(notices[0], f.sam+": I couldn't reach Priya Shah") {
		t.Errorf("notices = %q, want one to Sam naming Priya Shah", notices)
	}
}

// TestDigest: a working-day digest to each person with cases awaiting
// them, none to anyone else, and none twice though two replicas enqueue
// it; it goes through the outbox, so a send that fails is retried with
// backoff, and a case that stopped waiting before the send is left out.
// On the embedded store and on Redis.
func TestDigest(t *testing.T) {
	for _, tt := range []struct {
		name  string
		store func(t *testing.T) conversation.Store
	}{
		{"bolt", func(*testing.T) conversation.Store { return nil }},
		{"redis", func(t *testing.T) conversation.Store {
			s, _ := redistest.Open(t)
			t.Cleanup(func() { s.Close() })
			return s
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, bottest.Options{Store: tt.store(t), Start: time.Date(2026, 12, 16, 8, 0, 0, 0, bottest.London)})
			f.raise(t)
			f.raise(t)
			third := f.raise(t)
			other := scheduler.New(f.Engine, f.Router.Cards, f.People, f.Dispatcher, nil)
			other.Owner = "replica-2"
			f.rec.fail[f.priya] = true // Priya's platform is down for now
			total := 0
			for _, s := range []*scheduler.Scheduler{f.sched, other, f.sched} {
				n, err := s.Digest(ctx)
				if err != nil {
					t.Fatal(err)
				}
				total += n
			}
			if total != 1 {
				t.Errorf("two replicas enqueued %d digests, want Priya's once", total)
			}
			f.Settle(t)
			if n := f.rec.count(); n != 0 {
				t.Fatalf("%d messages sent while Priya's platform was down", n)
			}
			if st, err := f.Store.OutboxStats(ctx); err != nil || st.Depth != 1 {
				t.Fatalf("outbox depth %d (%v) after a failed send, want the digest waiting", st.Depth, err)
			}
			// Sam withdraws one case; Priya's platform comes back; the
			// retry is due a second later.
			if _, err := f.Engine.Withdraw(ctx, conversation.Cmd{Actor: f.sam, CaseID: third.ID}, "Resolved by phone."); err != nil {
				t.Fatal(err)
			}
			f.Discard(t)
			delete(f.rec.fail, f.priya)
			f.Clock.Advance(time.Second)
			f.Settle(t)
			if len(f.rec.sent) != 1 || f.rec.sent[0].to != f.priya || f.rec.sent[0].msg.Kind != "digest" ||
				!strings.Contains(f.rec.sent[0].msg.Text, "2 cases are waiting") || slices.Contains(f.rec.sent[0].msg.Cases, third.ID) {
				t.Fatalf("digests = %+v, want one to Priya listing the two cases still waiting", f.rec.sent)
			}
			for _, s := range []*scheduler.Scheduler{f.sched, other} {
				if n, err := s.Digest(ctx); err != nil || n != 0 {
					t.Errorf("digest again the same day: %d enqueued, %v", n, err)
				}
			}
			f.Settle(t)
			if n := f.rec.count(); n != 1 {
				t.Errorf("%d messages after digests again the same day, want still 1", n)
			}
			f.Clock.Set(time.Date(2026, 12, 19, 8, 0, 0, 0, bottest.London)) // Saturday
			if n, _ := f.sched.Digest(ctx); n != 0 {
				t.Errorf("weekend digest enqueued %d", n)
			}
		})
	}
}

// TestDigestPastItsDay: a digest still in the outbox the next day (the
// platform down all day) is not sent; the new day's digest is.
func TestDigestPastItsDay(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, bottest.Options{Start: time.Date(2026, 12, 16, 8, 0, 0, 0, bottest.London)})
	f.raise(t)
	f.rec.fail[f.priya] = true
	if n, err := f.sched.Digest(ctx); err != nil || n != 1 {
		t.Fatalf("digest: %d, %v", n, err)
	}
	f.Settle(t)
	delete(f.rec.fail, f.priya)
	f.Clock.Set(time.Date(2026, 12, 17, 8, 0, 0, 0, bottest.London))
	f.Settle(t)
	if n := f.rec.count(); n != 0 {
		t.Fatalf("yesterday's digest was sent today: %+v", f.rec.sent)
	}
	if n, err := f.sched.Digest(ctx); err != nil || n != 1 {
		t.Fatalf("today's digest: %d, %v", n, err)
	}
	f.Settle(t)
	if n := f.rec.count(); n != 1 {
		t.Errorf("%d digests sent today, want 1", n)
	}
}

// TestSummary counts last month's cases for the partnership, with no child
// reference or free text.
func TestSummary(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, bottest.Options{Start: time.Date(2026, 11, 16, 10, 0, 0, 0, bottest.London)})
	cs := f.raise(t)
	f.raise(t)
	f.Clock.Set(time.Date(2026, 12, 1, 9, 0, 0, 0, bottest.London))
	if n, err := f.sched.Summary(ctx); err != nil || n != 1 {
		t.Fatalf("summary enqueued %d (%v), want the partnership manager's", n, err)
	}
	if n, _ := f.sched.Summary(ctx); n != 0 {
		t.Errorf("summary enqueued twice")
	}
	f.Settle(t)
	if len(f.rec.sent) != 1 {
		t.Fatalf("%d summaries sent, want 1", len(f.rec.sent))
	}
	m := f.rec.sent[0].msg
	text := m.Title + m.Text
	for _, fd := range m.Fields {
		text += fd.Label + ": " + fd.Value + "\n"
	}
	for _, want := range []string{"November 2026", "• Raised: 2 (0)", "Threshold, level of need or risk 2"} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, cs.ChildRef) || strings.Contains(text, "hungry") {
		t.Errorf("summary leaks case text:\n%s", text)
	}
}

// TestTwoReplicasOnRedis: two schedulers sharing one real Redis over 1,000
// due cases send each nudge exactly once.
func TestTwoReplicasOnRedis(t *testing.T) {
	if testing.Short() {
		t.Skip("long: 1,000 cases on Redis")
	}
	ctx := context.Background()
	store, _ := redistest.Open(t)
	t.Cleanup(func() { store.Close() })
	f := newFixture(t, bottest.Options{Store: store, Start: time.Date(2026, 12, 16, 10, 0, 0, 0, bottest.London)})
	const n = 1000
	for range n {
		f.raise(t)
	}
	f.Clock.Set(time.Date(2026, 12, 18, 9, 0, 0, 0, bottest.London)) // every case's ack reminder is due
	a := scheduler.New(f.Engine, f.Router.Cards, f.People, f.Dispatcher, nil)
	b := scheduler.New(f.Engine, f.Router.Cards, f.People, f.Dispatcher, nil)
	workers := []*bot.Worker{bot.NewWorker(f.Router, f.Dispatcher, nil), bot.NewWorker(f.Router, f.Dispatcher, nil)}
	for i, s := range []*scheduler.Scheduler{a, b} {
		s.Batch = 300
		workers[i].Batch = 64
	}
	for round := 0; round < 10; round++ {
		var wg sync.WaitGroup
		for i, s := range []*scheduler.Scheduler{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := s.DuePass(ctx); err != nil {
					t.Errorf("due pass: %v", err)
				}
				if _, err := workers[i].Drain(ctx); err != nil {
					t.Errorf("deliver: %v", err)
				}
			}()
		}
		wg.Wait()
	}
	per := map[string]int{}
	for _, ms := range f.rec.nudges() {
		for _, m := range ms {
			per[m.CaseID]++
		}
	}
	if len(per) != n {
		t.Errorf("%d cases nudged, want %d", len(per), n)
	}
	for id, c := range per {
		if c != 1 {
			t.Errorf("%s nudged %d times", id, c)
		}
	}
}

// TestNoOlderReminderAfterTheLatest: when one replica has just sent the
// latest daily reminder, another that reads the case then finds no older
// reminder to send (found by the two-replica fault test).
func TestNoOlderReminderAfterTheLatest(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, bottest.Options{Start: time.Date(2026, 12, 16, 10, 0, 0, 0, bottest.London)})
	cs := f.raise(t)
	// 31 Dec: the daily reminders of 29, 30 and 31 Dec are all past.
	f.Clock.Set(time.Date(2026, 12, 31, 10, 0, 0, 0, bottest.London))
	var latest conversation.Nudge
	for _, n := range f.Engine.Nudges().Due(cs, f.Engine.Protocol(), f.Calendar, f.Clock.Now()) {
		if n.Kind == conversation.NudgeOverdueReminder {
			if latest.Key != "" {
				t.Fatalf("two daily reminders due at once: %s and %s", latest.Key, n.Key)
			}
			latest = n
		}
	}
	if !strings.HasSuffix(latest.Key, "/2026-12-31") {
		t.Fatalf("latest reminder = %q, want the one of 31 Dec", latest.Key)
	}
	// Another replica sends it and records it.
	c, recorded, err := f.Engine.RecordNudge(ctx, cs.ID, latest, []string{f.priya})
	if err != nil || !recorded {
		t.Fatalf("record: %v %v", recorded, err)
	}
	for _, n := range f.Engine.Nudges().Due(c, f.Engine.Protocol(), f.Calendar, f.Clock.Now()) {
		if n.Kind == conversation.NudgeOverdueReminder {
			t.Errorf("after the latest reminder, %s is still due", n.Key)
		}
	}
}

// TestNudgeApplies: what the delivery worker asks before sending a recorded
// nudge. A daily reminder stops applying once a later one is due, but not
// when only the stuck notice is (both go out together, as Due has them).
func TestNudgeApplies(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, bottest.Options{Start: time.Date(2026, 12, 16, 10, 0, 0, 0, bottest.London)})
	cs := f.raise(t)
	key := func(c *conversation.Case, kind conversation.NudgeKind, day string) string {
		for _, n := range f.Engine.Nudges().Schedule(c, f.Engine.Protocol(), f.Calendar) {
			if n.Kind == kind && strings.HasSuffix(n.Key, day) {
				return n.Key
			}
		}
		t.Fatalf("no %s nudge on %s", kind, day)
		return ""
	}
	ackReminder := key(cs, conversation.NudgeAckReminder, "2026-12-18")
	res, err := f.Engine.Acknowledge(ctx, conversation.Cmd{Actor: f.priya, CaseID: cs.ID})
	if err != nil {
		t.Fatal(err)
	}
	acked := res.Case
	at := func(year int, month time.Month, day, hour int) time.Time {
		return time.Date(year, month, day, hour, 0, 0, 0, bottest.London)
	}
	tests := []struct {
		name string
		c    *conversation.Case
		key  string
		now  time.Time
		want bool
	}{
		{"ack reminder, not yet acknowledged", cs, ackReminder, at(2026, time.December, 18, 10), true},
		{"ack reminder, acknowledged since", acked, ackReminder, at(2026, time.December, 18, 10), false},
		{"daily reminder on its day", cs, key(cs, conversation.NudgeOverdueReminder, "2026-12-29"), at(2026, time.December, 29, 10), true},
		{"daily reminder once the next is due", cs, key(cs, conversation.NudgeOverdueReminder, "2026-12-29"), at(2026, time.December, 30, 9), false},
		{"last daily reminder when the stuck notice is due", cs, key(cs, conversation.NudgeOverdueReminder, "2026-12-31"), at(2027, time.January, 4, 9), true},
		{"stuck notice", cs, key(cs, conversation.NudgeStuck, "2027-01-04"), at(2027, time.January, 4, 9), true},
		{"a key the case never had", cs, cs.ID + "/9/overdue/2026-12-24", at(2026, time.December, 24, 10), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := f.Engine.Nudges().Applies(tt.c, f.Engine.Protocol(), f.Calendar, tt.key, tt.now); got != tt.want {
				t.Errorf("Applies(%s at %s) = %v, want %v", tt.key, tt.now, got, tt.want)
			}
		})
	}
}
