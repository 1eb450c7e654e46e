package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// TestOverridesReachMovedWording: the buttons, form titles, submit labels,
// "are you sure" questions, profile questions, people suggestions and
// reminders that moved into the catalogue read as before, and a
// partnership's override of each key changes what people see.
func TestOverridesReachMovedWording(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.raise(t)
	k := f.Router.Cards
	button := func(viewer string, v conversation.Verb) bot.Button {
		for _, b := range k.Card(ctx, c, viewer, "").Buttons {
			if b.Verb == v {
				return b
			}
		}
		t.Fatalf("%s has no %s button on %s", viewer, v, c.ID)
		return bot.Button{}
	}
	newEmail := func() string {
		found, err := f.People.Search(ctx, "new.person@example.org", 5)
		if err != nil || len(found) != 1 {
			t.Fatalf("search for a new email: %v %+v", err, found)
		}
		return found[0].Label()
	}
	read := func() map[string]string {
		propose := bot.ActionForm(k.Protocol, conversation.VerbPropose)
		return map[string]string{
			"verb.label.acknowledge": button(f.priya, conversation.VerbAcknowledge).Label,
			"verb.confirm.withdraw":  button(f.sam, conversation.VerbWithdraw).Confirm,
			"verb.title.propose":     propose.Title,
			"form.submit.send":       bot.SubmitOf(propose),
			"form.submit.continue":   bot.SubmitOf(f.Router.IntakeForm(ctx, f.sam)),
			"form.profile.title":     f.Router.ProfileForm(ctx, f.sam).Title,
			"form.identifiers.label": k.IdentifierConfirmField().Label,
			"people.use_email":       newEmail(),
			"unreached.title":        k.UnreachedNotice(c.ID, "Jo Nobody").Title,
		}
	}
	before := map[string]string{
		"verb.label.acknowledge": "Acknowledge",
		"verb.confirm.withdraw":  "Withdraw this case? It will end here for everyone.",
		"verb.title.propose":     "Propose a resolution",
		"form.submit.send":       "Send",
		"form.submit.continue":   "Continue",
		"form.profile.title":     "Your profile",
		"form.identifiers.label": "Identifying details",
		"people.use_email":       "Use new.person@example.org",
		"unreached.title":        "Some people could not be reached",
	}
	for key, got := range read() {
		if got != before[key] {
			t.Errorf("%s without an override: got %q, want %q", key, got, before[key])
		}
	}

	msgs := k.Protocol.Messages
	t.Cleanup(func() { k.Protocol.Messages = msgs })
	over := map[string]string{
		"verb.label.acknowledge": "Got it",
		"verb.confirm.withdraw":  "Really withdraw?",
		"verb.title.propose":     "Suggest a way forward",
		"form.submit.send":       "Submit",
		"form.submit.continue":   "Next",
		"form.profile.title":     "About you",
		"form.identifiers.label": "Personal details",
		"people.use_email":       "Add {email}",
		"unreached.title":        "Not everyone was reached",
	}
	k.Protocol.Messages = over
	want := map[string]string{"people.use_email": "Add new.person@example.org"}
	for key, got := range read() {
		w, ok := want[key]
		if !ok {
			w = over[key]
		}
		if got != w {
			t.Errorf("%s with an override: got %q, want %q", key, got, w)
		}
	}
	if got := bot.UnreachedNotice(c.ID, "Jo Nobody").Title; strings.Contains(got, "Not everyone") {
		t.Errorf("bot.UnreachedNotice, the catalogue's own words, took the override: %q", got)
	}
}
