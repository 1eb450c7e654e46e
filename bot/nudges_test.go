package bot_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestNudgeMessages renders every kind of nudge, to whom, at a first
// stage, with a resolution proposed (the raising side owes the answer), at
// the top stage and at a referral, against testdata/nudges.golden: one line
// per message, "case kind → recipient | kind | title | tone | text |
// buttons". The wording was moved here from the scheduler unchanged.
func TestNudgeMessages(t *testing.T) {
	ctx := context.Background()
	env := bottest.New(t, bottest.Options{Start: time.Date(2026, 12, 16, 10, 0, 0, 0, bottest.London)})
	sam := env.Person(t, "sam.patel@school.example.org", "Sam Patel", "school", "school.manager@example.org")
	priya := env.Person(t, "priya.shah@csc.example.org", "Priya Shah", "csc", "csc.manager@example.org")
	raise := func() *conversation.Case {
		res, err := env.Engine.Raise(ctx, sam, bottest.Intake(priya, "school", "csc"))
		if err != nil {
			t.Fatal(err)
		}
		return res.Case
	}
	first, second := raise(), raise()
	if _, err := env.Engine.Acknowledge(ctx, conversation.Cmd{Actor: priya, CaseID: second.ID}); err != nil {
		t.Fatal(err)
	}
	res, err := env.Engine.ProposeResolution(ctx, conversation.Cmd{Actor: priya, CaseID: second.ID}, "Early help.", nil)
	if err != nil {
		t.Fatal(err)
	}
	proposed := res.Case
	proto := env.Engine.Protocol()
	top := first.Clone()
	top.Current().Key = proto.Stages[len(proto.Stages)-1].Key
	referral := first.Clone()
	referral.Current().Key = conversation.ReferralStageKey

	env.Clock.Set(time.Date(2026, 12, 31, 10, 0, 0, 0, bottest.London))
	var b strings.Builder
	for _, sc := range []struct {
		name string
		c    *conversation.Case
	}{{"first", first}, {"proposed", proposed}, {"top", top}, {"referral", referral}} {
		for _, k := range []conversation.NudgeKind{conversation.NudgeAckReminder, conversation.NudgeAckUnanswered,
			conversation.NudgeBeforeDeadline, conversation.NudgeDeadlineMissed, conversation.NudgeOverdue,
			conversation.NudgeOverdueReminder, conversation.NudgeStuck} {
			for _, o := range env.Router.Cards.NudgeMessages(ctx, sc.c, k, env.Clock.Now()) {
				var buttons []string
				for _, bt := range o.Message.Buttons {
					buttons = append(buttons, fmt.Sprintf("%s:%s", bt.Label, bt.Verb))
				}
				fmt.Fprintf(&b, "%s %s → %s | %s | %s | %s | %s | %s\n", sc.name, k, o.To, o.Message.Kind,
					o.Message.Title, o.Message.Tone, o.Message.Text, strings.Join(buttons, ","))
				if strings.Contains(o.Message.Title+o.Message.Text, sc.c.ChildRef) {
					t.Errorf("%s %s to %s carries the child reference", sc.name, k, o.To)
				}
			}
		}
	}
	golden := filepath.Join("testdata", "nudges.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if got := b.String(); got != string(want) {
		t.Errorf("nudge messages differ from %s (rerun with -update and read the diff):\n%s", golden, got)
	}
}
