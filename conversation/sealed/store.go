package sealed

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
)

// caseFields calls fn with a pointer to each sensitive string of c and the
// additional data that binds it to the case and field: the child
// reference, the disagreement's free text, the resolution's way forward and
// actions, and every event's text. It stops at the first error.
func caseFields(c *conversation.Case, fn func(v *string, aad string) error) error {
	if err := stateFields(c, fn); err != nil {
		return err
	}
	return eventFields(c.ID, c.Events, fn)
}

// eventFields calls fn with each event's text, bound to case id and the
// event's sequence number.
func eventFields(id string, events []conversation.Event, fn func(v *string, aad string) error) error {
	base := "case:" + id + ":event:"
	for i := range events {
		e := &events[i]
		if err := fn(&e.Text, base+strconv.Itoa(e.Seq)); err != nil {
			return fmt.Errorf("event %d: %w", e.Seq, err)
		}
	}
	return nil
}

// stateFields is caseFields without the events.
func stateFields(c *conversation.Case, fn func(v *string, aad string) error) error {
	base := "case:" + c.ID + ":"
	for _, f := range []struct {
		name string
		v    *string
	}{
		{"child_ref", &c.ChildRef}, {"decision", &c.Decision}, {"concern", &c.Concern},
		{"evidence", &c.Evidence}, {"outcome_sought", &c.OutcomeSought}, {"cross_border", &c.CrossBorder},
	} {
		if err := fn(f.v, base+f.name); err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
	}
	if r := c.Resolution; r != nil {
		if err := fn(&r.WayForward, base+"way_forward"); err != nil {
			return fmt.Errorf("way forward: %w", err)
		}
		for i := range r.Actions {
			n := strconv.Itoa(i)
			if err := fn(&r.Actions[i].Description, base+"action:"+n+":description"); err != nil {
				return fmt.Errorf("action %d: %w", i, err)
			}
			if err := fn(&r.Actions[i].Owner, base+"action:"+n+":owner"); err != nil {
				return fmt.Errorf("action %d owner: %w", i, err)
			}
		}
	}
	return nil
}

// draftFields calls fn with each value of d, in key order, bound to the
// draft's owner and key.
func draftFields(d *conversation.Draft, fn func(v *string, aad string) error) error {
	for _, k := range slices.Sorted(maps.Keys(d.Values)) {
		v := d.Values[k]
		if err := fn(&v, "draft:"+d.PersonID+":"+k); err != nil {
			return fmt.Errorf("draft value %s: %w", k, err)
		}
		d.Values[k] = v
	}
	return nil
}

// SealCase seals c's sensitive strings in place under the primary key,
// opening any sealed under an older key first. Returns an error if a value
// cannot be opened or sealed.
func (k *Keyring) SealCase(c *conversation.Case) error {
	return caseFields(c, k.reseal)
}

// OpenCase opens c's sealed strings in place. Returns an error, with no
// case text, if one does not open.
func (k *Keyring) OpenCase(c *conversation.Case) error {
	return caseFields(c, k.open)
}

// SealDraft seals d's values in place under the primary key. Returns an
// error if a value cannot be opened or sealed.
func (k *Keyring) SealDraft(d *conversation.Draft) error {
	return draftFields(d, k.reseal)
}

// OpenDraft opens d's sealed values in place. Returns an error if one does
// not open.
func (k *Keyring) OpenDraft(d *conversation.Draft) error {
	return draftFields(d, k.open)
}

func (k *Keyring) open(v *string, aad string) error {
	pt, err := k.Open(*v, aad)
	if err != nil {
		return err
	}
	*v = pt
	return nil
}

func (k *Keyring) reseal(v *string, aad string) error {
	pt, err := k.Open(*v, aad)
	if err != nil {
		return err
	}
	out, err := k.Seal(pt, aad)
	if err != nil {
		return err
	}
	*v = out
	return nil
}

// current reports whether a stored value is as the keyring would write it
// now: sealed with the primary key, or plain (empty, or no keyring).
func (k *Keyring) current(v string) bool {
	id, sealed := KeyID(v)
	if k == nil {
		return !sealed
	}
	return v == "" || (sealed && id == k.primary)
}

// CaseCurrent reports whether every sensitive string of a stored case is as
// the keyring would write it now, so a rekey can leave the case alone.
func (k *Keyring) CaseCurrent(c *conversation.Case) bool {
	ok := true
	_ = caseFields(c, func(v *string, _ string) error {
		ok = ok && k.current(*v)
		return nil
	})
	return ok
}

// DraftCurrent reports whether every value of a stored draft is as the
// keyring would write it now.
func (k *Keyring) DraftCurrent(d *conversation.Draft) bool {
	for _, v := range d.Values {
		if !k.current(v) {
			return false
		}
	}
	return true
}

// Store is a conversation.Store that seals cases and drafts on the way in
// and opens them on the way out, over any other store. People, message
// refs and the scheduler's bookkeeping hold no case text and pass through.
// With a nil Keyring it stores plain text but still refuses to show sealed
// values it cannot open.
//
// Over a store that keeps timelines as logs (conversation.CaseLog), it
// remembers the events of the cases it has read or written, opened, and
// asks the store only for the events after those, so a write opens and
// seals only what is new, whatever the case's history (see timelines).
type Store struct {
	conversation.Store
	Keys  *Keyring
	log   conversation.CaseLog // the store's, when it has one
	cache timelines
}

var _ conversation.Store = (*Store)(nil)

// Wrap returns s sealing with keys (nil for none).
func Wrap(s conversation.Store, keys *Keyring) *Store {
	log, _ := s.(conversation.CaseLog)
	return &Store{Store: s, Keys: keys, log: log}
}

// Unwrap returns the store underneath, which holds sealed values.
func (s *Store) Unwrap() conversation.Store { return s.Store }

func sealErr(what string, err error) error {
	return conversation.Internal(what, err)
}

// CreateCase seals a copy of c and stores it, setting c.Version as the store
// does. Returns what the store returns, or EINTERNAL if sealing fails.
func (s *Store) CreateCase(ctx context.Context, c *conversation.Case) error {
	sc := c.Clone()
	if err := s.Keys.SealCase(sc); err != nil {
		return sealErr("seal case "+c.ID, err)
	}
	if err := s.Store.CreateCase(ctx, sc); err != nil {
		return err
	}
	c.Version = sc.Version
	if s.log != nil {
		s.cache.put(c.ID, cloneEvents(c.Events), nil)
	}
	return nil
}

// GetCase returns case id opened. Returns what the store returns, or
// EINTERNAL if a value does not open.
func (s *Store) GetCase(ctx context.Context, id string) (*conversation.Case, error) {
	if s.log != nil {
		return s.getLogged(ctx, id)
	}
	c, err := s.Store.GetCase(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.Keys.OpenCase(c); err != nil {
		return nil, sealErr("open case "+id, err)
	}
	return c, nil
}

// UpdateCase calls fn on the opened case and stores it sealed under the
// primary key, so every update also moves the case to the primary key
// (over a CaseLog, its state and the events fn appends; Rekey moves the
// rest). fn must not change the events already on the timeline, and nor
// may the caller change those of the case returned: over a CaseLog they
// are shared with the timeline this store remembers.
// Returns what the store returns, fn's errors unchanged, or EINTERNAL if a
// value does not open or seal.
func (s *Store) UpdateCase(ctx context.Context, id string, fn func(*conversation.Case) error) (*conversation.Case, error) {
	if s.log != nil {
		return s.updateLogged(ctx, id, fn)
	}
	c, err := s.Store.UpdateCase(ctx, id, func(c *conversation.Case) error {
		if err := s.Keys.OpenCase(c); err != nil {
			return sealErr("open case "+id, err)
		}
		if err := fn(c); err != nil {
			return err
		}
		c.ID = id // the additional data binds values to the stored id
		if err := s.Keys.SealCase(c); err != nil {
			return sealErr("seal case "+id, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := s.Keys.OpenCase(c); err != nil {
		return nil, sealErr("open case "+id, err)
	}
	return c, nil
}

// ListCases returns the matching cases opened. The filter reads only
// person ids and statuses, which are not sealed. Returns what the store
// returns, or EINTERNAL if a value does not open.
func (s *Store) ListCases(ctx context.Context, f conversation.CaseFilter) ([]*conversation.Case, error) {
	cs, err := s.Store.ListCases(ctx, f)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		if err := s.Keys.OpenCase(c); err != nil {
			return nil, sealErr("open case "+c.ID, err)
		}
	}
	return cs, nil
}

// SaveDraft seals a copy of d's values and stores it. Returns what the
// store returns, or EINTERNAL if sealing fails.
func (s *Store) SaveDraft(ctx context.Context, d *conversation.Draft) error {
	sd := *d
	sd.Values = make(map[string]string, len(d.Values))
	for k, v := range d.Values {
		sd.Values[k] = v
	}
	if err := s.Keys.SealDraft(&sd); err != nil {
		return sealErr("seal draft", err)
	}
	return s.Store.SaveDraft(ctx, &sd)
}

// GetDraft returns a person's draft opened. Returns what the store
// returns, or EINTERNAL if a value does not open.
func (s *Store) GetDraft(ctx context.Context, personID string, now time.Time) (*conversation.Draft, error) {
	d, err := s.Store.GetDraft(ctx, personID, now)
	if err != nil {
		return nil, err
	}
	if err := s.Keys.OpenDraft(d); err != nil {
		return nil, sealErr("open draft", err)
	}
	return d, nil
}

// RekeyReport says what Rekey did.
type RekeyReport struct {
	Cases, CasesRekeyed   int
	Drafts, DraftsRekeyed int
	DraftsExpired         int // expired drafts deleted rather than rewritten
	// Observations, ObservationsRekeyed count the observed differences
	// (conversation.ObservationStore) read and re-sealed.
	Observations, ObservationsRekeyed int
	// SlackInstalls, SlackInstallsRekeyed count the Slack installs
	// (conversation.SlackInstallation) read and whose bot token was
	// re-sealed.
	SlackInstalls, SlackInstallsRekeyed int
}

// Rekey rewrites every case, unexpired draft, observed difference and
// Slack install token whose
// values are not all sealed with the primary key (older keys, or plain
// text from before encryption was turned on), so that older keys can then
// be retired. Cases
// already current are left alone; a rewritten case gets a new version, as
// any update does. Drafts expired at now are deleted first, as purge
// would, so none is left under an old key. The old bytes of what it
// rewrites may remain in the store's free space: compact the bolt file
// afterwards (boltstore.Store.Compact). Returns EINTERNAL if a value does
// not open or a write fails; what was rewritten before stays rewritten,
// and running it again carries on.
func (s *Store) Rekey(ctx context.Context, now time.Time) (RekeyReport, error) {
	var rep RekeyReport
	n, err := s.Store.DeleteExpiredDrafts(ctx, now)
	rep.DraftsExpired = n
	if err != nil {
		return rep, err
	}
	cs, err := s.Store.ListCases(ctx, conversation.CaseFilter{})
	if err != nil {
		return rep, err
	}
	for _, c := range cs {
		rep.Cases++
		if s.Keys.CaseCurrent(c) {
			continue
		}
		if _, err := s.rewrite(ctx, c.ID); err != nil {
			if conversation.ErrorCode(err) == conversation.ENOTFOUND {
				continue // purged meanwhile
			}
			return rep, err
		}
		rep.CasesRekeyed++
	}
	people, err := s.Store.ListPeople(ctx)
	if err != nil {
		return rep, err
	}
	for _, p := range people {
		d, err := s.Store.GetDraft(ctx, p.ID, now)
		if conversation.ErrorCode(err) == conversation.ENOTFOUND {
			continue
		}
		if err != nil {
			return rep, err
		}
		rep.Drafts++
		if s.Keys.DraftCurrent(d) {
			continue
		}
		if err := s.Keys.OpenDraft(d); err != nil {
			return rep, sealErr("open draft", err)
		}
		if err := s.SaveDraft(ctx, d); err != nil {
			return rep, err
		}
		rep.DraftsRekeyed++
	}
	if err := s.rekeyObservations(ctx, &rep); err != nil {
		return rep, err
	}
	if err := s.rekeyInstalls(ctx, &rep); err != nil {
		return rep, err
	}
	return rep, nil
}

// DeleteCase removes case id for good (see conversation.Store), and
// forgets its events. It returns what the store returns.
func (s *Store) DeleteCase(ctx context.Context, id string) error {
	s.cache.forget(id)
	err := s.Store.DeleteCase(ctx, id)
	s.cache.forget(id)
	return err
}

// getLogged is GetCase over a CaseLog: the events remembered, and the
// ones after them read and opened.
func (s *Store) getLogged(ctx context.Context, id string) (*conversation.Case, error) {
	for range 2 {
		known := s.cache.get(id)
		c, err := s.log.GetCaseAfter(ctx, id, len(known))
		if errors.Is(err, conversation.ErrShortLog) {
			s.cache.forget(id) // stored again since: read it whole
			continue
		}
		if err != nil {
			return nil, err
		}
		if err := stateFields(c, s.Keys.open); err != nil {
			return nil, sealErr("open case "+id, err)
		}
		if err := eventFields(id, c.Events, s.Keys.open); err != nil {
			return nil, sealErr("open case "+id, err)
		}
		all := make([]conversation.Event, len(known)+len(c.Events))
		copy(all, known)
		copy(all[len(known):], c.Events)
		s.cache.put(id, all, nil)
		c.Events = cloneEvents(all)
		return c, nil
	}
	return nil, sealErr("get case "+id, conversation.ErrShortLog)
}

// updateLogged is UpdateCase over a CaseLog: fn gets the events
// remembered and the ones after them, opened; only the state and the
// events fn appends are sealed and written.
func (s *Store) updateLogged(ctx context.Context, id string, fn func(*conversation.Case) error) (*conversation.Case, error) {
	for range 2 {
		known, room := s.cache.take(id)
		have := len(known)
		var all []conversation.Event // the whole timeline as fn left it, opened
		out, err := s.log.UpdateCaseAfter(ctx, id, have, func(c *conversation.Case) error {
			all = nil
			stored := slices.Clone(c.Events) // as stored: the store writes them no more
			if err := stateFields(c, s.Keys.open); err != nil {
				return sealErr("open case "+id, err)
			}
			if err := eventFields(id, c.Events, s.Keys.open); err != nil {
				return sealErr("open case "+id, err)
			}
			given := have + len(c.Events)
			var full []conversation.Event
			if room != nil {
				// The room after the remembered events is ours: fn
				// appends there, and the timeline is not copied.
				full = append(known, c.Events...)
			} else {
				full = make([]conversation.Event, given, 2*given+8)
				copy(full, known)
				copy(full[have:], c.Events)
			}
			c.Events = full
			if err := fn(c); err != nil {
				return err
			}
			if len(c.Events) < given {
				return sealErr("update case "+id, fmt.Errorf("the update removed events"))
			}
			c.ID = id // the additional data binds values to the stored id
			all = c.Events
			added := slices.Clone(c.Events[given:])
			if err := stateFields(c, s.Keys.reseal); err != nil {
				return sealErr("seal case "+id, err)
			}
			if err := eventFields(id, added, s.Keys.reseal); err != nil {
				return sealErr("seal case "+id, err)
			}
			c.Events = append(stored, added...)
			return nil
		})
		if errors.Is(err, conversation.ErrShortLog) {
			s.cache.put(id, nil, room)
			s.cache.forget(id)
			continue
		}
		if err != nil {
			s.cache.put(id, nil, room)
			return nil, err
		}
		if err := stateFields(out, s.Keys.open); err != nil {
			s.cache.put(id, nil, room)
			return nil, sealErr("open case "+id, err)
		}
		s.cache.put(id, all, room)
		// The events are shared with what is remembered, as they never
		// change; the slice has no room, so appending to it copies.
		out.Events = slices.Clip(all)
		return out, nil
	}
	return nil, sealErr("update case "+id, conversation.ErrShortLog)
}

// rewrite opens case id whole and stores it again sealed under the
// primary key, every event included, for Rekey.
func (s *Store) rewrite(ctx context.Context, id string) (*conversation.Case, error) {
	reseal := func(c *conversation.Case) error {
		c.ID = id
		if err := s.Keys.SealCase(c); err != nil {
			return sealErr("seal case "+id, err)
		}
		return nil
	}
	if s.log == nil {
		return s.Store.UpdateCase(ctx, id, reseal)
	}
	s.cache.forget(id)
	return s.log.RewriteCase(ctx, id, reseal)
}

// cloneEvents returns a copy of events that shares nothing with them.
func cloneEvents(events []conversation.Event) []conversation.Event {
	out := slices.Clone(events)
	for i := range out {
		if out[i].Fields != nil {
			out[i].Fields = maps.Clone(out[i].Fields)
		}
	}
	return out
}
