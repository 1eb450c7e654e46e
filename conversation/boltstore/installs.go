package boltstore

import (
	"context"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/resolvebot/resolvebot/conversation"
)

// Slack installs are records in bucketSlackInstalls, by their key
// (conversation.SlackInstallKey).

var bucketSlackInstalls = []byte("slack_installs")

func init() { allBuckets = append(allBuckets, bucketSlackInstalls) }

// PutSlackInstallation stores inst under its key, replacing any earlier
// install there. Returns EINVALID for an install that cannot be stored and
// EINTERNAL if the file cannot be written.
func (s *Store) PutSlackInstallation(ctx context.Context, inst *conversation.SlackInstallation) error {
	if err := conversation.CheckSlackInstallation(inst); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return conversation.Internal("put slack install", err)
	}
	data, err := conversation.EncodeRecord(inst)
	if err != nil {
		return conversation.Internal("encode slack install", err)
	}
	return conversation.StoreResult("put slack install", s.db.Batch(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSlackInstalls).Put([]byte(inst.Key()), data)
	}))
}

// SlackInstallation returns the install under key. Returns ENOTFOUND if
// there is none and EINTERNAL if it cannot be read.
func (s *Store) SlackInstallation(ctx context.Context, key string) (*conversation.SlackInstallation, error) {
	if err := ctx.Err(); err != nil {
		return nil, conversation.Internal("get slack install", err)
	}
	var inst *conversation.SlackInstallation
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketSlackInstalls).Get([]byte(key))
		if v == nil {
			return conversation.NotFound("install.error.not_installed", nil)
		}
		inst = new(conversation.SlackInstallation)
		return decodeInstall(v, inst)
	})
	if err != nil {
		return nil, conversation.StoreResult("get slack install", err)
	}
	return inst, nil
}

// SlackInstallations returns every install, ordered by key. Returns
// EINTERNAL if they cannot be read.
func (s *Store) SlackInstallations(ctx context.Context) ([]*conversation.SlackInstallation, error) {
	if err := ctx.Err(); err != nil {
		return nil, conversation.Internal("list slack installs", err)
	}
	var out []*conversation.SlackInstallation
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSlackInstalls).ForEach(func(_, v []byte) error {
			inst := new(conversation.SlackInstallation)
			if err := decodeInstall(v, inst); err != nil {
				return err
			}
			out = append(out, inst)
			return nil
		})
	})
	if err != nil {
		return nil, conversation.StoreResult("list slack installs", err)
	}
	return out, nil
}

// DeleteSlackInstallation removes the install under key, if there is one.
// Returns EINTERNAL if the file cannot be written.
func (s *Store) DeleteSlackInstallation(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return conversation.Internal("delete slack install", err)
	}
	return conversation.StoreResult("delete slack install", s.db.Batch(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSlackInstalls).Delete([]byte(key))
	}))
}

// RefreshSlackInstallation stores inst only if the install under its key
// still expires at expiresAt, in one transaction. Returns ECONFLICT when
// it does not, ENOTFOUND when there is none, EINVALID for an install that
// cannot be stored and EINTERNAL if the file cannot be written.
func (s *Store) RefreshSlackInstallation(ctx context.Context, inst *conversation.SlackInstallation, expiresAt time.Time) error {
	if err := conversation.CheckSlackInstallation(inst); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return conversation.Internal("refresh slack install", err)
	}
	data, err := conversation.EncodeRecord(inst)
	if err != nil {
		return conversation.Internal("encode slack install", err)
	}
	return conversation.StoreResult("refresh slack install", s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSlackInstalls)
		v := b.Get([]byte(inst.Key()))
		if v == nil {
			return conversation.NotFound("install.error.not_installed", nil)
		}
		var cur conversation.SlackInstallation
		if err := decodeInstall(v, &cur); err != nil {
			return err
		}
		if !cur.ExpiresAt.Equal(expiresAt) {
			return conversation.ErrRefreshedElsewhere()
		}
		return b.Put([]byte(inst.Key()), data)
	}))
}

func decodeInstall(v []byte, inst *conversation.SlackInstallation) error {
	if err := conversation.DecodeRecord(conversation.RecordSlackInstall, v, inst); err != nil {
		return conversation.Internal("decode slack install", err)
	}
	return nil
}
