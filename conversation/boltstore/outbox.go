package boltstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"slices"
	"strings"
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
	b := tx.Bucket(bucketOutbox)
	n, err := b.NextSequence()
	if err != nil {
		return err
	}
	return putEffect(b, conversation.EffectID(n), e)
}

// putEffect writes e under id in the outbox b and brings the indexes of
// its case up to date.
func putEffect(b *bolt.Bucket, id string, e *conversation.Effect) error {
	v, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if err := b.Put([]byte(id), v); err != nil {
		return err
	}
	byCase, k := b.Tx().Bucket(bucketOutboxCase), caseEffectKey(e.CaseID, id)
	if byCase.Get(k) == nil {
		if err := byCase.Put(k, nil); err != nil {
			return err
		}
	}
	return reindexCase(b.Tx(), e.CaseID)
}

// deleteEffect removes effect id of case caseID and its index entries, and
// brings the indexes of the case up to date.
func deleteEffect(tx *bolt.Tx, caseID, id string) error {
	if err := tx.Bucket(bucketOutbox).Delete([]byte(id)); err != nil {
		return err
	}
	byCase, k := tx.Bucket(bucketOutboxCase), caseEffectKey(caseID, id)
	if r := byCase.Get(k); len(r) > 0 {
		if err := tx.Bucket(bucketOutboxReady).Delete(r); err != nil {
			return err
		}
	}
	if err := byCase.Delete(k); err != nil {
		return err
	}
	return reindexCase(tx, caseID)
}

func caseEffectKey(caseID, id string) []byte {
	return append(append([]byte(caseID), 0), id...)
}

func readyKey(t time.Time, id string) []byte {
	var n uint64
	if !t.IsZero() && t.UnixNano() > 0 {
		n = uint64(t.UnixNano())
	}
	return append(binary.BigEndian.AppendUint64(nil, n), id...)
}

// caseEffects reads the effects of case caseID in ID order.
func caseEffects(tx *bolt.Tx, caseID string) ([]conversation.Effect, error) {
	prefix := caseEffectKey(caseID, "")
	out := []conversation.Effect{}
	b := tx.Bucket(bucketOutbox)
	c := tx.Bucket(bucketOutboxCase).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		id := k[len(prefix):]
		e, err := decodeEffect(id, b.Get(id))
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

func decodeEffect(id, v []byte) (conversation.Effect, error) {
	var e conversation.Effect
	if v == nil {
		return e, conversation.Internal("decode effect", errors.New("indexed effect missing"))
	}
	if err := json.Unmarshal(v, &e); err != nil {
		return e, conversation.Internal("decode effect", err)
	}
	e.ID = string(id)
	return e, nil
}

// reindexCase rewrites the ready entries of case caseID's effects.
func reindexCase(tx *bolt.Tx, caseID string) error {
	all, err := caseEffects(tx, caseID)
	if err != nil {
		return err
	}
	byCase, ready := tx.Bucket(bucketOutboxCase), tx.Bucket(bucketOutboxReady)
	at, ok := conversation.ReadyAt(all)
	for i, e := range all {
		k := caseEffectKey(caseID, e.ID)
		old := byCase.Get(k)
		var r []byte
		if ok[i] {
			r = readyKey(at[i], e.ID)
		}
		if bytes.Equal(old, r) {
			continue
		}
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
		// whole, decide, as Claimable does for the whole outbox.
		claimable := map[string]map[string]bool{}
		for _, id := range ids {
			caseID := caseOf[id]
			ok, seen := claimable[caseID]
			if !seen {
				all, err := caseEffects(tx, caseID)
				if err != nil {
					return err
				}
				ok = map[string]bool{}
				for _, i := range conversation.Claimable(all, now, 0) {
					ok[all[i].ID] = true
				}
				claimable[caseID] = ok
			}
			if !ok[id] {
				continue
			}
			e, err := decodeEffect([]byte(id), b.Get([]byte(id)))
			if err != nil {
				return err
			}
			e.Owner, e.LeaseUntil, e.Attempts = owner, now.Add(lease), e.Attempts+1
			if err := putEffect(b, e.ID, &e); err != nil {
				return err
			}
			out = append(out, e)
		}
		for caseID := range claimable {
			if err := reindexCase(tx, caseID); err != nil {
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
		b := tx.Bucket(bucketOutbox)
		n, err := b.NextSequence()
		if err != nil {
			return err
		}
		e.Owner, e.LeaseUntil = "", time.Time{}
		return putEffect(b, conversation.EffectID(n), &e)
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
		if err := deleteEffect(tx, e.CaseID, id); err != nil {
			return err
		}
		for i := range follow {
			f := follow[i]
			f.Owner, f.LeaseUntil = "", time.Time{}
			if err := putEffect(b, conversation.ChildEffectID(id, i), &f); err != nil {
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
	all, err := caseEffects(tx, id)
	if err != nil {
		return err
	}
	for _, e := range all {
		if err := deleteEffect(tx, id, e.ID); err != nil {
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
		b := tx.Bucket(bucketOutbox)
		n, err := b.NextSequence()
		if err != nil {
			return err
		}
		return putEffect(b, conversation.EffectID(n), &e)
	}))
}
