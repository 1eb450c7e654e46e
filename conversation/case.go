package conversation

import (
	"slices"
	"time"
)

// Status is where a case stands overall.
type Status string

// The statuses a case moves through.
const (
	StatusOpen      Status = "open"
	StatusResolved  Status = "resolved"
	StatusWithdrawn Status = "withdrawn"
	StatusReferred  Status = "referred" // referred to the partnership
	StatusClosed    Status = "closed"
)

// Active reports whether people still have to act on a case in this status.
func (s Status) Active() bool { return s == StatusOpen || s == StatusReferred }

// Urgency selects the stage timescale track.
type Urgency string

// The urgency tracks.
const (
	UrgencyStandard Urgency = "standard"
	UrgencyUrgent   Urgency = "urgent"
)

// EvidenceKind says whether the concern rests on evidence or on an owned gut feeling.
type EvidenceKind string

// The kinds of evidence.
const (
	EvidenceDocumented EvidenceKind = "evidence"
	EvidenceGutFeeling EvidenceKind = "gut_feeling"
)

// Side is one of the two sides of a disagreement.
type Side string

// The two sides, plus the partnership, which takes no side.
const (
	SideRaiser      Side = "raiser"
	SideRespondent  Side = "respondent"
	SidePartnership Side = "partnership"
)

// Other returns the opposite side; the partnership has none.
func (s Side) Other() Side {
	switch s {
	case SideRaiser:
		return SideRespondent
	case SideRespondent:
		return SideRaiser
	}
	return ""
}

// Party is a person acting for an agency in a case.
type Party struct {
	PersonID string `json:"person_id"`
	Name     string `json:"name"`
	Agency   string `json:"agency"`
}

// Reflection holds the answers to the protocol's reflection checklist.
type Reflection struct {
	DiscussedWithLead    bool `json:"discussed_with_lead"`   // thought through with a safeguarding lead or manager
	ChildBestInterest    bool `json:"child_best_interest"`   // only the child's best interest drives it
	MotivationConsidered bool `json:"motivation_considered"` // personal motivation and over-identification considered
}

// Checked reports whether the checklist item with key (one of
// ReflectionKeys) was ticked; false for an unknown key.
func (r Reflection) Checked(key string) bool {
	switch key {
	case ReflectionDiscussedWithLead:
		return r.DiscussedWithLead
	case ReflectionChildBestInterest:
		return r.ChildBestInterest
	case ReflectionMotivationConsidered:
		return r.MotivationConsidered
	}
	return false
}

// StageRecord is one stage a case has reached: who is involved on each side
// and its clock.
type StageRecord struct {
	Key            string    `json:"key"`
	Raiser         []string  `json:"raiser"`     // person ids on the raiser's side
	Respondent     []string  `json:"respondent"` // person ids on the respondent's side
	StartedAt      time.Time `json:"started_at"`
	Deadline       time.Time `json:"deadline"`
	AckDeadline    time.Time `json:"ack_deadline"`
	AcknowledgedAt time.Time `json:"acknowledged_at,omitzero"`
	AcknowledgedBy string    `json:"acknowledged_by,omitempty"`
	Overdue        bool      `json:"overdue,omitempty"`
}

// People returns the person ids on side at this stage.
func (s *StageRecord) People(side Side) []string {
	switch side {
	case SideRaiser:
		return s.Raiser
	case SideRespondent:
		return s.Respondent
	}
	return nil
}

// Acknowledged reports whether someone has acknowledged this stage.
func (s *StageRecord) Acknowledged() bool { return !s.AcknowledgedAt.IsZero() }

// ResolutionAction is an agreed action with its owner and due date. Once
// the resolution is confirmed, its owner is reminded before and on the due
// date until they mark it done (see NudgeActionBefore).
type ResolutionAction struct {
	Description string `json:"description"`
	// Owner is the owner's name as shown on the record (for older records,
	// what was typed: a name or an agency).
	Owner string `json:"owner"`
	// OwnerID is the owner's person id; empty on older records, whose
	// actions are not followed up.
	OwnerID string    `json:"owner_id,omitempty"`
	Due     time.Time `json:"due,omitzero"` // the day it falls due, at midnight in the calendar's zone
	DoneAt  time.Time `json:"done_at,omitzero"`
	DoneBy  string    `json:"done_by,omitempty"` // person id
}

// Resolution is the agreed way forward recorded at the end of a case.
type Resolution struct {
	WayForward     string             `json:"way_forward"`
	Actions        []ResolutionAction `json:"actions,omitempty"`
	ProposedBy     string             `json:"proposed_by"`
	ProposedBySide Side               `json:"proposed_by_side"`
	ProposedAt     time.Time          `json:"proposed_at"`
	Confirmed      bool               `json:"confirmed"`
	ConfirmedBy    string             `json:"confirmed_by,omitempty"`
	ConfirmedAt    time.Time          `json:"confirmed_at,omitzero"`
}

// Case is one professional disagreement about a child, identified only by the
// agency's case reference.
type Case struct {
	ID          string `json:"id"`      // e.g. CR-2026-0042, allocated by the store
	Version     int64  `json:"version"` // incremented by the store on every write
	Partnership string `json:"partnership"`

	ChildRef      string       `json:"child_ref"` // agency case reference, never a child's name
	Raiser        Party        `json:"raiser"`
	Respondent    Party        `json:"respondent"`
	Category      string       `json:"category"`
	Decision      string       `json:"decision"`
	Concern       string       `json:"concern"`
	EvidenceKind  EvidenceKind `json:"evidence_kind"`
	Evidence      string       `json:"evidence"`
	OutcomeSought string       `json:"outcome_sought"`
	Urgency       Urgency      `json:"urgency"`
	Reflection    Reflection   `json:"reflection"`
	// ReflectionAsked is the reflection checklist as the raiser was asked
	// it, in the protocol's words at the time; empty for cases raised
	// before it was kept.
	ReflectionAsked []ReflectionCheck `json:"reflection_asked,omitempty"`
	FamilyInformed  bool              `json:"family_informed"`
	CrossBorder     string            `json:"cross_border,omitempty"` // the other partnership, if any, as the raiser named it
	// CrossBorderPartnership is the id of the other partnership hosted on
	// this deployment whose agency the respondent is at: the case follows
	// its own partnership's protocol, and both partnerships' roles are
	// told, see it and count it. Empty for a case within one partnership.
	CrossBorderPartnership string `json:"cross_border_partnership,omitempty"`
	SeriousConcern         bool   `json:"serious_concern,omitempty"`
	// DeepDive is the serious-concern role's decision on whether a broader
	// deep dive is needed (DeepDiveNeeded or DeepDiveNotNeeded); empty
	// until recorded.
	DeepDive string `json:"deep_dive,omitempty"`

	Status     Status        `json:"status"`
	Stages     []StageRecord `json:"stages"` // every stage reached, the current one last
	Resolution *Resolution   `json:"resolution,omitempty"`
	Mediation  bool          `json:"mediation,omitempty"` // mediation or a facilitator has been asked for or offered

	// DueAt is the next moment the scheduler must look at this case; zero
	// when nothing is due. The store keeps its due index from it.
	DueAt time.Time `json:"due_at,omitzero"`

	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Events    []Event   `json:"events"`
}

// Current returns the current stage record, or nil for a case with none.
func (c *Case) Current() *StageRecord {
	if len(c.Stages) == 0 {
		return nil
	}
	return &c.Stages[len(c.Stages)-1]
}

// SideOf returns the side person is on in the current stage, or "" when they
// are not one of its people.
func (c *Case) SideOf(person string) Side {
	cur := c.Current()
	if cur == nil {
		return ""
	}
	if slices.Contains(cur.Raiser, person) {
		return SideRaiser
	}
	if slices.Contains(cur.Respondent, person) {
		return SideRespondent
	}
	return ""
}

// Involves reports whether person is a party to the case or was one of the
// people at any stage.
func (c *Case) Involves(person string) bool {
	if person == "" {
		return false
	}
	if c.Raiser.PersonID == person || c.Respondent.PersonID == person {
		return true
	}
	for i := range c.Stages {
		if slices.Contains(c.Stages[i].Raiser, person) || slices.Contains(c.Stages[i].Respondent, person) {
			return true
		}
	}
	// The owner of an agreed action is part of the case from then on.
	return slices.ContainsFunc(c.AgreedActions(), func(a ResolutionAction) bool { return a.OwnerID == person })
}

// People returns every person involved in the case, parties first, without duplicates.
func (c *Case) People() []string {
	var out []string
	add := func(ids ...string) {
		for _, id := range ids {
			if id != "" && !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	add(c.Raiser.PersonID, c.Respondent.PersonID)
	for i := range c.Stages {
		add(c.Stages[i].Raiser...)
		add(c.Stages[i].Respondent...)
	}
	for _, a := range c.AgreedActions() {
		add(a.OwnerID)
	}
	return out
}

// Clone returns a deep copy, so a store or caller can change it freely.
func (c *Case) Clone() *Case {
	if c == nil {
		return nil
	}
	out := *c
	out.Stages = make([]StageRecord, len(c.Stages))
	for i, s := range c.Stages {
		s.Raiser = slices.Clone(s.Raiser)
		s.Respondent = slices.Clone(s.Respondent)
		out.Stages[i] = s
	}
	out.ReflectionAsked = slices.Clone(c.ReflectionAsked)
	if c.Resolution != nil {
		r := *c.Resolution
		r.Actions = slices.Clone(r.Actions)
		out.Resolution = &r
	}
	out.Events = make([]Event, len(c.Events))
	for i, e := range c.Events {
		if e.Fields != nil {
			m := make(map[string]string, len(e.Fields))
			for k, v := range e.Fields {
				m[k] = v
			}
			e.Fields = m
		}
		out.Events[i] = e
	}
	return &out
}

// EventKind names what happened on a case's timeline.
type EventKind string

// The kinds of timeline event.
const (
	EventRaised              EventKind = "raised"
	EventAcknowledged        EventKind = "acknowledged"
	EventResponse            EventKind = "response"
	EventNote                EventKind = "note"
	EventEscalated           EventKind = "escalated"
	EventResolutionProposed  EventKind = "resolution_proposed"
	EventResolutionConfirmed EventKind = "resolution_confirmed"
	EventResolutionDisputed  EventKind = "resolution_disputed"
	EventWithdrawn           EventKind = "withdrawn"
	EventReferred            EventKind = "referred"
	EventReferralAccepted    EventKind = "referral_accepted"
	EventReferralReturned    EventKind = "referral_returned"
	EventMediationRequested  EventKind = "mediation_requested"
	EventMediationOffered    EventKind = "mediation_offered"
	EventSeriousConcern      EventKind = "serious_concern_logged"
	EventDeepDiveDecided     EventKind = "deep_dive_decided"
	EventReassigned          EventKind = "reassigned"
	EventDeadlineExtended    EventKind = "deadline_extended"
	EventDeadlineMissed      EventKind = "deadline_missed"
	EventNudged              EventKind = "nudged"
	EventClosed              EventKind = "closed"
	// EventActionDone records that an agreed action was marked done:
	// Fields["action"] is its number from 1, Fields["state"] whether on
	// time ("done_on_time") or late ("done_late").
	EventActionDone EventKind = "action_done"
	// EventLearning records what one person on the case learned, or what
	// would have prevented the disagreement (Fields["kind"] is "learned"
	// or "prevention"), in their own words.
	EventLearning EventKind = "learning"
)

// Event is one entry on a case's append-only timeline. Events are never
// edited or removed.
type Event struct {
	Seq    int               `json:"seq"`
	Kind   EventKind         `json:"kind"`
	At     time.Time         `json:"at"`
	Actor  string            `json:"actor,omitempty"` // person id; empty for the system
	Side   Side              `json:"side,omitempty"`
	Stage  string            `json:"stage"`
	Text   string            `json:"text,omitempty"`   // free text; never logged
	Fields map[string]string `json:"fields,omitempty"` // structured detail, e.g. "to_stage"
	// Version is the case version the write that appended the event
	// produced; 0 for events written before it was recorded.
	Version int64 `json:"version,omitempty"`
}

// append adds an event to the timeline with the next sequence number and
// the version the write in progress will give the case.
func (c *Case) append(e Event) Event {
	e.Seq = len(c.Events) + 1
	e.Version = c.Version + 1
	c.Events = append(c.Events, e)
	return e
}
