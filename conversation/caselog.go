package conversation

import (
	"context"
	"errors"
)

// CaseLog is implemented by stores that keep a case's timeline as what it
// is, an append-only log: the case's current state in one record and its
// events appended beside it, each stored on its own. A write then costs the
// same whatever the case's history. The sealed store uses it to open and
// seal only the events it has not seen before (events never change, so
// the ones it opened once stay true).
type CaseLog interface {
	// UpdateCaseAfter is UpdateCase for a caller that already holds the
	// first have events of the case's timeline: fn's copy carries in
	// Events only the events after those, in order, and appends new ones
	// after them; the store writes the state and only the new events, and
	// the case it returns carries the events after the first have. Events
	// fn's copy was given are not written again, changed or not. Returns
	// an error wrapping ErrShortLog, writing nothing, if the case has fewer
	// than have events, and otherwise what UpdateCase returns.
	UpdateCaseAfter(ctx context.Context, id string, have int, fn func(*Case) error) (*Case, error)
	// GetCaseAfter is GetCase returning in Events only the events after
	// the first have. Returns an error wrapping ErrShortLog if the case has
	// fewer than have events, and otherwise what GetCase returns.
	GetCaseAfter(ctx context.Context, id string, have int) (*Case, error)
	// RewriteCase is UpdateCase for a change to events already stored
	// (such as sealing them under a new key, for a rekey): fn gets the
	// whole case and the store writes it all again, every event included.
	// It returns what UpdateCase returns.
	RewriteCase(ctx context.Context, id string, fn func(*Case) error) (*Case, error)
}

// ErrShortLog is wrapped by a CaseLog's errors when a caller said it holds
// more of a case's events than the case has, which happens only when the
// case was deleted and stored again (a restore): the caller must forget
// what it holds and ask again from the start.
var ErrShortLog = errors.New("the case has fewer events than the caller holds")

// stateRecord is a case record as stored from SchemaVersion 2: the case
// without its events, and how many events its log holds. Events shadows
// the case's own field: empty when written, and holding the timeline when
// a record in the older single-record form is read.
type stateRecord struct {
	Case
	Events []Event `json:"events,omitempty"`
	Logged int     `json:"logged"`
}

// EncodeState returns the stored form of case c's state record (see
// CaseLog): c without its events, with "logged": logged, the number of
// events in its log. It returns an error if c does not encode.
func EncodeState(c *Case, logged int) ([]byte, error) {
	return EncodeRecord(stateRecord{Case: *c, Logged: logged})
}

// DecodeState reads a stored case record: the case's state (Events
// empty) and how many events its log holds; or, for a record in the older
// single-record form (before SchemaVersion 2), the events it holds inside,
// with inline true and logged the number of them. It returns the errors
// DecodeRecord does.
func DecodeState(data []byte) (c *Case, logged int, inline []Event, err error) {
	var r stateRecord
	if err := DecodeRecord(RecordCase, data, &r); err != nil {
		return nil, 0, nil, err
	}
	c = &r.Case
	c.Events = nil
	if r.Events != nil {
		return c, len(r.Events), r.Events, nil
	}
	return c, r.Logged, nil, nil
}

// EncodeEvent returns the stored form of one event of a case's log.
func EncodeEvent(e *Event) ([]byte, error) { return EncodeRecord(e) }

// DecodeEvent reads one stored event of a case's log. It returns the
// errors DecodeRecord does.
func DecodeEvent(data []byte, e *Event) error { return DecodeRecord(RecordEvent, data, e) }
