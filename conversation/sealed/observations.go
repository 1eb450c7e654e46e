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

// RewriteObservations calls fn on every observation opened, and stores
// again, sealed under the primary key, each one fn changed. Returns how
// many it rewrote, fn's error unchanged, or EINTERNAL if a description does
// not open or seal or the wrapped store keeps no observations.
func (s *Store) RewriteObservations(ctx context.Context, fn func(*conversation.Observation) (bool, error)) (int, error) {
	st, ok := s.Store.(conversation.ObservationStore)
	if !ok {
		return 0, noObservations()
	}
	return st.RewriteObservations(ctx, func(o *conversation.Observation) (bool, error) {
		aad := observationAAD(o)
		if err := s.Keys.open(&o.Description, aad); err != nil {
			return false, sealErr("open observation "+o.ID, err)
		}
		changed, err := fn(o)
		if err != nil || !changed {
			return false, err
		}
		if err := s.Keys.reseal(&o.Description, observationAAD(o)); err != nil {
			return false, sealErr("seal observation "+o.ID, err)
		}
		return true, nil
	})
}

// DeleteObservationsBefore is the wrapped store's: it reads no
// description. Returns what the store returns, or EINTERNAL if it keeps no
// observations.
func (s *Store) DeleteObservationsBefore(ctx context.Context, cutoff time.Time) (int, error) {
	st, ok := s.Store.(conversation.ObservationStore)
	if !ok {
		return 0, noObservations()
	}
	return st.DeleteObservationsBefore(ctx, cutoff)
}

// rekeyObservations re-seals under the primary key every observation whose
// description is not sealed with it, for Rekey. A store that keeps no
// observations has none to rekey.
func (s *Store) rekeyObservations(ctx context.Context, rep *RekeyReport) error {
	st, ok := s.Store.(conversation.ObservationStore)
	if !ok {
		return nil
	}
	n, err := st.RewriteObservations(ctx, func(o *conversation.Observation) (bool, error) {
		rep.Observations++
		if s.Keys.current(o.Description) {
			return false, nil
		}
		if err := s.Keys.reseal(&o.Description, observationAAD(o)); err != nil {
			return false, sealErr("seal observation "+o.ID, err)
		}
		return true, nil
	})
	rep.ObservationsRekeyed += n
	return err
}
