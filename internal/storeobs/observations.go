package storeobs

import (
	"context"
	"fmt"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
)

var _ conversation.ObservationStore = (*Store)(nil)

// AddObservation is the wrapped store's AddObservation, measured as
// "add_observation". Returns EINTERNAL if the wrapped store keeps none.
func (s *Store) AddObservation(ctx context.Context, o *conversation.Observation) (err error) {
	ctx, op := s.start(ctx, "add_observation", "")
	defer func() { s.end(op, err) }()
	st, ok := s.Store.(conversation.ObservationStore)
	if !ok {
		return conversation.Internal("add observation", fmt.Errorf("the wrapped store keeps no observations"))
	}
	return st.AddObservation(ctx, o)
}

// Observations is the wrapped store's Observations, measured as
// "observations". Returns EINTERNAL if the wrapped store keeps none.
func (s *Store) Observations(ctx context.Context, from, to time.Time) (v []conversation.Observation, err error) {
	ctx, op := s.start(ctx, "observations", "")
	defer func() { s.end(op, err) }()
	st, ok := s.Store.(conversation.ObservationStore)
	if !ok {
		return nil, conversation.Internal("list observations", fmt.Errorf("the wrapped store keeps no observations"))
	}
	return st.Observations(ctx, from, to)
}

// RewriteObservations is the wrapped store's RewriteObservations, measured
// as "rewrite_observations". Returns EINTERNAL if the wrapped store keeps
// none.
func (s *Store) RewriteObservations(ctx context.Context, fn func(*conversation.Observation) (bool, error)) (n int, err error) {
	ctx, op := s.start(ctx, "rewrite_observations", "")
	defer func() { s.end(op, err) }()
	st, ok := s.Store.(conversation.ObservationStore)
	if !ok {
		return 0, conversation.Internal("rewrite observations", fmt.Errorf("the wrapped store keeps no observations"))
	}
	return st.RewriteObservations(ctx, fn)
}

// DeleteObservationsBefore is the wrapped store's DeleteObservationsBefore,
// measured as "delete_observations". Returns EINTERNAL if the wrapped store
// keeps none.
func (s *Store) DeleteObservationsBefore(ctx context.Context, cutoff time.Time) (n int, err error) {
	ctx, op := s.start(ctx, "delete_observations", "")
	defer func() { s.end(op, err) }()
	st, ok := s.Store.(conversation.ObservationStore)
	if !ok {
		return 0, conversation.Internal("delete observations", fmt.Errorf("the wrapped store keeps no observations"))
	}
	return st.DeleteObservationsBefore(ctx, cutoff)
}
