package report

import (
	"slices"

	"github.com/resolvebot/resolvebot/conversation"
)

// The measures a count of the report is drilled into by (see Drill).
const (
	MeasureRaised          = "raised"
	MeasureResolved        = "resolved"
	MeasureWithdrawn       = "withdrawn"
	MeasureOpen            = "open"
	MeasureDeadlinesMissed = "deadlines_missed"
	MeasureMediation       = "mediation"
	MeasureReferrals       = "referrals"
	MeasureSerious         = "serious_concerns"
	MeasureCategory        = "category"      // key: a category
	MeasurePair            = "agency_pair"   // key: raiser agency + ">" + respondent agency
	MeasureStage           = "highest_stage" // key: a stage
	MeasureOutcome         = "outcome"       // key: a status
	MeasureMissedAt        = "missed_stage"  // key: a stage
)

// Measures lists every measure Drill knows.
var Measures = []string{MeasureRaised, MeasureResolved, MeasureWithdrawn, MeasureOpen, MeasureDeadlinesMissed,
	MeasureMediation, MeasureReferrals, MeasureSerious, MeasureCategory, MeasurePair, MeasureStage, MeasureOutcome, MeasureMissedAt}

// Drill returns the cases behind one count of the report for period, in
// the order given: those the count counts, by the same rules as Build and
// its totals. A count of events (deadlines missed, mediation) lists each
// case once however many of its events it counted. An unknown measure
// matches nothing.
func Drill(cases []*conversation.Case, proto *conversation.Protocol, period Period, measure, key string) []*conversation.Case {
	var out []*conversation.Case
	for _, c := range cases {
		if drillMatch(c, proto, period, measure, key) {
			out = append(out, c)
		}
	}
	return out
}

// drillMatch reports whether the count measure (of key) counts case c.
func drillMatch(c *conversation.Case, proto *conversation.Protocol, p Period, measure, key string) bool {
	raised := p.Contains(c.CreatedAt)
	switch measure {
	case MeasureRaised:
		return raised
	case MeasureOpen:
		st := statusAt(c, p.To)
		return c.CreatedAt.Before(p.To) && (st == conversation.StatusOpen || st == conversation.StatusReferred)
	case MeasureResolved:
		return eventIn(c, p, "", conversation.EventResolutionConfirmed)
	case MeasureWithdrawn:
		return eventIn(c, p, "", conversation.EventWithdrawn)
	case MeasureDeadlinesMissed:
		return eventIn(c, p, "", conversation.EventDeadlineMissed)
	case MeasureMissedAt:
		return eventIn(c, p, key, conversation.EventDeadlineMissed)
	case MeasureMediation:
		return eventIn(c, p, "", conversation.EventMediationRequested, conversation.EventMediationOffered)
	case MeasureReferrals:
		return eventIn(c, p, "", conversation.EventReferred)
	case MeasureSerious:
		return eventIn(c, p, "", conversation.EventSeriousConcern) ||
			(c.SeriousConcern && raised && !hasEvent(c, conversation.EventSeriousConcern))
	case MeasureCategory:
		return raised && c.Category == key
	case MeasurePair:
		return raised && c.Raiser.Agency+">"+c.Respondent.Agency == key
	case MeasureStage:
		return raised && highestStage(c, proto, p.To) == key
	case MeasureOutcome:
		return raised && string(statusAt(c, p.To)) == key
	}
	return false
}

// eventIn reports whether c has an event of one of kinds in p, at stage
// when stage is not empty.
func eventIn(c *conversation.Case, p Period, stage string, kinds ...conversation.EventKind) bool {
	for _, e := range c.Events {
		if p.Contains(e.At) && slices.Contains(kinds, e.Kind) && (stage == "" || e.Stage == stage) {
			return true
		}
	}
	return false
}

// HighestStage returns the key of the highest stage c had reached by the
// end of p, as the report counts it.
func HighestStage(c *conversation.Case, proto *conversation.Protocol, p Period) string {
	return highestStage(c, proto, p.To)
}

// StatusAt returns c's status at the end of p, as the report counts it.
func StatusAt(c *conversation.Case, p Period) conversation.Status { return statusAt(c, p.To) }

// TotalsFor returns the headline counts of period p: what Build gives as
// Totals and Previous, for any period (the same period last year).
func TotalsFor(cases []*conversation.Case, p Period) Totals { return totals(cases, p) }

// LastYear returns the same period a year earlier.
func (p Period) LastYear() Period {
	return Period{From: p.From.AddDate(-1, 0, 0), To: p.To.AddDate(-1, 0, 0)}
}
