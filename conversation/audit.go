package conversation

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"time"
)

// Access record kinds. They describe who looked at a case rather than
// what happened in it, so they go to the case's access log (see
// AuditRecord), never its timeline.
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

// auditVersionField is the field of an access event, as older versions
// wrote them on the timeline, holding the case version its write produced.
const auditVersionField = "version"

// IsAudit reports whether k is an access record kind (viewed, exported,
// access refused), which records who looked rather than what happened.
func (k EventKind) IsAudit() bool {
	return k == EventViewed || k == EventExported || k == EventAccessRefused
}

// AuditRecord is one entry of a case's access log: a view, an export or a
// refused attempt. It holds no case text. The log is kept beside the case,
// not in it, so looking at a case never changes it or makes it bigger.
type AuditRecord struct {
	// Seq is the record's place in the case's log, 1 for the first; the
	// store sets it.
	Seq   int       `json:"seq,omitempty"`
	Kind  EventKind `json:"kind"`
	Actor string    `json:"actor"`
	Stage string    `json:"stage,omitempty"`
	Side  Side      `json:"side,omitempty"`
	// At is when it happened: for merged records, the first time.
	At time.Time `json:"at"`
	// Last is the latest time of a merged record; zero for a single one.
	Last time.Time `json:"last,omitzero"`
	// Count is how many attempts a merged record stands for; 0 or 1 for one.
	Count  int               `json:"count,omitempty"`
	Fields map[string]string `json:"fields,omitempty"` // "attempt", "format"
	// Merge, when set, names the record this one folds into: appending a
	// record whose Merge the case's log already holds adds one to that
	// record's Count and makes its Last this one's At, instead of adding
	// a record.
	Merge string `json:"merge,omitempty"`
}

// RecordAudit is the record kind of a stored AuditRecord, for
// EncodeRecord and DecodeRecord: access records carry the schema version
// like every other stored record.
const RecordAudit = "audit"

// Times returns how many attempts the record stands for: at least 1.
func (r AuditRecord) Times() int { return max(r.Count, 1) }

// ChangedSince reports whether the case has changed in substance since
// version: some write after it did more than append an access event (as
// older versions wrote them on the timeline). A version of 0 or the
// current one has not changed; a version ahead of the current one has.
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

// View returns a case for actor to read in full and records the view in
// its access log; the case itself is not written. Internal reads for
// rights checks use Get, which records nothing for people entitled to the
// case. Returns ENOTFOUND for an unknown id and, in the same words, for
// someone who may not see it (recording the refused attempt), and
// EINTERNAL on store failure.
func (e *Engine) View(ctx context.Context, actor, id string) (*Case, error) {
	return e.access(ctx, actor, id, EventViewed, "view", CanSee, nil)
}

// RecordExport records in the case's access log that actor exported its
// record in format ("pdf", "md", "json"), and returns the case to be
// exported. Only the case's parties and partnership roles may export.
// Returns ENOTFOUND for an unknown id and, in the same words, for anyone
// outside the case (recording the refused attempt), EFORBIDDEN for a
// safeguarding lead who is not on it (recorded too), EINVALID for an empty
// format and EINTERNAL on store failure.
func (e *Engine) RecordExport(ctx context.Context, actor, id, format string) (*Case, error) {
	if format == "" || len(format) > 20 {
		return nil, Invalid("error.export.format", nil)
	}
	return e.access(ctx, actor, id, EventExported, "export", CanExport, map[string]string{"format": format})
}

// GetFor is Get for a step the actor is attempting, such as a verb: a
// refusal is recorded in the case's access log with attempt. Returns what
// Get returns.
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

// access records an access of kind by actor in the case's log if allowed
// lets them, and otherwise records a refusal of attempt.
func (e *Engine) access(ctx context.Context, actor, id string, kind EventKind, attempt string, allowed func(*Case, Actor) bool, fields map[string]string) (*Case, error) {
	a, err := e.Actor(ctx, actor)
	if err != nil {
		return nil, err
	}
	c, err := e.get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !allowed(c, a) {
		if err := e.refuse(ctx, c.ID, a, attempt); !CanSee(c, a) || ErrorCode(err) == EINTERNAL {
			return nil, err
		}
		return nil, errNoExport
	}
	r := accessRecord(c, kind, a, e.now())
	maps.Copy(r.Fields, fields)
	if err := e.Store.AppendAudit(ctx, c.ID, r); err != nil {
		return nil, notFound(c.ID, err)
	}
	return c, nil
}

var errNoExport = Forbidden("refusal.export.lead", nil)

// refuse records in the case's access log that a tried attempt on case id
// and returns the refusal, which says nothing of the case. Refusals of one
// attempt (a verb, "view", "export") by one person on one case on one day
// are merged into one record with a count and the first and last times, so
// repeated attempts cannot flood the log. If the record cannot be
// written it returns EINTERNAL.
func (e *Engine) refuse(ctx context.Context, id string, a Actor, attempt string) error {
	now := e.now()
	r := AuditRecord{Kind: EventAccessRefused, Actor: a.ID, At: now, Fields: map[string]string{"attempt": attempt},
		Merge: "refused:" + now.In(e.Calendar().Location()).Format(time.DateOnly) + ":" + attempt + ":" + a.ID}
	if err := e.Store.AppendAudit(ctx, id, r); err != nil && ErrorCode(err) != ENOTFOUND {
		return Internal("record refused access to "+safeID(id), err)
	}
	return noCase(id)
}

// accessRecord builds an access record by a on c: at the current stage,
// and with no text.
func accessRecord(c *Case, kind EventKind, a Actor, now time.Time) AuditRecord {
	r := AuditRecord{Kind: kind, At: now, Actor: a.ID, Fields: map[string]string{}}
	if cur := c.Current(); cur != nil {
		r.Stage = cur.Key
	}
	r.Side = c.SideOf(a.ID)
	if r.Side == "" && a.Partnership {
		r.Side = SidePartnership
	}
	return r
}

// AccessLog returns the access log of a case for actor: who viewed or
// exported it and who tried to reach it from outside, oldest first. Only
// partnership roles may have it. Returns ENOTFOUND for an unknown id and,
// in the same words, for anyone outside the case (recording the refused
// attempt), EFORBIDDEN for the case's own people, and EINTERNAL on store
// failure.
func (e *Engine) AccessLog(ctx context.Context, actor, id string) (*Case, []AuditRecord, error) {
	c, err := e.GetFor(ctx, actor, id, "access log")
	if err != nil {
		return nil, nil, err
	}
	a, err := e.Actor(ctx, actor)
	if err != nil {
		return nil, nil, err
	}
	if !a.readsAsPartnership(c) {
		return nil, nil, Forbidden("refusal.access_log.partnership", nil)
	}
	log, err := e.accessLog(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	return c, log, nil
}

// ExportAccessLog returns the access log of a case for its exported record,
// for someone RecordExport has let export it. Returns EINTERNAL on store
// failure.
func (e *Engine) ExportAccessLog(ctx context.Context, c *Case) ([]AuditRecord, error) {
	return e.accessLog(ctx, c)
}

func (e *Engine) accessLog(ctx context.Context, c *Case) ([]AuditRecord, error) {
	stored, err := e.Store.AuditLog(ctx, c.ID)
	if err != nil {
		return nil, Internal("read access log of "+c.ID, err)
	}
	return c.AccessLog(stored), nil
}

// AccessLog returns the case's whole access log: the access events older
// versions wrote on its timeline, which are left there and read as they
// are, and then the stored records, all in time order.
func (c *Case) AccessLog(stored []AuditRecord) []AuditRecord {
	var out []AuditRecord
	for _, e := range c.Audits() {
		r := AuditRecord{Kind: e.Kind, Actor: e.Actor, Stage: e.Stage, Side: e.Side, At: e.At, Fields: map[string]string{}}
		for k, v := range e.Fields {
			if k != auditVersionField {
				r.Fields[k] = v
			}
		}
		out = append(out, r)
	}
	out = append(out, stored...)
	slices.SortStableFunc(out, func(a, b AuditRecord) int { return a.At.Compare(b.At) })
	return out
}

// Practice returns the case's timeline without the access events older
// versions wrote on it: what happened in the case, for cards and records.
func (c *Case) Practice() []Event {
	if !slices.ContainsFunc(c.Events, func(e Event) bool { return e.Kind.IsAudit() }) {
		return c.Events
	}
	return slices.DeleteFunc(slices.Clone(c.Events), func(e Event) bool { return e.Kind.IsAudit() })
}

// Audits returns the access events older versions wrote on the case's
// timeline (views, exports, refusals), in order. New ones go to the
// access log instead (see Store.AppendAudit).
func (c *Case) Audits() []Event {
	var out []Event
	for _, e := range c.Events {
		if e.Kind.IsAudit() {
			out = append(out, e)
		}
	}
	return slices.Clip(out)
}
