package sealed_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/boltstore"
	"github.com/resolvebot/resolvebot/conversation/redisstore/redistest"
	"github.com/resolvebot/resolvebot/conversation/sealed"
)

// plainCanaries writes cases, notes, drafts and observed differences in
// plain text (encryption off), each free-text value a distinct canary, and
// rewrites every case twice more, as use does, so older copies sit in
// freed space. It returns the canaries.
func plainCanaries(t *testing.T, s conversation.Store, now time.Time) []string {
	t.Helper()
	ctx := context.Background()
	var canaries []string
	mark := func(what string, i int) string {
		c := fmt.Sprintf("PLAINCANARY-%s-%02d", what, i)
		canaries = append(canaries, c)
		return c
	}
	for i := range 8 {
		id := fmt.Sprintf("CR-2026-%04d", i+1)
		c := &conversation.Case{ID: id, Partnership: "test", Status: conversation.StatusOpen, Urgency: conversation.UrgencyStandard,
			ChildRef: mark("ref", i), Decision: mark("decision", i), Concern: mark("concern", i), Evidence: mark("evidence", i),
			Raiser: conversation.Party{PersonID: "ann@example.org", Name: "Ann"}, Respondent: conversation.Party{PersonID: "bob@example.org", Name: "Bob"},
			CreatedAt: now, UpdatedAt: now, DueAt: now.Add(time.Hour)}
		if err := s.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
		for j, what := range []string{"note", "response"} {
			text := mark(what, i)
			if _, err := s.UpdateCase(ctx, id, func(c *conversation.Case) error {
				c.Events = append(c.Events, conversation.Event{Seq: j + 1, Kind: conversation.EventNote, At: now, Text: text})
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i := range 6 {
		p := fmt.Sprintf("person%d@example.org", i)
		if err := s.PutPerson(ctx, &conversation.Person{ID: p, Name: "Person", Email: p}); err != nil {
			t.Fatal(err)
		}
		expires := now.Add(time.Hour)
		if i%2 == 1 {
			expires = now.Add(-time.Hour) // expired: left for purge before
		}
		if err := s.SaveDraft(ctx, &conversation.Draft{PersonID: p, Values: map[string]string{"concern": mark("draft", i)}, ExpiresAt: expires}); err != nil {
			t.Fatal(err)
		}
	}
	obs := s.(conversation.ObservationStore)
	for i := range 3 {
		o := &conversation.Observation{At: now.Add(time.Duration(i) * time.Minute), By: "chair@example.org", AgencyA: "csc", AgencyB: "police",
			Meeting: conversation.MeetingReview, Category: "threshold", Description: mark("observation", i)}
		if err := obs.AddObservation(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	return canaries
}

// found counts the needles present in raw.
func found(raw []byte, needles []string) int {
	n := 0
	for _, c := range needles {
		if bytes.Contains(raw, []byte(c)) {
			n++
		}
	}
	return n
}

// After rekey and compaction no plain text written before encryption was
// turned on, and nothing sealed with a retired key, is left anywhere in
// the bolt file, free pages included.
func TestRekeyLeavesNoOldBytesInBolt(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	path := filepath.Join(t.TempDir(), "resolvebot.db")
	bs, err := boltstore.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { bs.Close() }()
	canaries := plainCanaries(t, bs, now)
	read := func() []byte {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	if n := found(read(), canaries); n != len(canaries) {
		t.Fatalf("%d of %d canaries in the file before encryption", n, len(canaries))
	}

	k1, k2 := key("k1", 1), key("k2", 2)
	s1 := sealed.Wrap(bs, ring(t, k1))
	if _, err := s1.Rekey(ctx, now); err != nil {
		t.Fatal(err)
	}
	left := found(read(), canaries)
	if _, _, err := bs.Compact(); err != nil {
		t.Fatal(err)
	}
	after := found(read(), canaries)
	t.Logf("FIGURE encryption turned on: %d of %d canaries readable in the file after rekey, %d after compaction", left, len(canaries), after)
	if after != 0 {
		t.Errorf("%d of %d plain-text canaries remain in the bolt file after rekey", after, len(canaries))
	}

	// Rotation: k2 primary, k1 retired after the rekey.
	old := []byte(sealed.Prefix + "k1.")
	s2 := sealed.Wrap(bs, ring(t, k2, k1))
	if _, err := s2.Rekey(ctx, now); err != nil {
		t.Fatal(err)
	}
	leftOld := bytes.Count(read(), old)
	if _, _, err := bs.Compact(); err != nil {
		t.Fatal(err)
	}
	afterOld := bytes.Count(read(), old)
	t.Logf("FIGURE rotation: %d values sealed with the retired key in the file after rekey, %d after compaction", leftOld, afterOld)
	if afterOld != 0 {
		t.Errorf("%d values sealed with the retired key remain in the bolt file", afterOld)
	}

	// Everything still reads, with the new key alone, after a reopen.
	if err := bs.Close(); err != nil {
		t.Fatal(err)
	}
	if bs, err = boltstore.Open(path); err != nil {
		t.Fatal(err)
	}
	s := sealed.Wrap(bs, ring(t, k2))
	c, err := s.GetCase(ctx, "CR-2026-0008")
	if err != nil || c.Concern != "PLAINCANARY-concern-07" || len(c.Events) != 2 || c.Events[1].Text != "PLAINCANARY-response-07" {
		t.Fatalf("after rekey and compaction: %+v %v", c, err)
	}
	d, err := s.GetDraft(ctx, "person0@example.org", now)
	if err != nil || d.Values["concern"] != "PLAINCANARY-draft-00" {
		t.Fatalf("draft after rekey: %+v %v", d, err)
	}
}

// On Redis, rekey overwrites every value and leaves no key with plain text
// or old-key ciphertext (expired drafts included).
func TestRekeyLeavesNoOldBytesInRedis(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	rs, prefix := redistest.Open(t)
	defer rs.Close()
	canaries := plainCanaries(t, rs, now)
	dump := func() []byte { return bytes.Join(redistest.Dump(t, prefix), []byte("\n")) }
	k1, k2 := key("k1", 1), key("k2", 2)
	if _, err := sealed.Wrap(rs, ring(t, k1)).Rekey(ctx, now); err != nil {
		t.Fatal(err)
	}
	if n := found(dump(), canaries); n != 0 {
		t.Errorf("%d of %d plain-text canaries remain in Redis after rekey", n, len(canaries))
	}
	if _, err := sealed.Wrap(rs, ring(t, k2, k1)).Rekey(ctx, now); err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(dump(), []byte(sealed.Prefix+"k1.")); n != 0 {
		t.Errorf("%d values sealed with the retired key remain in Redis after rekey", n)
	}
}
