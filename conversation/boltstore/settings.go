package boltstore

import (
	"context"
	"encoding/binary"

	bolt "go.etcd.io/bbolt"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// Each partnership's stored settings live in a bucket of their own under
// the settings bucket, created on first use, keyed by the big-endian
// version of each change: the last key is the settings now, and the history
// reads back newest first with one cursor. No case's write touches it.
var bucketSettings = []byte("settings")

var _ conversation.SettingsStore = (*Store)(nil)

// Settings returns the partnership's latest change. Returns ENOTFOUND when
// none is stored, EINTERNAL if the file cannot be read.
func (s *Store) Settings(ctx context.Context, partnership string) (conversation.SettingsChange, error) {
	cs, err := s.SettingsHistory(ctx, partnership, 1)
	if err != nil {
		return conversation.SettingsChange{}, err
	}
	if len(cs) == 0 {
		return conversation.SettingsChange{}, conversation.NotFound("settings.error.none_stored", messages.Args{"partnership": partnership})
	}
	return cs[0], nil
}

// PutSettings stores c when its version follows the stored one. Returns
// ECONFLICT when it does not, EINVALID for a bad version or partnership,
// EINTERNAL if the file cannot be written.
func (s *Store) PutSettings(ctx context.Context, c conversation.SettingsChange) error {
	if err := conversation.CheckSettingsChange(c); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return conversation.Internal("put settings", err)
	}
	return conversation.StoreResult("put settings", s.db.Update(func(tx *bolt.Tx) error {
		root, err := tx.CreateBucketIfNotExists(bucketSettings)
		if err != nil {
			return err
		}
		b, err := root.CreateBucketIfNotExists([]byte(c.Partnership))
		if err != nil {
			return err
		}
		var cur int64
		if k, _ := b.Cursor().Last(); k != nil {
			cur = int64(binary.BigEndian.Uint64(k))
		}
		if c.Version != cur+1 {
			return conversation.SettingsConflict(c.Partnership, cur)
		}
		v, err := conversation.EncodeRecord(c)
		if err != nil {
			return conversation.Internal("encode settings", err)
		}
		return b.Put(versionKey(c.Version), v)
	}))
}

// SettingsHistory returns up to limit of the partnership's changes, newest
// first. Returns EINTERNAL if the file cannot be read.
func (s *Store) SettingsHistory(ctx context.Context, partnership string, limit int) ([]conversation.SettingsChange, error) {
	if err := ctx.Err(); err != nil {
		return nil, conversation.Internal("settings history", err)
	}
	out := []conversation.SettingsChange{}
	err := s.db.View(func(tx *bolt.Tx) error {
		root := tx.Bucket(bucketSettings)
		if root == nil {
			return nil
		}
		b := root.Bucket([]byte(partnership))
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Last(); k != nil && (limit <= 0 || len(out) < limit); k, v = c.Prev() {
			var ch conversation.SettingsChange
			if err := conversation.DecodeRecord(conversation.RecordSettings, v, &ch); err != nil {
				return conversation.Internal("decode settings", err)
			}
			out = append(out, ch)
		}
		return nil
	})
	return out, conversation.StoreResult("settings history", err)
}

func versionKey(v int64) []byte {
	k := make([]byte, 8)
	binary.BigEndian.PutUint64(k, uint64(v))
	return k
}
