package conversation

import (
	"errors"
	"maps"
	"slices"
	"strings"

	"github.com/resolvebot/resolvebot/bot/messages"
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

// Text is something to tell a person, not yet put into words: a key of the
// message catalogue (bot/messages/en/) and its arguments. The bot words it
// in the partnership's catalogue, with its preset's overrides, so the
// engine holds no English.
type Text struct {
	Key  string
	Args messages.Args
}

// Msg returns the Text of a catalogue key with its arguments. The key must
// be a string literal: bot/messages' test checks that it exists and that
// args are its placeholders.
func Msg(key string, args messages.Args) Text {
	return Text{Key: key, Args: args}
}

// In words t in catalogue c; the zero Text (nothing to say) is "".
func (t Text) In(c *messages.Catalogue) string {
	if t.Key == "" {
		return ""
	}
	return c.Text(t.Key, t.Args)
}

// Err returns an *Error with the given code telling the person t.
func (t Text) Err(code string) *Error {
	return &Error{Code: code, Key: t.Key, Args: t.Args}
}

// ErrorText returns the first sentence of what the person is told of err
// (see ErrorTexts), to show it where one text fits, such as below one
// answer of a form.
func ErrorText(err error) Text {
	if ts := ErrorTexts(err); len(ts) > 0 {
		return ts[0]
	}
	return Text{}
}

// Error is the single error type of resolvebot. What the person is told is
// a catalogue key and its arguments (Key, Args), with More sentences after
// it; Fields holds one Text per form field for EINVALID errors. Context
// says, for logs only, what was being done when an EINTERNAL error
// happened. None of them carries free text about a case.
type Error struct {
	Code    string
	Key     string
	Args    messages.Args
	More    []Text
	Fields  map[string]Text
	Context string
	Err     error
}

// Error implements error, for logs: the code, the message's key, the keys
// of the fields' messages, the context and the cause. Arguments are left
// out, since some of them repeat what the person typed.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Code)
	for _, s := range []string{e.Key, e.Context} {
		if s != "" {
			b.WriteString(": ")
			b.WriteString(s)
		}
	}
	if len(e.Fields) > 0 {
		b.WriteString(" (")
		for i, k := range slices.Sorted(maps.Keys(e.Fields)) {
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(k + ": " + e.Fields[k].Key)
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

// Fail returns an *Error with the given code telling the person the text
// of key. The key must be a string literal (see Msg).
func Fail(key, code string, args messages.Args) *Error {
	return &Error{Code: code, Key: key, Args: args}
}

// Invalid returns an EINVALID *Error telling the person the text of key.
func Invalid(key string, args messages.Args) *Error {
	return &Error{Code: EINVALID, Key: key, Args: args}
}

// Forbidden returns an EFORBIDDEN *Error telling the person the text of key.
func Forbidden(key string, args messages.Args) *Error {
	return &Error{Code: EFORBIDDEN, Key: key, Args: args}
}

// NotFound returns an ENOTFOUND *Error telling the person the text of key.
func NotFound(key string, args messages.Args) *Error {
	return &Error{Code: ENOTFOUND, Key: key, Args: args}
}

// Conflict returns an ECONFLICT *Error telling the person the text of key.
func Conflict(key string, args messages.Args) *Error {
	return &Error{Code: ECONFLICT, Key: key, Args: args}
}

// Internal wraps a cause as an EINTERNAL error with short context for the
// logs; the person is told only that something went wrong on our side.
func Internal(context string, err error) *Error {
	return &Error{Code: EINTERNAL, Context: context, Err: err}
}

// FieldErrors collects one message per field while validating input.
type FieldErrors map[string]Text

// Add records t for field unless the field already has a message.
func (f FieldErrors) Add(field string, t Text) {
	if _, ok := f[field]; !ok {
		f[field] = t
	}
}

// Err returns nil when there are no field errors, otherwise an EINVALID
// *Error carrying them.
func (f FieldErrors) Err() error {
	if len(f) == 0 {
		return nil
	}
	e := Invalid("form.another_look", nil)
	e.Fields = map[string]Text(f)
	return e
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

// errInternal is what a person is told of an internal error, so no detail
// of the cause reaches chat.
var errInternal = Msg("error.internal", nil)

// ErrorTexts returns what the person is told of err, sentence by sentence:
// its key and arguments, then its More. Internal errors, errors of other
// types and errors without a key give a generic sentence; nil gives none.
func ErrorTexts(err error) []Text {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL && e.Key != "" {
		return append([]Text{{Key: e.Key, Args: e.Args}}, e.More...)
	}
	return []Text{errInternal}
}

// ErrorMessage returns the person-facing message of err worded in catalogue
// c (the partnership's, with its overrides), "" for nil. Internal errors get
// a generic sentence so no detail of the cause leaks to chat.
func ErrorMessage(c *messages.Catalogue, err error) string {
	var parts []string
	for _, t := range ErrorTexts(err) {
		parts = append(parts, t.In(c))
	}
	return strings.Join(parts, " ")
}

// ErrorFields returns the per-field messages of an EINVALID error, or nil.
func ErrorFields(err error) map[string]Text {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// FieldMessages returns the per-field messages of an EINVALID error worded
// in catalogue c, or nil when it has none.
func FieldMessages(c *messages.Catalogue, err error) map[string]string {
	fields := ErrorFields(err)
	if len(fields) == 0 {
		return nil
	}
	out := make(map[string]string, len(fields))
	for k, t := range fields {
		out[k] = t.In(c)
	}
	return out
}
