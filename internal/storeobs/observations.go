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
