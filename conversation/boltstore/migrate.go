package boltstore

import (
	"bytes"

	bolt "go.etcd.io/bbolt"

	"github.com/resolvebot/resolvebot/conversation"
)

// recordBuckets are the buckets whose values are versioned records.
var recordBuckets = []struct {
	name []byte
	kind string
}{{bucketCases, conversation.RecordCase}, {bucketPeople, conversation.RecordPerson}, {bucketDrafts, conversation.RecordDraft}}

// Migrate rewrites every record (case, person, draft, message ref) older
// than conversation.SchemaVersion in the current format, in one write
// transaction: a case held in one record with its whole timeline becomes
// its state record and its log of events (see conversation.CaseLog), leaving current records and every value's content as they
// are (sealed values stay sealed; a case's Version does not change), and
// writes the summary (see conversation.SummaryOf) of every case stored
// before summaries were kept, counted as conversation.RecordSummary. Reads
// upgrade older records anyway; Migrate makes the file current, so later
// versions need not carry the old upgrade steps. It returns an EINTERNAL error
// if a record cannot be read (one from a newer resolvebot included) or the
// file cannot be written; nothing is changed then.
func (s *Store) Migrate() (conversation.MigrateReport, error) {
	var rep conversation.MigrateReport
	err := s.db.Update(func(tx *bolt.Tx) error {
		rep = conversation.MigrateReport{}
		upgrade := func(b *bolt.Bucket, kind string) error {
			type put struct{ k, v []byte }
			var puts []put
			err := b.ForEach(func(k, v []byte) error {
				if v == nil {
					return nil // a nested bucket
				}
				out, changed, err := conversation.UpgradeRecord(kind, v)
				if err != nil {
					return conversation.Internal("migrate "+kind, err)
				}
				rep.Count(kind, changed)
				if changed {
					puts = append(puts, put{append([]byte(nil), k...), out})
				}
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
			return nil
		}
		for _, rb := range recordBuckets[1:] {
			if err := upgrade(tx.Bucket(rb.name), rb.kind); err != nil {
				return err
			}
		}
		if err := migrateCases(tx, &rep); err != nil {
			return err
		}
		read, wrote, err := backfillSummaries(tx, nil)
		if err != nil {
			return err
		}
		for i := range read {
			rep.Count(conversation.RecordSummary, i < wrote)
		}
		refs := tx.Bucket(bucketRefs)
		var cases [][]byte
		if err := refs.ForEach(func(k, v []byte) error {
			if v == nil {
				cases = append(cases, append([]byte(nil), k...))
			}
			return nil
		}); err != nil {
			return err
		}
		for _, c := range cases {
			if err := upgrade(refs.Bucket(c), conversation.RecordRef); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return rep, conversation.StoreResult("migrate", err)
	}
	return rep, nil
}

// migrateCases moves every case in the older single-record form (or an
// older schema) to its state record and log of events, keeping its
// Version.
func migrateCases(tx *bolt.Tx, rep *conversation.MigrateReport) error {
	type old struct {
		id     []byte
		c      *conversation.Case
		events []conversation.Event
		logged int
	}
	var olds []old
	err := tx.Bucket(bucketCases).ForEach(func(k, v []byte) error {
		ver, err := conversation.RecordSchema(v)
		if err != nil {
			return conversation.Internal("migrate case", err)
		}
		c, logged, inline, err := conversation.DecodeState(v)
		if err != nil {
			return conversation.Internal("migrate case", err)
		}
		changed := inline != nil || ver < conversation.SchemaVersion
		rep.Count(conversation.RecordCase, changed)
		if changed {
			olds = append(olds, old{bytes.Clone(k), c, inline, logged})
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, o := range olds {
		if o.events != nil {
			if err := appendEvents(tx, string(o.id), 0, o.events); err != nil {
				return err
			}
		}
		if err := putState(tx, o.c, o.logged); err != nil {
			return err
		}
	}
	return nil
}
