package boltstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
	bolt "go.etcd.io/bbolt"
)

// bucketOutbox holds the effects not yet delivered: effect ID → JSON. IDs
// sort in delivery order (see conversation.EffectID), and the bucket's
// sequence numbers new steps' effects.
var bucketOutbox = []byte("outbox")

// Two indexes of the outbox let a claim read only what it claims, however
// many effects wait. bucketOutboxCase lists each case's effects: case ID,
// 0, effect ID → the key of its entry in bucketOutboxReady, or empty when
// it is not ready. bucketOutboxReady holds the effects whose turn has come
// or will come at a known time (see conversation.ReadyAt): big-endian due
// time in Unix nanoseconds, effect ID → case ID. Both are rewritten for a
// case whenever one of its effects changes.
var (
	bucketOutboxCase  = []byte("outbox-case")
	bucketOutboxReady = []byte("outbox-ready")
)

func init() { allBuckets = append(allBuckets, bucketOutbox, bucketOutboxCase, bucketOutboxReady) }

// enqueueStep adds the step effect of a write of c, which had before events
// until fn ran, in tx: the same transaction that writes the case.
func enqueueStep(ctx context.Context, tx *bolt.Tx, c *conversation.Case, before int) error {
	e := conversation.StepEffect(ctx, c, before)
	if e == nil {
		return nil
	}
	return putEffect(tx.Bucket(bucketOutbox), "", e)
}

// putEffect writes e under id (or the outbox's next sequence number when
// id is "") in the outbox b and brings the indexes of its case up to date.
func putEffect(b *bolt.Bucket, id string, e *conversation.Effect) error {
	if err := writeEffect(b, id, e); err != nil {
		return err
	}
	return reindexCase(b.Tx(), e.CaseID)
}

// writeEffect writes e under id (or the next sequence number when id is
// "") in the outbox b and lists it under its case, leaving the case's
// ready entries to reindexCase: a transaction that changes several effects
// of a case reindexes it once, at the end.
func writeEffect(b *bolt.Bucket, id string, e *conversation.Effect) error {
	if id == "" {
		n, err := b.NextSequence()
		if err != nil {
			return err
		}
		id = conversation.EffectID(n)
	}
	v, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if err := b.Put([]byte(id), v); err != nil {
		return err
	}
	byCase, k := b.Tx().Bucket(bucketOutboxCase), caseEffectKey(e.CaseID, id)
	if byCase.Get(k) == nil {
		return byCase.Put(k, nil)
	}
	return nil
}

// removeEffect removes effect id of case caseID and its index entries,
// leaving the case's other ready entries to reindexCase.
func removeEffect(tx *bolt.Tx, caseID, id string) error {
	if err := tx.Bucket(bucketOutbox).Delete([]byte(id)); err != nil {
		return err
	}
	decoded.forget([]byte(id))
	byCase, k := tx.Bucket(bucketOutboxCase), caseEffectKey(caseID, id)
	if r := byCase.Get(k); len(r) > 0 {
		if err := tx.Bucket(bucketOutboxReady).Delete(r); err != nil {
			return err
		}
	}
	return byCase.Delete(k)
}

func caseEffectKey(caseID, id string) []byte {
	return append(append([]byte(caseID), 0), id...)
}

func readyKey(t time.Time, id string) []byte {
	return append(binary.BigEndian.AppendUint64(nil, readyTime(t)), id...)
}

func readyTime(t time.Time) uint64 {
	if !t.IsZero() && t.UnixNano() > 0 {
		return uint64(t.UnixNano())
	}
	return 0
}

// isReadyKey reports whether k is readyKey(t, id).
func isReadyKey(k []byte, t time.Time, id string) bool {
	return len(k) == 8+len(id) && binary.BigEndian.Uint64(k) == readyTime(t) && string(k[8:]) == id
}

// caseOutbox is a case's effects in the outbox, in ID order, each with its
// entry in bucketOutboxCase (the key of its ready entry, or empty).
type caseOutbox struct {
	all  []conversation.Effect
	keys []byte // the entries, one after the other, copied out of the transaction's pages
	ends []int  // where each entry ends in keys
}

// entry returns the bucketOutboxCase entry of all[i].
func (co *caseOutbox) entry(i int) []byte {
	from := 0
	if i > 0 {
		from = co.ends[i-1]
	}
	return co.keys[from:co.ends[i]]
}

// caseOutboxes keeps the lists caseEffects reads for the next read: a busy
// case's backlog is read whole on every change of one of its effects.
var caseOutboxes = sync.Pool{New: func() any { return new(caseOutbox) }}

// release gives co back to be reused; nothing may use it afterwards.
func (co *caseOutbox) release() {
	clear(co.all) // let go of the effects' strings
	co.all, co.keys, co.ends = co.all[:0], co.keys[:0], co.ends[:0]
	caseOutboxes.Put(co)
}

// caseEffects reads the effects of case caseID in ID order. Release the
// result when done with it.
func caseEffects(tx *bolt.Tx, caseID string) (*caseOutbox, error) {
	prefix := caseEffectKey(caseID, "")
	out := caseOutboxes.Get().(*caseOutbox)
	b := tx.Bucket(bucketOutbox)
	c := tx.Bucket(bucketOutboxCase).Cursor()
	for k, r := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, r = c.Next() {
		id := k[len(prefix):]
		e, err := decodeEffect(id, b.Get(id))
		if err != nil {
			out.release()
			return nil, err
		}
		out.all = append(out.all, e)
		out.keys = append(out.keys, r...)
		out.ends = append(out.ends, len(out.keys))
	}
	return out, nil
}

// decodeEffect decodes the stored effect v, whose ID is id, through
// decoded.
func decodeEffect(id, v []byte) (conversation.Effect, error) {
	if v == nil {
		return conversation.Effect{}, conversation.Internal("decode effect", errors.New("indexed effect missing"))
	}
	if e, ok := decoded.get(id, v); ok {
		return e, nil
	}
	e := new(conversation.Effect)
	if err := json.Unmarshal(v, e); err != nil {
		return conversation.Effect{}, conversation.Internal("decode effect", err)
	}
	e.ID = string(id)
	decoded.put(*e, v)
	return *e, nil
}

// decoded remembers the effects recently decoded, with the bytes they
// were decoded from: every change of one of a case's effects reindexes
// the case from all its effects, so under a backlog the same ones are read
// again and again. An entry is used only when the stored bytes are still
// the same, so it is right for any data file and whatever a transaction
// did, committed or not.
var decoded = effectMemo{max: 1 << 13}

// effectMemo maps an effect ID to its stored bytes and their decoding, at
// most max of them (it forgets them all when full).
type effectMemo struct {
	mu  sync.Mutex
	max int
	m   map[string]memoEffect
}

type memoEffect struct {
	raw []byte
	e   conversation.Effect
}

// get returns the decoding of v, stored under id, if remembered.
func (m *effectMemo) get(id, v []byte) (conversation.Effect, bool) {
	m.mu.Lock()
	me, ok := m.m[string(id)]
	m.mu.Unlock()
	if !ok || !bytes.Equal(me.raw, v) {
		return conversation.Effect{}, false
	}
	e := me.e
	e.Unreached, e.Cases = slices.Clone(e.Unreached), slices.Clone(e.Cases)
	return e, true
}

// forget drops what is remembered of effect id, once it is deleted.
func (m *effectMemo) forget(id []byte) {
	m.mu.Lock()
	delete(m.m, string(id))
	m.mu.Unlock()
}

// put remembers e, decoded from v.
func (m *effectMemo) put(e conversation.Effect, v []byte) {
	e.Unreached, e.Cases = slices.Clone(e.Unreached), slices.Clone(e.Cases)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil || len(m.m) >= m.max {
		m.m = make(map[string]memoEffect)
	}
	m.m[e.ID] = memoEffect{raw: bytes.Clone(v), e: e}
}

// reindexCase rewrites the ready entries of case caseID's effects.
func reindexCase(tx *bolt.Tx, caseID string) error {
	co, err := caseEffects(tx, caseID)
	if err != nil {
		return err
	}
	defer co.release()
	return reindexWith(tx, caseID, co)
}

// reindexWith rewrites the ready entries of case caseID, whose effects in
// the outbox are co (with their entries as caseEffects read them).
func reindexWith(tx *bolt.Tx, caseID string, co *caseOutbox) error {
	byCase, ready := tx.Bucket(bucketOutboxCase), tx.Bucket(bucketOutboxReady)
	at, ok := conversation.ReadyAt(co.all)
	for i, e := range co.all {
		old := co.entry(i)
		if ok[i] && isReadyKey(old, at[i], e.ID) || !ok[i] && len(old) == 0 {
			continue
		}
		var r []byte
		if ok[i] {
			r = readyKey(at[i], e.ID)
		}
		k := caseEffectKey(caseID, e.ID)
		if len(old) > 0 {
			if err := ready.Delete(old); err != nil {
				return err
			}
		}
		if len(r) > 0 {
			if err := ready.Put(r, []byte(caseID)); err != nil {
				return err
			}
		}
		if err := byCase.Put(k, r); err != nil {
			return err
		}
	}
	return nil
}

// indexOutbox builds the outbox's indexes when they are empty and the
// outbox is not: a data file from before they existed.
func indexOutbox(tx *bolt.Tx) error {
	if k, _ := tx.Bucket(bucketOutboxCase).Cursor().First(); k != nil {
		return nil
	}
	all, err := pending(tx.Bucket(bucketOutbox))
	if err != nil {
		return err
	}
	cases := map[string]bool{}
	for _, e := range all {
		cases[e.CaseID] = true
		if err := tx.Bucket(bucketOutboxCase).Put(caseEffectKey(e.CaseID, e.ID), nil); err != nil {
			return err
		}
	}
	for id := range cases {
		if err := reindexCase(tx, id); err != nil {
			return err
		}
	}
	return nil
}

// pending reads every effect in b in ID order.
func pending(b *bolt.Bucket) ([]conversation.Effect, error) {
	var out []conversation.Effect
	err := b.ForEach(func(k, v []byte) error {
		e, err := decodeEffect(k, v)
		out = append(out, e)
		return err
	})
	return out, err
}

// readyBefore returns the case IDs of up to limit ready effects due at or
// before now, earliest first, keyed by effect ID.
func readyBefore(tx *bolt.Tx, now time.Time, limit int) (ids []string, cases map[string]string) {
	end := readyKey(now, "")
	cases = map[string]string{}
	c := tx.Bucket(bucketOutboxReady).Cursor()
	for k, v := c.First(); k != nil && bytes.Compare(k[:8], end) <= 0; k, v = c.Next() {
		id := string(k[8:])
		ids = append(ids, id)
		cases[id] = string(v)
		if limit > 0 && len(ids) == limit {
			break
		}
	}
	return ids, cases
}

// ClaimEffects implements conversation.Outbox in one write transaction, so
// two workers never hold the same effect. Returns EINTERNAL on failure.
func (s *Store) ClaimEffects(ctx context.Context, owner string, lease time.Duration, now time.Time, limit int) ([]conversation.Effect, error) {
	if err := ctx.Err(); err != nil {
		return nil, conversation.Internal("claim effects", err)
	}
	// Look first in a read transaction, so an idle worker's polls cost no
	// write (and no fsync).
	var any bool
	err := s.db.View(func(tx *bolt.Tx) error {
		ids, _ := readyBefore(tx, now, 1)
		any = len(ids) > 0
		return nil
	})
	if err != nil || !any {
		return nil, conversation.StoreResult("claim effects", err)
	}
	var out []conversation.Effect
	err = s.db.Update(func(tx *bolt.Tx) error {
		out = nil
		b := tx.Bucket(bucketOutbox)
		ids, caseOf := readyBefore(tx, now, limit)
		// The index says whose turn it is; the case's own effects, read
		// whole, decide, as Claimable does for the whole outbox. Each
		// case's effects are read once; the claimed ones are changed in
		// that list too, and the case is reindexed from it.
		type caseClaim struct {
			*caseOutbox
			at map[string]int // claimable effect ID → its index in all
		}
		claims := map[string]*caseClaim{}
		defer func() {
			for _, cc := range claims {
				cc.release()
			}
		}()
		for _, id := range ids {
			caseID := caseOf[id]
			cc := claims[caseID]
			if cc == nil {
				co, err := caseEffects(tx, caseID)
				if err != nil {
					return err
				}
				cc = &caseClaim{caseOutbox: co, at: map[string]int{}}
				for _, i := range conversation.Claimable(co.all, now, 0) {
					cc.at[co.all[i].ID] = i
				}
				claims[caseID] = cc
			}
			i, ok := cc.at[id]
			if !ok {
				continue
			}
			e := &cc.all[i]
			e.Owner, e.LeaseUntil, e.Attempts = owner, now.Add(lease), e.Attempts+1
			if err := writeEffect(b, e.ID, e); err != nil {
				return err
			}
			out = append(out, *e)
		}
		for caseID, cc := range claims {
			if err := reindexWith(tx, caseID, cc.caseOutbox); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, conversation.StoreResult("claim effects", err)
	}
	slices.SortFunc(out, func(a, b conversation.Effect) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// EnqueueOnce implements conversation.Outbox: key is remembered and e
// enqueued in one transaction. Returns EINTERNAL on failure.
func (s *Store) EnqueueOnce(ctx context.Context, key string, ttl time.Duration, e conversation.Effect, now time.Time) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, conversation.Internal("enqueue effect", err)
	}
	var fresh bool
	err := s.db.Update(func(tx *bolt.Tx) (err error) {
		if fresh, err = remember(tx, key, ttl, now); err != nil || !fresh {
			return err
		}
		e.Owner, e.LeaseUntil = "", time.Time{}
		return putEffect(tx.Bucket(bucketOutbox), "", &e)
	})
	if err != nil {
		return false, conversation.StoreResult("enqueue effect", err)
	}
	return fresh, nil
}

// held returns the effect id if owner holds its lease at now, or ECONFLICT.
func held(b *bolt.Bucket, id, owner string, now time.Time) (*conversation.Effect, error) {
	v := b.Get([]byte(id))
	if v == nil {
		return nil, errNotHeld
	}
	var e conversation.Effect
	if err := json.Unmarshal(v, &e); err != nil {
		return nil, conversation.Internal("decode effect", err)
	}
	if e.Owner != owner || !e.LeaseUntil.After(now) {
		return nil, errNotHeld
	}
	e.ID = id
	return &e, nil
}

var errNotHeld = conversation.Conflict("error.store.not_held", nil)

// CompleteEffect implements conversation.Outbox. Returns ECONFLICT when
// owner no longer holds the effect, EINTERNAL on failure.
func (s *Store) CompleteEffect(ctx context.Context, id, owner string, follow []conversation.Effect, now time.Time) error {
	if err := ctx.Err(); err != nil {
		return conversation.Internal("complete effect", err)
	}
	return conversation.StoreResult("complete effect", s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		e, err := held(b, id, owner, now)
		if err != nil {
			return err
		}
		if err := removeEffect(tx, e.CaseID, id); err != nil {
			return err
		}
		cases := []string{e.CaseID}
		for i := range follow {
			f := follow[i]
			f.Owner, f.LeaseUntil = "", time.Time{}
			if err := writeEffect(b, conversation.ChildEffectID(id, i), &f); err != nil {
				return err
			}
			if !slices.Contains(cases, f.CaseID) {
				cases = append(cases, f.CaseID)
			}
		}
		for _, c := range cases {
			if err := reindexCase(tx, c); err != nil {
				return err
			}
		}
		return nil
	}))
}

// RetryEffect implements conversation.Outbox. Returns ECONFLICT when owner
// no longer holds the effect, EINTERNAL on failure.
func (s *Store) RetryEffect(ctx context.Context, id, owner string, next, now time.Time) error {
	if err := ctx.Err(); err != nil {
		return conversation.Internal("retry effect", err)
	}
	return conversation.StoreResult("retry effect", s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		e, err := held(b, id, owner, now)
		if err != nil {
			return err
		}
		e.Owner, e.LeaseUntil, e.NextAt = "", time.Time{}, next
		return putEffect(b, id, e)
	}))
}

// PendingEffects implements conversation.Outbox. Returns EINTERNAL on
// failure.
func (s *Store) PendingEffects(ctx context.Context) ([]conversation.Effect, error) {
	if err := ctx.Err(); err != nil {
		return nil, conversation.Internal("read outbox", err)
	}
	var out []conversation.Effect
	err := s.db.View(func(tx *bolt.Tx) (err error) {
		out, err = pending(tx.Bucket(bucketOutbox))
		return err
	})
	if err != nil {
		return nil, conversation.StoreResult("read outbox", err)
	}
	return out, nil
}

// OutboxStats implements conversation.Outbox. Returns EINTERNAL on failure.
func (s *Store) OutboxStats(ctx context.Context) (conversation.OutboxStats, error) {
	all, err := s.PendingEffects(ctx)
	if err != nil {
		return conversation.OutboxStats{}, err
	}
	return conversation.StatsOf(all), nil
}

// deleteEffects removes every effect of case id in tx.
func deleteEffects(tx *bolt.Tx, id string) error {
	co, err := caseEffects(tx, id)
	if err != nil {
		return err
	}
	defer co.release()
	for _, e := range co.all {
		if err := removeEffect(tx, id, e.ID); err != nil {
			return err
		}
	}
	return nil
}

// EnqueueEffect implements conversation.Outbox: e goes in with the next
// sequence number. Returns EINTERNAL on failure.
func (s *Store) EnqueueEffect(ctx context.Context, e conversation.Effect) error {
	if err := ctx.Err(); err != nil {
		return conversation.Internal("enqueue effect", err)
	}
	return conversation.StoreResult("enqueue effect", s.db.Update(func(tx *bolt.Tx) error {
		return putEffect(tx.Bucket(bucketOutbox), "", &e)
	}))
}
