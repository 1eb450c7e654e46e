package boltstore

import (
	"context"
	"encoding/binary"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/resolvebot/resolvebot/conversation"
)

// The partnership's download log lives in a bucket of its own, created on
// first use, keyed by the big-endian sequence of each record (its Seq), so
// it reads back newest first with one cursor. No case's write touches it.
var bucketDownloads = []byte("downloads")

// AppendDownload adds r to the download log in one batched transaction.
// Returns EINVALID for an incomplete record, EINTERNAL if the file cannot
// be written.
func (s *Store) AppendDownload(ctx context.Context, r conversation.DownloadRecord) error {
	if err := conversation.CheckDownload(r); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return conversation.Internal("append download", err)
	}
	return conversation.StoreResult("append download", s.db.Batch(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketDownloads)
		if err != nil {
			return err
		}
		n, err := b.NextSequence()
		if err != nil {
			return err
		}
		r.Seq = int64(n)
		v, err := conversation.EncodeRecord(r)
		if err != nil {
			return conversation.Internal("encode download", err)
		}
		return b.Put(versionKey(r.Seq), v)
	}))
}

// Downloads returns up to limit records of the download log, newest
// first. Returns EINTERNAL if the file cannot be read.
func (s *Store) Downloads(ctx context.Context, limit int) ([]conversation.DownloadRecord, error) {
	if err := ctx.Err(); err != nil {
		return nil, conversation.Internal("downloads", err)
	}
	out := []conversation.DownloadRecord{}
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketDownloads)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Last(); k != nil && (limit <= 0 || len(out) < limit); k, v = c.Prev() {
			var r conversation.DownloadRecord
			if err := conversation.DecodeRecord(conversation.RecordDownload, v, &r); err != nil {
				return conversation.Internal("decode download "+strconv.FormatUint(binary.BigEndian.Uint64(k), 10), err)
			}
			out = append(out, r)
		}
		return nil
	})
	return out, conversation.StoreResult("downloads", err)
}

// DeleteDownloadsBefore deletes every download record made before cutoff
// and returns how many it deleted. Returns EINTERNAL if the file cannot be
// written.
func (s *Store) DeleteDownloadsBefore(ctx context.Context, cutoff time.Time) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, conversation.Internal("delete old downloads", err)
	}
	n := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketDownloads)
		if b == nil {
			return nil
		}
		var old [][]byte
		err := b.ForEach(func(k, v []byte) error {
			var r conversation.DownloadRecord
			if err := conversation.DecodeRecord(conversation.RecordDownload, v, &r); err != nil {
				return conversation.Internal("decode download", err)
			}
			if r.At.Before(cutoff) {
				old = append(old, k)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range old {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		n = len(old)
		return nil
	})
	return n, conversation.StoreResult("delete old downloads", err)
}
