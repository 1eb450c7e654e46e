package console_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/adapters/console"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/redisstore/redistest"
	"github.com/resolvebot/resolvebot/scheduler"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run with -update to accept):\n%s", path, firstDiff(string(want), string(got)))
	}
}

func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + a + "\n  got:  " + b
		}
	}
	return ""
}

// TestWalkthrough drives the whole bot through the console with the README's
// walk-through, on both stores, and checks what people saw and what was kept.
func TestWalkthrough(t *testing.T) {
	stores := map[string]func(t *testing.T) conversation.Store{
		"bolt": func(t *testing.T) conversation.Store { return nil },
		"redis": func(t *testing.T) conversation.Store {
			s, _ := redistest.Open(t)
			t.Cleanup(func() { s.Close() })
			return s
		},
	}
	for _, name := range []string{"bolt", "redis"} {
		t.Run(name, func(t *testing.T) {
			env := bottest.New(t, bottest.Options{Store: stores[name](t)})
			script, err := os.ReadFile(filepath.Join("testdata", "walkthrough.txt"))
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			c := console.New(env.Router, env.People, env.Dispatcher, bytes.NewReader(script), &out, false)
			c.SetClock(console.Clock{Advance: env.Clock.Advance,
				DuePass: scheduler.New(env.Engine, env.Router.Cards, env.People, env.Dispatcher, nil).DuePass})
			c.SaveTo(t.TempDir())
			if err := c.Run(context.Background()); err != nil {
				t.Fatalf("run: %v", err)
			}
			// The report's files change size with the report's own work.
			golden(t, "walkthrough.golden", regexp.MustCompile(`\(\d+ bytes\)`).ReplaceAll(out.Bytes(), []byte("(… bytes)")))
			transcript := out.String()
			for _, want := range []string{
				"Case CR-2026-0001 is open at Professional to Professional. We've asked Priya Shah to acknowledge it by Tue 24 Nov, 17:00",
				"--> to Priya Shah <priya.shah@csc.example.org>",
				"I can't find a case CR-2026-0001 that you're part of. Check the id, or ask the person who raised it.",
				"I can't find a case CR-2026-9999 that you're part of. Check the id, or ask the person who raised it.",
				"Only the people answering at the current stage (Manager to Manager) can do this.",
				"CR-2026-0001 is resolved.",
				"In an emergency call 999.",
				// A check-your-answers edit before sending.
				"> change 12\n? What would resolve this for the child?",
				"  12) What would resolve this for the child?: A strategy discussion this week, or early help at least.",
				// A forgiving command.
				"Sam Patel> esclate CR-2026-0001\nDid you mean \"escalate CR-2026-0001\"? Nothing has changed yet",
				// An action followed up to done.
				"A reminder: the action you agreed on CR-2026-0001, “Share the attendance records”, is due on Thu 26 Nov (2 working days from now).",
				"The action you agreed on CR-2026-0001, “Share the attendance records”, is due today.",
				"Thank you. Action 1 on CR-2026-0001 is marked done and the people on the case have been told.",
				// An overdue action shown to the raiser, the owner's manager and in the report.
				"--> to Sam Patel <sam.patel@school.example.org>\n== CR-2026-0001 · agreed action ==\nAn action agreed to resolve CR-2026-0001 is overdue: “Joint visit”, owned by Priya Shah",
				"--> to Social Care Manager (example) <csc.manager@example.org>\n== CR-2026-0001 · agreed action ==\nAn action Priya Shah agreed to resolve CR-2026-0001 is overdue",
				"• Agreed actions: 2 agreed, 1 done on time, 0 done late, 1 overdue",
				"Action 2 on CR-2026-0001 is marked done (after its due date)",
			} {
				if !strings.Contains(transcript, want) {
					t.Errorf("transcript lacks %q", want)
				}
			}
			// The outsider's refusal shows nothing of the case.
			refusal := transcript[strings.Index(transcript, "Olu Ade> status"):]
			refusal = refusal[:strings.Index(refusal, "Olu Ade> ack")]
			if strings.Contains(refusal, "SCH-2291") || strings.Contains(refusal, "hungry") {
				t.Errorf("outsider saw case detail:\n%s", refusal)
			}

			ctx := context.Background()
			cs, err := env.Store.GetCase(ctx, "CR-2026-0001")
			if err != nil {
				t.Fatal(err)
			}
			var kinds []conversation.EventKind
			for _, e := range cs.Events {
				kinds = append(kinds, e.Kind)
			}
			// The timeline holds the practice only.
			want := []conversation.EventKind{conversation.EventRaised, conversation.EventAcknowledged,
				conversation.EventEscalated, conversation.EventAcknowledged, conversation.EventResolutionProposed,
				conversation.EventResolutionConfirmed, conversation.EventNudged, conversation.EventNudged, conversation.EventNudged,
				conversation.EventActionDone, conversation.EventNudged, conversation.EventNudged, conversation.EventActionDone,
				conversation.EventLearning, conversation.EventLearning}
			if !slices.Equal(kinds, want) {
				t.Errorf("timeline = %v, want %v", kinds, want)
			}
			// The outsider's attempts and the final status view are in the
			// access log.
			log, err := env.Store.AuditLog(ctx, "CR-2026-0001")
			if err != nil {
				t.Fatal(err)
			}
			var access []string
			for _, r := range log {
				access = append(access, fmt.Sprintf("%s %s %s ×%d", r.Kind, r.Actor, r.Fields["attempt"], r.Times()))
			}
			wantAccess := []string{"access_refused olu.ade@health.example.org view ×1", "viewed school.manager@example.org  ×1"}
			if !slices.Equal(access, wantAccess) {
				t.Errorf("access log = %q, want %q", access, wantAccess)
			}
			if cs.Status != conversation.StatusResolved || cs.Resolution == nil || len(cs.Resolution.Actions) != 2 {
				t.Fatalf("case status %s, resolution %+v", cs.Status, cs.Resolution)
			}
			now := env.Clock.Now()
			if a, b := cs.Resolution.Actions[0].State(env.Calendar, now), cs.Resolution.Actions[1].State(env.Calendar, now); a != conversation.ActionDoneOnTime || b != conversation.ActionDoneLate {
				t.Errorf("actions are %s and %s, want done on time and done late", a, b)
			}
			if all, _ := env.Store.ListCases(ctx, conversation.CaseFilter{}); len(all) != 1 {
				t.Errorf("%d cases stored; the emergency must open none", len(all))
			}
			if got := c.Inbox("priya.shah@csc.example.org"); len(got) == 0 || got[0].Kind != "card" {
				t.Errorf("Priya's inbox = %+v, want the case card first", got)
			}
		})
	}
}
