package conversation

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Error codes. Adapters turn each into a clear reply to the person; only
// EINTERNAL is logged in full.
const (
	EINVALID   = "invalid"   // the input is wrong; the message says what to change
	ENOTFOUND  = "not_found" // no such case, draft or person
	ECONFLICT  = "conflict"  // the case changed since it was read
	EFORBIDDEN = "forbidden" // the actor may not see or do this
	EINTERNAL  = "internal"  // something broke on our side
)

// Error is the single error type of resolvebot. Message is written for the
// person who acted and never carries case text; Fields holds one message per
// form field for EINVALID errors.
type Error struct {
	Code    string
	Message string
	Fields  map[string]string
	Err     error
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Code)
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if len(e.Fields) > 0 {
		b.WriteString(" (")
		for i, k := range slices.Sorted(maps.Keys(e.Fields)) {
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(k + ": " + e.Fields[k])
		}
		b.WriteString(")")
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying cause, if any.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	if len(args) == 0 {
		// A constant message needs no formatting; the rights checks make
		// many of these for every card rendered.
		return &Error{Code: code, Message: format}
	}
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Internal wraps a cause as an EINTERNAL error with short context.
func Internal(context string, err error) *Error {
	return &Error{Code: EINTERNAL, Message: context, Err: err}
}

// FieldErrors collects one message per field while validating input.
type FieldErrors map[string]string

// Add records msg for field unless the field already has a message.
func (f FieldErrors) Add(field, msg string) {
	if _, ok := f[field]; !ok {
		f[field] = msg
	}
}

// Err returns nil when there are no field errors, otherwise an EINVALID
// *Error carrying them.
func (f FieldErrors) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "Some answers need another look.", Fields: map[string]string(f)}
}

// ErrorCode returns the code of err: the Code of an *Error found in its chain,
// EINTERNAL for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the person-facing message of err. Internal errors get a
// generic sentence so no detail of the cause leaks to chat.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL && e.Message != "" {
		return e.Message
	}
	return "Something went wrong on our side and nothing was changed. Please try again in a minute."
}

// ErrorFields returns the per-field messages of an EINVALID error, or nil.
func ErrorFields(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
