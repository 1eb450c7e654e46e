package conversation

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
)

// NudgeKind names a reminder the scheduler sends, or a deadline it records.
type NudgeKind string

// The kinds of nudge, in the order they can fall due at a stage.
const (
	// NudgeAckReminder reminds the answering side to acknowledge, at the
	// acknowledgement deadline.
	NudgeAckReminder NudgeKind = "ack_reminder"
	// NudgeAckUnanswered tells the raising side, a working day later, that
	// the stage is still not acknowledged.
	NudgeAckUnanswered NudgeKind = "ack_unanswered"
	// NudgeBeforeDeadline reminds the stage's people ahead of the deadline.
	NudgeBeforeDeadline NudgeKind = "before_deadline"
	// NudgeDeadlineMissed marks the stage overdue on the timeline, exactly
	// at the deadline; it sends nothing.
	NudgeDeadlineMissed NudgeKind = "deadline_missed"
	// NudgeOverdue tells the side that owes a response and asks the raising
	// side to escalate, propose a resolution or extend (or, at the top
	// stage, to refer to the partnership).
	NudgeOverdue NudgeKind = "overdue"
	// NudgeOverdueReminder repeats the overdue reminder once a working day.
	NudgeOverdueReminder NudgeKind = "overdue_reminder"
	// NudgeStuck tells the partnership the case is stuck and offers mediation.
	NudgeStuck NudgeKind = "stuck"
)

// NudgePolicy says when nudges fall due. The zero value is usable: one
// working day's notice, three overdue reminders, and quiet hours outside the
// calendar's working day.
type NudgePolicy struct {
	ReminderDaysBefore  int // working days before the deadline to remind; 0 means 1, negative means never
	MaxOverdueReminders int // daily reminders after the deadline before the partnership is told; 0 means 3, negative means none
	// QuietStart and QuietEnd, from midnight, bound the quiet hours: from
	// QuietStart until QuietEnd the next morning nothing is sent. Both zero
	// means outside the calendar's working day.
	QuietStart, QuietEnd time.Duration
}

func (p NudgePolicy) reminderDays() int {
	if p.ReminderDaysBefore == 0 {
		return 1
	}
	return p.ReminderDaysBefore
}

func (p NudgePolicy) maxReminders() int {
	switch {
	case p.MaxOverdueReminders == 0:
		return 3
	case p.MaxOverdueReminders < 0:
		return 0
	}
	return p.MaxOverdueReminders
}

// Nudge is one reminder or record the scheduler owes a case.
type Nudge struct {
	Kind  NudgeKind
	Key   string // unique per case, stage, kind and working day
	Stage string // stage key
	// Action is the number (from 1) of the agreed action a follow-up is
	// about; 0 for a stage's nudges.
	Action int
	At     time.Time // when it falls due, moved out of quiet hours for nudges that send
}

// SendTime returns t itself when a message may go out then, otherwise when
// the quiet hours or non-working days around t end.
func (p NudgePolicy) SendTime(cal *Calendar, t time.Time) time.Time {
	for range 400 { // bounded: a year of closures at most
		t = cal.NextWorkingStart(t)
		if !p.quiet(cal, t) {
			return t
		}
		day := cal.midnight(t)
		end := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, cal.Location()).Add(p.quietEnd(cal))
		if t.Before(end) {
			t = end
		} else {
			t = time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, cal.Location()).Add(p.quietEnd(cal))
		}
	}
	return t
}

func (p NudgePolicy) quietStart(cal *Calendar) time.Duration {
	if p.QuietStart == 0 && p.QuietEnd == 0 {
		return cal.end
	}
	return p.QuietStart
}

func (p NudgePolicy) quietEnd(cal *Calendar) time.Duration {
	if p.QuietStart == 0 && p.QuietEnd == 0 {
		return cal.start
	}
	return p.QuietEnd
}

// quiet reports whether t falls in the quiet hours.
func (p NudgePolicy) quiet(cal *Calendar, t time.Time) bool {
	off := t.In(cal.Location()).Sub(cal.midnight(t))
	start, end := p.quietStart(cal), p.quietEnd(cal)
	if start > end { // overnight, e.g. 17:30 → 08:30
		return off >= start || off < end
	}
	return off >= start && off < end
}

// Schedule returns every nudge the current stage of c calls for, earliest
// first, whether or not it has been sent; for a resolved case, the
// follow-ups of its agreed actions that are not done. Any other case that
// is not active has none.
func (p NudgePolicy) Schedule(c *Case, proto *Protocol, cal *Calendar) []Nudge {
	cur := c.Current()
	if cur == nil {
		return nil
	}
	if !c.Status.Active() {
		return p.actionSchedule(c, proto, cal)
	}
	ordinal := len(c.Stages)
	var out []Nudge
	add := func(kind NudgeKind, at time.Time, sends bool) {
		if sends {
			at = p.SendTime(cal, at)
		}
		// id/stage ordinal/kind/date, built without fmt: the due pass and
		// every case change compute the whole schedule.
		var buf [96]byte
		k := append(buf[:0], c.ID...)
		k = append(k, '/')
		k = strconv.AppendInt(k, int64(ordinal), 10)
		k = append(k, '/')
		k = append(k, kind...)
		k = append(k, '/')
		k = at.In(cal.Location()).AppendFormat(k, time.DateOnly)
		out = append(out, Nudge{Kind: kind, Key: string(k), Stage: cur.Key, At: at})
	}
	if !cur.Acknowledged() {
		add(NudgeAckReminder, cur.AckDeadline, true)
		add(NudgeAckUnanswered, cal.AddWorkingDays(cur.AckDeadline, 1), true)
	}
	if n := p.reminderDays(); n > 0 {
		day := cal.midnight(cur.Deadline)
		for left := n; left > 0; {
			day = day.AddDate(0, 0, -1)
			if cal.IsWorkingDay(day) {
				left--
			}
		}
		if at := cal.StartOfDay(day); at.After(cur.StartedAt) {
			add(NudgeBeforeDeadline, at, true)
		}
	}
	add(NudgeDeadlineMissed, cur.Deadline, false)
	add(NudgeOverdue, cur.Deadline, true)
	// Daily reminders start the working day after the overdue message.
	day := cal.midnight(out[len(out)-1].At)
	for k := 1; k <= p.maxReminders()+1; k++ {
		for day = day.AddDate(0, 0, 1); !cal.IsWorkingDay(day); day = day.AddDate(0, 0, 1) {
		}
		kind := NudgeOverdueReminder
		if k == p.maxReminders()+1 {
			kind = NudgeStuck
		}
		add(kind, cal.StartOfDay(day), true)
	}
	slices.SortStableFunc(out, func(a, b Nudge) int { return a.At.Compare(b.At) })
	return out
}

// NudgeSent reports whether a nudge with key is on the case's timeline as
// sent to everyone.
func NudgeSent(c *Case, key string) bool {
	for i := len(c.Events) - 1; i >= 0; i-- {
		e := c.Events[i]
		if (e.Kind == EventNudged || e.Kind == EventDeadlineMissed) && e.Fields["key"] == key && e.Fields["partial"] == "" {
			return true
		}
	}
	return false
}

// NudgeReached returns the people a nudge has already reached according to
// the timeline, including attempts that reached only some of them (the
// scheduler recorded such partial attempts before nudges went through the
// outbox; their people are not sent the nudge again).
func NudgeReached(c *Case, key string) []string {
	var out []string
	for _, e := range c.Events {
		if e.Kind == EventNudged && e.Fields["key"] == key && e.Fields["to"] != "" {
			for _, p := range strings.Split(e.Fields["to"], ",") {
				if !slices.Contains(out, p) {
					out = append(out, p)
				}
			}
		}
	}
	return out
}

// Due returns the nudges of c due at now and not yet sent, earliest first.
// Of the daily overdue reminders only the latest due one counts, sent or
// not, so a scheduler that was down does not send a backlog, and a replica
// that reads the case just after another sent the latest reminder does not
// send an older one.
func (p NudgePolicy) Due(c *Case, proto *Protocol, cal *Calendar, now time.Time) []Nudge {
	sched := p.Schedule(c, proto, cal)
	var out []Nudge
	for i, n := range sched {
		if n.At.After(now) || NudgeSent(c, n.Key) {
			continue
		}
		if n.Kind == NudgeOverdueReminder && slices.ContainsFunc(sched[i+1:], func(m Nudge) bool {
			return m.Kind == NudgeOverdueReminder && !m.At.After(now)
		}) {
			continue // a later daily reminder is due too
		}
		out = append(out, n)
	}
	return out
}

// Applies reports whether the nudge recorded on c with key still has
// something to say at now: the case is at the stage and deadline it was
// recorded for and has not been acknowledged since an acknowledgement
// reminder (key is still in c's schedule), and, for a daily reminder, no
// later daily reminder has fallen due (as in Due). The delivery worker
// asks before sending a recorded nudge, so one whose delivery was held up
// never reaches people after it stopped being true.
func (p NudgePolicy) Applies(c *Case, proto *Protocol, cal *Calendar, key string, now time.Time) bool {
	sched := p.Schedule(c, proto, cal)
	i := slices.IndexFunc(sched, func(n Nudge) bool { return n.Key == key })
	if i < 0 {
		return false
	}
	if sched[i].Kind != NudgeOverdueReminder {
		return true
	}
	return !slices.ContainsFunc(sched[i+1:], func(m Nudge) bool {
		return m.Kind == NudgeOverdueReminder && !m.At.After(now)
	})
}

// NextDue returns when the scheduler must next look at c: the earliest nudge
// not yet sent and not superseded, or zero when nothing is left.
func (p NudgePolicy) NextDue(c *Case, proto *Protocol, cal *Calendar) time.Time {
	sched := p.Schedule(c, proto, cal)
	for i, n := range sched {
		if NudgeSent(c, n.Key) {
			continue
		}
		// A daily reminder is superseded once a later one has been sent.
		if n.Kind == NudgeOverdueReminder && slices.ContainsFunc(sched[i+1:], func(m Nudge) bool {
			return (m.Kind == NudgeOverdueReminder || m.Kind == NudgeStuck) && NudgeSent(c, m.Key)
		}) {
			continue
		}
		return n.At
	}
	return time.Time{}
}

// RecordNudge records on the timeline that nudge n is sent to the people
// to (or, for NudgeDeadlineMissed, marks the stage overdue), and moves the
// due index on. The store's write enqueues the outbox effect that delivers
// the nudge's messages, built from the recorded event (see StepEffect), so
// recording and sending cannot come apart: a nudge recorded is delivered,
// and one that is not recorded is not sent. It does nothing when the nudge
// is already recorded or is no longer due at the engine's now (the case
// moved on, or a later daily reminder fell due); recorded reports which.
// The check runs inside the store's compare-and-set, so two replicas never
// both record one nudge. Returns ENOTFOUND for an unknown case.
func (e *Engine) RecordNudge(ctx context.Context, caseID string, n Nudge, to []string) (c *Case, recorded bool, err error) {
	now := e.now()
	c, err = e.Store.UpdateCase(ctx, caseID, func(c *Case) error {
		recorded = false
		if r := e.RulesOf(c); !slices.ContainsFunc(r.Nudges.Due(c, r.Protocol, r.Calendar, now), func(m Nudge) bool { return m.Key == n.Key }) {
			return errUnchanged
		}
		cur := c.Current()
		ev := Event{Kind: EventNudged, At: now, Stage: cur.Key,
			Fields: map[string]string{"key": n.Key, "nudge": string(n.Kind), "to": strings.Join(to, ",")}}
		if n.Action > 0 {
			ev.Fields[FieldAction] = strconv.Itoa(n.Action)
		}
		if n.Kind == NudgeDeadlineMissed {
			cur.Overdue = true
			ev = Event{Kind: EventDeadlineMissed, At: now, Stage: cur.Key,
				Fields: map[string]string{"key": n.Key, "deadline": cur.Deadline.Format(time.RFC3339)}}
		}
		c.append(ev)
		c.UpdatedAt = now
		e.setDue(c)
		recorded = true
		return nil
	})
	if err == errUnchanged {
		c, err = e.Store.GetCase(ctx, caseID)
		return c, false, err
	}
	if err != nil {
		return nil, false, notFound(caseID, err)
	}
	return c, recorded, nil
}

// errUnchanged stops an update that has nothing to write.
var errUnchanged = &Error{Code: ECONFLICT, Context: "nothing to change"}
