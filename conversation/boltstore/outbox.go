package boltstore

import (
	"context"
	"encoding/json"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
	bolt "go.etcd.io/bbolt"
)

// bucketOutbox holds the effects not yet delivered: effect ID → JSON. IDs
// sort in delivery order (see conversation.EffectID), and the bucket's
// sequence numbers new steps' effects.
var bucketOutbox = []byte("outbox")

func init() { allBuckets = append(allBuckets, bucketOutbox) }

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

func putEffect(b *bolt.Bucket, id string, e *conversation.Effect) error {
	v, err := json.Marshal(e)
	if err != nil {
		return err
	}
	return b.Put([]byte(id), v)
}

// pending reads every effect in b in ID order.
func pending(b *bolt.Bucket) ([]conversation.Effect, error) {
	var out []conversation.Effect
	err := b.ForEach(func(k, v []byte) error {
		var e conversation.Effect
		if err := json.Unmarshal(v, &e); err != nil {
			return conversation.Internal("decode effect", err)
		}
		e.ID = string(k)
		out = append(out, e)
		return nil
	})
	return out, err
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
		all, err := pending(tx.Bucket(bucketOutbox))
		any = len(conversation.Claimable(all, now, 1)) > 0
		return err
	})
	if err != nil || !any {
		return nil, conversation.StoreResult("claim effects", err)
	}
	var out []conversation.Effect
	err = s.db.Update(func(tx *bolt.Tx) error {
		out = nil
		b := tx.Bucket(bucketOutbox)
		all, err := pending(b)
		if err != nil {
			return err
		}
		for _, i := range conversation.Claimable(all, now, limit) {
			e := all[i]
			e.Owner, e.LeaseUntil, e.Attempts = owner, now.Add(lease), e.Attempts+1
			if err := putEffect(b, e.ID, &e); err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	if err != nil {
		return nil, conversation.StoreResult("claim effects", err)
	}
	return out, nil
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

var errNotHeld = conversation.Errorf(conversation.ECONFLICT, "This delivery is no longer held by this worker.")

// CompleteEffect implements conversation.Outbox. Returns ECONFLICT when
// owner no longer holds the effect, EINTERNAL on failure.
func (s *Store) CompleteEffect(ctx context.Context, id, owner string, follow []conversation.Effect, now time.Time) error {
	if err := ctx.Err(); err != nil {
		return conversation.Internal("complete effect", err)
	}
	return conversation.StoreResult("complete effect", s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		if _, err := held(b, id, owner, now); err != nil {
			return err
		}
		if err := b.Delete([]byte(id)); err != nil {
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
	b := tx.Bucket(bucketOutbox)
	all, err := pending(b)
	if err != nil {
		return err
	}
	for _, e := range all {
		if e.CaseID == id {
			if err := b.Delete([]byte(e.ID)); err != nil {
				return err
			}
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
