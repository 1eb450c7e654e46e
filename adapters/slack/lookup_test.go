package slack

import (
	"context"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
)

// TestLookupByEmailInEachWorkspace: someone the bot knows only by email is
// looked up in each installed workspace in turn (users.lookupByEmail with
// that workspace's token), reached in the one that has them with its
// token, and remembered there, so the next message needs no look-up; a
// workspace whose token is due is refreshed before it is asked; someone in
// no workspace is reached the next way (a permanent failure), unless Slack
// was too busy to answer in one of them, when the message is tried again
// later.
func TestLookupByEmailInEachWorkspace(t *testing.T) {
	env := bottest.New(t, bottest.Options{})
	r := newReplicas(t, env, DefaultInstallCacheTTL)
	r.fake.Rotate(12*time.Hour, env.Clock.Now)
	r.install(schoolsWS)
	r.install(healthWS)
	ctx := context.Background()
	send := func(email string) error {
		t.Helper()
		per, err := env.People.Identify(ctx, conversation.Handle{Platform: "test", User: email}, "", email)
		if err != nil {
			t.Fatal(err)
		}
		per, _ = env.Store.GetPerson(ctx, per.ID)
		h := conversation.Handle{Platform: Platform, User: per.ID}
		for _, old := range per.Handles {
			if old.Platform == Platform {
				h = old
			}
		}
		_, err = r.one.Send(ctx, per, h, bot.Message{Kind: "notice", Text: "A note."})
		return err
	}
	lookups := func() map[string]string { // token → the email asked
		out := map[string]string{}
		for _, c := range r.fake.Calls("users.lookupByEmail") {
			out[c.Token] = c.Form.Get("email")
		}
		return out
	}
	tokens := func() map[string]string { // workspace → its token now
		out := map[string]string{}
		for _, k := range []string{"T:" + schoolsWS.Team, "T:" + healthWS.Team} {
			inst, err := env.Store.SlackInstallation(ctx, k)
			if err != nil {
				t.Fatal(err)
			}
			out[k] = inst.BotToken
		}
		return out
	}

	before := tokens()
	env.Clock.Advance(12*time.Hour - 5*time.Minute) // every token due
	if err := send(nia.Email); err != nil {
		t.Fatalf("send to Nia: %v", err)
	}
	now := tokens()
	if got := lookups(); len(got) != 2 || now["T:"+schoolsWS.Team] == before["T:"+schoolsWS.Team] || now["T:"+healthWS.Team] == before["T:"+healthWS.Team] || got[now["T:"+schoolsWS.Team]] != nia.Email || got[now["T:"+healthWS.Team]] != nia.Email {
		t.Errorf("look-ups %v, want one in each workspace with its refreshed token %v", got, now)
	}
	posts := r.fake.Calls("chat.postMessage")
	if len(posts) != 1 || posts[0].Token != now["T:"+healthWS.Team] || posts[0].Channel != nia.DM() {
		t.Fatalf("posts %+v, want one to Nia with the health workspace's token", posts)
	}
	r.fake.Reset()
	if err := send(nia.Email); err != nil || len(r.fake.Calls("users.lookupByEmail")) != 0 {
		t.Errorf("the next send to Nia: %v after %d look-ups, want none", err, len(r.fake.Calls("users.lookupByEmail")))
	}

	const stranger = "ola.stone@charity.example.org"
	r.fake.Reset()
	if err := send(stranger); !isPermanent(err) || len(r.fake.Calls("users.lookupByEmail")) != 2 {
		t.Errorf("someone in no workspace: %v after %d look-ups, want a permanent failure after two", err, len(r.fake.Calls("users.lookupByEmail")))
	}
	r.fake.Limit("users.lookupByEmail", 4) // the first workspace's look-up and its three retries
	if err := send(stranger); err == nil || isPermanent(err) {
		t.Errorf("Slack too busy in one workspace: %v, want a failure tried again later", err)
	}
}
