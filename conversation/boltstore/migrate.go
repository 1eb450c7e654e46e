package boltstore

import (
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
// transaction, leaving current records and every value's content as they
// are (sealed values stay sealed; a case's Version does not change). Reads
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
		for _, rb := range recordBuckets {
			if err := upgrade(tx.Bucket(rb.name), rb.kind); err != nil {
				return err
			}
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
