package console_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/adapters/console"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
)

// TestWiltshireChairs drives Wiltshire's two chairs through the console
// (testdata/chairs.txt): the Chair of the WSCB QA&P Sub Group records the
// deep-dive decision on a serious concern with "deep dive CR-…"; the
// partnership manager is refused it, and "observe", each saying who can;
// a conference chair logs a difference seen in a conference with
// "observe"; the report counts both.
func TestWiltshireChairs(t *testing.T) {
	env := bottest.New(t, bottest.Options{Preset: "wiltshire"})
	sam := env.Person(t, "sam.patel@school.example.org", "Sam Patel", "school", "school.manager@example.org")
	priya := env.Person(t, "priya.shah@csc.example.org", "Priya Shah", "csc", "csc.manager@example.org")
	in := bottest.Intake(priya, "school", "csc")
	in.SeriousConcern = true
	if _, err := env.Engine.Raise(context.Background(), sam, in); err != nil {
		t.Fatal(err)
	}
	env.Discard(t)
	script, err := os.ReadFile(filepath.Join("testdata", "chairs.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	c := console.New(env.Router, env.People, env.Dispatcher, bytes.NewReader(script), &out, false)
	c.SaveTo(t.TempDir())
	if err := c.Run(context.Background()); err != nil {
		t.Fatalf("run: %v", err)
	}
	golden(t, "chairs.golden", regexp.MustCompile(`\(\d+ bytes\)`).ReplaceAll(out.Bytes(), []byte("(… bytes)")))
	transcript := out.String()
	for _, want := range []string{
		"Your decision is on the record of CR-2026-0001: a broader deep dive is needed.",
		"Only the Chair of the WSCB QA&P Sub Group can record whether a deep dive is needed.",
		"Only a conference chair or reviewing officer of the Conference and Reviewing Service can log a difference seen in a conference or review.",
		"Difference logged",
		"Serious concerns: deep dive needed: 1 (0)",
		"Differences seen in conferences and reviews (Conference and Reviewing Service, for the QA&P Sub Group): Logged: 1.",
	} {
		if !strings.Contains(transcript, want) {
			t.Errorf("transcript lacks %q", want)
		}
	}
	if all, _ := env.Store.ListCases(context.Background(), conversation.CaseFilter{}); len(all) != 1 {
		t.Errorf("%d cases; logging a difference must open none", len(all))
	}
}
