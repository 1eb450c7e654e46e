package bot_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/boltstore"
)

// searchPeople is a directory as a partnership might configure it, with
// the demo's "(example)" decoration on some names, and people met in chat.
func searchPeople(t *testing.T) (*bot.People, conversation.Store) {
	t.Helper()
	ctx := context.Background()
	store, err := boltstore.Open(filepath.Join(t.TempDir(), "bot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	agencies := []bot.Agency{
		{Key: "csc", Name: "Children's Social Care (example)", Contacts: map[string][]bot.Contact{
			conversation.TierManager:       {{Name: "Priya Shah", Email: "Priya.Shah@csc.example.org"}},
			conversation.TierSeniorManager: {{Name: "Social Care Senior Manager (example)", Email: "csc.senior-manager@example.org"}},
		}, SafeguardingLeads: []bot.Contact{{Name: "Łukasz Wiśniewski", Email: "lukasz.w@csc.example.org"}}},
		{Key: "health", Name: "Health Visiting", Contacts: map[string][]bot.Contact{
			conversation.TierManager: {{Name: "Ravi Shah", Email: "ravi.shah@nhs.example.net"}},
			conversation.TierLeader:  {{Name: "Siobhán O'Neil", Email: "s.oneil@nhs.example.net"}},
		}},
	}
	partnership := []bot.Contact{{Name: "Partnership Manager (example)", Email: "partnership.manager@example.org", Role: "partnership manager"}}
	people := bot.NewPeople(store, agencies, partnership, nil)
	for _, p := range []*conversation.Person{
		{ID: "sam.patel@school.example.org", Name: "Sam Patel", Email: "sam.patel@school.example.org", Agency: "school"},
		{ID: "jo.bloggs@school.example.org", Name: "Jo Bloggs", Email: "jo.bloggs@school.example.org"},
		// A configured contact who has since used chat, under a fuller name.
		{ID: "ravi.shah@nhs.example.net", Name: "Ravi Kumar Shah", Email: "ravi.shah@nhs.example.net", Agency: "health"},
	} {
		if err := store.PutPerson(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	return people, store
}

func TestSearch(t *testing.T) {
	people, _ := searchPeople(t)
	tests := []struct {
		name  string
		query string
		want  []string // labels, best first
		exact bool     // the first is an exact match
	}{
		{"full name", "Priya Shah", []string{"Priya Shah (Children's Social Care)"}, true},
		{"any case and spacing", "  priya   SHAH ", []string{"Priya Shah (Children's Social Care)"}, true},
		{"first name start", "pri", []string{"Priya Shah (Children's Social Care)"}, false},
		{"surname alone finds both, in name order", "shah", []string{"Priya Shah (Children's Social Care)", "Ravi Kumar Shah (Health Visiting)"}, false},
		{"starts of words", "r shah", []string{"Ravi Kumar Shah (Health Visiting)"}, false},
		{"words in any order", "shah priya", []string{"Priya Shah (Children's Social Care)"}, false},
		{"without accents", "lukasz wisniewski", []string{"Łukasz Wiśniewski (Children's Social Care)"}, true},
		{"with accents typed", "Wiśniewski", []string{"Łukasz Wiśniewski (Children's Social Care)"}, false},
		{"apostrophe and fada", "siobhan o'neil", []string{"Siobhán O'Neil (Health Visiting)"}, true},
		{"without the (example) decoration", "social care senior manager", []string{"Social Care Senior Manager (example) (Children's Social Care)"}, true},
		{"with the decoration", "Partnership Manager (example)", []string{"Partnership Manager (example) (Partnership manager)"}, true},
		{"by role words", "partnership manager", []string{"Partnership Manager (example) (Partnership manager)"}, true},
		{"someone met in chat", "sam", []string{"Sam Patel (school)"}, false},
		{"email start", "jo.blo", []string{"Jo Bloggs"}, false},
		{"a typing slip", "Pryia Shah", []string{"Priya Shah (Children's Social Care)"}, false},
		{"a known email", "RAVI.SHAH@nhs.example.net", []string{"Ravi Kumar Shah (Health Visiting)"}, true},
		{"an unknown work email", "dr.grey@gp.example.org", []string{"Use dr.grey@gp.example.org"}, true},
		{"nobody", "zebedee", nil, false},
		{"a short slip is not guessed", "sah", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := people.Search(context.Background(), tt.query, 10)
			if err != nil {
				t.Fatal(err)
			}
			var labels []string
			for _, m := range got {
				labels = append(labels, m.Label())
			}
			if strings.Join(labels, "|") != strings.Join(tt.want, "|") {
				t.Errorf("Search(%q) = %q, want %q", tt.query, labels, tt.want)
			}
			if len(got) > 0 && got[0].Exact != tt.exact {
				t.Errorf("Search(%q): exact %v, want %v", tt.query, got[0].Exact, tt.exact)
			}
		})
	}
}

// An empty query lists the configured directory, and limit bounds every
// answer.
func TestSearchListsDirectory(t *testing.T) {
	people, _ := searchPeople(t)
	ctx := context.Background()
	got, err := people.Search(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range got {
		ids = append(ids, m.PersonID)
	}
	want := "priya.shah@csc.example.org|csc.senior-manager@example.org|lukasz.w@csc.example.org|ravi.shah@nhs.example.net|s.oneil@nhs.example.net|partnership.manager@example.org"
	if strings.Join(ids, "|") != want {
		t.Errorf("directory = %q, want %q", ids, want)
	}
	if got, _ := people.Search(ctx, "", 2); len(got) != 2 {
		t.Errorf("limit 2 gave %d", len(got))
	}
	if got, _ := people.Search(ctx, "shah", 1); len(got) != 1 || got[0].Name != "Priya Shah" {
		t.Errorf("limit 1 on shah: %+v", got)
	}
}

// Resolve settles a typed name: the whole name (however typed) is the
// person; a part or a slip gets "did you mean" with the people it could
// be; nobody gets a pointer to the email; an unknown work email creates
// the person with it, to be reached by email.
func TestResolveSuggests(t *testing.T) {
	people, store := searchPeople(t)
	ctx := context.Background()
	tests := []struct {
		typed   string
		wantID  string
		wantErr string
	}{
		{"priya shah", "priya.shah@csc.example.org", ""},
		{"Lukasz Wisniewski", "lukasz.w@csc.example.org", ""},
		{"Social Care Senior Manager", "csc.senior-manager@example.org", ""},
		{"Priya", "", "Did you mean Priya Shah (Children's Social Care)?"},
		{"Pryia Shah", "", "Did you mean Priya Shah (Children's Social Care)?"},
		{"Shah", "", `More than one person matches "Shah": Priya Shah (Children's Social Care) or Ravi Kumar Shah (Health Visiting).`},
		{"Zebedee", "", `We couldn't find anyone called "Zebedee". Try their work email address.`},
		{"Dr Grey <Dr.Grey@GP.example.org>", "dr.grey@gp.example.org", ""},
	}
	for _, tt := range tests {
		t.Run(tt.typed, func(t *testing.T) {
			per, err := people.Resolve(ctx, tt.typed)
			if tt.wantErr != "" {
				if conversation.ErrorCode(err) != conversation.EINVALID || !strings.HasPrefix(conversation.ErrorMessage(messages.English(), err), tt.wantErr) {
					t.Fatalf("Resolve(%q) = %v, %q; want %q", tt.typed, per, conversation.ErrorMessage(messages.English(), err), tt.wantErr)
				}
				return
			}
			if err != nil || per.ID != tt.wantID {
				t.Fatalf("Resolve(%q) = %+v, %v; want %s", tt.typed, per, err, tt.wantID)
			}
			if _, err := store.GetPerson(ctx, per.ID); err != nil {
				t.Errorf("%s is not stored: %v", per.ID, err)
			}
		})
	}
	gp, err := store.GetPerson(ctx, "dr.grey@gp.example.org")
	if err != nil || gp.Email != "dr.grey@gp.example.org" || gp.Name != "Dr Grey" || len(gp.Handles) != 0 {
		t.Errorf("the GP named by email: %+v %v", gp, err)
	}
}

// BenchmarkSearch: one keystroke's search in a partnership of 2,000 people
// (a Slack block_suggestion or a Teams application/search must be
// answered within Slack's 3 seconds).
func BenchmarkSearch(b *testing.B) {
	ctx := context.Background()
	store, err := boltstore.Open(filepath.Join(b.TempDir(), "bot.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	first := []string{"Priya", "Sam", "Jo", "Alex", "Łukasz", "Siobhán", "Ravi", "Olu", "Chris", "Dana"}
	last := []string{"Shah", "Patel", "Reed", "Worker", "Wiśniewski", "O'Neil", "Ade", "Smith", "Jones", "Brown"}
	for i := range 2000 {
		name := first[i%10] + " " + last[(i/10)%10]
		id := fmt.Sprintf("person%d@agency%d.example.org", i, i%20)
		if err := store.PutPerson(ctx, &conversation.Person{ID: id, Name: name, Email: id}); err != nil {
			b.Fatal(err)
		}
	}
	people := bot.NewPeople(store, nil, nil, nil)
	b.ResetTimer()
	for b.Loop() {
		if _, err := people.Search(ctx, "wisn", 20); err != nil {
			b.Fatal(err)
		}
	}
}
