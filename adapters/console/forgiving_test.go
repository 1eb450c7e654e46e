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

// TestForgiving drives the whole bot through the console with slips of
// commands, capitals, two-word steps, sentences and month names, and
// checks that what was carried out or offered is what a person meant and
// that an offered step changed nothing.
func TestForgiving(t *testing.T) {
	env := bottest.New(t, bottest.Options{})
	env.Person(t, "sam.patel@school.example.org", "Sam Patel", "school", "school.manager@example.org")
	env.Person(t, "priya.shah@csc.example.org", "Priya Shah", "csc", "csc.manager@example.org")
	script, err := os.ReadFile(filepath.Join("testdata", "forgiving.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	c := console.New(env.Router, env.People, env.Dispatcher, bytes.NewReader(script), &out, false)
	c.SaveTo(t.TempDir())
	if err := c.Run(context.Background()); err != nil {
		t.Fatalf("run: %v", err)
	}
	// The report's files change size with the report's own work; their
	// sizes are no part of this script.
	golden(t, "forgiving.golden", regexp.MustCompile(`\(\d+ bytes\)`).ReplaceAll(out.Bytes(), []byte("(… bytes)")))
	transcript := out.String()
	for _, want := range []string{
		"== Check your answers ==\nCheck your answers before you send them. Nothing is sent until you do, and your answers are kept as a draft until then.\n  1) Is a child at immediate risk of significant harm?: No\n  2) What is the disagreement about?: A decision or action by another professional or agency\n  3) Agency case reference: SCH-2291\n",
		"> change 3\n? Agency case reference\n",
		"  3) Agency case reference: SCH-2291/B\n",
		"> change 99\n  ! Give the number of the answer to change, from 1 to 17",
		`I took "lsit" to mean "list".`,
		`Did you mean "acknowledge CR-2026-0001"? Nothing has changed yet: type it like that, or press the button.`,
		"You acknowledged CR-2026-0001.",
		`Did you mean "raise"? Nothing has changed yet`,
		`Did you mean "escalate CR-2026-0001"?`,
		"Only the partnership can decide on a referral.",
		"Case resolution report, November 2026",
		`I took "reprot" to mean "report".`,
		"Sam Patel> raise\n== Raise a disagreement ==",
		"> not sure\n== Please act now — this is not the route for an emergency ==",
		"> help\n  (This answers the question above.",
		"> status CR-2026-0001\nStopped. Your answers so far are saved as a draft; type raise to carry on.\n== CR-2026-0001",
		"You have an unfinished draft: your answers so far are filled in.",
		"> cancel\nStopped. Your answers so far are saved as a draft",
	} {
		if !strings.Contains(transcript, want) {
			t.Errorf("transcript lacks %q", want)
		}
	}
	if all, _ := env.Store.ListCases(context.Background(), conversation.CaseFilter{}); len(all) != 1 {
		t.Errorf("%d cases stored; not sure of immediate risk must open none", len(all))
	}
	d, err := env.Store.GetDraft(context.Background(), "sam.patel@school.example.org", env.Clock.Now())
	if err != nil || d.Values[conversation.FieldAbout] != conversation.AboutOtherAgency || d.Values[conversation.FieldChildRef] != "" {
		t.Errorf("draft = %+v, %v; want the two answers given and no command kept as an answer", d, err)
	}
	cs, err := env.Store.GetCase(context.Background(), "CR-2026-0001")
	if err != nil {
		t.Fatal(err)
	}
	var kinds []conversation.EventKind
	for _, e := range cs.Events {
		kinds = append(kinds, e.Kind)
	}
	if cs.ChildRef != "SCH-2291/B" {
		t.Errorf("case reference %q, want the changed answer SCH-2291/B", cs.ChildRef)
	}
	// Only the acknowledgement typed in full was taken.
	if len(kinds) != 2 || kinds[1] != conversation.EventAcknowledged {
		t.Errorf("timeline = %v, want raised then one acknowledgement", kinds)
	}
}
