package boltstore

import (
	"context"
	"encoding/binary"
	"time"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
	bolt "go.etcd.io/bbolt"
)

// The access log lives in two buckets of its own, created on first use:
// audit holds one nested bucket per case, keyed by a big-endian sequence
// (the record's Seq), so the log reads back in order; audit_merge holds one
// nested bucket per case from a record's Merge to its sequence key. Neither
// is touched by a case's writes.
var (
	bucketAudit      = []byte("audit")
	bucketAuditMerge = []byte("audit_merge")
)

// AppendAudit adds r to case id's access log, or merges it into the
// record with the same Merge, in one batched transaction that reads only
// whether the case exists. It returns ENOTFOUND if there is no such case
// and EINTERNAL if the file cannot be written.
func (s *Store) AppendAudit(ctx context.Context, id string, r conversation.AuditRecord) error {
	if err := ctx.Err(); err != nil {
		return conversation.Internal("append audit", err)
	}
	return conversation.StoreResult("append audit "+id, s.db.Batch(func(tx *bolt.Tx) error {
		key := []byte(id)
		if tx.Bucket(bucketCases).Get(key) == nil {
			return conversation.NotFound("error.store.no_case", messages.Args{"case": id})
		}
		log, err := nested(tx, bucketAudit, key)
		if err != nil {
			return err
		}
		var merge *bolt.Bucket
		if r.Merge != "" {
			if merge, err = nested(tx, bucketAuditMerge, key); err != nil {
				return err
			}
			if seq := merge.Get([]byte(r.Merge)); seq != nil {
				return mergeInto(log, seq, r.At)
			}
		}
		n, err := log.NextSequence()
		if err != nil {
			return err
		}
		r.Seq, r.Count, r.Last = int(n), 1, r.At
		if r.Merge == "" {
			r.Count, r.Last = 0, time.Time{}
		}
		v, err := conversation.EncodeRecord(r)
		if err != nil {
			return conversation.Internal("encode audit record", err)
		}
		var seq [8]byte
		binary.BigEndian.PutUint64(seq[:], n)
		if err := log.Put(seq[:], v); err != nil {
			return err
		}
		if merge != nil {
			return merge.Put([]byte(r.Merge), seq[:])
		}
		return nil
	}))
}

// mergeInto adds one to the count of the record at seq and moves its last
// time to at.
func mergeInto(log *bolt.Bucket, seq []byte, at time.Time) error {
	var old conversation.AuditRecord
	if err := conversation.DecodeRecord(conversation.RecordAudit, log.Get(seq), &old); err != nil {
		return conversation.Internal("decode audit record", err)
	}
	old.Count = old.Times() + 1
	if at.After(old.Last) {
		old.Last = at
	}
	v, err := conversation.EncodeRecord(old)
	if err != nil {
		return conversation.Internal("encode audit record", err)
	}
	return log.Put(seq, v)
}

// nested returns the bucket named key inside the top-level bucket top,
// creating both as needed.
func nested(tx *bolt.Tx, top, key []byte) (*bolt.Bucket, error) {
	b, err := tx.CreateBucketIfNotExists(top)
	if err != nil {
		return nil, err
	}
	return b.CreateBucketIfNotExists(key)
}

// AuditLog returns case id's access log, oldest first; none is an empty
// result. It returns EINTERNAL if the file cannot be read.
func (s *Store) AuditLog(ctx context.Context, id string) ([]conversation.AuditRecord, error) {
	if err := ctx.Err(); err != nil {
		return nil, conversation.Internal("audit log", err)
	}
	var out []conversation.AuditRecord
	err := s.db.View(func(tx *bolt.Tx) error {
		top := tx.Bucket(bucketAudit)
		if top == nil || top.Bucket([]byte(id)) == nil {
			return nil
		}
		return top.Bucket([]byte(id)).ForEach(func(_, v []byte) error {
			var r conversation.AuditRecord
			if err := conversation.DecodeRecord(conversation.RecordAudit, v, &r); err != nil {
				return conversation.Internal("decode audit record", err)
			}
			out = append(out, r)
			return nil
		})
	})
	if err != nil {
		return nil, conversation.StoreResult("audit log "+id, err)
	}
	return out, nil
}

// deleteAudit removes case key's access log in tx.
func deleteAudit(tx *bolt.Tx, key []byte) error {
	for _, top := range [][]byte{bucketAudit, bucketAuditMerge} {
		if b := tx.Bucket(top); b != nil && b.Bucket(key) != nil {
			if err := b.DeleteBucket(key); err != nil {
				return err
			}
		}
	}
	return nil
}
