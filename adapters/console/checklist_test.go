package console_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/adapters/console"
	"github.com/resolvebot/resolvebot/bot/bottest"
)

// TestChecklistTypedAsPeopleWriteIt answers the "Before raising it, I
// have…" checklist as people write it: "all of them" and "1, 2 and 3" were
// refused as "not one of the options"; each now ticks what it says, and
// the check-your-answers list shows it.
func TestChecklistTypedAsPeopleWriteIt(t *testing.T) {
	const all = "14) Before raising it, I have…: talked it through with my safeguarding lead or manager; checked that only the child's best interest drives this; considered my own motivation"
	for _, tc := range []struct{ typed, want string }{
		{"all of them", all},
		{"All", all},
		{"1, 2 and 3", all},
		{"1 3", "14) Before raising it, I have…: talked it through with my safeguarding lead or manager; considered my own motivation"},
		{"1,2,3", all},
	} {
		env := bottest.New(t, bottest.Options{})
		env.Person(t, "sam.patel@school.example.org", "Sam Patel", "school", "school.manager@example.org")
		env.Person(t, "priya.shah@csc.example.org", "Priya Shah", "csc", "csc.manager@example.org")
		script := "/as sam.patel@school.example.org\nraise\nno\n1\nSCH-2291\n\npriya.shah@csc.example.org\n1\n1\nClosed.\nHungry.\n1\nRecords.\nA meeting.\n1\n" +
			tc.typed + "\nno\n\nno\n"
		var out bytes.Buffer
		c := console.New(env.Router, env.People, env.Dispatcher, strings.NewReader(script), &out, false)
		c.SaveTo(t.TempDir())
		if err := c.Run(context.Background()); err != nil {
			t.Fatalf("run: %v", err)
		}
		got := out.String()
		if strings.Contains(got, "is not one of the options") || !strings.Contains(got, tc.want) {
			t.Errorf("checklist answered %q: want %q in the check of answers, got:\n%s", tc.typed, tc.want, got[max(0, len(got)-2500):])
		}
	}
}
