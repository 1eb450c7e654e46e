package boltstore_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/boltstore"
)

// testdata/bolt-2026-11.db.gz is a data file written by resolvebot as it
// was before records carried a schema version (version 0), with encryption
// off: the console walkthrough (CR-2026-0001, resolved), a second case
// left open (CR-2026-0002), the directory's people and an unfinished
// draft of Olu Ade's. Its draft expires on 30 November 2026.
var fixtureNow = time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)

// fixture unpacks the fixture into a temp dir and returns its path.
func fixture(t *testing.T) string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "bolt-2026-11.db.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "resolvebot.db")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, zr); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return path
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
	d, err := s.GetDraft(ctx, "olu.ade@health.example.org", fixtureNow)
	if err != nil || d.Values["immediate_risk"] != "no" {
		t.Fatalf("GetDraft = %+v, %v", d, err)
	}
}

// A data file written before schema versions opens, reads whole, takes
// writes and allocates ids after its last one; migrate then rewrites every
// record in the current format, once, and it still reads.
func TestOpensAStoreWrittenBeforeSchemaVersions(t *testing.T) {
	ctx := context.Background()
	path := fixture(t)
	s, err := boltstore.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s.Close() }()
	readFixture(t, s)
	if id, err := s.NextCaseID(ctx, 2026); err != nil || id != "CR-2026-0003" {
		t.Fatalf("NextCaseID = %s, %v", id, err)
	}
	rep, err := s.Migrate()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("migrate read %v, upgraded %v", rep.Read, rep.Upgraded)
	for _, kind := range []string{conversation.RecordCase, conversation.RecordPerson, conversation.RecordDraft} {
		if rep.Upgraded[kind] == 0 || rep.Upgraded[kind] != rep.Read[kind] {
			t.Errorf("migrate upgraded %d of %d %s records", rep.Upgraded[kind], rep.Read[kind], kind)
		}
	}
	readFixture(t, s)
	again, err := s.Migrate()
	if err != nil || len(again.Read) == 0 {
		t.Fatal(err)
	}
	for kind, n := range again.Upgraded {
		if n != 0 {
			t.Errorf("a second migrate upgraded %d %s records", n, kind)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Every record in the file now starts with its version.
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	_ = db.View(func(tx *bolt.Tx) error {
		for _, b := range []string{"cases", "people", "drafts"} {
			_ = tx.Bucket([]byte(b)).ForEach(func(k, v []byte) error {
				if !bytes.HasPrefix(v, []byte(fmt.Sprintf(`{"schema":%d,`, conversation.SchemaVersion))) {
					t.Errorf("%s %s is not current: %.60s", b, k, v)
				}
				if b == "cases" {
					checkLogged(t, tx, k, v)
				}
				return nil
			})
		}
		return nil
	})
	db.Close()
	if s, err = boltstore.Open(path); err != nil {
		t.Fatal(err)
	}
	readFixture(t, s)
}

// checkLogged fails t unless the case record v of id holds the case's
// state only, and its log holds as many events as the record says.
func checkLogged(t *testing.T, tx *bolt.Tx, id, v []byte) {
	t.Helper()
	var rec struct {
		Events json.RawMessage `json:"events"`
		Logged int             `json:"logged"`
	}
	if err := json.Unmarshal(v, &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Events != nil || rec.Logged == 0 {
		t.Errorf("case %s still holds its events (%d bytes) or logs none (%d)", id, len(rec.Events), rec.Logged)
	}
	b := tx.Bucket([]byte("events")).Bucket(id)
	if b == nil || b.Stats().KeyN != rec.Logged {
		t.Errorf("the log of case %s does not hold its %d events", id, rec.Logged)
	}
}

// A case in the older single-record form takes a write as it is: the
// write moves its whole timeline to the log, and it reads whole before and
// after, from the start or after some events (as the sealed store asks).
func TestWriteMovesAnOldCaseToTheLog(t *testing.T) {
	ctx := context.Background()
	path := fixture(t)
	s, err := boltstore.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	const id = "CR-2026-0001"
	before, err := s.GetCase(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	n := len(before.Events)
	tail, err := s.GetCaseAfter(ctx, id, n-2)
	if err != nil || len(tail.Events) != 2 || tail.Events[0].Seq != n-1 {
		t.Fatalf("GetCaseAfter(%d) = %d events, %v", n-2, len(tail.Events), err)
	}
	if _, err := s.GetCaseAfter(ctx, id, n+1); !errors.Is(err, conversation.ErrShortLog) {
		t.Fatalf("GetCaseAfter past the end: %v", err)
	}
	note := conversation.Event{Seq: n + 1, Kind: conversation.EventNote, At: fixtureNow, Actor: "sam.patel@school.example.org", Text: "a note after the upgrade"}
	got, err := s.UpdateCaseAfter(ctx, id, n-1, func(c *conversation.Case) error {
		if len(c.Events) != 1 || c.Events[0].Seq != n {
			t.Errorf("fn got %d events", len(c.Events))
		}
		c.Events = append(c.Events, note)
		return nil
	})
	if err != nil || len(got.Events) != 2 || got.Version != before.Version+1 {
		t.Fatalf("UpdateCaseAfter = %+v, %v", got, err)
	}
	after, err := s.GetCase(ctx, id)
	if err != nil || len(after.Events) != n+1 || after.Events[n].Text != note.Text || after.Events[0].Kind != before.Events[0].Kind {
		t.Fatalf("after the write: %d events, %v", len(after.Events), err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_ = db.View(func(tx *bolt.Tx) error {
		checkLogged(t, tx, []byte(id), tx.Bucket([]byte("cases")).Get([]byte(id)))
		return nil
	})
}

// A record written by a newer resolvebot (a higher schema) is refused,
// not read with fields missing and written back without them.
func TestRefusesARecordFromANewerVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "resolvebot.db")
	s, err := boltstore.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("people")).Put([]byte("ann@example.org"), []byte(`{"schema":99,"id":"ann@example.org","name":"Ann"}`))
	})
	db.Close()
	if s, err = boltstore.Open(path); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.GetPerson(context.Background(), "ann@example.org"); conversation.ErrorCode(err) != conversation.EINTERNAL {
		t.Fatalf("GetPerson of a newer record: %v", err)
	}
	if _, err := s.Migrate(); err == nil {
		t.Fatal("migrate accepted a record from a newer version")
	}
}

// A backup taken before the event log (no events bucket, cases in one
// record) passes the check restore makes, and counts its old records; so
// does the same file once migrated.
func TestCheckAcceptsAFileFromBeforeTheLog(t *testing.T) {
	path := fixture(t)
	// The fixture predates the outbox too: open it once, as the last
	// version before the log did, then take the events bucket away.
	s, err := boltstore.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error { return tx.DeleteBucket([]byte("events")) }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	sum, err := boltstore.Check(path)
	if err != nil || sum.Cases != 2 || sum.OldRecords == 0 {
		t.Fatalf("Check of the old file = %+v, %v", sum, err)
	}
	if s, err = boltstore.Open(path); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Migrate(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if sum, err = boltstore.Check(path); err != nil || sum.Cases != 2 || sum.OldRecords != 0 {
		t.Fatalf("Check of the migrated file = %+v, %v", sum, err)
	}
}

// A backup as the oldest version wrote it, never opened by this one (no
// outbox, no event log), passes the check restore makes; a bolt file that
// is not a resolvebot store does not.
func TestCheckAcceptsAnUnopenedOldFile(t *testing.T) {
	sum, err := boltstore.Check(fixture(t))
	if err != nil || sum.Cases != 2 || sum.OldRecords == 0 {
		t.Fatalf("Check of the old file = %+v, %v", sum, err)
	}
	other := filepath.Join(t.TempDir(), "other.db")
	db, err := bolt.Open(other, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("widgets")); return err }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := boltstore.Check(other); err == nil || !strings.Contains(conversation.ErrorMessage(messages.English(), err), "not a resolvebot data file") {
		t.Errorf("Check of another program's bolt file = %v, want refused", err)
	}
}
