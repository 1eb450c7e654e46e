package conversation

import "github.com/resolvebot/resolvebot/bot/messages"

// Plain-English labels for the values a case holds, shared by the cards,
// the case record and the partnership report, so each says the same thing.
// Their words are the catalogue's label.* texts: Label gives them as the
// catalogue has them, LabelIn as a protocol's wording (Protocol.Wording)
// overrides them.

// wording is w, or the catalogue as it is when w is nil.
func wording(w *messages.Catalogue) *messages.Catalogue {
	if w == nil {
		return messages.English()
	}
	return w
}

// Label returns the status in plain English ("Referred to the
// partnership"), or the stored value for a status this build does not know.
func (s Status) Label() string { return s.LabelIn(nil) }

// LabelIn is Label in w's words (nil for the catalogue as it is).
func (s Status) LabelIn(w *messages.Catalogue) string {
	w = wording(w)
	switch s {
	case StatusOpen:
		return w.Text("label.status.open", nil)
	case StatusResolved:
		return w.Text("label.status.resolved", nil)
	case StatusWithdrawn:
		return w.Text("label.status.withdrawn", nil)
	case StatusReferred:
		return w.Text("label.status.referred", nil)
	case StatusClosed:
		return w.Text("label.status.closed", nil)
	}
	return string(s)
}

// Label returns the urgency in plain English: "Urgent" or "Standard".
func (u Urgency) Label() string { return u.LabelIn(nil) }

// LabelIn is Label in w's words (nil for the catalogue as it is).
func (u Urgency) LabelIn(w *messages.Catalogue) string {
	if u == UrgencyUrgent {
		return wording(w).Text("label.urgency.urgent", nil)
	}
	return wording(w).Text("label.urgency.standard", nil)
}

// Label describes the kind of event in plain English ("Referral returned
// with advice"), or its stored name with spaces for a kind this build does
// not know.
func (k EventKind) Label() string { return k.LabelIn(nil) }

// LabelIn is Label in w's words (nil for the catalogue as it is).
func (k EventKind) LabelIn(w *messages.Catalogue) string {
	if l := eventLabel(wording(w), k); l != "" {
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

// Label says in plain English what a reminder was about ("deadline coming
// up"), or its stored name with spaces for a kind this build does not know.
func (k NudgeKind) Label() string { return k.LabelIn(nil) }

// LabelIn is Label in w's words (nil for the catalogue as it is).
func (k NudgeKind) LabelIn(w *messages.Catalogue) string {
	if l := nudgeLabel(wording(w), k); l != "" {
		return l
	}
	return EventKind(k).LabelIn(w)
}
