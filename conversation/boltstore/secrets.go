package boltstore

import (
	"bytes"
	"context"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/resolvebot/resolvebot/conversation"
)

// A secret is stored as its expiry (encTime, 8 bytes) followed by its
// value, with an entry of kind kindSecret in the expiry index so that
// collect removes it once it has expired.

var errNoSecret = conversation.NotFound("error.store.no_record", nil)

// PutSecret stores value under key until expires. It returns EINTERNAL if
// the file cannot be written.
func (s *Store) PutSecret(ctx context.Context, key string, value []byte, expires, now time.Time) error {
	if err := ctx.Err(); err != nil {
		return conversation.Internal("put secret", err)
	}
	return conversation.StoreResult("put secret", s.db.Batch(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSecrets)
		var old []byte
		if v := b.Get([]byte(key)); len(v) >= 8 {
			old = bytes.Clone(v[:8])
		}
		exp := encTime(expires)
		return putExpiring(tx, b, kindSecret, key, append(bytes.Clone(exp), value...), old, exp, now)
	}))
}

// GetSecret returns the value under key. It returns ENOTFOUND if there is
// none or it has expired at now.
func (s *Store) GetSecret(ctx context.Context, key string, now time.Time) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, conversation.Internal("get secret", err)
	}
	var out []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketSecrets).Get([]byte(key))
		if len(v) < 8 || !decTime(v[:8]).After(now) {
			return errNoSecret
		}
		out = bytes.Clone(v[8:])
		return nil
	})
	if err != nil {
		return nil, conversation.StoreResult("get secret", err)
	}
	return out, nil
}

// TakeSecret returns the value under key and deletes it in one write
// transaction, so only one caller gets it. It returns ENOTFOUND if there
// is none or it has expired at now.
func (s *Store) TakeSecret(ctx context.Context, key string, now time.Time) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, conversation.Internal("take secret", err)
	}
	var out []byte
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSecrets)
		v := b.Get([]byte(key))
		if v == nil {
			return errNoSecret
		}
		if len(v) < 8 || !decTime(v[:8]).After(now) {
			// Expired: leave it for collect, which removes it with its
			// expiry index entry.
			return errNoSecret
		}
		out = bytes.Clone(v[8:])
		if err := setExpiry(tx, kindSecret, key, bytes.Clone(v[:8]), nil); err != nil {
			return err
		}
		return b.Delete([]byte(key))
	})
	if err != nil {
		return nil, conversation.StoreResult("take secret", err)
	}
	return out, nil
}

// collectSecret deletes the secret key if it still expires at exp (it may
// have been replaced with a later expiry since).
func collectSecret(tx *bolt.Tx, key, exp []byte) error {
	b := tx.Bucket(bucketSecrets)
	if v := b.Get(key); len(v) >= 8 && bytes.Equal(v[:8], exp) {
		return b.Delete(key)
	}
	return nil
}
