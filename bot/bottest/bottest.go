// Package bottest builds a whole resolvebot — store, engine, people directory,
// router and dispatcher — for tests, on a fake clock and the built-in
// configuration, in the manner of joetest.
package bottest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/botconfig"
	"github.com/resolvebot/resolvebot/config"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/boltstore"
)

// Clock is a settable clock for tests.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock stopped at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Env is a wired bot for one test.
type Env struct {
	Config     *config.Config
	Store      conversation.Store
	Engine     *conversation.Engine
	People     *bot.People
	Router     *bot.Router
	Dispatcher *bot.Dispatcher
	// Worker delivers the outbox through Dispatcher: call Deliver. A test
	// that makes Inbox the dispatcher's fallback sees every message.
	Worker   *bot.Worker
	Inbox    *Inbox
	Clock    *Clock
	Calendar *conversation.Calendar
}

// Inbox is a bot.Sender that keeps every message sent to each person.
type Inbox struct {
	mu   sync.Mutex
	got  map[string][]bot.Message
	seq  int
	Fail map[string]error // person id → the error sending to them returns
}

// Platform implements bot.Sender.
func (b *Inbox) Platform() string { return "test" }

// Send implements bot.Sender: it keeps m for to, or returns Fail[to.ID].
func (b *Inbox) Send(_ context.Context, to *conversation.Person, _ conversation.Handle, m bot.Message) (conversation.MessageRef, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.Fail[to.ID]; err != nil {
		return conversation.MessageRef{}, err
	}
	if b.got == nil {
		b.got = map[string][]bot.Message{}
	}
	b.got[to.ID] = append(b.got[to.ID], m)
	b.seq++
	return conversation.MessageRef{Platform: "test", Channel: to.ID, ID: fmt.Sprint(b.seq)}, nil
}

// Update implements bot.Sender and does nothing.
func (b *Inbox) Update(context.Context, conversation.MessageRef, bot.Message) error { return nil }

// Take returns the messages sent to each person since the last Take.
func (b *Inbox) Take() map[string][]bot.Message {
	b.mu.Lock()
	defer b.mu.Unlock()
	got := b.got
	b.got = nil
	return got
}

// Settle runs the outbox worker until nothing is deliverable, as the
// worker in serve would right after each step.
func (e *Env) Settle(tb testing.TB) {
	tb.Helper()
	if _, err := e.Worker.Drain(context.Background()); err != nil {
		tb.Fatalf("deliver the outbox: %v", err)
	}
}

// Discard empties the outbox without sending anything, for a test that
// set a case up through the engine and cares only about what follows.
func (e *Env) Discard(tb testing.TB) {
	tb.Helper()
	ctx := context.Background()
	for {
		effects, err := e.Store.ClaimEffects(ctx, "discard", time.Minute, e.Clock.Now(), 100)
		if err != nil {
			tb.Fatalf("discard the outbox: %v", err)
		}
		if len(effects) == 0 {
			return
		}
		for _, ef := range effects {
			if err := e.Store.CompleteEffect(ctx, ef.ID, "discard", nil, e.Clock.Now()); err != nil {
				tb.Fatalf("discard the outbox: %v", err)
			}
		}
	}
}

// Deliver runs the outbox worker until nothing is deliverable and returns
// the messages each person was sent since the last Deliver.
func (e *Env) Deliver(tb testing.TB) map[string][]bot.Message {
	tb.Helper()
	if _, err := e.Worker.Drain(context.Background()); err != nil {
		tb.Fatalf("deliver the outbox: %v", err)
	}
	return e.Inbox.Take()
}

// Options change how New builds the bot.
type Options struct {
	Preset string             // protocol preset; "" for the default
	Store  conversation.Store // a store to use; nil for a fresh bolt file
	Start  time.Time          // the clock's start; zero for Mon 23 Nov 2026 10:00 London
	// File, when set, is a deployment file (YAML) loaded instead of the
	// built-in defaults, such as one hosting several partnerships.
	File string
	// Configure, when set, changes the loaded configuration (for example
	// its directory) before the bot is built.
	Configure func(*config.Config)
}

// London is the Europe/London zone, which every test calendar uses.
var London = mustZone("Europe/London")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// New builds a bot from the built-in defaults (the demo directory) with the
// given options. It fails the test on any error and closes the store at the end.
func New(tb testing.TB, opts Options) *Env {
	tb.Helper()
	env := map[string]string{}
	path := ""
	if opts.File != "" {
		path = filepath.Join(tb.TempDir(), "resolvebot.yaml")
		if err := os.WriteFile(path, []byte(opts.File), 0o600); err != nil {
			tb.Fatal(err)
		}
	}
	cfg, problems, err := config.Load(config.Options{Path: path, Getenv: func(k string) string { return env[k] }})
	if err != nil {
		tb.Fatalf("load default config: %v\n%s", err, problems.String())
	}
	if opts.Preset != "" {
		p, err := config.Preset(opts.Preset)
		if err != nil {
			tb.Fatalf("preset %s: %v", opts.Preset, err)
		}
		if p.Routes.FrontDoor == "" {
			p.Routes.FrontDoor = "the local front door"
		}
		cfg.Protocol = p
		cfg.AddDemoRoles()
	}
	if opts.Configure != nil {
		opts.Configure(cfg)
	}
	store := opts.Store
	if store == nil {
		s, err := boltstore.Open(filepath.Join(tb.TempDir(), "test.db"))
		if err != nil {
			tb.Fatalf("open store: %v", err)
		}
		store = s
		tb.Cleanup(func() { s.Close() })
	}
	start := opts.Start
	if start.IsZero() {
		start = time.Date(2026, 11, 23, 10, 0, 0, 0, London)
	}
	clock := NewClock(start)
	cal := conversation.NewCalendar(London, cfg.Calendar.ClosureDays, cfg.Calendar.WorkdayStart, cfg.Calendar.WorkdayEnd)
	agencies, partnership := botconfig.Hosted(cfg)
	people := bot.NewPeople(store, agencies, partnership, clock.Now)
	people.SetNeighbours(botconfig.Neighbours(cfg))
	if err := people.Seed(context.Background()); err != nil {
		tb.Fatalf("seed people: %v", err)
	}
	protocol := cfg.Protocol
	engine := &conversation.Engine{Store: store, Directory: people, Now: clock.Now}
	engine.Use(conversation.Rules{Protocol: &protocol, Calendar: cal})
	botconfig.UseHosted(engine, engine.Rules(), cfg)
	router := bot.NewRouter(engine, people, nil, 0)
	disp := bot.NewDispatcher(store, router.Cards, nil)
	inbox := &Inbox{}
	return &Env{Config: cfg, Store: store, Engine: engine, People: people, Router: router,
		Dispatcher: disp, Worker: bot.NewWorker(router, disp, nil), Inbox: inbox, Clock: clock, Calendar: cal}
}

// Person makes sure a practitioner exists with a profile and returns their id.
func (e *Env) Person(tb testing.TB, email, name, agency, manager string) string {
	tb.Helper()
	ctx := context.Background()
	per, err := e.People.Identify(ctx, conversation.Handle{Platform: "test", User: email}, name, email)
	if err != nil {
		tb.Fatalf("identify %s: %v", email, err)
	}
	if _, err := e.People.SaveProfile(ctx, per.ID, name, agency, manager); err != nil {
		tb.Fatalf("profile %s: %v", email, err)
	}
	return per.ID
}

// Intake returns a complete, valid intake raising a case against respondent.
func Intake(respondent, raiserAgency, respondentAgency string) conversation.RaiseInput {
	return conversation.RaiseInput{
		About:            conversation.AboutOtherAgency,
		ChildRef:         "CSC-204913",
		RaiserAgency:     raiserAgency,
		RespondentID:     respondent,
		RespondentAgency: respondentAgency,
		Category:         "threshold",
		Decision:         "The referral was closed with no further action.",
		Concern:          "Attendance has fallen and the child arrives hungry most days.",
		EvidenceKind:     conversation.EvidenceDocumented,
		Evidence:         "Attendance records for the last six weeks and two welfare notes.",
		OutcomeSought:    "A strategy discussion, or an early help assessment at least.",
		Urgency:          conversation.UrgencyStandard,
		Reflection:       conversation.Reflection{DiscussedWithLead: true, ChildBestInterest: true, MotivationConsidered: true},
	}
}

// Raise submits an intake through the router as a person would: the
// answers, then Send on the check-your-answers step they lead to. It
// returns the last reply: the case's, or the refusal, field errors or
// route that came instead of the check.
func Raise(ctx context.Context, r *bot.Router, in bot.Inbound) bot.Reply {
	reply := r.Handle(ctx, in)
	if m := bot.CheckOf(reply.Messages); m != nil {
		return r.Handle(ctx, bot.SendChecked(in.Actor, m.Check))
	}
	return reply
}
