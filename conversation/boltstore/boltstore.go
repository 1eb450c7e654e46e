// Package boltstore is resolvebot's embedded store: one bbolt file, no
// server. It is the default store for a single replica.
//
// Layout (one bucket each): cases (id → the case's state as JSON, see
// conversation.CaseLog); events (one nested bucket per case: big-endian
// event number from 1 → the event as JSON, sealed event by event when the
// sealed store wraps this one, so a write appends its new events and
// rewrites only the state); due (big-endian DueAt +
// case id → nothing, so DueBefore is a cursor walk over what is due) and
// case_due (case id → its due key); people (id → JSON), handles (handle key
// → person id) and emails (lowercased email → person id); drafts (person id
// → JSON); refs (one nested bucket per case, keyed by a sequence, so refs
// come back in insertion order); remember (key → expiry); claims (key →
// owner and expiry); expiry (big-endian expiry + kind + key → nothing, so
// Remember and Claim delete a few entries whose time has passed each call,
// and the file does not grow with every idempotency key ever seen); seq
// (year → last case number); audit and audit_merge hold each case's access
// log (see audit.go); outbox (effect id → JSON, see outbox.go).
//
// Writes of cases, message refs and case ids go through bbolt's Batch, so
// concurrent writers share one fsync; a batched function may run more than
// once, which the Store contract allows.
package boltstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Store is a conversation.Store kept in one bbolt file. It is safe for
// concurrent use by many goroutines of one process; a second process
// cannot open the same file.
type Store struct {
	db *bolt.DB
	// wholeLoads counts the cases CaseSummaries read whole for want of a
	// summary (see SummaryFallbacks).
	wholeLoads atomic.Int64
}

var (
	_ conversation.Store   = (*Store)(nil)
	_ conversation.CaseLog = (*Store)(nil)
)

var (
	bucketCases    = []byte("cases")
	bucketDue      = []byte("due")
	bucketCaseDue  = []byte("case_due")
	bucketPeople   = []byte("people")
	bucketHandles  = []byte("handles")
	bucketEmails   = []byte("emails")
	bucketDrafts   = []byte("drafts")
	bucketRefs     = []byte("refs")
	bucketRemember = []byte("remember")
	bucketClaims   = []byte("claims")
	bucketSeq      = []byte("seq")
	bucketExpiry   = []byte("expiry")
	bucketEvents   = []byte("events")
	bucketSecrets  = []byte("secrets")

	allBuckets = [][]byte{bucketCases, bucketDue, bucketCaseDue, bucketPeople, bucketHandles, bucketEmails,
		bucketDrafts, bucketRefs, bucketRemember, bucketClaims, bucketSeq, bucketExpiry, bucketEvents, bucketSecrets}
)

// DefaultTimeout is how long Open waits for the file lock by default.
const DefaultTimeout = 2 * time.Second

// DefaultMaxBatchDelay is how long a batched write waits for others to
// join it before it commits, by default. bbolt's own default is 10ms, which
// every lone write (one button press on a quiet bot) would wait in full;
// 2ms still lets writes arriving while a commit's fsync runs share the
// next one (see BenchmarkSlackButton in adapters/slack).
const DefaultMaxBatchDelay = 2 * time.Millisecond

type options struct {
	timeout    time.Duration
	batchDelay time.Duration
}

// Option changes how Open opens the store.
type Option func(*options)

// WithTimeout sets how long Open waits for another process to release the
// data file before giving up (DefaultTimeout if not set). A zero or
// negative d uses DefaultTimeout, never an unbounded wait.
func WithTimeout(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.timeout = d
		}
	}
}

// WithMaxBatchDelay sets how long a batched write waits for others to
// join it (DefaultMaxBatchDelay if not set). A zero or negative d keeps
// the default.
func WithMaxBatchDelay(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.batchDelay = d
		}
	}
}

// Open opens or creates the store at path. If another process (another
// resolvebot) holds the file, Open gives up after the timeout with an
// EINTERNAL error saying the data file is in use; any other failure to
// open or prepare the file is an EINTERNAL error too.
func Open(path string, opts ...Option) (*Store, error) {
	o := options{timeout: DefaultTimeout, batchDelay: DefaultMaxBatchDelay}
	for _, opt := range opts {
		opt(&o)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: o.timeout})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, &conversation.Error{Code: conversation.EINTERNAL,
			Context: fmt.Sprintf("the data file %s is in use by another resolvebot", path), Err: err}
	}
	if err != nil {
		return nil, conversation.Internal("open data file "+path, err)
	}
	db.MaxBatchDelay = o.batchDelay
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return indexOutbox(tx)
	})
	if err != nil {
		_ = db.Close()
		return nil, conversation.Internal("prepare data file "+path, err)
	}
	return &Store{db: db}, nil
}

// Close closes the data file. It returns an EINTERNAL error if that fails.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return conversation.Internal("close data file", err)
	}
	return nil
}

// Commits returns how many write transactions the data file has committed
// since it was created; each is one fsync. Benchmarks use it to show that
// concurrent writes share commits through DB.Batch. It returns an
// EINTERNAL error if the file cannot be read.
func (s *Store) Commits() (int64, error) {
	var id int
	if err := s.db.View(func(tx *bolt.Tx) error { id = tx.ID(); return nil }); err != nil {
		return 0, conversation.Internal("read commit count", err)
	}
	return int64(id), nil
}

// Ping reports whether the data file is open and readable; it returns an
// EINTERNAL error if not.
func (s *Store) Ping(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return conversation.Internal("ping", err)
	}
	if err := s.db.View(func(tx *bolt.Tx) error { return nil }); err != nil {
		return conversation.Internal("ping", err)
	}
	return nil
}

// encTime encodes t as 8 big-endian bytes that sort in time order, negative
// (pre-1970) times included.
func encTime(t time.Time) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(t.UnixNano())^(1<<63))
	return b[:]
}

// decTime reverses encTime.
func decTime(b []byte) time.Time {
	return time.Unix(0, int64(binary.BigEndian.Uint64(b)^(1<<63))).UTC()
}

// dueKey is the due index key of a case: its DueAt, then its id.
func dueKey(id string, at time.Time) []byte {
	return append(encTime(at), id...)
}

// NextCaseID allocates the next case id of year, such as CR-2026-0042. It
// returns an EINTERNAL error if the file cannot be written.
func (s *Store) NextCaseID(ctx context.Context, year int) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", conversation.Internal("next case id", err)
	}
	var n uint64
	err := s.db.Batch(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSeq)
		key := []byte(strconv.Itoa(year))
		n = 1
		if v := b.Get(key); len(v) == 8 {
			n = binary.BigEndian.Uint64(v) + 1
		}
		var buf [8]byte
		binary.BigEndian.PutUint64(buf[:], n)
		return b.Put(key, buf[:])
	})
	if err != nil {
		return "", conversation.StoreResult("next case id", err)
	}
	return fmt.Sprintf("CR-%d-%04d", year, n), nil
}

// caseState is a case's state record as read in a transaction.
type caseState struct {
	c      *conversation.Case   // the state, Events empty
	logged int                  // how many events the case has
	inline []conversation.Event // the events, for a record in the older single-record form
}

// getState reads case id's state record in tx. It returns ENOTFOUND if
// there is none.
func getState(tx *bolt.Tx, id string) (caseState, error) {
	v := tx.Bucket(bucketCases).Get([]byte(id))
	if v == nil {
		return caseState{}, conversation.NotFound("error.store.no_case", messages.Args{"case": id})
	}
	c, logged, inline, err := conversation.DecodeState(v)
	if err != nil {
		return caseState{}, conversation.Internal("decode case "+id, err)
	}
	return caseState{c: c, logged: logged, inline: inline}, nil
}

// eventsAfter returns the events of st after the first have, read from
// the case's log (or from inside its record, in the older form). It
// returns an error wrapping conversation.ErrShortLog if the case has
// fewer than have events.
func eventsAfter(tx *bolt.Tx, id string, st caseState, have int) ([]conversation.Event, error) {
	if have < 0 || have > st.logged {
		return nil, conversation.Internal("read case "+id, conversation.ErrShortLog)
	}
	if st.inline != nil {
		return st.inline[have:], nil
	}
	out := make([]conversation.Event, 0, st.logged-have)
	if st.logged == have {
		return out, nil
	}
	b := tx.Bucket(bucketEvents).Bucket([]byte(id))
	if b == nil {
		return nil, conversation.Internal("read case "+id, fmt.Errorf("its log of %d events is missing", st.logged))
	}
	cur := b.Cursor()
	for k, v := cur.Seek(eventKey(have + 1)); k != nil && len(out) < st.logged-have; k, v = cur.Next() {
		var e conversation.Event
		if err := conversation.DecodeEvent(v, &e); err != nil {
			return nil, conversation.Internal("decode event of case "+id, err)
		}
		out = append(out, e)
	}
	if len(out) != st.logged-have {
		return nil, conversation.Internal("read case "+id, fmt.Errorf("its log holds %d of %d events", have+len(out), st.logged))
	}
	return out, nil
}

// eventKey is the key of the n-th event (from 1) in a case's log bucket.
func eventKey(n int) []byte {
	var k [8]byte
	binary.BigEndian.PutUint64(k[:], uint64(n))
	return k[:]
}

// getCase reads a case in tx with the events after the first have. It
// returns ENOTFOUND if there is none.
func getCase(tx *bolt.Tx, id string, have int) (*conversation.Case, error) {
	st, err := getState(tx, id)
	if err != nil {
		return nil, err
	}
	if st.c.Events, err = eventsAfter(tx, id, st, have); err != nil {
		return nil, err
	}
	return st.c, nil
}

// appendEvents writes events to case id's log as its events from+1
// onwards. With from 0 the log is started afresh.
func appendEvents(tx *bolt.Tx, id string, from int, events []conversation.Event) error {
	logs := tx.Bucket(bucketEvents)
	if from == 0 && logs.Bucket([]byte(id)) != nil {
		if err := logs.DeleteBucket([]byte(id)); err != nil {
			return err
		}
	}
	if len(events) == 0 {
		return nil
	}
	b, err := logs.CreateBucketIfNotExists([]byte(id))
	if err != nil {
		return err
	}
	b.FillPercent = 1 // appended in key order: fill pages full
	for i := range events {
		v, err := conversation.EncodeEvent(&events[i])
		if err != nil {
			return conversation.Internal("encode event of case "+id, err)
		}
		if err := b.Put(eventKey(from+i+1), v); err != nil {
			return err
		}
	}
	return nil
}

// putState writes c's state record, saying its log holds logged events,
// in tx and moves its due index entry to follow c.DueAt.
func putState(tx *bolt.Tx, c *conversation.Case, logged int) error {
	v, err := conversation.EncodeState(c, logged)
	if err != nil {
		return conversation.Internal("encode case "+c.ID, err)
	}
	if err := tx.Bucket(bucketCases).Put([]byte(c.ID), v); err != nil {
		return err
	}
	due, rev := tx.Bucket(bucketDue), tx.Bucket(bucketCaseDue)
	id := []byte(c.ID)
	var want []byte
	if !c.DueAt.IsZero() {
		want = dueKey(c.ID, c.DueAt)
	}
	old := rev.Get(id)
	if bytes.Equal(old, want) {
		return nil
	}
	if old != nil {
		if err := due.Delete(old); err != nil {
			return err
		}
	}
	if want == nil {
		return rev.Delete(id)
	}
	if err := due.Put(want, nil); err != nil {
		return err
	}
	return rev.Put(id, want)
}

// putCase writes the whole of c, its log started afresh.
func putCase(tx *bolt.Tx, c *conversation.Case) error {
	if err := appendEvents(tx, c.ID, 0, c.Events); err != nil {
		return err
	}
	if err := putSummary(tx, c, true, c.Events); err != nil {
		return err
	}
	return putState(tx, c, len(c.Events))
}

// CreateCase stores c with Version 1 and sets c.Version to 1. It returns
// ECONFLICT if a case with c.ID exists and EINTERNAL if the file cannot be
// written.
func (s *Store) CreateCase(ctx context.Context, c *conversation.Case) error {
	if err := ctx.Err(); err != nil {
		return conversation.Internal("create case", err)
	}
	nc := c.Clone()
	nc.Version = 1
	err := s.db.Batch(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketCases).Get([]byte(nc.ID)) != nil {
			return conversation.Conflict("error.store.case_exists", messages.Args{"case": nc.ID})
		}
		if err := putCase(tx, nc); err != nil {
			return err
		}
		return enqueueStep(ctx, tx, nc, 0)
	})
	if err != nil {
		return conversation.StoreResult("create case "+c.ID, err)
	}
	c.Version = 1
	return nil
}

// GetCase returns a copy of case id. It returns ENOTFOUND if there is none
// and EINTERNAL if it cannot be read.
func (s *Store) GetCase(ctx context.Context, id string) (*conversation.Case, error) {
	return s.GetCaseAfter(ctx, id, 0)
}

// GetCaseAfter returns a copy of case id with only the events after the
// first have (see conversation.CaseLog). It returns ENOTFOUND if there is
// none, EINTERNAL wrapping conversation.ErrShortLog if it has fewer than
// have events, and EINTERNAL if it cannot be read.
func (s *Store) GetCaseAfter(ctx context.Context, id string, have int) (*conversation.Case, error) {
	if err := ctx.Err(); err != nil {
		return nil, conversation.Internal("get case", err)
	}
	var c *conversation.Case
	err := s.db.View(func(tx *bolt.Tx) (err error) {
		c, err = getCase(tx, id, have)
		return err
	})
	if err != nil {
		return nil, conversation.StoreResult("get case "+id, err)
	}
	return c, nil
}

// UpdateCase reads case id, calls fn on a copy and writes it with Version
// incremented, all in one serialised transaction, so no update is lost. fn
// may be called more than once when concurrent writes are batched. Only
// the state record and the events fn appended are written. Errors from fn
// are returned unchanged and nothing is written; ENOTFOUND if there is no
// such case; EINTERNAL if the file cannot be read or written.
func (s *Store) UpdateCase(ctx context.Context, id string, fn func(*conversation.Case) error) (*conversation.Case, error) {
	return s.UpdateCaseAfter(ctx, id, 0, fn)
}

// UpdateCaseAfter is UpdateCase for a caller holding the case's first have
// events (see conversation.CaseLog): fn's copy carries only the events
// after those. A case still in the older single-record form is moved to
// the log form by this write. It returns what UpdateCase does, and
// EINTERNAL wrapping conversation.ErrShortLog if the case has fewer than
// have events.
func (s *Store) UpdateCaseAfter(ctx context.Context, id string, have int, fn func(*conversation.Case) error) (*conversation.Case, error) {
	return s.update(ctx, id, have, false, fn)
}

// RewriteCase calls fn on a copy of the whole case id and writes all of it
// again, every event included (see conversation.CaseLog), with Version
// incremented. It returns what UpdateCase does.
func (s *Store) RewriteCase(ctx context.Context, id string, fn func(*conversation.Case) error) (*conversation.Case, error) {
	return s.update(ctx, id, 0, true, fn)
}

// update is UpdateCaseAfter, or with all RewriteCase.
func (s *Store) update(ctx context.Context, id string, have int, all bool, fn func(*conversation.Case) error) (*conversation.Case, error) {
	if err := ctx.Err(); err != nil {
		return nil, conversation.Internal("update case", err)
	}
	var out *conversation.Case
	err := s.db.Batch(func(tx *bolt.Tx) error {
		out = nil
		st, err := getState(tx, id)
		if err != nil {
			return err
		}
		c := st.c
		if c.Events, err = eventsAfter(tx, id, st, have); err != nil {
			return err
		}
		version, given := c.Version, len(c.Events)
		if err := fn(c); err != nil {
			return conversation.CallerError{Err: err}
		}
		if len(c.Events) < given {
			return conversation.Internal("update case "+id, fmt.Errorf("the update removed events"))
		}
		c.ID, c.Version = id, version+1
		added := c.Events[given:]
		reset, written := true, c.Events
		switch {
		case all:
			err = appendEvents(tx, id, 0, c.Events)
		case st.inline != nil: // the older form: start the log with every event
			written = append(slices.Clip(st.inline[:have]), c.Events...)
			err = appendEvents(tx, id, 0, written)
		default:
			reset, written = false, added
			err = appendEvents(tx, id, st.logged, added)
		}
		if err != nil {
			return err
		}
		if err := putSummary(tx, c, reset, written); err != nil {
			return err
		}
		if err := putState(tx, c, st.logged+len(added)); err != nil {
			return err
		}
		if err := enqueueStep(ctx, tx, c, given); err != nil {
			return err
		}
		out = c.Clone()
		return nil
	})
	if err != nil {
		return nil, conversation.StoreResult("update case "+id, err)
	}
	return out, nil
}

// ListCases returns the cases matching f, newest (CreatedAt) first, ties by
// id descending. It reads every case, which is fine at partnership scale.
// It returns EINTERNAL if the file cannot be read.
func (s *Store) ListCases(ctx context.Context, f conversation.CaseFilter) ([]*conversation.Case, error) {
	if err := ctx.Err(); err != nil {
		return nil, conversation.Internal("list cases", err)
	}
	var out []*conversation.Case
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketCases).ForEach(func(k, v []byte) error {
			c, logged, inline, err := conversation.DecodeState(v)
			if err != nil {
				return conversation.Internal("decode case "+string(k), err)
			}
			if !matches(c, f) {
				return nil
			}
			if c.Events, err = eventsAfter(tx, string(k), caseState{c: c, logged: logged, inline: inline}, 0); err != nil {
				return err
			}
			out = append(out, c)
			return nil
		})
	})
	if err != nil {
		return nil, conversation.StoreResult("list cases", err)
	}
	sortNewestFirst(out)
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

// matches reports whether c passes filter f.
func matches(c *conversation.Case, f conversation.CaseFilter) bool {
	if f.Person != "" && !c.Involves(f.Person) {
		return false
	}
	return len(f.Statuses) == 0 || slices.Contains(f.Statuses, c.Status)
}

// sortNewestFirst orders cases by CreatedAt descending, then id descending.
func sortNewestFirst(cs []*conversation.Case) {
	slices.SortFunc(cs, func(a, b *conversation.Case) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	})
}

// DueBefore returns up to limit due index entries with DueAt at or before
// t, earliest first, ties by case id; limit <= 0 means no limit. It walks
// the time-ordered index from the start and stops at the first entry after
// t, so its cost depends only on what is due. It returns EINTERNAL if the
// file cannot be read.
func (s *Store) DueBefore(ctx context.Context, t time.Time, limit int) ([]conversation.DueItem, error) {
	if err := ctx.Err(); err != nil {
		return nil, conversation.Internal("due before", err)
	}
	end := encTime(t)
	var out []conversation.DueItem
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketDue).Cursor()
		for k, _ := c.First(); k != nil && len(k) >= 8; k, _ = c.Next() {
			if bytes.Compare(k[:8], end) > 0 || (limit > 0 && len(out) >= limit) {
				break
			}
			out = append(out, conversation.DueItem{CaseID: string(k[8:]), DueAt: decTime(k[:8])})
		}
		return nil
	})
	if err != nil {
		return nil, conversation.StoreResult("due before", err)
	}
	return out, nil
}

// SaveDraft stores d, replacing the person's earlier draft. It returns
// EINTERNAL if the file cannot be written.
func (s *Store) SaveDraft(ctx context.Context, d *conversation.Draft) error {
	if err := ctx.Err(); err != nil {
		return conversation.Internal("save draft", err)
	}
	v, err := conversation.EncodeRecord(d)
	if err != nil {
		return conversation.Internal("encode draft", err)
	}
	return conversation.StoreResult("save draft", s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDrafts).Put([]byte(d.PersonID), v)
	}))
}

// GetDraft returns personID's draft. A draft with ExpiresAt at or before now
// has expired; a zero ExpiresAt never expires. It returns ENOTFOUND if there
// is no draft or it has expired, and EINTERNAL if it cannot be read.
func (s *Store) GetDraft(ctx context.Context, personID string, now time.Time) (*conversation.Draft, error) {
	if err := ctx.Err(); err != nil {
		return nil, conversation.Internal("get draft", err)
	}
	var d *conversation.Draft
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketDrafts).Get([]byte(personID))
		if v == nil {
			return nil
		}
		d = new(conversation.Draft)
		return conversation.DecodeRecord(conversation.RecordDraft, v, d)
	})
	if err != nil {
		return nil, conversation.StoreResult("get draft", err)
	}
	if d == nil || (!d.ExpiresAt.IsZero() && !now.Before(d.ExpiresAt)) {
		return nil, conversation.NotFound("error.store.no_draft", nil)
	}
	return d, nil
}

// DeleteDraft removes personID's draft; removing none is not an error. It
// returns EINTERNAL if the file cannot be written.
func (s *Store) DeleteDraft(ctx context.Context, personID string) error {
	if err := ctx.Err(); err != nil {
		return conversation.Internal("delete draft", err)
	}
	return conversation.StoreResult("delete draft", s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDrafts).Delete([]byte(personID))
	}))
}

// handleKey is the index key of a platform handle.
func handleKey(platform, team, user string) []byte {
	return []byte(conversation.Handle{Platform: platform, Team: team, User: user}.Key())
}

// emailKey is the index key of an email address.
func emailKey(email string) []byte {
	return []byte(strings.ToLower(strings.TrimSpace(email)))
}

// PutPerson creates or replaces p and indexes its email and handles,
// dropping index entries of the person's old email and handles. It returns
// EINTERNAL if the file cannot be written.
func (s *Store) PutPerson(ctx context.Context, p *conversation.Person) error {
	if err := ctx.Err(); err != nil {
		return conversation.Internal("put person", err)
	}
	v, err := conversation.EncodeRecord(p)
	if err != nil {
		return conversation.Internal("encode person", err)
	}
	return conversation.StoreResult("put person", s.db.Update(func(tx *bolt.Tx) error {
		people, handles, emails := tx.Bucket(bucketPeople), tx.Bucket(bucketHandles), tx.Bucket(bucketEmails)
		id := []byte(p.ID)
		// deleteIf removes an index entry only if it still points at this person.
		deleteIf := func(b *bolt.Bucket, k []byte) error {
			if bytes.Equal(b.Get(k), id) {
				return b.Delete(k)
			}
			return nil
		}
		if ov := people.Get(id); ov != nil {
			var old conversation.Person
			if err := conversation.DecodeRecord(conversation.RecordPerson, ov, &old); err != nil {
				return conversation.Internal("decode person", err)
			}
			for _, h := range old.Handles {
				if err := deleteIf(handles, handleKey(h.Platform, h.Team, h.User)); err != nil {
					return err
				}
			}
			if old.Email != "" {
				if err := deleteIf(emails, emailKey(old.Email)); err != nil {
					return err
				}
			}
		}
		if err := people.Put(id, v); err != nil {
			return err
		}
		for _, h := range p.Handles {
			if err := handles.Put(handleKey(h.Platform, h.Team, h.User), id); err != nil {
				return err
			}
		}
		if p.Email != "" {
			return emails.Put(emailKey(p.Email), id)
		}
		return nil
	}))
}

// getPerson reads a person in tx, or returns ENOTFOUND.
func getPerson(tx *bolt.Tx, id []byte) (*conversation.Person, error) {
	v := tx.Bucket(bucketPeople).Get(id)
	if v == nil {
		return nil, conversation.NotFound("error.store.no_person", nil)
	}
	var p conversation.Person
	if err := conversation.DecodeRecord(conversation.RecordPerson, v, &p); err != nil {
		return nil, conversation.Internal("decode person", err)
	}
	return &p, nil
}

// GetPerson returns the person with id. It returns ENOTFOUND if unknown and
// EINTERNAL if the file cannot be read.
func (s *Store) GetPerson(ctx context.Context, id string) (*conversation.Person, error) {
	return s.findPerson(ctx, "get person", func(*bolt.Tx) []byte { return []byte(id) })
}

// FindPersonByHandle returns the person holding the platform handle. It
// returns ENOTFOUND if nobody does and EINTERNAL if the file cannot be read.
func (s *Store) FindPersonByHandle(ctx context.Context, platform, team, user string) (*conversation.Person, error) {
	return s.findPerson(ctx, "find person by handle", func(tx *bolt.Tx) []byte {
		return tx.Bucket(bucketHandles).Get(handleKey(platform, team, user))
	})
}

// FindPersonByEmail returns the person with email, in any letter case. It
// returns ENOTFOUND if nobody has it and EINTERNAL if the file cannot be
// read.
func (s *Store) FindPersonByEmail(ctx context.Context, email string) (*conversation.Person, error) {
	return s.findPerson(ctx, "find person by email", func(tx *bolt.Tx) []byte {
		if email == "" {
			return nil
		}
		return tx.Bucket(bucketEmails).Get(emailKey(email))
	})
}

// findPerson looks up a person id with lookup and reads that person.
func (s *Store) findPerson(ctx context.Context, what string, lookup func(*bolt.Tx) []byte) (*conversation.Person, error) {
	if err := ctx.Err(); err != nil {
		return nil, conversation.Internal(what, err)
	}
	var p *conversation.Person
	err := s.db.View(func(tx *bolt.Tx) (err error) {
		id := lookup(tx)
		if len(id) == 0 {
			return conversation.NotFound("error.store.no_person", nil)
		}
		p, err = getPerson(tx, id)
		return err
	})
	if err != nil {
		return nil, conversation.StoreResult(what, err)
	}
	return p, nil
}

// ListPeople returns every person, ordered by id. It returns EINTERNAL if
// the file cannot be read.
func (s *Store) ListPeople(ctx context.Context) ([]*conversation.Person, error) {
	if err := ctx.Err(); err != nil {
		return nil, conversation.Internal("list people", err)
	}
	var out []*conversation.Person
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketPeople).ForEach(func(_, v []byte) error {
			var p conversation.Person
			if err := conversation.DecodeRecord(conversation.RecordPerson, v, &p); err != nil {
				return conversation.Internal("decode person", err)
			}
			out = append(out, &p)
			return nil
		})
	})
	if err != nil {
		return nil, conversation.StoreResult("list people", err)
	}
	return out, nil // bbolt iterates in key (id) order
}

// AddMessageRef records a sent copy of a case card after the case's earlier
// ones. It returns EINTERNAL if the file cannot be written.
func (s *Store) AddMessageRef(ctx context.Context, ref conversation.MessageRef) error {
	if err := ctx.Err(); err != nil {
		return conversation.Internal("add message ref", err)
	}
	v, err := conversation.EncodeRecord(ref)
	if err != nil {
		return conversation.Internal("encode message ref", err)
	}
	return conversation.StoreResult("add message ref "+ref.CaseID, s.db.Batch(func(tx *bolt.Tx) error {
		b, err := tx.Bucket(bucketRefs).CreateBucketIfNotExists([]byte(ref.CaseID))
		if err != nil {
			return err
		}
		n, err := b.NextSequence()
		if err != nil {
			return err
		}
		var k [8]byte
		binary.BigEndian.PutUint64(k[:], n)
		return b.Put(k[:], v)
	}))
}

// MessageRefs returns the sent copies of caseID's cards, oldest first; none
// is an empty result, not an error. It returns EINTERNAL if the file cannot
// be read.
func (s *Store) MessageRefs(ctx context.Context, caseID string) ([]conversation.MessageRef, error) {
	if err := ctx.Err(); err != nil {
		return nil, conversation.Internal("message refs", err)
	}
	var out []conversation.MessageRef
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketRefs).Bucket([]byte(caseID))
		if b == nil {
			return nil
		}
		return b.ForEach(func(_, v []byte) error {
			var r conversation.MessageRef
			if err := conversation.DecodeRecord(conversation.RecordRef, v, &r); err != nil {
				return err
			}
			out = append(out, r)
			return nil
		})
	})
	if err != nil {
		return nil, conversation.StoreResult("message refs "+caseID, err)
	}
	return out, nil
}

// Remember records key until now+ttl. It returns true if the key was not
// remembered at now (new, or its ttl has passed) and false otherwise, and
// EINTERNAL if the file cannot be written.
func (s *Store) Remember(ctx context.Context, key string, ttl time.Duration, now time.Time) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, conversation.Internal("remember", err)
	}
	var fresh bool
	err := s.db.Batch(func(tx *bolt.Tx) (err error) {
		fresh, err = remember(tx, key, ttl, now)
		return err
	})
	if err != nil {
		return false, conversation.StoreResult("remember", err)
	}
	return fresh, nil
}

// remember is Remember inside tx.
func remember(tx *bolt.Tx, key string, ttl time.Duration, now time.Time) (bool, error) {
	b := tx.Bucket(bucketRemember)
	old := b.Get([]byte(key))
	if len(old) == 8 && decTime(old).After(now) {
		return false, nil
	}
	exp := encTime(now.Add(ttl))
	return true, putExpiring(tx, b, kindRemember, key, exp, old, exp, now)
}

// lease is a claim as stored.
type lease struct {
	Owner   string    `json:"owner"`
	Expires time.Time `json:"expires"`
}

// Claim gives owner the lease on key until now+lease if it is free,
// expired at now, or already owner's. It returns whether owner holds it,
// and EINTERNAL if the file cannot be written.
func (s *Store) Claim(ctx context.Context, key, owner string, d time.Duration, now time.Time) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, conversation.Internal("claim", err)
	}
	var won bool
	err := s.db.Batch(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketClaims)
		won = false
		var oldExp []byte
		if v := b.Get([]byte(key)); v != nil {
			var l lease
			if err := json.Unmarshal(v, &l); err != nil {
				return conversation.Internal("decode claim", err)
			}
			if l.Owner != owner && l.Expires.After(now) {
				return nil
			}
			oldExp = encTime(l.Expires)
		}
		l := lease{Owner: owner, Expires: now.Add(d)}
		v, err := json.Marshal(l)
		if err != nil {
			return err
		}
		won = true
		return putExpiring(tx, b, kindClaim, key, v, oldExp, encTime(l.Expires), now)
	})
	if err != nil {
		return false, conversation.StoreResult("claim", err)
	}
	return won, nil
}

// Release frees key if owner holds it; otherwise it does nothing. It
// returns EINTERNAL if the file cannot be written.
func (s *Store) Release(ctx context.Context, key, owner string) error {
	if err := ctx.Err(); err != nil {
		return conversation.Internal("release", err)
	}
	return conversation.StoreResult("release", s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketClaims)
		v := b.Get([]byte(key))
		if v == nil {
			return nil
		}
		var l lease
		if err := json.Unmarshal(v, &l); err != nil {
			return conversation.Internal("decode claim", err)
		}
		if l.Owner != owner {
			return nil
		}
		if err := setExpiry(tx, kindClaim, key, encTime(l.Expires), nil); err != nil {
			return err
		}
		return b.Delete([]byte(key))
	}))
}

// Kinds of entry in the expiry index.
const (
	kindRemember = 'r'
	kindClaim    = 'c'
	kindSecret   = 's'
)

// gcBatch is how many expired entries one Remember or Claim deletes at most.
const gcBatch = 32

// expiryKey is the expiry index key of key of kind, expiring at exp
// (encTime form).
func expiryKey(exp []byte, kind byte, key string) []byte {
	k := make([]byte, 0, len(exp)+1+len(key))
	return append(append(append(k, exp...), kind), key...)
}

// setExpiry moves key's expiry index entry from old to exp; either may be
// nil for none.
func setExpiry(tx *bolt.Tx, kind byte, key string, old, exp []byte) error {
	b := tx.Bucket(bucketExpiry)
	if len(old) == 8 {
		if err := b.Delete(expiryKey(old, kind, key)); err != nil {
			return err
		}
	}
	if exp == nil {
		return nil
	}
	return b.Put(expiryKey(exp, kind, key), nil)
}

// putExpiring stores value at key in b, which holds entries of kind, moves
// key's expiry index entry from old to exp (see setExpiry), and collects
// what had expired by now: the write Remember and Claim share.
func putExpiring(tx *bolt.Tx, b *bolt.Bucket, kind byte, key string, value, old, exp []byte, now time.Time) error {
	if err := setExpiry(tx, kind, key, old, exp); err != nil {
		return err
	}
	if err := b.Put([]byte(key), value); err != nil {
		return err
	}
	return collect(tx, now)
}

// collect deletes up to gcBatch remembered keys and claims that expired at
// or before now, earliest first.
func collect(tx *bolt.Tx, now time.Time) error {
	end := encTime(now)
	var expired [][]byte
	c := tx.Bucket(bucketExpiry).Cursor()
	for k, _ := c.First(); k != nil && len(expired) < gcBatch; k, _ = c.Next() {
		if len(k) < 9 || bytes.Compare(k[:8], end) > 0 {
			break
		}
		expired = append(expired, bytes.Clone(k))
	}
	for _, k := range expired {
		if err := tx.Bucket(bucketExpiry).Delete(k); err != nil {
			return err
		}
		exp, kind, key := k[:8], k[8], k[9:]
		switch kind {
		case kindRemember:
			b := tx.Bucket(bucketRemember)
			if bytes.Equal(b.Get(key), exp) {
				if err := b.Delete(key); err != nil {
					return err
				}
			}
		case kindSecret:
			if err := collectSecret(tx, key, exp); err != nil {
				return err
			}
		case kindClaim:
			b := tx.Bucket(bucketClaims)
			var l lease
			if v := b.Get(key); v != nil && json.Unmarshal(v, &l) == nil && bytes.Equal(encTime(l.Expires), exp) {
				if err := b.Delete(key); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// DeleteCase removes case id for good: the case, its due index entries, its
// message refs, its access log, and every claim and remembered key whose name contains the
// id (with their expiry entries). It returns ENOTFOUND if there is no such
// case and EINTERNAL if the file cannot be written.
func (s *Store) DeleteCase(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return conversation.Internal("delete case", err)
	}
	return conversation.StoreResult("delete case "+id, s.db.Update(func(tx *bolt.Tx) error {
		key := []byte(id)
		if tx.Bucket(bucketCases).Get(key) == nil {
			return conversation.NotFound("error.store.no_case", messages.Args{"case": id})
		}
		if err := tx.Bucket(bucketSummaries).Delete(key); err != nil {
			return err
		}
		if err := tx.Bucket(bucketCases).Delete(key); err != nil {
			return err
		}
		rev := tx.Bucket(bucketCaseDue)
		if old := rev.Get(key); old != nil {
			if err := tx.Bucket(bucketDue).Delete(old); err != nil {
				return err
			}
			if err := rev.Delete(key); err != nil {
				return err
			}
		}
		if tx.Bucket(bucketEvents).Bucket(key) != nil {
			if err := tx.Bucket(bucketEvents).DeleteBucket(key); err != nil {
				return err
			}
		}
		if err := deleteEffects(tx, id); err != nil {
			return err
		}
		if tx.Bucket(bucketRefs).Bucket(key) != nil {
			if err := tx.Bucket(bucketRefs).DeleteBucket(key); err != nil {
				return err
			}
		}
		if err := deleteAudit(tx, key); err != nil {
			return err
		}
		// Claims and remembered keys are named by their users; drop those
		// naming the case, so nothing of it stays behind.
		for _, b := range [][]byte{bucketClaims, bucketRemember} {
			if err := deleteKeysContaining(tx.Bucket(b), key, func([]byte) bool { return true }); err != nil {
				return err
			}
		}
		return deleteKeysContaining(tx.Bucket(bucketExpiry), key, func(k []byte) bool { return len(k) > 9 })
	}))
}

// deleteKeysContaining deletes the keys of b that contain sub and pass ok.
func deleteKeysContaining(b *bolt.Bucket, sub []byte, ok func([]byte) bool) error {
	var doomed [][]byte
	err := b.ForEach(func(k, _ []byte) error {
		if bytes.Contains(k, sub) && ok(k) {
			doomed = append(doomed, bytes.Clone(k))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range doomed {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// DeleteExpiredDrafts removes every draft with a non-zero ExpiresAt at or
// before now and returns how many it removed. It returns EINTERNAL if the
// file cannot be read or written.
func (s *Store) DeleteExpiredDrafts(ctx context.Context, now time.Time) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, conversation.Internal("delete expired drafts", err)
	}
	n := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		n = 0
		b := tx.Bucket(bucketDrafts)
		var doomed [][]byte
		err := b.ForEach(func(k, v []byte) error {
			var d conversation.Draft
			if err := conversation.DecodeRecord(conversation.RecordDraft, v, &d); err != nil {
				return conversation.Internal("decode draft", err)
			}
			if !d.ExpiresAt.IsZero() && !now.Before(d.ExpiresAt) {
				doomed = append(doomed, bytes.Clone(k))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range doomed {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		n = len(doomed)
		return nil
	})
	if err != nil {
		return 0, conversation.StoreResult("delete expired drafts", err)
	}
	return n, nil
}
