package boltstore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// ErrInUse is the cause when another process holds the data file.
var ErrInUse = errors.New("the data file is in use by another resolvebot")

// Backup writes a consistent copy of the whole data file to w, from one
// read transaction, while the store goes on serving (writers are not
// blocked). It returns the bytes written and an EINTERNAL error if the
// file cannot be read or w fails.
func (s *Store) Backup(w io.Writer) (int64, error) {
	var n int64
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, conversation.Internal("back up data file", err)
	}
	return n, nil
}

// BackupFile writes a consistent copy of the data file at path, which no
// process may be writing, to w: it opens it read-only, waiting at most
// timeout for the lock. It returns an EINTERNAL error wrapping ErrInUse if
// another resolvebot holds it (ask that one for the copy instead, with
// Backup), and EINTERNAL if it cannot be read.
func BackupFile(path string, w io.Writer, timeout time.Duration) (int64, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: timeout})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return 0, conversation.Internal("back up "+path, ErrInUse)
	}
	if err != nil {
		return 0, conversation.Internal("open "+path, err)
	}
	defer db.Close()
	return (&Store{db: db}).Backup(w)
}

// Summary is what Check found in a data file.
type Summary struct {
	Cases, People, Drafts int
	OldRecords            int // records from before the current schema version (Migrate rewrites them)
}

// Check opens the data file at path read-only and reports whether it is
// a resolvebot store every record of which this version can read: its
// case, person and draft buckets present (the others Open adds to a file
// from an older version), and every case, person and draft a record of
// schema at most conversation.SchemaVersion. It returns an EINVALID error
// saying what is wrong otherwise, wrapping ErrInUse if a process holds it.
func Check(path string) (Summary, error) {
	var sum Summary
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if errors.Is(err, bolterrors.ErrTimeout) {
		e := conversation.Invalid("error.store.in_use", messages.Args{"path": path})
		e.Err = ErrInUse
		return sum, e
	}
	if err != nil {
		return sum, conversation.Invalid("error.store.not_data_file", messages.Args{"path": path, "problem": err})
	}
	defer db.Close()
	err = db.View(func(tx *bolt.Tx) error {
		// The record buckets mark a resolvebot store; any other bucket
		// may be missing from an older one (the outbox, the event log…),
		// and Open adds it.
		for _, rb := range recordBuckets {
			if tx.Bucket(rb.name) == nil {
				return fmt.Errorf("it has no %q bucket", rb.name)
			}
		}
		for _, rb := range recordBuckets {
			err := tx.Bucket(rb.name).ForEach(func(k, v []byte) error {
				ver, err := conversation.RecordSchema(v)
				if err != nil || ver > conversation.SchemaVersion {
					return fmt.Errorf("%s %q cannot be read by this version (schema %d): %v", rb.kind, k, ver, err)
				}
				if ver < conversation.SchemaVersion {
					sum.OldRecords++
				}
				switch rb.kind {
				case conversation.RecordCase:
					sum.Cases++
				case conversation.RecordPerson:
					sum.People++
				case conversation.RecordDraft:
					sum.Drafts++
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return sum, conversation.Invalid("error.store.data_file_version", messages.Args{"path": path, "problem": err})
	}
	return sum, nil
}

// KeepCaseNumbers raises the case number counters of the data file at path
// to at least those of the data file at from, so a store restored from an
// older backup never issues again a case id that from had issued (and that
// may be written in a child's file). Years from has no counter for are left
// as they are. It returns how many counters it raised, and an EINTERNAL
// error if either file cannot be opened or path cannot be written.
func KeepCaseNumbers(path, from string) (int, error) {
	seen := map[string]uint64{}
	old, err := bolt.Open(from, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		return 0, conversation.Internal("open "+from, err)
	}
	err = old.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSeq)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			if len(v) == 8 {
				seen[string(k)] = binary.BigEndian.Uint64(v)
			}
			return nil
		})
	})
	old.Close()
	if err != nil {
		return 0, conversation.Internal("read case numbers of "+from, err)
	}
	if len(seen) == 0 {
		return 0, nil
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return 0, conversation.Internal("open "+path, err)
	}
	raised := 0
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketSeq)
		if err != nil {
			return err
		}
		for year, n := range seen {
			if v := b.Get([]byte(year)); len(v) == 8 && binary.BigEndian.Uint64(v) >= n {
				continue
			}
			var buf [8]byte
			binary.BigEndian.PutUint64(buf[:], n)
			if err := b.Put([]byte(year), buf[:]); err != nil {
				return err
			}
			raised++
		}
		return nil
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, conversation.Internal("keep case numbers in "+path, err)
	}
	return raised, nil
}
