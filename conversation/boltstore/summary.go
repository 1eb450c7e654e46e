package boltstore

import (
	"bytes"
	"context"

	bolt "go.etcd.io/bbolt"

	"github.com/resolvebot/resolvebot/conversation"
)

// bucketSummaries holds each case's summary (conversation.SummaryOf, as
// conversation.EncodeSummary writes it), by case id: its state, rewritten on every write, and the summaries
// of its events, appended as the case's log grows.
var bucketSummaries = []byte("summaries")

func init() { allBuckets = append(allBuckets, bucketSummaries) }

// putSummary writes c's summary in tx: afresh from events (every event of
// the case) when reset, otherwise the stored summary's events with those
// of events (the ones this write added) appended. A case stored before
// summaries were kept has none to append to: its summary is made afresh
// from every event in its log, which the caller has written already.
func putSummary(tx *bolt.Tx, c *conversation.Case, reset bool, events []conversation.Event) error {
	b := tx.Bucket(bucketSummaries)
	var kept []conversation.Event
	if !reset {
		old := b.Get([]byte(c.ID))
		if old == nil {
			all, err := wholeLog(tx, c.ID)
			if err != nil {
				return err
			}
			return putSummary(tx, c, true, all)
		}
		prev, err := conversation.DecodeSummary(old)
		if err != nil {
			return conversation.Internal("decode summary of case "+c.ID, err)
		}
		kept = prev.Events
	}
	s := conversation.SummaryState(c)
	s.Events = append(kept, conversation.SummaryEvents(events)...)
	v, err := conversation.EncodeSummary(s)
	if err != nil {
		return conversation.Internal("encode summary of case "+c.ID, err)
	}
	return b.Put([]byte(c.ID), v)
}

// wholeLog returns every event in case id's log bucket, in order.
func wholeLog(tx *bolt.Tx, id string) ([]conversation.Event, error) {
	var out []conversation.Event
	b := tx.Bucket(bucketEvents).Bucket([]byte(id))
	if b == nil {
		return out, nil
	}
	err := b.ForEach(func(_, v []byte) error {
		var e conversation.Event
		if err := conversation.DecodeEvent(v, &e); err != nil {
			return conversation.Internal("decode event of case "+id, err)
		}
		out = append(out, e)
		return nil
	})
	return out, err
}

// backfillSummaries writes, in tx, the summary of each case of ids (every
// case when ids is nil) that has none, from the whole case as stored. A
// case that has a summary, or no longer exists, is left alone, so it is
// safe to run at any time and again. It returns how many cases it read
// and how many summaries it wrote.
func backfillSummaries(tx *bolt.Tx, ids [][]byte) (read, wrote int, err error) {
	sums := tx.Bucket(bucketSummaries)
	if ids == nil {
		err := tx.Bucket(bucketCases).ForEach(func(k, _ []byte) error {
			ids = append(ids, bytes.Clone(k))
			return nil
		})
		if err != nil {
			return 0, 0, err
		}
	}
	for _, id := range ids {
		if tx.Bucket(bucketCases).Get(id) == nil {
			continue
		}
		read++
		if sums.Get(id) != nil {
			continue
		}
		c, err := getCase(tx, string(id), 0)
		if err != nil {
			return read, wrote, err
		}
		if err := putSummary(tx, c, true, c.Events); err != nil {
			return read, wrote, err
		}
		wrote++
	}
	return read, wrote, nil
}

// CaseSummaries returns every case's summary, newest first: it reads the
// summaries bucket, and the whole case only for one stored before
// summaries were kept, whose summary it then writes (see
// backfillSummaries), so the next call reads the summary alone. It
// returns EINTERNAL if the file cannot be read or that summary written.
func (s *Store) CaseSummaries(ctx context.Context) ([]*conversation.Case, error) {
	if err := ctx.Err(); err != nil {
		return nil, conversation.Internal("case summaries", err)
	}
	var out []*conversation.Case
	var missing [][]byte
	err := s.db.View(func(tx *bolt.Tx) error {
		sums := tx.Bucket(bucketSummaries)
		cur := tx.Bucket(bucketCases).Cursor()
		for k, _ := cur.First(); k != nil; k, _ = cur.Next() {
			if v := sums.Get(k); v != nil {
				c, err := conversation.DecodeSummary(v)
				if err != nil {
					return conversation.Internal("decode summary of case "+string(k), err)
				}
				out = append(out, c)
				continue
			}
			c, err := getCase(tx, string(k), 0)
			if err != nil {
				return err
			}
			s.wholeLoads.Add(1)
			out = append(out, conversation.SummaryOf(c))
			missing = append(missing, bytes.Clone(k))
		}
		return nil
	})
	if err == nil && len(missing) > 0 && !s.db.IsReadOnly() {
		err = s.db.Batch(func(tx *bolt.Tx) error {
			_, _, err := backfillSummaries(tx, missing)
			return err
		})
	}
	if err != nil {
		return nil, conversation.StoreResult("case summaries", err)
	}
	sortNewestFirst(out)
	return out, nil
}

// SummaryFallbacks returns how many cases CaseSummaries has read whole,
// since the store was opened, because they had no summary yet. It returns
// no error.
func (s *Store) SummaryFallbacks() int64 { return s.wholeLoads.Load() }
