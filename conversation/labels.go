package conversation

// Plain-English labels for the values a case holds, shared by the cards,
// the case record and the partnership report, so each says the same thing.

var statusLabels = map[Status]string{
	StatusOpen:      "Open",
	StatusResolved:  "Resolved",
	StatusWithdrawn: "Withdrawn",
	StatusReferred:  "Referred to the partnership",
	StatusClosed:    "Closed",
}

// Label returns the status in plain English ("Referred to the
// partnership"), or the stored value for a status this build does not know.
func (s Status) Label() string {
	if l, ok := statusLabels[s]; ok {
		return l
	}
	return string(s)
}

// Label returns the urgency in plain English: "Urgent" or "Standard".
func (u Urgency) Label() string {
	if u == UrgencyUrgent {
		return "Urgent"
	}
	return "Standard"
}

var eventLabels = map[EventKind]string{
	EventRaised:              "Raised",
	EventAcknowledged:        "Acknowledged",
	EventResponse:            "Responded",
	EventNote:                "Note",
	EventEscalated:           "Escalated",
	EventResolutionProposed:  "Resolution proposed",
	EventResolutionConfirmed: "Resolution confirmed",
	EventResolutionDisputed:  "Resolution disputed",
	EventWithdrawn:           "Withdrawn",
	EventReferred:            "Referred to the partnership",
	EventReferralAccepted:    "Referral accepted",
	EventReferralReturned:    "Referral returned with advice",
	EventMediationRequested:  "Mediation asked for",
	EventMediationOffered:    "Mediation offered",
	EventSeriousConcern:      "Serious concern logged with the partnership",
	EventDeepDiveDecided:     "Deep-dive decision recorded",
	EventReassigned:          "Handed over",
	EventDeadlineExtended:    "Deadline extended",
	EventDeadlineMissed:      "Deadline missed",
	EventNudged:              "Reminder sent",
	EventClosed:              "Closed",
	EventActionDone:          "Action marked done",
	EventLearning:            "Learning recorded",
	EventViewed:              "Viewed",
	EventExported:            "Exported",
	EventAccessRefused:       "Access refused",
}

// Label describes the kind of event in plain English ("Referral returned
// with advice"), or its stored name with spaces for a kind this build does
// not know.
func (k EventKind) Label() string {
	if l, ok := eventLabels[k]; ok {
		return l
	}
	b := []byte(k)
	for i, c := range b {
		if c == '_' {
			b[i] = ' '
		}
	}
	return string(b)
}

var nudgeLabels = map[NudgeKind]string{
	NudgeAckReminder:     "asking for acknowledgement",
	NudgeAckUnanswered:   "not yet acknowledged",
	NudgeBeforeDeadline:  "deadline coming up",
	NudgeDeadlineMissed:  "deadline missed",
	NudgeOverdue:         "overdue",
	NudgeOverdueReminder: "still overdue",
	NudgeStuck:           "stuck, mediation offered",
	NudgeActionBefore:    "action due soon",
	NudgeActionDue:       "action due today",
	NudgeActionOverdue:   "action overdue",
}

// Label says in plain English what a reminder was about ("deadline coming
// up"), or its stored name with spaces for a kind this build does not know.
func (k NudgeKind) Label() string {
	if l, ok := nudgeLabels[k]; ok {
		return l
	}
	return EventKind(k).Label()
}
