package conversation

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"time"
)

// Audit event kinds. An audit write appends exactly one of these and
// changes nothing else, so a card or form showing an earlier version stays
// usable (see Case.ChangedSince).
const (
	// EventViewed records that someone looked at the whole case.
	EventViewed EventKind = "viewed"
	// EventExported records that someone exported the case record;
	// Fields["format"] says in which format.
	EventExported EventKind = "exported"
	// EventAccessRefused records that someone outside the case tried to
	// see, export or act on it; Fields["attempt"] says what ("view",
	// "export", "access" or a verb).
	EventAccessRefused EventKind = "access_refused"
)

// auditVersionField is the field of an audit event holding the case version
// its write produced.
const auditVersionField = "version"

// IsAudit reports whether k is an audit event kind (viewed, exported,
// access refused), which records who looked rather than what happened.
func (k EventKind) IsAudit() bool {
	return k == EventViewed || k == EventExported || k == EventAccessRefused
}

// ChangedSince reports whether the case has changed in substance since
// version: some write after it did more than append an audit event. A
// version of 0 or the current one has not changed; a version ahead of the
// current one has.
func (c *Case) ChangedSince(version int64) bool {
	if version == 0 || version == c.Version {
		return false
	}
	if version > c.Version {
		return true
	}
	audits := int64(0)
	for _, e := range c.Events {
		if !e.Kind.IsAudit() {
			continue
		}
		if v, err := strconv.ParseInt(e.Fields[auditVersionField], 10, 64); err == nil && v > version {
			audits++
		}
	}
	return c.Version-version != audits
}

// LeadDirectory is an optional capability of a Directory: it knows the
// agencies whose cases a person may see as that agency's safeguarding lead.
type LeadDirectory interface {
	// LeadAgencies returns the keys of the agencies person is a
	// safeguarding lead for, or none. Errors are EINTERNAL.
	LeadAgencies(ctx context.Context, person string) ([]string, error)
}

// CanExport reports whether actor may export the case record: its parties,
// the people at any of its stages, and partnership roles. A safeguarding
// lead who is none of those may see the case but not export it.
func CanExport(c *Case, a Actor) bool { return CanAct(c, a) }

// View returns a case for actor to read in full and records the view on its
// timeline. Internal reads for rights checks use Get, which records nothing
// for people entitled to the case. Returns ENOTFOUND for an unknown id,
// EFORBIDDEN (recording the refused attempt on the case, and saying nothing
// of it) for someone who may not see it, and EINTERNAL on store failure.
func (e *Engine) View(ctx context.Context, actor, id string) (*Case, error) {
	return e.audit(ctx, actor, id, EventViewed, "view", CanSee, nil)
}

// RecordExport records on the case's timeline that actor exported its
// record in format ("pdf", "md", "json"), and returns the case as it
// stands after, to be exported. Only the case's parties and partnership
// roles may export. Returns ENOTFOUND for an unknown id, EFORBIDDEN
// (recording the refused attempt, and saying nothing of the case) for
// anyone else, EINVALID for an empty format and EINTERNAL on store failure.
func (e *Engine) RecordExport(ctx context.Context, actor, id, format string) (*Case, error) {
	if format == "" || len(format) > 20 {
		return nil, Errorf(EINVALID, "Please choose an export format.")
	}
	return e.audit(ctx, actor, id, EventExported, "export", CanExport, map[string]string{"format": format})
}

// GetFor is Get for a step the actor is attempting, such as a verb: a
// refusal is recorded on the case's timeline with attempt. Returns what Get
// returns.
func (e *Engine) GetFor(ctx context.Context, actor, id, attempt string) (*Case, error) {
	c, err := e.get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	a, err := e.Actor(ctx, actor)
	if err != nil {
		return nil, err
	}
	if !CanSee(c, a) {
		return nil, e.refuse(ctx, c.ID, a, attempt)
	}
	return c, nil
}

// get loads a case by a person-typed id.
func (e *Engine) get(ctx context.Context, actor, id string) (*Case, error) {
	id = NormaliseCaseID(id)
	c, err := e.Store.GetCase(ctx, id)
	if err != nil {
		return nil, notFound(id, err)
	}
	return c, nil
}

// audit appends one audit event of kind for actor if allowed lets them,
// and otherwise records a refusal of attempt.
func (e *Engine) audit(ctx context.Context, actor, id string, kind EventKind, attempt string, allowed func(*Case, Actor) bool, fields map[string]string) (*Case, error) {
	a, err := e.Actor(ctx, actor)
	if err != nil {
		return nil, err
	}
	id = NormaliseCaseID(id)
	now := e.now()
	refused := false
	c, err := e.Store.UpdateCase(ctx, id, func(c *Case) error {
		refused = !allowed(c, a)
		ev := auditEvent(c, kind, a, now)
		if refused {
			ev.Kind = EventAccessRefused
			ev.Fields["attempt"] = attempt
		} else {
			for k, v := range fields {
				ev.Fields[k] = v
			}
		}
		c.append(ev)
		return nil
	})
	if err != nil {
		return nil, notFound(id, err)
	}
	if refused {
		return nil, errNotParty
	}
	return c, nil
}

// refuse records that a refused what on case id and returns the
// refusal, which says nothing of the case. If the record cannot be written
// it returns EINTERNAL.
func (e *Engine) refuse(ctx context.Context, id string, a Actor, attempt string) error {
	now := e.now()
	_, err := e.Store.UpdateCase(ctx, id, func(c *Case) error {
		ev := auditEvent(c, EventAccessRefused, a, now)
		ev.Fields["attempt"] = attempt
		c.append(ev)
		return nil
	})
	if err != nil {
		var ce *Error
		if errors.As(err, &ce) && ce.Code == ENOTFOUND {
			return errNotParty
		}
		return Internal("record refused access to "+safeID(id), err)
	}
	return errNotParty
}

// auditEvent builds an audit event by a on c: at the current stage, with the
// version the write will produce, and no text.
func auditEvent(c *Case, kind EventKind, a Actor, now time.Time) Event {
	ev := Event{Kind: kind, At: now, Actor: a.ID, Fields: map[string]string{auditVersionField: strconv.FormatInt(c.Version+1, 10)}}
	if cur := c.Current(); cur != nil {
		ev.Stage = cur.Key
	}
	if kind != EventAccessRefused {
		ev.Side = c.SideOf(a.ID)
		if ev.Side == "" && a.Partnership {
			ev.Side = SidePartnership
		}
	}
	return ev
}

// Audits returns the audit events of a case (views, exports, refusals), in
// order.
func (c *Case) Audits() []Event {
	var out []Event
	for _, e := range c.Events {
		if e.Kind.IsAudit() {
			out = append(out, e)
		}
	}
	return slices.Clip(out)
}
