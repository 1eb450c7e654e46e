package sealed_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/boltstore"
	"github.com/resolvebot/resolvebot/conversation/redisstore"
	"github.com/resolvebot/resolvebot/conversation/redisstore/redistest"
	"github.com/resolvebot/resolvebot/conversation/sealed"
	"github.com/resolvebot/resolvebot/conversation/storetest"
)

func key(id string, fill byte) sealed.Key {
	return sealed.Key{ID: id, Secret: bytes.Repeat([]byte{fill}, sealed.KeySize)}
}

func ring(t testing.TB, keys ...sealed.Key) *sealed.Keyring {
	t.Helper()
	k, err := sealed.NewKeyring(keys)
	if err != nil {
		t.Fatalf("NewKeyring: %v", err)
	}
	return k
}

func TestParseKeys(t *testing.T) {
	good := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))
	raw := base64.RawURLEncoding.EncodeToString(bytes.Repeat([]byte{9}, 32))
	short := base64.StdEncoding.EncodeToString([]byte("too short"))
	tests := []struct {
		name    string
		in      string
		primary string
		ids     int
		wantErr string
	}{
		{"one", "k1:" + good, "k1", 1, ""},
		{"two, first is primary, spaces allowed", " k2:" + raw + " , k1:" + good, "k2", 2, ""},
		{"empty", "", "", 0, "no keys"},
		{"no colon", good, "", 0, "id:base64key"},
		{"not base64", "k1:!!!", "", 0, "not base64"},
		{"short key", "k1:" + short, "", 0, "32 bytes"},
		{"bad id", "k 1:" + good, "", 0, "id must be"},
		{"duplicate id", "k1:" + good + ",k1:" + raw, "", 0, "used twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := sealed.ParseKeyring(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want it to mention %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), good) || strings.Contains(err.Error(), raw) {
					t.Errorf("error leaks key material: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseKeyring: %v", err)
			}
			if k.Primary() != tt.primary || len(k.IDs()) != tt.ids {
				t.Errorf("primary %q ids %v, want %q and %d ids", k.Primary(), k.IDs(), tt.primary, tt.ids)
			}
		})
	}
}

func TestSealOpen(t *testing.T) {
	k1 := ring(t, key("k1", 1))
	k21 := ring(t, key("k2", 2), key("k1", 1))
	other := ring(t, key("k1", 3)) // same id, different secret
	v, err := k1.Seal("the concern", "case:CR-1:concern")
	if err != nil {
		t.Fatalf("Seal: %v", err)
	}
	if id, ok := sealed.KeyID(v); !ok || id != "k1" || strings.Contains(v, "concern") {
		t.Fatalf("sealed value %q: key id %q, %v", v, id, ok)
	}
	again, _ := k1.Seal("the concern", "case:CR-1:concern")
	if again == v {
		t.Error("two seals of the same text are equal: the nonce is not random")
	}
	tests := []struct {
		name    string
		k       *sealed.Keyring
		value   string
		aad     string
		want    string
		wantErr string
	}{
		{"same key", k1, v, "case:CR-1:concern", "the concern", ""},
		{"older key still in the ring", k21, v, "case:CR-1:concern", "the concern", ""},
		{"plain text passes", k1, "plain words", "x", "plain words", ""},
		{"empty stays empty", k1, "", "x", "", ""},
		{"other case", k1, v, "case:CR-2:concern", "", "does not open"},
		{"other field", k1, v, "case:CR-1:evidence", "", "does not open"},
		{"wrong secret", other, v, "case:CR-1:concern", "", "does not open"},
		{"key not configured", ring(t, key("k9", 9)), v, "case:CR-1:concern", "", "not configured"},
		{"no keyring", nil, v, "case:CR-1:concern", "", "no encryption key"},
		{"no keyring, plain text", nil, "plain", "x", "plain", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.k.Open(tt.value, tt.aad)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Open error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Open = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	if plain, _ := (*sealed.Keyring)(nil).Seal("x", "y"); plain != "x" {
		t.Errorf("nil keyring sealed %q", plain)
	}
}

// canary is placed in every free-text field; it must never be stored in
// the clear.
const canary = "CANARY-7f3a-do-not-store"

// canaryCase returns a case with the canary in every sensitive field.
func canaryCase(id string, now time.Time) *conversation.Case {
	c := &conversation.Case{
		ID: id, Partnership: "test", Status: conversation.StatusOpen, Urgency: conversation.UrgencyStandard,
		ChildRef: "REF-" + canary, Decision: canary + " decision", Concern: canary + " concern", Evidence: canary + " evidence",
		OutcomeSought: canary + " outcome", CrossBorder: canary + " border",
		Raiser:     conversation.Party{PersonID: "ann@example.org", Name: "Ann", Agency: "school"},
		Respondent: conversation.Party{PersonID: "bob@example.org", Name: "Bob", Agency: "csc"},
		Stages:     []conversation.StageRecord{{Key: "professional", Raiser: []string{"ann@example.org"}, Respondent: []string{"bob@example.org"}, StartedAt: now}},
		Resolution: &conversation.Resolution{WayForward: canary + " way", ProposedBy: "bob@example.org",
			Actions: []conversation.ResolutionAction{{Description: canary + " action", Owner: canary + " owner"}}},
		DueAt: now.Add(time.Hour), CreatedAt: now, UpdatedAt: now,
		Events: []conversation.Event{
			{Seq: 1, Kind: conversation.EventRaised, At: now, Actor: "ann@example.org", Stage: "professional"},
			{Seq: 2, Kind: conversation.EventNote, At: now, Actor: "ann@example.org", Stage: "professional", Text: canary + " note"},
		},
	}
	return c
}

// exercise writes a case and a draft with the canary through s, updates the
// case, and checks everything reads back in the clear.
func exercise(t *testing.T, s conversation.Store) {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	if err := s.CreateCase(ctx, canaryCase("CR-2026-0001", now)); err != nil {
		t.Fatalf("CreateCase: %v", err)
	}
	c, err := s.UpdateCase(ctx, "CR-2026-0001", func(c *conversation.Case) error {
		if c.Concern != canary+" concern" {
			t.Errorf("fn saw concern %q, want it opened", c.Concern)
		}
		c.Events = append(c.Events, conversation.Event{Seq: 3, Kind: conversation.EventResponse, At: now, Text: canary + " response"})
		return nil
	})
	if err != nil {
		t.Fatalf("UpdateCase: %v", err)
	}
	if c.Events[2].Text != canary+" response" || c.Resolution.Actions[0].Owner != canary+" owner" {
		t.Errorf("UpdateCase returned sealed text: %+v", c.Events[2])
	}
	got, err := s.GetCase(ctx, "CR-2026-0001")
	if err != nil {
		t.Fatalf("GetCase: %v", err)
	}
	if got.ChildRef != "REF-"+canary || got.Evidence != canary+" evidence" || got.Events[1].Text != canary+" note" {
		t.Errorf("GetCase did not open the case: %q %q", got.ChildRef, got.Events[1].Text)
	}
	list, err := s.ListCases(ctx, conversation.CaseFilter{Person: "bob@example.org"})
	if err != nil || len(list) != 1 || list[0].CrossBorder != canary+" border" {
		t.Errorf("ListCases = %d cases, %v", len(list), err)
	}
	if err := s.SaveDraft(ctx, &conversation.Draft{PersonID: "ann@example.org", Values: map[string]string{"concern": canary + " draft"}}); err != nil {
		t.Fatalf("SaveDraft: %v", err)
	}
	d, err := s.GetDraft(ctx, "ann@example.org", now)
	if err != nil || d.Values["concern"] != canary+" draft" {
		t.Errorf("GetDraft = %v, %v", d, err)
	}
}

func TestBoltStoresNoPlainText(t *testing.T) {
	path := filepath.Join(t.TempDir(), "resolvebot.db")
	bs, err := boltstore.Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	exercise(t, sealed.Wrap(bs, ring(t, key("k1", 1))))
	if err := bs.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read file: %v", err)
	}
	if bytes.Contains(raw, []byte("CANARY")) {
		t.Errorf("the data file holds free text in the clear")
	}
	if !bytes.Contains(raw, []byte(sealed.Prefix+"k1.")) || !bytes.Contains(raw, []byte("CR-2026-0001")) {
		t.Errorf("the data file holds no sealed values or no case")
	}
}

func TestRedisStoresNoPlainText(t *testing.T) {
	rs, prefix := redistest.Open(t)
	defer rs.Close()
	exercise(t, sealed.Wrap(rs, ring(t, key("k1", 1))))
	raw := bytes.Join(redistest.Dump(t, prefix), []byte("\n"))
	if bytes.Contains(raw, []byte("CANARY")) {
		t.Errorf("Redis holds free text in the clear")
	}
	if !bytes.Contains(raw, []byte(sealed.Prefix+"k1.")) {
		t.Errorf("Redis holds no sealed values")
	}
}

// The wrapper passes the whole conformance suite over both stores.
func TestConformanceBolt(t *testing.T) {
	k := ring(t, key("k1", 1))
	storetest.Run(t, func(tb testing.TB) (conversation.Store, func() conversation.Store) {
		path := filepath.Join(tb.TempDir(), "resolvebot.db")
		bs, err := boltstore.Open(path)
		if err != nil {
			tb.Fatalf("Open: %v", err)
		}
		var cur conversation.Store = bs
		return sealed.Wrap(bs, k), func() conversation.Store {
			if err := cur.Close(); err != nil {
				tb.Fatalf("Close: %v", err)
			}
			bs, err := boltstore.Open(path)
			if err != nil {
				tb.Fatalf("reopen: %v", err)
			}
			cur = bs
			return sealed.Wrap(bs, k)
		}
	})
}

func TestConformanceRedis(t *testing.T) {
	k := ring(t, key("k1", 1))
	storetest.Run(t, func(tb testing.TB) (conversation.Store, func() conversation.Store) {
		rs, prefix := redistest.Open(tb)
		var cur conversation.Store = rs
		return sealed.Wrap(rs, k), func() conversation.Store {
			if err := cur.Close(); err != nil {
				tb.Fatalf("Close: %v", err)
			}
			ns, err := redisstore.Open(context.Background(), redistest.URL(), prefix)
			if err != nil {
				tb.Fatalf("reopen: %v", err)
			}
			cur = ns
			return sealed.Wrap(ns, k)
		}
	})
}

// keyIDs returns the key ids named by the sealed values of a stored case.
func keyIDs(c *conversation.Case) map[string]int {
	out := map[string]int{}
	add := func(v string) {
		if id, ok := sealed.KeyID(v); ok {
			out[id]++
		} else if v != "" {
			out["plain"]++
		}
	}
	for _, v := range []string{c.ChildRef, c.Decision, c.Concern, c.Evidence, c.OutcomeSought, c.CrossBorder, c.Resolution.WayForward} {
		add(v)
	}
	for _, e := range c.Events {
		add(e.Text)
	}
	return out
}

func TestRotationAndRekey(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	bs, err := boltstore.Open(filepath.Join(t.TempDir(), "resolvebot.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer bs.Close()
	k1, k2 := key("k1", 1), key("k2", 2)

	// Before encryption: one plain case. Then under k1: another case and a draft.
	plain := sealed.Wrap(bs, nil)
	if err := plain.CreateCase(ctx, canaryCase("CR-2026-0001", now)); err != nil {
		t.Fatalf("CreateCase plain: %v", err)
	}
	old := sealed.Wrap(bs, ring(t, k1))
	if err := old.CreateCase(ctx, canaryCase("CR-2026-0002", now)); err != nil {
		t.Fatalf("CreateCase k1: %v", err)
	}
	if err := bs.PutPerson(ctx, &conversation.Person{ID: "ann@example.org", Name: "Ann"}); err != nil {
		t.Fatalf("PutPerson: %v", err)
	}
	if err := old.SaveDraft(ctx, &conversation.Draft{PersonID: "ann@example.org", Values: map[string]string{"concern": canary}}); err != nil {
		t.Fatalf("SaveDraft: %v", err)
	}
	// Without the key, the sealed case is refused rather than shown sealed.
	if _, err := plain.GetCase(ctx, "CR-2026-0002"); conversation.ErrorCode(err) != conversation.EINTERNAL {
		t.Errorf("GetCase of a sealed case with no key: %v, want EINTERNAL", err)
	}

	// Rotate: k2 is primary, k1 kept for reading. Old records stay readable.
	rotated := sealed.Wrap(bs, ring(t, k2, k1))
	for _, id := range []string{"CR-2026-0001", "CR-2026-0002"} {
		c, err := rotated.GetCase(ctx, id)
		if err != nil || c.Concern != canary+" concern" {
			t.Fatalf("GetCase %s after rotation: %v", id, err)
		}
	}
	// A new write uses k2.
	if err := rotated.CreateCase(ctx, canaryCase("CR-2026-0003", now)); err != nil {
		t.Fatalf("CreateCase k2: %v", err)
	}
	raw, _ := bs.GetCase(ctx, "CR-2026-0003")
	if ids := keyIDs(raw); len(ids) != 1 || ids["k2"] == 0 {
		t.Errorf("a new case is sealed with %v, want only k2", ids)
	}
	raw, _ = bs.GetCase(ctx, "CR-2026-0002")
	if ids := keyIDs(raw); len(ids) != 1 || ids["k1"] == 0 {
		t.Errorf("an old case is sealed with %v before rekey, want only k1", ids)
	}

	rep, err := rotated.Rekey(ctx, now)
	if err != nil {
		t.Fatalf("Rekey: %v", err)
	}
	if rep.Cases != 3 || rep.CasesRekeyed != 2 || rep.Drafts != 1 || rep.DraftsRekeyed != 1 {
		t.Errorf("Rekey report %+v, want 3 cases (2 rekeyed) and 1 draft (1 rekeyed)", rep)
	}
	for _, id := range []string{"CR-2026-0001", "CR-2026-0002", "CR-2026-0003"} {
		raw, _ := bs.GetCase(ctx, id)
		if ids := keyIDs(raw); len(ids) != 1 || ids["k2"] == 0 {
			t.Errorf("%s after rekey is sealed with %v, want only k2", id, ids)
		}
	}
	// k1 can now be retired: everything opens with k2 alone.
	only2 := sealed.Wrap(bs, ring(t, k2))
	for _, id := range []string{"CR-2026-0001", "CR-2026-0002", "CR-2026-0003"} {
		if c, err := only2.GetCase(ctx, id); err != nil || c.Events[1].Text != canary+" note" {
			t.Errorf("GetCase %s with k2 only: %v", id, err)
		}
	}
	if d, err := only2.GetDraft(ctx, "ann@example.org", now); err != nil || d.Values["concern"] != canary {
		t.Errorf("GetDraft with k2 only: %v", err)
	}
	// A second rekey has nothing to do.
	if rep, err := only2.Rekey(ctx, now); err != nil || rep.CasesRekeyed != 0 || rep.DraftsRekeyed != 0 {
		t.Errorf("second Rekey = %+v, %v; want nothing rekeyed", rep, err)
	}
}
