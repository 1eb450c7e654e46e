package boltstore

import (
	"context"
	"encoding/binary"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
	bolt "go.etcd.io/bbolt"
)

// Observations of inter-agency differences live in a bucket of their own,
// created on first use, keyed by the big-endian nanoseconds of when each was
// logged and its sequence number, so a period reads back in order with one
// cursor seek. No case's write touches it.
var bucketObservations = []byte("observations")

var _ conversation.ObservationStore = (*Store)(nil)

// AddObservation stores o with the next observation id. Returns EINTERNAL
// if the file cannot be written.
func (s *Store) AddObservation(ctx context.Context, o *conversation.Observation) error {
	if err := ctx.Err(); err != nil {
		return conversation.Internal("add observation", err)
	}
	return conversation.StoreResult("add observation", s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketObservations)
		if err != nil {
			return err
		}
		n, err := b.NextSequence()
		if err != nil {
			return err
		}
		stored := *o
		stored.ID = conversation.ObservationID(o.At, n)
		v, err := conversation.EncodeRecord(stored)
		if err != nil {
			return conversation.Internal("encode observation", err)
		}
		if err := b.Put(observationKey(o.At, n), v); err != nil {
			return err
		}
		o.ID = stored.ID
		return nil
	}))
}

// Observations returns the observations logged in [from, to), oldest
// first. Returns EINTERNAL if the file cannot be read.
func (s *Store) Observations(ctx context.Context, from, to time.Time) ([]conversation.Observation, error) {
	if err := ctx.Err(); err != nil {
		return nil, conversation.Internal("list observations", err)
	}
	var out []conversation.Observation
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketObservations)
		if b == nil {
			return nil
		}
		end := observationKey(to, 0)
		c := b.Cursor()
		for k, v := c.Seek(observationKey(from, 0)); k != nil && string(k) < string(end); k, v = c.Next() {
			var o conversation.Observation
			if err := conversation.DecodeRecord(conversation.RecordObservation, v, &o); err != nil {
				return conversation.Internal("decode observation", err)
			}
			out = append(out, o)
		}
		return nil
	})
	return out, conversation.StoreResult("list observations", err)
}

// observationKey orders observations by when they were logged, then by
// sequence. Times before 1970 sort first.
func observationKey(at time.Time, seq uint64) []byte {
	k := make([]byte, 16)
	ns := at.UnixNano()
	if ns < 0 {
		ns = 0
	}
	binary.BigEndian.PutUint64(k, uint64(ns))
	binary.BigEndian.PutUint64(k[8:], seq)
	return k
}

// RewriteObservations calls fn on every observation, oldest first, and
// puts back under its own key each one fn changed, all in one write.
// Returns how many it rewrote, fn's error, or EINTERNAL if the file cannot
// be read or written; on an error nothing is rewritten.
func (s *Store) RewriteObservations(ctx context.Context, fn func(*conversation.Observation) (bool, error)) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, conversation.Internal("rewrite observations", err)
	}
	n := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketObservations)
		if b == nil {
			return nil
		}
		type put struct{ k, v []byte }
		var puts []put
		err := b.ForEach(func(k, v []byte) error {
			var o conversation.Observation
			if err := conversation.DecodeRecord(conversation.RecordObservation, v, &o); err != nil {
				return conversation.Internal("decode observation", err)
			}
			id, at := o.ID, o.At
			changed, err := fn(&o)
			if err != nil {
				return conversation.CallerError{Err: err}
			}
			if !changed {
				return nil
			}
			o.ID, o.At = id, at
			nv, err := conversation.EncodeRecord(o)
			if err != nil {
				return conversation.Internal("encode observation", err)
			}
			puts = append(puts, put{append([]byte(nil), k...), nv})
			return nil
		})
		if err != nil {
			return err
		}
		for _, p := range puts {
			if err := b.Put(p.k, p.v); err != nil {
				return err
			}
		}
		n = len(puts)
		return nil
	})
	if err != nil {
		n = 0
	}
	return n, conversation.StoreResult("rewrite observations", err)
}

// DeleteObservationsBefore deletes every observation logged before cutoff
// and returns how many. Returns EINTERNAL if the file cannot be written.
func (s *Store) DeleteObservationsBefore(ctx context.Context, cutoff time.Time) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, conversation.Internal("delete observations", err)
	}
	var keys [][]byte
	err := s.db.Update(func(tx *bolt.Tx) error {
		keys = nil
		b := tx.Bucket(bucketObservations)
		if b == nil {
			return nil
		}
		end := observationKey(cutoff, 0)
		c := b.Cursor()
		for k, _ := c.First(); k != nil && string(k) < string(end); k, _ = c.Next() {
			keys = append(keys, append([]byte(nil), k...))
		}
		for _, k := range keys {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, conversation.StoreResult("delete observations", err)
	}
	return len(keys), nil
}
