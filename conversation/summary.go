package conversation

import (
	"slices"
	"time"
)

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
	s := &Case{ID: c.ID, Version: c.Version, Partnership: c.Partnership, CrossBorderPartnership: c.CrossBorderPartnership,
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

// nanos and fromNanos write and read a time as Unix nanoseconds, zero as 0.
func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// EncodeSummary writes a summary (SummaryOf, or SummaryState with no
// events) as a store keeps it, in a compact binary form. It returns no
// error today; the error is for a form that might.
func EncodeSummary(s *Case) ([]byte, error) {
	w := &sumWriter{b: []byte{summaryFormatCrossBorder}}
	for _, v := range []string{s.ID, s.Partnership, s.Raiser.Agency, s.Respondent.Agency, s.Category, string(s.Urgency), s.DeepDive, string(s.Status)} {
		w.str(v)
	}
	w.int(s.Version)
	w.bool(s.SeriousConcern)
	w.bool(s.Mediation)
	for _, t := range []time.Time{s.DueAt, s.CreatedAt, s.UpdatedAt} {
		w.time(nanos(t))
	}
	w.int(int64(len(s.Stages)))
	for _, st := range s.Stages {
		w.str(st.Key)
		for _, t := range []time.Time{st.StartedAt, st.Deadline, st.AckDeadline, st.AcknowledgedAt} {
			w.time(nanos(t))
		}
		w.bool(st.Overdue)
	}
	w.bool(s.Resolution != nil)
	if r := s.Resolution; r != nil {
		w.str(string(r.ProposedBySide))
		w.time(nanos(r.ProposedAt))
		w.bool(r.Confirmed)
		w.time(nanos(r.ConfirmedAt))
		w.int(int64(len(r.Actions)))
		for _, a := range r.Actions {
			w.time(nanos(a.Due))
			w.time(nanos(a.DoneAt))
		}
	}
	w.int(int64(len(s.Events)))
	for _, e := range s.Events {
		w.event(e)
	}
	w.str(s.CrossBorderPartnership)
	return w.b, nil
}

// DecodeSummary reads a summary written by EncodeSummary, or by the form
// before summaries carried a cross-border partnership (read as none). It
// returns an error if data is not one.
func DecodeSummary(data []byte) (*Case, error) {
	if len(data) == 0 || data[0] != summaryFormat && data[0] != summaryFormatCrossBorder {
		return nil, errSummary
	}
	r := &sumReader{b: data[1:]}
	s := &Case{ID: r.str(), Partnership: r.str(), Raiser: Party{Agency: r.str()}, Respondent: Party{Agency: r.str()}, Category: r.str(),
		Urgency: Urgency(r.str()), DeepDive: r.str(), Status: Status(r.str()), Version: r.int(), SeriousConcern: r.bool(), Mediation: r.bool(),
		DueAt: fromNanos(r.int()), CreatedAt: fromNanos(r.int()), UpdatedAt: fromNanos(r.int())}
	s.Stages = make([]StageRecord, r.count())
	for i := range s.Stages {
		s.Stages[i] = StageRecord{Key: r.str(), StartedAt: fromNanos(r.int()), Deadline: fromNanos(r.int()), AckDeadline: fromNanos(r.int()),
			AcknowledgedAt: fromNanos(r.int()), Overdue: r.bool()}
	}
	if r.bool() {
		res := &Resolution{ProposedBySide: Side(r.str()), ProposedAt: fromNanos(r.int()), Confirmed: r.bool(), ConfirmedAt: fromNanos(r.int())}
		if n := r.count(); n > 0 {
			res.Actions = make([]ResolutionAction, n)
			for i := range res.Actions {
				res.Actions[i] = ResolutionAction{Due: fromNanos(r.int()), DoneAt: fromNanos(r.int())}
			}
		}
		s.Resolution = res
	}
	s.Events = make([]Event, r.count())
	for i := range s.Events {
		s.Events[i] = r.event()
	}
	if data[0] == summaryFormatCrossBorder {
		s.CrossBorderPartnership = r.str()
	}
	if r.err != nil || len(r.b) != 0 {
		return nil, errSummary
	}
	return s, nil
}

// EncodeSummaryEvent writes one event's summary (see SummaryEvents) on its
// own, for a store that appends them to a list. It returns no error today.
func EncodeSummaryEvent(e Event) ([]byte, error) {
	w := &sumWriter{b: []byte{summaryFormat}}
	w.event(e)
	return w.b, nil
}

// DecodeSummaryEvent reads an event written by EncodeSummaryEvent. It
// returns an error if data is not one.
func DecodeSummaryEvent(data []byte, e *Event) error {
	if len(data) == 0 || data[0] != summaryFormat {
		return errSummary
	}
	r := &sumReader{b: data[1:]}
	*e = r.event()
	if r.err != nil || len(r.b) != 0 {
		return errSummary
	}
	return nil
}
