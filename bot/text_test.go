package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// TestHiddenCharactersInNames: a name typed in the profile form or taken
// from a chat platform is saved without hidden characters; one typed with
// direction controls is refused on its field.
func TestHiddenCharactersInNames(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	per, err := f.People.Identify(ctx, conversation.Handle{Platform: "test", User: "U9"}, "Nell\u200b \u202eNew", "nell@school.example.org")
	if err != nil {
		t.Fatal(err)
	}
	if per.Name != "Nell New" {
		t.Errorf("platform name saved as %+q", per.Name)
	}
	r := f.Router.Handle(ctx, bot.Inbound{Actor: per.ID, FormKey: bot.FormProfile,
		Values: map[string]string{"name": "Nell \u202eweN", "agency": "school"}})
	if !strings.Contains(r.Errors["name"], "hidden characters") {
		t.Errorf("profile with an override: %+v", r.Messages)
	}
	r = f.Router.Handle(ctx, bot.Inbound{Actor: per.ID, FormKey: bot.FormProfile,
		Values: map[string]string{"name": "\ufeffNell\u00ad Newton", "agency": "school"}})
	if got, _ := f.Store.GetPerson(ctx, per.ID); len(r.Errors) != 0 || got.Name != "Nell Newton" {
		t.Errorf("profile saved name %+q (%+v)", got.Name, r.Messages)
	}
}
