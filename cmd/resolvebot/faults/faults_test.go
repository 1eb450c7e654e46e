//go:build faults

package faults

import (
	"context"
	"fmt"
	"os/exec"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/redisstore"
	"github.com/resolvebot/resolvebot/conversation/storetest"
)

// figure logs one measured figure in a form easy to find in CI output.
func figure(t *testing.T, format string, args ...any) {
	t.Helper()
	t.Logf("FIGURE %s: "+format, append([]any{t.Name()}, args...)...)
}

// load sends do(i) for i in idx from workers goroutines. A worker stops
// taking work once stop reports true; work never taken has a zero result.
func load(idx []int, workers int, do func(i int) result, stop func() bool) map[int]result {
	var mu sync.Mutex
	out := map[int]result{}
	work := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				if stop != nil && stop() {
					continue
				}
				r := do(i)
				mu.Lock()
				out[i] = r
				mu.Unlock()
			}
		}()
	}
	for _, i := range idx {
		work <- i
	}
	close(work)
	wg.Wait()
	return out
}

func noteText(i int) string { return fmt.Sprintf("fault note %05d", i) }

// TestKillMidLoad sends 2,000 signed Add note submissions and SIGKILLs the
// process after 1,000 have been acknowledged as saved. After a restart on
// the same data, the rest are sent again (as people would). Every note
// that was acknowledged must be on its case's timeline: losses must be zero.
func TestKillMidLoad(t *testing.T) {
	t.Run("bolt", func(t *testing.T) {
		dir := t.TempDir()
		data := dir + "/resolvebot.db"
		s := openBolt(t, data)
		ids := seed(t, s, 20, time.Now())
		s.Close()
		reopen := func() conversation.Store { return openBolt(t, data) }
		killMidLoad(t, config{data: data, dir: dir}, ids, reopen)
	})
	t.Run("redis", func(t *testing.T) {
		rs := startRedis(t)
		s := openRedis(t, rs.url(), "faults")
		ids := seed(t, s, 20, time.Now())
		s.Close()
		reopen := func() conversation.Store { return openRedis(t, rs.url(), "faults") }
		killMidLoad(t, config{redis: rs.url(), prefix: "faults"}, ids, reopen)
	})
}

func killMidLoad(t *testing.T, cfg config, ids []string, reopen func() conversation.Store) {
	const total, killAt, workers = 2000, 1000, 8
	fake := newFakeSlack(t)
	cfg.slackAPI = fake.URL()
	b := startBot(t, cfg)
	c := newSlackClient()
	caseOf := func(i int) string { return ids[i%len(ids)] }
	var acked atomic.Int64
	var killed atomic.Bool
	var killedAt time.Time
	all := make([]int, total)
	for i := range all {
		all[i] = i
	}
	start := time.Now()
	first := load(all, workers, func(i int) result {
		r := c.note(b.addr, caseOf(i), noteText(i))
		if r.saved() && acked.Add(1) == killAt {
			killed.Store(true)
			killedAt = time.Now()
			b.proc.kill()
		}
		return r
	}, killed.Load)
	if !killed.Load() {
		t.Fatalf("only %d of %d notes were saved before the kill; log:\n%.3000s", acked.Load(), total, b.log.String())
	}
	var saved []int
	var inFlight, unsent, refused int
	for _, i := range all {
		r, ok := first[i]
		switch {
		case !ok:
			unsent++
		case r.saved():
			saved = append(saved, i)
		case r.err != nil:
			inFlight++
		default:
			refused++
		}
	}
	figure(t, "before SIGKILL at %v: %d saved, %d failed in flight, %d refused, %d not yet sent",
		killedAt.Sub(start).Round(time.Millisecond), len(saved), inFlight, refused, unsent)

	b.start()
	var again []int
	for _, i := range all {
		if !slices.Contains(saved, i) {
			again = append(again, i)
		}
	}
	second := load(again, workers, func(i int) result { return c.note(b.addr, caseOf(i), noteText(i)) }, nil)
	for _, i := range again {
		if second[i].saved() {
			saved = append(saved, i)
		} else {
			t.Errorf("after restart note %d was not saved: %d %v %.200s", i, second[i].status, second[i].err, second[i].body)
		}
	}
	b.proc.stop()
	if b.panics() {
		t.Errorf("the process panicked:\n%s", b.log.String())
	}

	store := reopen()
	defer store.Close()
	stored := noteCounts(timelines(t, store, ids))
	keys := make([]string, 0, len(saved))
	for _, i := range saved {
		keys = append(keys, caseOf(i)+"|"+noteText(i))
	}
	lost, doubled, sample := loss(keys, stored)
	figure(t, "%d acknowledged, %d lost, %d stored twice (in flight at the kill, then sent again)", len(keys), lost, doubled)
	if lost > 0 {
		t.Errorf("%d acknowledged notes are not on their timelines, e.g. %v", lost, sample)
	}
	if len(keys) != total {
		t.Errorf("%d of %d notes acknowledged in the end", len(keys), total)
	}
}

// TestRedisOutage kills the test's own redis-server for 10 s in the middle
// of a steady load of notes and starts it again on the same port and data
// directory. Redis runs with appendonly yes and appendfsync always, so every
// write Redis acknowledged to resolvebot (and so every note resolvebot
// acknowledged to Slack) is on disk before the kill and is replayed from the
// append-only file on restart; with the machine's default of no persistence
// a restart would start empty and "nothing acknowledged is lost" could not
// hold for any store.
//
// During the outage every request must get a clear "try again" answer and
// the process must not panic; after the restart the service must recover
// by itself (the time to the first saved note is reported; the assertion
// is a generous 30 s), and every acknowledged note must be stored.
func TestRedisOutage(t *testing.T) {
	rs := startRedis(t, "--appendonly", "yes", "--appendfsync", "always")
	s := openRedis(t, rs.url(), "outage")
	ids := seed(t, s, 10, time.Now())
	s.Close()
	fake := newFakeSlack(t)
	b := startBot(t, config{redis: rs.url(), prefix: "outage", slackAPI: fake.URL()})
	c := newSlackClient()

	var stop atomic.Bool
	var next atomic.Int64
	var mu sync.Mutex
	results := map[int]result{}
	var wg sync.WaitGroup
	hardStop := time.Now().Add(90 * time.Second)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() && time.Now().Before(hardStop) {
				i := int(next.Add(1))
				if i > 20000 {
					return
				}
				r := c.note(b.addr, ids[i%len(ids)], noteText(i))
				mu.Lock()
				results[i] = r
				mu.Unlock()
				time.Sleep(20 * time.Millisecond)
			}
		}()
	}
	time.Sleep(3 * time.Second)
	down := time.Now()
	rs.proc.kill()
	time.Sleep(10 * time.Second)
	rs.start()
	up := time.Now()
	var recovered time.Time
	waitFor(60*time.Second, func() bool {
		mu.Lock()
		defer mu.Unlock()
		for _, r := range results {
			if r.saved() && !r.sent.Before(up) {
				end := r.sent.Add(r.latency)
				if recovered.IsZero() || end.Before(recovered) {
					recovered = end
				}
			}
		}
		return !recovered.IsZero()
	})
	time.Sleep(3 * time.Second) // some steady load after recovery
	stop.Store(true)
	wg.Wait()

	var savedKeys []string
	var during, duringTryAgain, duringSaved, after, afterFailed int
	var maxDuring time.Duration
	var odd []string
	for i, r := range results {
		if r.saved() {
			savedKeys = append(savedKeys, ids[i%len(ids)]+"|"+noteText(i))
		}
		switch {
		case r.sent.After(down) && r.sent.Before(up):
			during++
			maxDuring = max(maxDuring, r.latency)
			switch {
			case r.saved():
				duringSaved++
			case r.err == nil && r.status == 200 && strings.Contains(strings.ToLower(r.body), "try again"):
				duringTryAgain++
			default:
				if len(odd) < 5 {
					odd = append(odd, fmt.Sprintf("%d %v %.200s", r.status, r.err, r.body))
				}
			}
		case !recovered.IsZero() && r.sent.After(recovered):
			after++
			if !r.saved() {
				afterFailed++
			}
		}
	}
	for _, r := range results {
		if r.latency > 2900*time.Millisecond {
			figure(t, "slow answer: sent %v after the kill, took %v: %d %v %.120s", r.sent.Sub(down).Round(time.Millisecond),
				r.latency.Round(time.Millisecond), r.status, r.err, r.body)
		}
	}
	if recovered.IsZero() {
		t.Fatalf("no note was saved within 60 s of Redis coming back; log:\n%.4000s", b.log.String())
	}
	rec := recovered.Sub(up)
	figure(t, "%d requests during the 10 s outage: %d answered \"try again\", %d saved, %d other; slowest answer %v",
		during, duringTryAgain, duringSaved, len(odd), maxDuring.Round(time.Millisecond))
	figure(t, "recovery: first note saved %v after redis-server was back; %d requests after recovery, %d not saved",
		rec.Round(time.Millisecond), after, afterFailed)
	if len(odd) > 0 {
		t.Errorf("answers during the outage without a clear \"try again\": %q", odd)
	}
	if during == 0 {
		t.Error("no requests were sent during the outage")
	}
	if rec > 30*time.Second {
		t.Errorf("recovery took %v", rec)
	}
	if afterFailed > 0 {
		t.Errorf("%d notes failed after recovery", afterFailed)
	}
	b.proc.stop()
	if b.panics() {
		t.Errorf("the process panicked:\n%s", b.log.String())
	}
	store := openRedis(t, rs.url(), "outage")
	defer store.Close()
	lost, _, sample := loss(savedKeys, noteCounts(timelines(t, store, ids)))
	figure(t, "%d acknowledged, %d lost", len(savedKeys), lost)
	if lost > 0 {
		t.Errorf("%d acknowledged notes lost, e.g. %v", lost, sample)
	}
}

// TestRedisCluster runs the whole store conformance suite against a
// three-node Redis Cluster made with redis-cli --cluster create.
func TestRedisCluster(t *testing.T) {
	needRedis(t)
	var addrs []string
	for n := range 3 {
		dir := t.TempDir()
		port := freePort(t)
		out := &syncBuffer{}
		addr := fmt.Sprintf("127.0.0.1:%d", port)
		proc := startChild(t, fmt.Sprintf("redis-server cluster node %d", n), out, nil, "redis-server",
			"--port", fmt.Sprint(port), "--bind", "127.0.0.1", "--dir", dir, "--cluster-enabled", "yes",
			"--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000",
			"--save", "", "--appendonly", "no", "--daemonize", "no")
		waitRedis(t, addr, proc, out)
		addrs = append(addrs, addr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	create := exec.CommandContext(ctx, "redis-cli", append([]string{"--cluster", "create"}, append(addrs, "--cluster-replicas", "0", "--cluster-yes")...)...)
	if out, err := create.CombinedOutput(); err != nil {
		t.Fatalf("redis-cli --cluster create: %v\n%s", err, out)
	}
	for _, a := range addrs {
		c := redis.NewClient(&redis.Options{Addr: a})
		ok := waitFor(30*time.Second, func() bool {
			info, err := c.ClusterInfo(ctx).Result()
			return err == nil && strings.Contains(info, "cluster_state:ok")
		})
		c.Close()
		if !ok {
			t.Fatalf("node %s never reached cluster_state:ok", a)
		}
	}
	joined := strings.Join(addrs, ",")
	var n atomic.Int64
	storetest.Run(t, func(tb testing.TB) (conversation.Store, func() conversation.Store) {
		prefix := fmt.Sprintf("cluster%d", n.Add(1))
		open := func() conversation.Store {
			octx, ocancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer ocancel()
			s, err := redisstore.Open(octx, joined, prefix)
			if err != nil {
				tb.Fatalf("open cluster store: %v", err)
			}
			return s
		}
		cur := open()
		return cur, func() conversation.Store {
			cur.Close()
			cur = open()
			return cur
		}
	})
	// The store really was clustered: its keys hash to one slot by the
	// {rb} tag, held by exactly one of the three nodes.
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs})
	defer cc.Close()
	slot, err := cc.ClusterKeySlot(ctx, "cluster1:{rb}:x").Result()
	if err != nil {
		t.Fatalf("CLUSTER KEYSLOT: %v", err)
	}
	figure(t, "conformance suite passed on a 3-node cluster; the store's keys live in slot %d", slot)
}

// TestTwoReplicas runs two serve processes on one Redis with the scheduler
// in both (a due pass every second). Ten cases were raised 40 days ago, so
// all their nudges are due; notes for ten other cases are spread over both
// replicas. No note may be lost (concurrent updates of one case from two
// processes), each nudge key must be recorded once, and Slack must get
// exactly one message per recorded recipient of each nudge.
func TestTwoReplicas(t *testing.T) {
	rs := startRedis(t)
	s := openRedis(t, rs.url(), "replicas")
	old := seed(t, s, 10, time.Now().AddDate(0, 0, -40))
	fresh := seed(t, s, 10, time.Now())
	s.Close()
	fake := newFakeSlack(t)
	cfg := config{redis: rs.url(), prefix: "replicas", slackAPI: fake.URL(), duePass: "@every 1s"}
	b1 := startBot(t, cfg)
	b2 := startBot(t, cfg)
	bots := []*bot{b1, b2}
	c := newSlackClient()
	const total = 600
	idx := make([]int, total)
	for i := range idx {
		idx[i] = i
	}
	caseOf := func(i int) string { return fresh[(i/2)%len(fresh)] } // consecutive pairs hit one case on both replicas
	res := load(idx, 8, func(i int) result { return c.note(bots[i%2].addr, caseOf(i), noteText(i)) }, nil)

	// Let the due passes run until the nudges settle (bounded).
	store := openRedis(t, rs.url(), "replicas")
	defer store.Close()
	countNudges := func() int {
		n := 0
		for _, evs := range timelines(t, store, old) {
			for _, e := range evs {
				if e.Kind == conversation.EventNudged {
					n++
				}
			}
		}
		return n
	}
	last, stableSince := -1, time.Now()
	waitFor(60*time.Second, func() bool {
		n := countNudges()
		if n != last {
			last, stableSince = n, time.Now()
		}
		return n > 0 && time.Since(stableSince) > 4*time.Second
	})
	for _, b := range bots {
		b.proc.stop()
		if b.panics() {
			t.Errorf("a replica panicked:\n%s", b.log.String())
		}
	}

	var keys []string
	refused := 0
	for _, i := range idx {
		if res[i].saved() {
			keys = append(keys, caseOf(i)+"|"+noteText(i))
		} else {
			refused++
		}
	}
	lost, doubledNotes, sample := loss(keys, noteCounts(timelines(t, store, fresh)))
	figure(t, "%d notes over two replicas: %d acknowledged, %d refused, %d lost, %d stored twice", total, len(keys), refused, lost, doubledNotes)
	if lost > 0 || doubledNotes > 0 {
		t.Errorf("lost %d, doubled %d notes, e.g. %v", lost, doubledNotes, sample)
	}
	if refused > 0 {
		t.Errorf("%d notes were refused under contention", refused)
	}

	// Nudges: one event per key, and one Slack message per recipient recorded.
	posts := fake.Calls("chat.postMessage")
	perKey := map[string]int{}
	recorded, kinds := 0, map[string]int{}
	sentByCase := map[string]int{}
	for id, evs := range timelines(t, store, old) {
		for _, e := range evs {
			if e.Kind != conversation.EventNudged {
				continue
			}
			if e.Fields["partial"] == "" {
				perKey[e.Fields["key"]]++
			}
			kinds[e.Fields["nudge"]]++
			if e.Fields["to"] != "" {
				sentByCase[id] += len(strings.Split(e.Fields["to"], ","))
			}
			recorded++
		}
	}
	doubledKeys := 0
	for k, n := range perKey {
		if n > 1 {
			doubledKeys++
			t.Errorf("nudge %s recorded %d times", k, n)
		}
	}
	doubledPosts := 0
	for _, id := range old {
		got := map[string]int{}
		n := 0
		for _, p := range posts {
			if strings.Contains(p.Text+p.Blocks, id) {
				got[p.Channel+"|"+p.Text]++
				n++
			}
		}
		for k, m := range got {
			if m > 1 {
				doubledPosts += m - 1
				t.Errorf("case %s: the same message went %d times to %s", id, m, strings.SplitN(k, "|", 2)[0])
			}
		}
		if n != sentByCase[id] {
			t.Errorf("case %s: %d Slack messages, %d recipients recorded on the timeline", id, n, sentByCase[id])
		}
	}
	var kindList []string
	for k, n := range kinds {
		kindList = append(kindList, fmt.Sprintf("%s=%d", k, n))
	}
	sort.Strings(kindList)
	figure(t, "%d nudges recorded over %d keys (%s); doubled keys %d, doubled Slack messages %d; sent by replica 1: %d, replica 2: %d",
		recorded, len(perKey), strings.Join(kindList, " "), doubledKeys, doubledPosts,
		strings.Count(b1.log.String(), `"msg":"nudge"`), strings.Count(b2.log.String(), `"msg":"nudge"`))
	if recorded == 0 {
		t.Error("no nudges were sent")
	}
}

// TestSlowSlack makes the fake Slack API answer every call with 429 and
// Retry-After: 3 for 12 s while the respondent acknowledges ten cases and
// presses Add note (which opens a modal before the ack) on four. Each
// acknowledgement must still come back within 3 s, and afterwards every
// copy of every case card must have been updated (chat.update) to the
// acknowledged state.
func TestSlowSlack(t *testing.T) {
	dir := t.TempDir()
	data := dir + "/resolvebot.db"
	s := openBolt(t, data)
	seed(t, s, 0, time.Now())
	s.Close()
	fake := newFakeSlack(t)
	b := startBot(t, config{data: data, dir: dir, slackAPI: fake.URL()})
	c := newSlackClient()
	const n = 10
	for i := range n {
		if r := c.intake(b.addr, i); !r.saved() {
			t.Fatalf("intake %d: %d %v %.300s", i, r.status, r.err, r.body)
		}
	}
	// Each case's card goes to Jo (with Acknowledge) and to Sam.
	type card struct{ caseID, channel, ts string }
	var cards []card
	if !waitFor(30*time.Second, func() bool { return len(fake.Calls("chat.postMessage")) >= 2*n }) {
		t.Fatalf("%d cards posted, want %d", len(fake.Calls("chat.postMessage")), 2*n)
	}
	joCards := map[string]card{}
	for _, p := range fake.Calls("chat.postMessage") {
		i := strings.Index(p.Blocks, "acknowledge|CR-")
		if i >= 0 && p.Channel == "D"+jo.id[1:] {
			id := strings.SplitN(p.Blocks[i+len("acknowledge|"):], "|", 2)[0]
			joCards[id] = card{id, p.Channel, p.TS}
		}
		cards = append(cards, card{"", p.Channel, p.TS})
	}
	if len(joCards) != n {
		t.Fatalf("%d cards with an Acknowledge button for Jo, want %d", len(joCards), n)
	}

	fake.LimitFor(12*time.Second, 3)
	limitedFrom := time.Now()
	var slowest time.Duration
	var lat []time.Duration
	for _, cd := range joCards {
		r := c.press(b.addr, jo.id, cd.channel, cd.ts, "acknowledge", cd.caseID)
		if r.err != nil || r.status != 200 {
			t.Errorf("acknowledge %s: %d %v %.200s", cd.caseID, r.status, r.err, r.body)
		}
		lat = append(lat, r.latency)
		slowest = max(slowest, r.latency)
	}
	// Buttons that open a modal must call views.open before the ack, with
	// the trigger id; under 429s that call gives up within the ack budget.
	var formLat []time.Duration
	for _, cd := range joCards {
		if len(formLat) == 4 {
			break
		}
		r := c.press(b.addr, jo.id, cd.channel, cd.ts, "note", cd.caseID)
		if r.err != nil || r.status != 200 {
			t.Errorf("press Add note on %s: %d %v %.200s", cd.caseID, r.status, r.err, r.body)
		}
		formLat = append(formLat, r.latency)
		slowest = max(slowest, r.latency)
	}
	slices.Sort(formLat)
	figure(t, "%d presses opening a modal under 429s: fastest %v, slowest %v", len(formLat),
		formLat[0].Round(time.Millisecond), formLat[len(formLat)-1].Round(time.Millisecond))
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	figure(t, "%d acknowledgements under 429s: median %v, slowest %v",
		len(lat), lat[len(lat)/2].Round(time.Millisecond), lat[len(lat)-1].Round(time.Millisecond))
	if slowest > 3*time.Second {
		t.Errorf("an acknowledgement took %v, over Slack's 3 s", slowest)
	}

	// Every card (both copies of every case) is updated after the presses,
	// and Jo's no longer offers Acknowledge.
	landed := func() (missing []string) {
		updated := map[string]bool{}
		for _, u := range fake.Calls("chat.update") {
			if u.At.After(limitedFrom) {
				updated[u.Channel+"/"+u.TS] = true
			}
		}
		for _, cd := range cards {
			if !updated[cd.channel+"/"+cd.ts] {
				missing = append(missing, cd.channel+"/"+cd.ts)
			}
		}
		for id, cd := range joCards {
			if strings.Contains(fake.MessageJSON(cd.channel, cd.ts), "acknowledge|"+id) {
				missing = append(missing, id+" still offers Acknowledge")
			}
		}
		return missing
	}
	start := time.Now()
	ok := waitFor(90*time.Second, func() bool { return len(landed()) == 0 })
	figure(t, "all %d card copies updated %v after the 429s began; %d calls were answered 429", len(cards),
		time.Since(limitedFrom).Round(time.Millisecond), fake.Limited())
	if !ok {
		t.Errorf("after %v these cards were not updated: %v", time.Since(start).Round(time.Second), landed())
	}
	b.proc.stop()
	if b.panics() {
		t.Errorf("the process panicked:\n%s", b.log.String())
	}
	st := openBolt(t, data)
	defer st.Close()
	for id := range joCards {
		cs, err := st.GetCase(context.Background(), id)
		if err != nil || !cs.Current().Acknowledged() {
			t.Errorf("case %s not acknowledged in the store: %v", id, err)
		}
	}
}
