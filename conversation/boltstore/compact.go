package boltstore

import (
	"fmt"
	"os"
	"path/filepath"

	bolt "go.etcd.io/bbolt"

	"github.com/resolvebot/resolvebot/conversation"
)

// Compact rewrites the data file so it holds only what is stored now:
// bbolt reuses freed pages but never clears them, so after values are
// rewritten (a rekey, a purge) their old bytes stay in the file until
// then. It copies every key and value into a fresh file beside it with
// bbolt.Compact, syncs it, and renames it over the data file (then syncs
// the directory), so a crash leaves either the old file or the new one.
// The store must not be in use meanwhile; Compact reopens it after. It
// returns the file's size before and after, and an EINTERNAL error if any
// step fails (the data file is then left as it was, or already replaced
// and reopened).
func (s *Store) Compact() (before, after int64, err error) {
	path := s.db.Path()
	if fi, err := os.Stat(path); err == nil {
		before = fi.Size()
	}
	tmp := path + ".compact"
	_ = os.Remove(tmp)
	dst, err := bolt.Open(tmp, 0o600, nil)
	if err != nil {
		return before, 0, conversation.Internal("compact: create "+tmp, err)
	}
	if err := bolt.Compact(dst, s.db, 64<<20); err != nil {
		dst.Close()
		os.Remove(tmp)
		return before, 0, conversation.Internal("compact", err)
	}
	if err := dst.Sync(); err != nil {
		dst.Close()
		os.Remove(tmp)
		return before, 0, conversation.Internal("compact: sync", err)
	}
	if err := dst.Close(); err != nil {
		os.Remove(tmp)
		return before, 0, conversation.Internal("compact: close", err)
	}
	delay := s.db.MaxBatchDelay
	if err := s.db.Close(); err != nil {
		os.Remove(tmp)
		return before, 0, conversation.Internal("compact: close data file", err)
	}
	renameErr := os.Rename(tmp, path)
	if renameErr == nil {
		renameErr = syncDir(filepath.Dir(path))
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: DefaultTimeout})
	if err != nil {
		return before, 0, conversation.Internal("compact: reopen "+path, err)
	}
	db.MaxBatchDelay = delay
	s.db = db
	if renameErr != nil {
		os.Remove(tmp)
		return before, 0, conversation.Internal("compact: replace data file", renameErr)
	}
	if fi, err := os.Stat(path); err == nil {
		after = fi.Size()
	}
	return before, after, nil
}

// syncDir fsyncs a directory, so a rename in it survives a crash.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
