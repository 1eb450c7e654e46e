package conversation

import "github.com/resolvebot/resolvebot/bot/messages"

// eventLabel is the catalogue's label of an event kind, or "" for a kind
// this build does not know. Each key is written out so the catalogue's
// test can check it.
func eventLabel(w *messages.Catalogue, k EventKind) string {
	switch k {
	case EventRaised:
		return w.Text("label.event.raised", nil)
	case EventAcknowledged:
		return w.Text("label.event.acknowledged", nil)
	case EventResponse:
		return w.Text("label.event.response", nil)
	case EventNote:
		return w.Text("label.event.note", nil)
	case EventEscalated:
		return w.Text("label.event.escalated", nil)
	case EventResolutionProposed:
		return w.Text("label.event.resolution_proposed", nil)
	case EventResolutionConfirmed:
		return w.Text("label.event.resolution_confirmed", nil)
	case EventResolutionDisputed:
		return w.Text("label.event.resolution_disputed", nil)
	case EventWithdrawn:
		return w.Text("label.event.withdrawn", nil)
	case EventReferred:
		return w.Text("label.event.referred", nil)
	case EventReferralAccepted:
		return w.Text("label.event.referral_accepted", nil)
	case EventReferralReturned:
		return w.Text("label.event.referral_returned", nil)
	case EventMediationRequested:
		return w.Text("label.event.mediation_requested", nil)
	case EventMediationOffered:
		return w.Text("label.event.mediation_offered", nil)
	case EventSeriousConcern:
		return w.Text("label.event.serious_concern", nil)
	case EventDeepDiveDecided:
		return w.Text("label.event.deep_dive_decided", nil)
	case EventReassigned:
		return w.Text("label.event.reassigned", nil)
	case EventDeadlineExtended:
		return w.Text("label.event.deadline_extended", nil)
	case EventDeadlineMissed:
		return w.Text("label.event.deadline_missed", nil)
	case EventNudged:
		return w.Text("label.event.nudged", nil)
	case EventClosed:
		return w.Text("label.event.closed", nil)
	case EventActionDone:
		return w.Text("label.event.action_done", nil)
	case EventLearning:
		return w.Text("label.event.learning", nil)
	case EventViewed:
		return w.Text("label.event.viewed", nil)
	case EventExported:
		return w.Text("label.event.exported", nil)
	case EventAccessRefused:
		return w.Text("label.event.access_refused", nil)
	}
	return ""
}

// nudgeLabel is the catalogue's label of a reminder kind, or "" for a
// kind this build does not know.
func nudgeLabel(w *messages.Catalogue, k NudgeKind) string {
	switch k {
	case NudgeAckReminder:
		return w.Text("label.nudge.ack_reminder", nil)
	case NudgeAckUnanswered:
		return w.Text("label.nudge.ack_unanswered", nil)
	case NudgeBeforeDeadline:
		return w.Text("label.nudge.before_deadline", nil)
	case NudgeDeadlineMissed:
		return w.Text("label.nudge.deadline_missed", nil)
	case NudgeOverdue:
		return w.Text("label.nudge.overdue", nil)
	case NudgeOverdueReminder:
		return w.Text("label.nudge.overdue_reminder", nil)
	case NudgeStuck:
		return w.Text("label.nudge.stuck", nil)
	case NudgeActionBefore:
		return w.Text("label.nudge.action_before", nil)
	case NudgeActionDue:
		return w.Text("label.nudge.action_due", nil)
	case NudgeActionOverdue:
		return w.Text("label.nudge.action_overdue", nil)
	}
	return ""
}
