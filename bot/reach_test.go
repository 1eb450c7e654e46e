package bot_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/boltstore"
)

// way is a sender for one platform that records each try, in order, in
// a log shared by every way, and fails as told.
type way struct {
	platform string
	log      *[]string
	mu       *sync.Mutex
	fail     error
}

func (w *way) Platform() string { return w.platform }

func (w *way) Send(_ context.Context, to *conversation.Person, h conversation.Handle, m bot.Message) (conversation.MessageRef, error) {
	w.mu.Lock()
	*w.log = append(*w.log, w.platform+":"+h.User)
	w.mu.Unlock()
	if w.fail != nil {
		return conversation.MessageRef{}, w.fail
	}
	return conversation.MessageRef{Platform: w.platform, Channel: h.User, ID: "1"}, nil
}

func (w *way) Update(context.Context, conversation.MessageRef, bot.Message) error { return nil }

var (
	gone    = bot.Permanent(errors.New("user_not_found"))
	refused = bot.Permanent(errors.New("550 no such mailbox"))
	down    = errors.New("connection refused")
)

// TestReachOrder: the dispatcher follows each person's reach list, first
// way first, and a way that fails falls through to the next; the list is
// the person's own choice, else their agency's default, else what was
// learned, else their handles in order and email last.
func TestReachOrder(t *testing.T) {
	const addr = "gp@surgery.example.org"
	slackH := conversation.Handle{Platform: "slack", Team: "T1", User: "U1"}
	teamsH := conversation.Handle{Platform: "teams", Team: "tenant", User: "aad-1"}
	both := []conversation.Handle{slackH, teamsH}
	tests := []struct {
		name     string
		per      conversation.Person
		agency   []string // the agency's default
		fail     map[string]error
		fallback bool // the Slack sender is also the fallback (finds people by email)
		noEmail  bool // no email sender registered
		tries    []string
		want     string // the platform that took it; "" for none
		perm     bool   // the failure is permanent (the raiser is told)
	}{
		{name: "learned: handles in order, then email", per: conversation.Person{Handles: []conversation.Handle{teamsH, slackH}},
			tries: []string{"teams:aad-1"}, want: "teams"},
		{name: "stored list wins over handle order", per: conversation.Person{Handles: both, Reach: []string{"teams", "slack", "email"}},
			tries: []string{"teams:aad-1"}, want: "teams"},
		{name: "first way gone: next way", per: conversation.Person{Handles: both, Reach: []string{"slack", "teams", "email"}},
			fail: map[string]error{"slack": gone}, tries: []string{"slack:U1", "teams:aad-1"}, want: "teams"},
		{name: "chat ways gone: email", per: conversation.Person{Handles: both, Reach: []string{"slack", "teams", "email"}},
			fail: map[string]error{"slack": gone, "teams": gone}, tries: []string{"slack:U1", "teams:aad-1", "email:" + addr}, want: "email"},
		{name: "email first", per: conversation.Person{Handles: both, Reach: []string{"email", "slack"}, ReachChosen: true},
			tries: []string{"email:" + addr}, want: "email"},
		{name: "refused address falls through to chat", per: conversation.Person{Handles: both, Reach: []string{"email", "slack"}, ReachChosen: true},
			fail: map[string]error{"email": refused}, tries: []string{"email:" + addr, "slack:U1"}, want: "slack"},
		{name: "nothing works: permanent", per: conversation.Person{Handles: both, Reach: []string{"teams", "email"}},
			fail: map[string]error{"teams": gone, "email": refused}, tries: []string{"teams:aad-1", "email:" + addr}, perm: true},
		{name: "one way down for now: not permanent", per: conversation.Person{Handles: both, Reach: []string{"teams", "email"}},
			fail: map[string]error{"teams": gone, "email": down}, tries: []string{"teams:aad-1", "email:" + addr}},
		{name: "a way not in the list is not tried", per: conversation.Person{Handles: both, Reach: []string{"teams"}, ReachChosen: true},
			fail: map[string]error{"teams": gone}, tries: []string{"teams:aad-1"}, perm: true},
		{name: "agency on email only", per: conversation.Person{Handles: both, Reach: []string{"slack", "teams", "email"}},
			agency: []string{"email"}, tries: []string{"email:" + addr}, want: "email"},
		{name: "own choice wins over the agency's", per: conversation.Person{Handles: both, Reach: []string{"teams", "email"}, ReachChosen: true},
			agency: []string{"email"}, tries: []string{"teams:aad-1"}, want: "teams"},
		{name: "known by email only", per: conversation.Person{Reach: []string{"email"}},
			fallback: true, tries: []string{"email:" + addr}, want: "email"},
		{name: "known by email only, no email sent: found on Slack by email", per: conversation.Person{Reach: []string{"email"}},
			fallback: true, noEmail: true, tries: []string{"slack:" + addr}, want: "slack"},
		{name: "slack first with no handle: found on Slack by email", per: conversation.Person{Reach: []string{"slack", "email"}},
			fallback: true, fail: map[string]error{"slack": gone}, tries: []string{"slack:" + addr, "email:" + addr}, want: "email"},
		{name: "teams in the list, not installed: skipped", per: conversation.Person{Reach: []string{"teams", "email"}},
			tries: []string{"email:" + addr}, want: "email"},
		{name: "nothing to try", per: conversation.Person{Reach: []string{"teams"}}, noEmail: true, perm: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			store, err := boltstore.Open(filepath.Join(t.TempDir(), "reach.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { store.Close() })
			people := bot.NewPeople(store, []bot.Agency{{Key: "gp", Name: "GP practices", Reach: tt.agency}}, nil, nil)
			per := tt.per
			per.ID, per.Name, per.Email, per.Agency = addr, "Dr Grey", addr, "gp"
			if err := store.PutPerson(ctx, &per); err != nil {
				t.Fatal(err)
			}
			var log []string
			var mu sync.Mutex
			senders := map[string]*way{}
			for _, p := range []string{"slack", "teams", "email"} {
				senders[p] = &way{platform: p, log: &log, mu: &mu, fail: tt.fail[p]}
			}
			d := bot.NewDispatcher(store, &bot.Cards{People: people}, nil, senders["slack"], senders["teams"])
			if !tt.noEmail {
				d.Register(senders["email"])
			}
			if tt.fallback {
				d.Fallback = senders["slack"]
			}
			platform, err := bot.DeliverTo(ctx, d, &per, bot.Message{Kind: "notice", CaseID: "CR-2026-0001"})
			if !slices.Equal(log, tt.tries) {
				t.Errorf("tries %v, want %v", log, tt.tries)
			}
			if platform != tt.want {
				t.Errorf("delivered on %q (err %v), want %q", platform, err, tt.want)
			}
			if tt.want == "" {
				var se *bot.SendError
				isPerm := errors.As(err, &se) && se.Permanent
				if err == nil || isPerm != tt.perm {
					t.Errorf("err %v (permanent %v), want permanent %v", err, isPerm, tt.perm)
				}
			}
		})
	}
}

// TestReachLearned: someone named by email is reached by email; using
// Slack puts Slack before email, installing Teams puts Teams after Slack
// and still before email; the order they choose in their profile stays as
// they chose it, whatever they use next.
func TestReachLearned(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	p := f.People
	per, err := p.Resolve(ctx, "Dr Ann Grey <ann.grey@surgery.example.org>")
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name  string
		do    func() (*conversation.Person, error)
		reach []string
	}{
		{"named by email", func() (*conversation.Person, error) { return f.Store.GetPerson(ctx, per.ID) }, []string{"email"}},
		{"uses Slack", func() (*conversation.Person, error) {
			return p.Identify(ctx, conversation.Handle{Platform: "slack", Team: "T1", User: "U7"}, "Ann Grey", per.Email)
		}, []string{"slack", "email"}},
		{"installs Teams", func() (*conversation.Person, error) {
			return p.Identify(ctx, conversation.Handle{Platform: "teams", Team: "tenant", User: "aad-7"}, "Ann Grey", per.Email)
		}, []string{"slack", "teams", "email"}},
		{"uses Slack again", func() (*conversation.Person, error) {
			return p.Identify(ctx, conversation.Handle{Platform: "slack", Team: "T1", User: "U7", Channel: "D7"}, "", "")
		}, []string{"slack", "teams", "email"}},
		{"chooses Teams, then email", func() (*conversation.Person, error) {
			return p.SaveProfileWith(ctx, per.ID, bot.Profile{Agency: "school", Reach: "teams,email"})
		}, []string{"teams", "email"}},
		{"uses Slack in another workspace", func() (*conversation.Person, error) {
			return p.Identify(ctx, conversation.Handle{Platform: "slack", Team: "T2", User: "U8"}, "", per.Email)
		}, []string{"teams", "email"}},
	}
	for _, s := range steps {
		got, err := s.do()
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		stored, err := f.Store.GetPerson(ctx, per.ID)
		if err != nil || got.ID != per.ID {
			t.Fatalf("%s: %v (got %s)", s.name, err, got.ID)
		}
		if r := p.Reach(stored); !slices.Equal(r, s.reach) {
			t.Errorf("%s: reach %v, want %v", s.name, r, s.reach)
		}
	}
	// A new person met on a chat platform is reached there first.
	fresh, err := p.Identify(ctx, conversation.Handle{Platform: "teams", Team: "tenant", User: "aad-9"}, "Bo", "bo@csc.example.org")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(fresh.Reach, []string{"teams", "email"}) {
		t.Errorf("someone met on Teams: reach %v", fresh.Reach)
	}
}

// TestReachInProfile: the profile form offers the orders of the ways a
// person has, with their current one chosen; saving it unchanged chooses
// nothing (their agency's default still applies to them); a way they
// don't have is refused on the field and nothing is saved.
func TestReachInProfile(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	onlyEmail, err := f.People.Resolve(ctx, "gp@surgery.example.org")
	if err != nil {
		t.Fatal(err)
	}
	if field := f.Router.ProfileForm(ctx, onlyEmail.ID).Field(bot.FieldReach); field != nil {
		t.Errorf("someone with one way is asked how to reach them: %+v", field)
	}
	per, err := f.People.Identify(ctx, conversation.Handle{Platform: "slack", Team: "T1", User: "U5"}, "Kim Lee", "kim.lee@school.example.org")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.People.SaveProfile(ctx, per.ID, "Kim Lee", "school", ""); err != nil {
		t.Fatal(err)
	}
	form := f.Router.ProfileForm(ctx, per.ID)
	field := form.Field(bot.FieldReach)
	if field == nil {
		t.Fatalf("no reach question in the profile form: %+v", form.Fields)
	}
	var labels []string
	for _, o := range field.Options {
		labels = append(labels, o.Value+"="+o.Label)
	}
	want := "slack,email=Slack, then email|email,slack=Email, then Slack|slack=Slack only|email=Email only"
	if got := strings.Join(labels, "|"); got != want || field.Default != "slack,email" {
		t.Errorf("options %s (default %q), want %s (default slack,email)", got, field.Default, want)
	}

	submit := func(reach string) bot.Reply {
		return f.Router.Handle(ctx, bot.Inbound{Actor: per.ID, FormKey: bot.FormProfile,
			Values: map[string]string{"name": "Kim Lee", "agency": "school", bot.FieldReach: reach}})
	}
	if r := submit("slack,email"); len(r.Errors) > 0 {
		t.Fatalf("unchanged profile refused: %+v", r.Messages)
	}
	if got, _ := f.Store.GetPerson(ctx, per.ID); got.ReachChosen {
		t.Errorf("saving the offered order marked it chosen: %+v", got)
	}
	r := submit("teams,email")
	if r.Errors[bot.FieldReach] == "" {
		t.Errorf("a way Kim doesn't have was not refused on the field: %+v", r.Messages)
	}
	r = submit("email")
	if len(r.Errors) > 0 || !strings.Contains(r.Messages[0].Text, "How I'll reach you: Email only.") {
		t.Fatalf("choosing email only: %+v", r.Messages)
	}
	got, _ := f.Store.GetPerson(ctx, per.ID)
	if !got.ReachChosen || !slices.Equal(f.People.Reach(got), []string{"email"}) {
		t.Errorf("after choosing email only: %+v", got)
	}

	// Sam is also reached on a platform the profile does not offer (the
	// tests' own): the offered order is his of those it does, and saving
	// it unchanged chooses nothing.
	if _, err := f.People.Identify(ctx, conversation.Handle{Platform: "slack", Team: "T1", User: "U1"}, "", "sam.patel@school.example.org"); err != nil {
		t.Fatal(err)
	}
	sam, _ := f.Store.GetPerson(ctx, f.sam)
	if field := f.Router.ProfileForm(ctx, f.sam).Field(bot.FieldReach); field == nil || field.Default != "slack,email" {
		t.Fatalf("Sam's reach question: %+v (reach %v)", field, sam.Reach)
	}
	r = f.Router.Handle(ctx, bot.Inbound{Actor: f.sam, FormKey: bot.FormProfile,
		Values: map[string]string{"name": "Sam Patel", "agency": "school", bot.FieldReach: "slack,email"}})
	if got, _ := f.Store.GetPerson(ctx, f.sam); len(r.Errors) > 0 || got.ReachChosen || !slices.Equal(got.Reach, sam.Reach) {
		t.Errorf("saving Sam's offered order changed his reach: %v → %v (chosen %v)", sam.Reach, got.Reach, got.ReachChosen)
	}
}
