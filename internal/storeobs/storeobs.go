// Package storeobs observes a conversation.Store: it wraps any store,
// reports how long each operation took and how it ended, and makes a
// trace span of each ("store get_case"), so both stores are measured and
// traced the same way without changing either. Operations are named in
// snake case ("get_case", "update_case"); only names, durations, outcomes
// and case ids pass through, never what is stored.
package storeobs

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/resolvebot/resolvebot/conversation"
)

// Observer receives one finished store operation: its name, how long it
// took and the error it returned (nil on success).
type Observer func(op string, d time.Duration, err error)

// Store is a conversation.Store that reports every operation to an
// Observer. Methods added to conversation.Store later pass through the
// embedded store unmeasured until they are added here.
type Store struct {
	conversation.Store
	observe Observer
}

var _ conversation.Store = (*Store)(nil)

// Wrap returns s reporting every operation to observe; a nil observe
// reports nothing.
func Wrap(s conversation.Store, observe Observer) *Store {
	if observe == nil {
		observe = func(string, time.Duration, error) {}
	}
	return &Store{Store: s, observe: observe}
}

// Unwrap returns the wrapped store, for callers that need one of its own
// capabilities.
func (s *Store) Unwrap() conversation.Store { return s.Store }

// op is one operation being measured.
type op struct {
	name  string
	start time.Time
	span  trace.Span
}

// start begins measuring operation name on caseID ("" when the operation
// is not about one case); end reports it with its error.
func (s *Store) start(ctx context.Context, name, caseID string) (context.Context, op) {
	ctx, span := startSpan(ctx, name, caseID)
	return ctx, op{name: name, start: time.Now(), span: span}
}

// end reports the operation o to the observer and ends its span.
func (s *Store) end(o op, err error) {
	s.observe(o.name, time.Since(o.start), err)
	endSpan(o.span, err)
}
