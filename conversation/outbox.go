package conversation

import (
	"context"
	"fmt"
	"time"
)

// EffectKind says what an outbox effect delivers.
type EffectKind string

// The kinds of effect. A step effect is written with the step itself; the
// delivery worker expands it into the others, one per recipient, so a
// worker that dies half way through a fan-out never sends anyone the same
// message twice.
const (
	// EffectStep announces a recorded step (the events FromSeq+1..ToSeq)
	// to everyone who must hear of it.
	EffectStep EffectKind = "step"
	// EffectMessage tells Recipient about the step.
	EffectMessage EffectKind = "message"
	// EffectRefresh updates every sent copy of the case's card.
	EffectRefresh EffectKind = "refresh"
	// EffectUnreached tells Recipient (who took the step) that the people
	// in Unreached could not be reached, and what to do.
	EffectUnreached EffectKind = "unreached"
	// EffectDigest sends Recipient the morning digest of the working day
	// Period ("2006-01-02"): the cases in Cases still waiting for them.
	EffectDigest EffectKind = "digest"
	// EffectSummary sends Recipient the partnership's summary of the
	// calendar month Period ("2006-01").
	EffectSummary EffectKind = "summary"
	// EffectSignIn emails Recipient a link to sign in to the web page,
	// leading to Next. It is about no case. The worker makes the link when
	// it sends the email, so no secret ever waits in the outbox.
	EffectSignIn EffectKind = "signin"
)

// Effect is one message a step causes, kept in the store's outbox until it
// has been delivered. It holds references only (case, version, events,
// people), never message text: the worker builds each message from the
// stored case when it delivers it, so no free text is kept outside the
// (sealed) case.
type Effect struct {
	// ID is assigned by the store. Effects are delivered in ID order per
	// recipient; an effect expanded from another has an ID that extends its
	// parent's, so it sorts in the parent's place.
	ID        string     `json:"-"`
	Kind      EffectKind `json:"kind"`
	CaseID    string     `json:"case"`
	Version   int64      `json:"version"` // the case version the step wrote
	Actor     string     `json:"actor,omitempty"`
	Recipient string     `json:"to,omitempty"`
	// FromSeq and ToSeq bound the step's events: Seq in (FromSeq, ToSeq].
	FromSeq int `json:"from"`
	ToSeq   int `json:"until"`
	// TellActor, on a step, says the actor's own confirmation is delivered
	// by the outbox too, because it was not answered in the platform's
	// reply.
	TellActor bool     `json:"tell_actor,omitempty"`
	Unreached []string `json:"unreached,omitempty"` // person ids, for EffectUnreached
	Next      string   `json:"path,omitempty"`      // a web page path, for EffectSignIn
	// Period is the day of a digest or the month of a summary; Cases are
	// the ids of the cases a digest lists. Neither is set on a step's
	// effects.
	Period    string    `json:"period,omitempty"`
	Cases     []string  `json:"cases,omitempty"`
	CreatedAt time.Time `json:"created"`
	// Attempts counts the claims so far; NextAt is the earliest time the
	// effect may be claimed (zero: at once).
	Attempts int       `json:"attempts,omitempty"`
	NextAt   time.Time `json:"next,omitzero"`
	// Owner holds the lease until LeaseUntil.
	Owner      string    `json:"owner,omitempty"`
	LeaseUntil time.Time `json:"lease,omitzero"`
}

// OrderKey is the queue the effect waits in: effects with the same key are
// delivered one at a time, in ID order. A person's messages about one case
// share a queue, so they arrive in the order of its steps; messages about
// different cases do not wait for each other, so one that keeps failing
// holds back nothing else. A person's digests and summaries, about no one
// case, share a queue of their own.
func (e *Effect) OrderKey() string {
	switch e.Kind {
	case EffectStep:
		return "step:" + e.CaseID
	case EffectRefresh:
		return "cards:" + e.CaseID
	}
	return "to:" + e.Recipient + "|" + e.CaseID
}

// queueKey is OrderKey's queue as a comparable value, which a map can key
// without building a string for each effect.
type queueKey struct {
	kind      EffectKind // EffectStep, EffectRefresh, or "" for a person's queue
	recipient string
	caseID    string
}

func (e *Effect) queue() queueKey {
	switch e.Kind {
	case EffectStep, EffectRefresh:
		return queueKey{kind: e.Kind, caseID: e.CaseID}
	}
	return queueKey{recipient: e.Recipient, caseID: e.CaseID}
}

// OutboxStats describes what waits in the outbox.
type OutboxStats struct {
	Depth  int       // effects not yet delivered
	Oldest time.Time // CreatedAt of the oldest; zero when empty
}

// Outbox is the store's durable queue of effects. Steps enqueue their
// effect inside the write of the case itself (see StepEffect); the delivery
// worker claims, expands, completes and retries them.
type Outbox interface {
	// ClaimEffects leases up to limit deliverable effects to owner until
	// now+lease and returns them in ID order, with Attempts counting this
	// claim. An effect is deliverable when it is due (NextAt at or before
	// now), not leased to anyone (or its lease has run out), no earlier
	// effect waits in the same queue (OrderKey), and, unless it is a step,
	// no earlier step of its case waits to be expanded; a refresh also
	// waits for the case's earlier messages that are being sent or not yet
	// tried, so the copies they make are refreshed too. Two owners never
	// hold the same effect at once. Returns EINTERNAL on store failure.
	ClaimEffects(ctx context.Context, owner string, lease time.Duration, now time.Time, limit int) ([]Effect, error)
	// CompleteEffect removes an effect owner holds and, in the same atomic
	// write, adds follow: new effects whose IDs the store derives from id
	// (in follow's order), so they sort where id did. Returns ECONFLICT if
	// owner no longer holds the effect (its lease ran out and another took
	// it, or it is gone) and then writes nothing; EINTERNAL on failure.
	CompleteEffect(ctx context.Context, id, owner string, follow []Effect, now time.Time) error
	// EnqueueOnce adds e to the outbox, with a new ID, unless key was
	// enqueued before and is remembered at now; it remembers key until
	// now+ttl in the same atomic write. So a scheduled message (a digest,
	// a summary) that several replicas or a restarted one try to enqueue
	// is in the outbox once, and once it is there it is delivered. It
	// returns whether it enqueued e. Keys share Remember's memory: a key
	// Remember recorded is not enqueued again. Returns EINTERNAL on
	// failure.
	EnqueueOnce(ctx context.Context, key string, ttl time.Duration, e Effect, now time.Time) (bool, error)
	// RetryEffect gives back an effect owner holds, to be claimed again at
	// next. Returns ECONFLICT if owner no longer holds it; EINTERNAL on
	// failure.
	RetryEffect(ctx context.Context, id, owner string, next, now time.Time) error
	// EnqueueEffect adds e, an effect no case write causes (a sign-in
	// email), to the outbox with the next ID. Returns EINTERNAL on failure.
	EnqueueEffect(ctx context.Context, e Effect) error
	// PendingEffects returns every effect not yet delivered, in ID order.
	// Returns EINTERNAL on failure.
	PendingEffects(ctx context.Context) ([]Effect, error)
	// OutboxStats returns the outbox's depth and its oldest effect's time.
	// Returns EINTERNAL on failure.
	OutboxStats(ctx context.Context) (OutboxStats, error)
}

// StatsOf returns the stats of the pending effects all.
func StatsOf(all []Effect) OutboxStats {
	st := OutboxStats{Depth: len(all)}
	for _, e := range all {
		if st.Oldest.IsZero() || e.CreatedAt.Before(st.Oldest) {
			st.Oldest = e.CreatedAt
		}
	}
	return st
}

// EffectID formats the store-assigned ID of the n-th effect enqueued.
func EffectID(n uint64) string { return fmt.Sprintf("%020d", n) }

// ChildEffectID is the ID of the i-th (from 0) effect that follows parent.
func ChildEffectID(parent string, i int) string { return fmt.Sprintf("%s.%04d", parent, i+1) }

// answeredKey marks a context whose step's actor is answered in the
// platform's reply.
type answeredKey struct{}

// AnsweredInReply returns a context under which a recorded step's own
// confirmation to the person who acted is given in the platform's reply,
// so the step effect does not deliver it again.
func AnsweredInReply(ctx context.Context) context.Context {
	return context.WithValue(ctx, answeredKey{}, true)
}

// Answered reports whether ctx comes from AnsweredInReply.
func Answered(ctx context.Context) bool {
	v, _ := ctx.Value(answeredKey{}).(bool)
	return v
}

// announced reports whether events of kind k are told to people through
// the outbox. Audit records are not, nor the mark of a missed deadline,
// which sends nothing; a nudge is, to the people recorded on its event.
func announced(k EventKind) bool {
	return !k.IsAudit() && k != EventDeadlineMissed
}

// StepEffect returns the effect a write of c causes, given how many events
// c had before the write, or nil when it appended nothing to announce.
// Stores call it inside UpdateCase and CreateCase (with before 0) and
// enqueue what it returns in the same atomic write, after c.Version is
// set. Its CreatedAt is the case's UpdatedAt.
func StepEffect(ctx context.Context, c *Case, before int) *Effect {
	if before < 0 || before >= len(c.Events) {
		return nil
	}
	var actor string
	any := false
	for _, e := range c.Events[before:] {
		if announced(e.Kind) {
			any = true
			if actor == "" {
				actor = e.Actor
			}
		}
	}
	if !any {
		return nil
	}
	answered := Answered(ctx)
	return &Effect{Kind: EffectStep, CaseID: c.ID, Version: c.Version, Actor: actor,
		FromSeq: c.Events[before].Seq - 1, ToSeq: c.Events[len(c.Events)-1].Seq,
		TellActor: actor != "" && !answered, CreatedAt: c.UpdatedAt}
}

// StepEvents returns the events of c that effect e announces.
func StepEvents(c *Case, e *Effect) []Event {
	var out []Event
	for _, ev := range c.Events {
		if ev.Seq > e.FromSeq && ev.Seq <= e.ToSeq {
			out = append(out, ev)
		}
	}
	return out
}

// Claimable returns the indexes of the effects in pending (in ID order)
// that ClaimEffects may hand out at now, at most limit (no limit when
// limit <= 0). Stores share it so both decide alike.
func Claimable(pending []Effect, now time.Time, limit int) []int {
	waiting := map[queueKey]bool{} // queues with an earlier effect pending
	steps := map[string]string{}   // case → ID of its earliest pending step
	sending := map[string]bool{}   // cases with an earlier message being sent or not yet tried
	var out []int
	for i := range pending {
		e := &pending[i]
		key := e.queue()
		blocked := waiting[key]
		waiting[key] = true
		leased := e.Owner != "" && e.LeaseUntil.After(now)
		switch {
		case e.Kind == EffectStep:
			if _, ok := steps[e.CaseID]; !ok {
				steps[e.CaseID] = e.ID
			}
		case steps[e.CaseID] != "":
			blocked = true // an earlier step of the case waits to be expanded
		}
		switch e.Kind {
		case EffectMessage:
			if leased || e.Attempts == 0 {
				sending[e.CaseID] = true
			}
		case EffectRefresh:
			blocked = blocked || sending[e.CaseID]
		}
		if blocked || e.NextAt.After(now) || leased {
			continue
		}
		out = append(out, i)
		if limit > 0 && len(out) == limit {
			break
		}
	}
	return out
}

// ReadyAt returns, for each effect of pending (in ID order), the earliest
// time Claimable could hand it out if nothing in pending changes, and
// whether it can be at all before something does. Every rule of
// ClaimEffects relates only effects of one case (CaseID, "" for those
// about no case), so a store may keep an index of ready effects by this
// time and recompute one case's entries when that case's effects change.
func ReadyAt(pending []Effect) (at []time.Time, ok []bool) {
	waiting := map[queueKey]bool{}
	steps := map[string]bool{}
	untried := map[string]bool{}           // cases with an earlier message not yet tried
	sendingUntil := map[string]time.Time{} // latest lease of an earlier message being sent
	at, ok = make([]time.Time, len(pending)), make([]bool, len(pending))
	for i := range pending {
		e := &pending[i]
		key := e.queue()
		blocked := waiting[key]
		waiting[key] = true
		var t time.Time
		switch {
		case e.Kind == EffectStep:
			steps[e.CaseID] = true
		case steps[e.CaseID]:
			blocked = true
		}
		switch e.Kind {
		case EffectMessage:
			if e.Attempts == 0 {
				untried[e.CaseID] = true
			} else if e.Owner != "" && e.LeaseUntil.After(sendingUntil[e.CaseID]) {
				sendingUntil[e.CaseID] = e.LeaseUntil
			}
		case EffectRefresh:
			blocked = blocked || untried[e.CaseID]
			t = sendingUntil[e.CaseID]
		}
		if e.NextAt.After(t) {
			t = e.NextAt
		}
		if e.Owner != "" && e.LeaseUntil.After(t) {
			t = e.LeaseUntil
		}
		at[i], ok[i] = t, !blocked
	}
	return at, ok
}
