package sealed

import (
	"context"
	"fmt"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
)

var _ conversation.ObservationStore = (*Store)(nil)

// observationAAD binds an observation's sealed description to when it was
// logged and by whom (its id is the store's to set).
func observationAAD(o *conversation.Observation) string {
	return fmt.Sprintf("observation:%d:%s", o.At.UnixNano(), o.By)
}

// noObservations is the error of a wrapped store that keeps none.
func noObservations() error {
	return conversation.Internal("observations", fmt.Errorf("the wrapped store keeps no observations"))
}

// AddObservation seals a copy of o's description and stores it, setting
// o.ID as the store does. Returns what the store returns, or EINTERNAL if
// sealing fails or the wrapped store keeps no observations.
func (s *Store) AddObservation(ctx context.Context, o *conversation.Observation) error {
	st, ok := s.Store.(conversation.ObservationStore)
	if !ok {
		return noObservations()
	}
	so := *o
	sealed, err := s.Keys.Seal(so.Description, observationAAD(&so))
	if err != nil {
		return sealErr("seal observation", err)
	}
	so.Description = sealed
	if err := st.AddObservation(ctx, &so); err != nil {
		return err
	}
	o.ID = so.ID
	return nil
}

// Observations returns the observations logged in [from, to), opened.
// Returns what the store returns, or EINTERNAL if a description does not
// open or the wrapped store keeps no observations.
func (s *Store) Observations(ctx context.Context, from, to time.Time) ([]conversation.Observation, error) {
	st, ok := s.Store.(conversation.ObservationStore)
	if !ok {
		return nil, noObservations()
	}
	obs, err := st.Observations(ctx, from, to)
	if err != nil {
		return nil, err
	}
	for i := range obs {
		if err := s.Keys.open(&obs[i].Description, observationAAD(&obs[i])); err != nil {
			return nil, sealErr("open observation "+obs[i].ID, err)
		}
	}
	return obs, nil
}
