package boltstore

import (
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
// summaries were kept has none to append to and is left without one;
// CaseSummaries summarises it from the case itself.
func putSummary(tx *bolt.Tx, c *conversation.Case, reset bool, events []conversation.Event) error {
	b := tx.Bucket(bucketSummaries)
	var kept []conversation.Event
	if !reset {
		old := b.Get([]byte(c.ID))
		if old == nil {
			return nil
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

// CaseSummaries returns every case's summary, newest first: it reads the
// summaries bucket, and the whole case only for one stored before
// summaries were kept. It returns EINTERNAL if the file cannot be read.
func (s *Store) CaseSummaries(ctx context.Context) ([]*conversation.Case, error) {
	if err := ctx.Err(); err != nil {
		return nil, conversation.Internal("case summaries", err)
	}
	var out []*conversation.Case
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
			out = append(out, conversation.SummaryOf(c))
		}
		return nil
	})
	if err != nil {
		return nil, conversation.StoreResult("case summaries", err)
	}
	sortNewestFirst(out)
	return out, nil
}
