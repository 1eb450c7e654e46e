package scheduler_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/boltstore"
	"github.com/resolvebot/resolvebot/conversation/report"
	"github.com/resolvebot/resolvebot/conversation/sealed"
	"github.com/resolvebot/resolvebot/scheduler"
)

// canary is written into every free-text field of the cases; it reads as an
// agency reference so it can be the child reference too.
const canary = "ZQX-80417"

// inbox keeps every message sent, as text, for the canary check.
type inbox struct {
	mu   sync.Mutex
	msgs []string
}

func (b *inbox) Platform() string { return "canary" }

func (b *inbox) Send(_ context.Context, to *conversation.Person, _ conversation.Handle, m bot.Message) (conversation.MessageRef, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.msgs = append(b.msgs, fmt.Sprintf("to %s: %+v", to.ID, m))
	return conversation.MessageRef{Platform: "canary", Channel: to.ID, ID: fmt.Sprint(len(b.msgs)), SentAt: time.Now()}, nil
}

func (b *inbox) Update(_ context.Context, _ conversation.MessageRef, m bot.Message) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.msgs = append(b.msgs, fmt.Sprintf("update: %+v", m))
	return nil
}

// take returns the messages so far and empties the inbox.
func (b *inbox) take() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := b.msgs
	b.msgs = nil
	return out
}

// TestCanaryNeverLeaks puts a canary in every free-text field of three cases
// (raised, answered, noted, proposed, disputed, escalated, extended,
// resolved, withdrawn, closed) through the router, lets a fortnight of
// nudges and digests and a monthly summary run, and checks that the canary
// never appears in the logs, in any nudge, digest or summary, or in any
// partnership report format, and never in the clear in the store's file.
func TestCanaryNeverLeaks(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "canary.db")
	bs, err := boltstore.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := sealed.NewKeyring([]sealed.Key{{ID: "k1", Secret: bytes.Repeat([]byte{5}, sealed.KeySize)}})
	if err != nil {
		t.Fatal(err)
	}
	env := bottest.New(t, bottest.Options{Store: sealed.Wrap(bs, keys)})
	var logs bytes.Buffer
	var logMu sync.Mutex
	log := slog.New(slog.NewJSONHandler(&lockedWriter{w: &logs, mu: &logMu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	env.Router.Log = log
	box := &inbox{}
	disp := bot.NewDispatcher(env.Store, env.Router.Cards, log)
	disp.Fallback = box
	worker := bot.NewWorker(env.Router, disp, log)
	sched := scheduler.New(env.Engine, env.Router.Cards, env.People, disp, log)

	sam := env.Person(t, "sam.patel@school.example.org", "Sam Patel", "school", "school.manager@example.org")
	priya := env.Person(t, "priya.shah@csc.example.org", "Priya Shah", "csc", "csc.manager@example.org")
	pm := "partnership.manager@example.org"
	text := func(what string) string { return canary + " " + what }
	handle := func(in bot.Inbound) bot.Reply {
		t.Helper()
		r := env.Router.Handle(ctx, in)
		if len(r.Errors) > 0 || (len(r.Messages) > 0 && r.Messages[0].Kind == "error") {
			t.Fatalf("%s %s %s: %+v", in.Text, in.Verb, in.FormKey, r.Messages)
		}
		if _, err := worker.Drain(ctx); err != nil { // messages to people entitled to the case may quote them
			t.Fatal(err)
		}
		return r
	}
	act := func(actor, id string, v conversation.Verb, values map[string]string) {
		t.Helper()
		values[bot.FieldConfirmIdentifiers] = "yes"
		handle(bot.Inbound{Actor: actor, FormKey: bot.ActionFormPrefix + string(v), CaseID: id, Values: values})
	}
	raise := func() string {
		t.Helper()
		checked := handle(bot.Inbound{Actor: sam, FormKey: bot.FormIntake, Values: map[string]string{
			"immediate_risk": "no", "about": "other_agency", "child_ref": canary + "-2026", "raiser_agency": "school",
			"respondent": priya, "respondent_agency": "csc", "category": "threshold",
			"decision": text("decision"), "concern": text("concern"), "evidence_kind": "evidence",
			"evidence": text("evidence"), "outcome_sought": text("outcome"), "urgency": "standard",
			"reflection": "discussed_with_lead", "family_informed": "no", "cross_border": text("border"),
			"serious_concern": "yes",
		}})
		r := handle(bot.SendChecked(sam, bot.CheckOf(checked.Messages).Check))
		return r.Step.ID
	}

	one, two, three := raise(), raise(), raise()
	handle(bot.Inbound{Actor: priya, Verb: conversation.VerbAcknowledge, CaseID: one})
	act(priya, one, conversation.VerbRespond, map[string]string{"text": text("response")})
	act(sam, one, conversation.VerbNote, map[string]string{"text": text("note")})
	act(priya, one, conversation.VerbPropose, map[string]string{"way_forward": text("way"), "actions": text("action") + " | Priya Shah | 2026-12-01"})
	act(sam, one, conversation.VerbDispute, map[string]string{"reason": text("dispute")})
	act(sam, one, conversation.VerbExtend, map[string]string{"days": "2", "reason": text("extension")})
	act(sam, one, conversation.VerbEscalate, map[string]string{"reason": text("escalation")})
	act(sam, two, conversation.VerbWithdraw, map[string]string{"reason": text("withdrawal")})
	act(pm, three, conversation.VerbClose, map[string]string{"reason": text("closing")})
	handle(bot.Inbound{Actor: sam, Text: "status " + one})
	if _, err := env.Engine.RecordExport(ctx, sam, one, "md"); err != nil {
		t.Fatal(err)
	}
	// What went to people entitled to the cases may quote them: that is
	// how we know the canary is visible to this check at all.
	if quoted := strings.Join(box.take(), "\n"); !strings.Contains(quoted, canary) {
		t.Fatalf("no message to the parties quoted the canary: the check would be vacuous")
	}

	// A fortnight of due passes and morning digests, then the monthly summary.
	for day := 0; day < 14; day++ {
		for _, hour := range []int{8, 10, 13, 16} {
			now := time.Date(2026, 11, 24+day, hour, 0, 0, 0, bottest.London)
			env.Clock.Set(now)
			if hour == 8 {
				if _, err := sched.Digest(ctx); err != nil {
					t.Fatalf("digest: %v", err)
				}
			}
			if _, err := sched.DuePass(ctx); err != nil {
				t.Fatalf("due pass: %v", err)
			}
			if _, err := worker.Drain(ctx); err != nil { // nudges and digests go through the outbox
				t.Fatal(err)
			}
		}
	}
	env.Clock.Set(time.Date(2026, 12, 1, 9, 0, 0, 0, bottest.London))
	if _, err := sched.Summary(ctx); err != nil {
		t.Fatalf("summary: %v", err)
	}
	if _, err := worker.Drain(ctx); err != nil { // the summary goes through the outbox
		t.Fatal(err)
	}
	sent := box.take()
	if len(sent) == 0 {
		t.Fatal("the scheduler sent nothing: the check would be empty")
	}
	var nudged bool
	for _, m := range sent {
		if strings.HasPrefix(m, "update: ") {
			// A nudge brings the parties' own copies of the case card
			// up to date (its buttons carry the case's version); the
			// card is theirs and may quote the case.
			continue
		}
		if strings.Contains(m, canary) {
			t.Errorf("a scheduled message carries case text: %.300s", m)
		}
		nudged = nudged || strings.Contains(m, one)
	}
	if !nudged {
		t.Errorf("no nudge or digest named the open case")
	}

	// The partnership report, in every format.
	cs, err := env.Store.ListCases(ctx, conversation.CaseFilter{})
	if err != nil || len(cs) != 3 || cs[0].ChildRef != canary+"-2026" {
		t.Fatalf("cases %d, %v", len(cs), err)
	}
	var agencies []report.Agency
	for _, a := range env.People.Agencies() {
		agencies = append(agencies, report.Agency{Key: a.Value, Name: a.Label})
	}
	rep := report.Build(cs, env.Engine.Protocol(), env.Calendar, agencies, report.Month(time.Date(2026, 11, 15, 12, 0, 0, 0, bottest.London)))
	for _, format := range report.Formats {
		out, err := rep.Render(format)
		if err != nil {
			t.Fatalf("report %s: %v", format, err)
		}
		if bytes.Contains(out, []byte(canary)) {
			t.Errorf("the %s report carries case text", format)
		}
	}

	logMu.Lock()
	logged := logs.String()
	logMu.Unlock()
	if !strings.Contains(logged, one) {
		t.Errorf("nothing was logged about the cases: the check would be empty")
	}
	if strings.Contains(logged, canary) {
		t.Errorf("the logs carry case text:\n%s", logged)
	}

	if err := bs.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := readFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte(canary)) {
		t.Errorf("the store's file holds case text in the clear")
	}
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func readFile(path string) ([]byte, error) { return os.ReadFile(path) }
