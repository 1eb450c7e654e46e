package conversation

import "slices"

// summaryFields are the event fields a summary keeps: structured values
// the reports and the partnership's lists read, never anything typed.
var summaryFields = []string{"decision", "kind", "nudge", "to_stage"}

// SummaryOf returns the summary of c: what the partnership's report and
// its dashboard lists read (agencies, category, status, urgency, flags,
// each stage's key and clock, the agreed actions' dates, and every event's
// kind, time, stage and structured fields), and nothing else. It holds no
// child reference, no free text (what was decided, the concern, the
// evidence, event texts, the way forward, action descriptions), no names
// and no person ids, so a store keeps it beside the case unsealed and a
// report reads it without opening the case. SummaryOf(c) equals
// SummaryState(c) with SummaryEvents(c.Events).
func SummaryOf(c *Case) *Case {
	s := SummaryState(c)
	s.Events = SummaryEvents(c.Events)
	return s
}

// SummaryState is SummaryOf without the events (Events is nil): what a
// store rewrites on every write of the case, while it appends the
// SummaryEvents of the events the write added.
func SummaryState(c *Case) *Case {
	s := &Case{ID: c.ID, Version: c.Version, Partnership: c.Partnership,
		Raiser: Party{Agency: c.Raiser.Agency}, Respondent: Party{Agency: c.Respondent.Agency},
		Category: c.Category, Urgency: c.Urgency, SeriousConcern: c.SeriousConcern, DeepDive: c.DeepDive,
		Status: c.Status, Mediation: c.Mediation, DueAt: c.DueAt, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
	s.Stages = make([]StageRecord, len(c.Stages))
	for i, st := range c.Stages {
		s.Stages[i] = StageRecord{Key: st.Key, StartedAt: st.StartedAt, Deadline: st.Deadline, AckDeadline: st.AckDeadline,
			AcknowledgedAt: st.AcknowledgedAt, Overdue: st.Overdue}
	}
	if r := c.Resolution; r != nil {
		sr := &Resolution{ProposedBySide: r.ProposedBySide, ProposedAt: r.ProposedAt, Confirmed: r.Confirmed, ConfirmedAt: r.ConfirmedAt}
		for _, a := range r.Actions {
			sr.Actions = append(sr.Actions, ResolutionAction{Due: a.Due, DoneAt: a.DoneAt})
		}
		s.Resolution = sr
	}
	return s
}

// SummaryEvents returns events as a summary keeps them: kind, time, stage,
// sequence, version and the structured fields reports read; no text, no
// actor.
func SummaryEvents(events []Event) []Event {
	out := make([]Event, len(events))
	for i, e := range events {
		se := Event{Seq: e.Seq, Kind: e.Kind, At: e.At, Stage: e.Stage, Side: e.Side, Version: e.Version}
		for k, v := range e.Fields {
			if slices.Contains(summaryFields, k) {
				if se.Fields == nil {
					se.Fields = map[string]string{}
				}
				se.Fields[k] = v
			}
		}
		out[i] = se
	}
	return out
}
