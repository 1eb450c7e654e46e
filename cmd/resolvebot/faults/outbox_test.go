//go:build faults

package faults

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/adapters/slack/slackfake"
	"github.com/resolvebot/resolvebot/conversation"
)

// TestOutboxSurvivesKill raises cases through the Slack intake modal and
// checks that every message the raises cause reaches Slack exactly once,
// through two kill -9s and a SIGTERM:
//
//  1. Slack answers every chat.postMessage 429, so nothing a raise causes
//     can be sent; 40 raises are acknowledged and serve is killed with
//     SIGKILL.
//  2. Slack answers again; serve restarts and 40 more raises go in while
//     the worker is sending; serve is killed again after 20 of them.
//  3. serve restarts and delivers what is left; then 20 more raises go in
//     and serve gets SIGTERM right after the last acknowledgement: it must
//     deliver them before it exits.
//
// Each raise sends the respondent their card and the raiser theirs: each
// must arrive once per case (counted on the fake Slack API; only a send in
// flight at the mid-send kill may arrive twice), and the outbox must be
// empty at the end. Before the outbox, the work after the
// acknowledgement ran in memory and phase 1's messages were all lost.
func TestOutboxSurvivesKill(t *testing.T) {
	t.Run("bolt", func(t *testing.T) {
		dir := t.TempDir()
		data := dir + "/resolvebot.db"
		s := openBolt(t, data)
		seed(t, s, 0, time.Now())
		s.Close()
		outboxSurvivesKill(t, config{data: data, dir: dir}, func() conversation.Store { return openBolt(t, data) })
	})
	t.Run("redis", func(t *testing.T) {
		needRedis(t)
		rs := startRedis(t, "--appendonly", "yes", "--appendfsync", "always")
		s := openRedis(t, rs.url(), "outbox")
		seed(t, s, 0, time.Now())
		s.Close()
		outboxSurvivesKill(t, config{redis: rs.url(), prefix: "outbox"}, func() conversation.Store { return openRedis(t, rs.url(), "outbox") })
	})
}

// maxInFlight is how many sends the delivery worker has in flight at once
// by default (bot.Worker.Parallel).
const maxInFlight = 4

func outboxSurvivesKill(t *testing.T, cfg config, open func() conversation.Store) {
	fake := newFakeSlack(t)
	cfg.slackAPI = fake.URL()
	c := newSlackClient()
	n := 0
	raise := func(b *bot, count int) int {
		t.Helper()
		for range count {
			n++
			if r := c.intake(b.addr, n); !r.saved() {
				t.Fatalf("raise %d not saved: %d %v %.300s", n, r.status, r.err, r.body)
			}
		}
		return count
	}

	// 1. Nothing can reach Slack; the raises are stored, then kill -9.
	fake.Limit("chat.postMessage", 1<<30)
	b := startBot(t, cfg)
	total := raise(b, 40)
	time.Sleep(500 * time.Millisecond) // the worker has tried, and met 429s
	b.proc.kill()
	sentBefore := len(fake.Calls("chat.postMessage"))
	figure(t, "phase 1: %d raises acknowledged while Slack refused everything (%d calls answered 429); %d messages sent before SIGKILL",
		total, fake.Limited(), sentBefore)
	fake.Limit("chat.postMessage", 0)

	// 2. Kill -9 in the middle of live sending, right after the 20th
	// acknowledgement; restart and raise 20 more.
	b.start()
	total += raise(b, 20)
	b.proc.kill()
	midKill := len(fake.Calls("chat.postMessage"))
	b.start()
	total += raise(b, 20)

	// 3. What is left is delivered (what the killed worker held, once its
	// lease runs out), as the outbox depth metric shows; 20 more raises,
	// then SIGTERM at once.
	if !waitFor(90*time.Second, func() bool { return outboxDepth(t, b) == 0 }) {
		t.Errorf("after the restarts the outbox still holds %d effects; %d messages arrived", outboxDepth(t, b), len(fake.Calls("chat.postMessage")))
	}
	total += raise(b, 20)
	b.proc.stop()
	if b.panics() {
		t.Errorf("the process panicked:\n%.5000s", b.log.String())
	}
	if !strings.Contains(b.log.String(), `"msg":"outbox drained"`) {
		t.Errorf("serve did not drain the outbox on SIGTERM:\n%.3000s", b.log.String())
	}

	store := open()
	defer store.Close()
	ctx := context.Background()
	cases, err := store.ListCases(ctx, conversation.CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != total {
		t.Fatalf("%d cases stored, want %d", len(cases), total)
	}
	posts := fake.Calls("chat.postMessage")
	count := func(channel, id string) int {
		k := 0
		for _, p := range posts {
			if p.Channel == channel && strings.Contains(p.Blocks, id) {
				k++
			}
		}
		return k
	}
	var lost, doubled int
	var sample []string
	for _, cs := range cases {
		for _, ch := range []string{slackfake.DM(jo.id), slackfake.DM(sam.id)} {
			switch k := count(ch, cs.ID); {
			case k == 0:
				lost++
				if len(sample) < 5 {
					sample = append(sample, cs.ID+" to "+ch)
				}
			case k > 1:
				doubled++
			}
		}
	}
	pending, err := store.PendingEffects(ctx)
	if err != nil {
		t.Fatal(err)
	}
	figure(t, "%d raises, %d messages due; %d sent before the mid-send SIGKILL; in the end %d lost, %d sent twice, %d effects left in the outbox",
		total, 2*total, midKill, lost, doubled, len(pending))
	if lost > 0 {
		t.Errorf("%d messages never reached Slack, e.g. %v", lost, sample)
	}
	// A message Slack took in the instant before the worker could record it
	// is sent again after the restart: only sends in flight at the
	// mid-send SIGKILL (at most the worker's parallel sends) may repeat.
	if doubled > maxInFlight {
		t.Errorf("%d messages reached Slack twice; at most %d were in flight at the kill", doubled, maxInFlight)
	}
	if len(pending) != 0 {
		t.Errorf("%d effects left in the outbox: %+v", len(pending), pending)
	}
}

// outboxDepth reads resolvebot_outbox_depth from the bot's /metrics; -1
// when it cannot.
func outboxDepth(t *testing.T, b *bot) int {
	t.Helper()
	resp, err := http.Get("http://" + b.addr + "/metrics")
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for line := range strings.SplitSeq(string(body), "\n") {
		if v, ok := strings.CutPrefix(line, "resolvebot_outbox_depth "); ok {
			n, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				return -1
			}
			return int(n)
		}
	}
	return -1
}
