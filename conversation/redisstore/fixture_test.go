package redisstore_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/redisstore"
	"github.com/resolvebot/resolvebot/conversation/redisstore/redistest"
	"github.com/resolvebot/resolvebot/conversation/sealed"
)

// testdata/redis-2026-11.json holds every key (after the prefix) and value
// that resolvebot wrote to Redis before records carried a schema version
// and before store identities, with encryption on (key k1 below): the
// console walkthrough (CR-2026-0001, resolved), a second case left open
// (CR-2026-0002), the directory's people, message refs and an unfinished
// draft of Olu Ade's, which expires on 30 November 2026.
type fixtureKey struct {
	Key   string          `json:"key"`
	Type  string          `json:"type"`
	Value json.RawMessage `json:"value"`
}

// loadFixture writes the fixture under a fresh prefix and returns it.
func loadFixture(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "redis-2026-11.json"))
	if err != nil {
		t.Fatal(err)
	}
	var keys []fixtureKey
	if err := json.Unmarshal(raw, &keys); err != nil {
		t.Fatal(err)
	}
	prefix := redistest.Prefix(t)
	c := redistest.Client(t)
	ctx := context.Background()
	for _, k := range keys {
		key := prefix + ":" + k.Key
		var err error
		switch k.Type {
		case "string":
			var v string
			json.Unmarshal(k.Value, &v)
			err = c.Set(ctx, key, v, 0).Err()
		case "hash":
			var v map[string]string
			json.Unmarshal(k.Value, &v)
			err = c.HSet(ctx, key, v).Err()
		case "set", "list":
			var v []string
			json.Unmarshal(k.Value, &v)
			args := make([]any, len(v))
			for i, s := range v {
				args[i] = s
			}
			if k.Type == "set" {
				err = c.SAdd(ctx, key, args...).Err()
			} else {
				err = c.RPush(ctx, key, args...).Err()
			}
		case "zset":
			var v [][2]json.RawMessage
			json.Unmarshal(k.Value, &v)
			for _, m := range v {
				var member string
				var score float64
				json.Unmarshal(m[0], &member)
				json.Unmarshal(m[1], &score)
				if err = c.ZAdd(ctx, key, redis.Z{Member: member, Score: score}).Err(); err != nil {
					break
				}
			}
		default:
			t.Fatalf("fixture key %s has type %s", k.Key, k.Type)
		}
		if err != nil {
			t.Fatalf("load %s: %v", k.Key, err)
		}
	}
	return prefix
}

func fixtureRing(t *testing.T) *sealed.Keyring {
	t.Helper()
	k, err := sealed.NewKeyring([]sealed.Key{{ID: "k1", Secret: bytes.Repeat([]byte{1}, sealed.KeySize)}})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// readFixture reads everything the fixture holds through s.
func readFixture(t *testing.T, s conversation.Store) {
	t.Helper()
	ctx := context.Background()
	cs, err := s.ListCases(ctx, conversation.CaseFilter{})
	if err != nil || len(cs) != 2 {
		t.Fatalf("ListCases = %d cases, %v", len(cs), err)
	}
	c, err := s.GetCase(ctx, "CR-2026-0001")
	if err != nil || c.ChildRef != "SCH-2291" || c.Status != conversation.StatusResolved || len(c.Events) < 6 || c.Resolution == nil {
		t.Fatalf("CR-2026-0001 = %+v, %v", c, err)
	}
	c, err = s.GetCase(ctx, "CR-2026-0002")
	if err != nil || c.ChildRef != "SCH-3300" || c.Status != conversation.StatusOpen || c.DueAt.IsZero() {
		t.Fatalf("CR-2026-0002 = %+v, %v", c, err)
	}
	due, err := s.DueBefore(ctx, c.DueAt, 0)
	if err != nil || len(due) != 1 || due[0].CaseID != "CR-2026-0002" {
		t.Fatalf("DueBefore = %v, %v", due, err)
	}
	refs, err := s.MessageRefs(ctx, "CR-2026-0001")
	if err != nil || len(refs) == 0 || refs[0].Platform != "console" {
		t.Fatalf("MessageRefs = %v, %v", refs, err)
	}
	people, err := s.ListPeople(ctx)
	if err != nil || len(people) < 5 {
		t.Fatalf("ListPeople = %d, %v", len(people), err)
	}
	p, err := s.FindPersonByEmail(ctx, "Sam.Patel@school.example.org")
	if err != nil || p.Name != "Sam Patel" || p.Agency != "school" {
		t.Fatalf("FindPersonByEmail = %+v, %v", p, err)
	}
	if p, err := s.FindPersonByHandle(ctx, "console", "", "olu.ade@health.example.org"); err != nil || p.Name != "Olu Ade" {
		t.Fatalf("FindPersonByHandle = %+v, %v", p, err)
	}
	d, err := s.GetDraft(ctx, "olu.ade@health.example.org", time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC))
	if err != nil || d.Values["immediate_risk"] != "no" {
		t.Fatalf("GetDraft = %+v, %v", d, err)
	}
}

// A Redis store written before schema versions and store identities opens
// (its identity is made then, keeping its data), reads whole, allocates
// ids after its last one; migrate rewrites every record once, and it
// still reads, with a new client too.
func TestOpensAStoreWrittenBeforeSchemaVersions(t *testing.T) {
	ctx := context.Background()
	prefix := loadFixture(t)
	rs, err := redisstore.Open(ctx, redistest.URL(), prefix)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	if id := rs.Identity(); !id.Adopted {
		t.Errorf("identity of an existing store = %+v, want adopted", id)
	}
	s := sealed.Wrap(rs, fixtureRing(t))
	readFixture(t, s)
	if id, err := s.NextCaseID(ctx, 2026); err != nil || id != "CR-2026-0003" {
		t.Fatalf("NextCaseID = %s, %v", id, err)
	}
	rep, err := rs.Migrate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{conversation.RecordCase, conversation.RecordPerson, conversation.RecordDraft, conversation.RecordRef} {
		if rep.Upgraded[kind] == 0 || rep.Upgraded[kind] != rep.Read[kind] {
			t.Errorf("migrate upgraded %d of %d %s records", rep.Upgraded[kind], rep.Read[kind], kind)
		}
	}
	readFixture(t, s)
	again, err := rs.Migrate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for kind, n := range again.Upgraded {
		if n != 0 {
			t.Errorf("a second migrate upgraded %d %s records", n, kind)
		}
	}
	for _, v := range redistest.Dump(t, prefix) {
		if bytes.HasPrefix(v, []byte(`{"`)) && !bytes.HasPrefix(v, []byte(fmt.Sprintf(`{"schema":%d,`, conversation.SchemaVersion))) {
			t.Errorf("a record is not current after migrate: %.80s", v)
		}
	}
	// Each case holds its state only, and its log every event.
	c := redistest.Client(t)
	for _, id := range []string{"CR-2026-0001", "CR-2026-0002"} {
		data, err := c.Get(ctx, prefix+":{rb}:case:"+id).Bytes()
		if err != nil {
			t.Fatal(err)
		}
		var rec struct {
			Events json.RawMessage `json:"events"`
			Logged int64           `json:"logged"`
		}
		if err := json.Unmarshal(data, &rec); err != nil {
			t.Fatal(err)
		}
		n, err := c.LLen(ctx, prefix+":{rb}:events:"+id).Result()
		if err != nil || rec.Events != nil || rec.Logged == 0 || n != rec.Logged {
			t.Errorf("case %s: %d bytes of events inside, %d logged, %d in its log (%v)", id, len(rec.Events), rec.Logged, n, err)
		}
	}
	other, err := redisstore.Open(ctx, redistest.URL(), prefix)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	readFixture(t, sealed.Wrap(other, fixtureRing(t)))
}

// A case in the older single-record form takes a write through the sealed
// store as it is: the write moves its whole timeline to the log, and it
// reads whole before and after, with a new client too.
func TestWriteMovesAnOldCaseToTheLog(t *testing.T) {
	ctx := context.Background()
	prefix := loadFixture(t)
	rs, err := redisstore.Open(ctx, redistest.URL(), prefix)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	s := sealed.Wrap(rs, fixtureRing(t))
	const id = "CR-2026-0001"
	before, err := s.GetCase(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	n := len(before.Events)
	if _, err := rs.GetCaseAfter(ctx, id, n+1); !errors.Is(err, conversation.ErrShortLog) {
		t.Fatalf("GetCaseAfter past the end: %v", err)
	}
	const text = "a note after the upgrade"
	got, err := s.UpdateCase(ctx, id, func(c *conversation.Case) error {
		c.Events = append(c.Events, conversation.Event{Seq: len(c.Events) + 1, Kind: conversation.EventNote, Text: text})
		return nil
	})
	if err != nil || len(got.Events) != n+1 || got.Version != before.Version+1 {
		t.Fatalf("UpdateCase = %d events, %v", len(got.Events), err)
	}
	if l, err := redistest.Client(t).LLen(ctx, prefix+":{rb}:events:"+id).Result(); err != nil || int(l) != n+1 {
		t.Fatalf("the log holds %d events, %v; want %d", l, err, n+1)
	}
	other, err := redisstore.Open(ctx, redistest.URL(), prefix)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	after, err := sealed.Wrap(other, fixtureRing(t)).GetCase(ctx, id)
	if err != nil || len(after.Events) != n+1 || after.Events[n].Text != text || after.ChildRef != before.ChildRef || after.Events[0].Text != before.Events[0].Text {
		t.Fatalf("after the write: %d events, %v", len(after.Events), err)
	}
}
