package conversation

import (
	"github.com/resolvebot/resolvebot/bot/messages"

	"context"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DefaultActionReminderDays is how many working days before an agreed
// action falls due its owner is reminded, when the protocol says nothing.
const DefaultActionReminderDays = 2

// ActionReminderDaysBefore returns the working days before an agreed
// action's due date that its owner is reminded: ActionReminderDays, or
// DefaultActionReminderDays when it is 0; 0 when it is negative (no
// reminder before the due date).
func (p *Protocol) ActionReminderDaysBefore() int {
	switch {
	case p == nil || p.ActionReminderDays == 0:
		return DefaultActionReminderDays
	case p.ActionReminderDays < 0:
		return 0
	}
	return p.ActionReminderDays
}

// The follow-ups of the actions agreed at resolution. Each is keyed by the
// action's number, so marking one action done stops only its own.
const (
	// NudgeActionBefore reminds an action's owner ahead of its due date.
	NudgeActionBefore NudgeKind = "action_before"
	// NudgeActionDue reminds the owner on the morning of the due date.
	NudgeActionDue NudgeKind = "action_due"
	// NudgeActionOverdue, the working day after the due date, tells the
	// owner, the person who raised the case and the owner's line manager
	// that the action is not done.
	NudgeActionOverdue NudgeKind = "action_overdue"
)

// IsAction reports whether k follows up an agreed action rather than a stage.
func (k NudgeKind) IsAction() bool {
	return k == NudgeActionBefore || k == NudgeActionDue || k == NudgeActionOverdue
}

// ActionState is where an agreed action stands.
type ActionState string

// The states of an agreed action.
const (
	ActionOpen       ActionState = "open"         // not done, not yet due (or with no due date)
	ActionOverdue    ActionState = "overdue"      // not done, and its due date has passed
	ActionDoneOnTime ActionState = "done_on_time" // marked done by the end of its due date
	ActionDoneLate   ActionState = "done_late"    // marked done after its due date
)

// Label says in plain English where an action stands: "Done on time".
func (s ActionState) Label() string { return s.LabelIn(nil) }

// LabelIn is Label in w's words (nil for the catalogue as it is).
func (s ActionState) LabelIn(w *messages.Catalogue) string {
	w = wording(w)
	switch s {
	case ActionOpen:
		return w.Text("label.action.open", nil)
	case ActionOverdue:
		return w.Text("label.action.overdue", nil)
	case ActionDoneOnTime:
		return w.Text("label.action.done_on_time", nil)
	case ActionDoneLate:
		return w.Text("label.action.done_late", nil)
	}
	return string(s)
}

// Done reports whether the action has been marked done.
func (a *ResolutionAction) Done() bool { return !a.DoneAt.IsZero() }

// DueBy returns the end of the working day on which the action falls due
// (the end of that calendar day's working hours), or zero when it has no
// due date.
func (a *ResolutionAction) DueBy(cal *Calendar) time.Time {
	if a.Due.IsZero() {
		return time.Time{}
	}
	return cal.EndOfDay(a.Due)
}

// State returns where the action stands at now.
func (a *ResolutionAction) State(cal *Calendar, now time.Time) ActionState {
	due := a.DueBy(cal)
	switch {
	case a.Done() && (due.IsZero() || !a.DoneAt.After(due)):
		return ActionDoneOnTime
	case a.Done():
		return ActionDoneLate
	case !due.IsZero() && now.After(due):
		return ActionOverdue
	}
	return ActionOpen
}

// AgreedActions returns the actions of c's confirmed resolution, or none.
func (c *Case) AgreedActions() []ResolutionAction {
	if c.Resolution == nil || !c.Resolution.Confirmed {
		return nil
	}
	return c.Resolution.Actions
}

// followsUp reports whether c's agreed actions are followed up: it is
// resolved and its resolution confirmed. A case closed or withdrawn is not.
func followsUp(c *Case) bool {
	return c.Status == StatusResolved && c.Resolution != nil && c.Resolution.Confirmed
}

// actionSchedule returns the follow-ups of c's open agreed actions that
// have an owner and a due date: a reminder the protocol's working days
// before, one on the due date, and the overdue message the working day
// after. Reminders that would fall before the resolution was confirmed are
// left out.
func (p NudgePolicy) actionSchedule(c *Case, proto *Protocol, cal *Calendar) []Nudge {
	if !followsUp(c) {
		return nil
	}
	agreed := c.Resolution.ConfirmedAt
	stage := ""
	if cur := c.Current(); cur != nil {
		stage = cur.Key
	}
	var out []Nudge
	for i, a := range c.Resolution.Actions {
		if a.Done() || a.Due.IsZero() || a.OwnerID == "" {
			continue
		}
		n := i + 1
		add := func(kind NudgeKind, at time.Time) {
			at = p.SendTime(cal, at)
			var buf [96]byte
			k := append(buf[:0], c.ID...)
			k = append(k, "/a"...)
			k = strconv.AppendInt(k, int64(n), 10)
			k = append(k, '/')
			k = append(k, kind...)
			k = append(k, '/')
			k = at.In(cal.Location()).AppendFormat(k, time.DateOnly)
			out = append(out, Nudge{Kind: kind, Key: string(k), Stage: stage, Action: n, At: at})
		}
		dueDay := cal.midnight(a.Due)
		if days := proto.ActionReminderDaysBefore(); days > 0 {
			day := dueDay
			for left := days; left > 0; {
				day = day.AddDate(0, 0, -1)
				if cal.IsWorkingDay(day) {
					left--
				}
			}
			if at := cal.StartOfDay(day); at.After(agreed) {
				add(NudgeActionBefore, at)
			}
		}
		if at := cal.StartOfDay(dueDay); at.After(agreed) {
			add(NudgeActionDue, at)
		}
		add(NudgeActionOverdue, cal.NextWorkingStart(a.DueBy(cal)))
	}
	slices.SortStableFunc(out, func(a, b Nudge) int { return a.At.Compare(b.At) })
	return out
}

// MarkActionDone records that agreed action n (counting from 1) of the
// case's confirmed resolution is done, with an optional note. Only the
// action's owner may. It never conflicts on version: marking one action
// done changes nothing anyone else is deciding. Returns EINVALID for a
// number that names no action, an action already done, a case whose
// actions are not followed up (not resolved) or an over-long note;
// EFORBIDDEN for anyone but the owner; ENOTFOUND for a case the person is
// not part of.
func (e *Engine) MarkActionDone(ctx context.Context, cmd Cmd, n int, note string) (*Result, error) {
	fe := FieldErrors{}
	if strings.TrimSpace(note) != "" {
		note = checkText(fe, "text", note, MaxLongText, Msg("error.add.note", nil))
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	cmd.Version = 0
	return e.apply(ctx, cmd, VerbActionDone, func(c *Case, a Actor, now time.Time) error {
		actions := c.AgreedActions()
		if n < 1 || n > len(actions) {
			e := Invalid("error.action.no_such", messages.Args{"number": n, "case": c.ID, "count": len(actions)})
			e.Fields = map[string]Text{FieldAction: Msg("error.action.choose", nil)}
			return e
		}
		act := &c.Resolution.Actions[n-1]
		if act.OwnerID != a.ID {
			return Forbidden("refusal.action.not_yours", messages.Args{"number": n})
		}
		if act.Done() {
			return Invalid("refusal.action.done_already", messages.Args{"number": n})
		}
		c.Resolution.Actions = slices.Clone(c.Resolution.Actions)
		act = &c.Resolution.Actions[n-1]
		act.DoneAt, act.DoneBy = now, a.ID
		state := act.State(e.CalendarOf(c), now)
		ev := event(c, EventActionDone, a, now, note)
		ev.Fields = map[string]string{FieldAction: strconv.Itoa(n), "state": string(state)}
		c.append(ev)
		return nil
	})
}

// FieldAction names the agreed action (its number, from 1) that a step is
// about.
const FieldAction = "action"

// OpenActionsOf returns the numbers (from 1) of the agreed actions of c
// that person owns and has not marked done.
func OpenActionsOf(c *Case, person string) []int {
	var out []int
	for i, a := range c.AgreedActions() {
		if a.OwnerID == person && person != "" && !a.Done() {
			out = append(out, i+1)
		}
	}
	return out
}
