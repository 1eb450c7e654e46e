package bot

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// MaxActionDays is the furthest ahead an agreed action may fall due, in
// working days (about three months).
const MaxActionDays = 65

// ParseActionDue reads when an agreed action falls due, as of now: a date
// ("4 Dec", "2026-12-04", "next friday"), or a number of working days from
// today on the partnership's calendar ("10", "10 working days"). It returns
// the day (midnight in the calendar's zone), a working day after today and
// at most MaxActionDays working days ahead, or a message for the person
// saying why not (the zero Text when there is none).
func ParseActionDue(text string, now time.Time, cal *conversation.Calendar) (time.Time, conversation.Text) {
	target, n, isDays, ok := readDay(text, now, cal)
	loc := cal.Location()
	now = now.In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	switch {
	case !ok:
		return time.Time{}, conversation.Msg("error.actions.due_unread", nil)
	case isDays && (n < 1 || n > MaxActionDays):
		return time.Time{}, conversation.Msg("error.extension.days", messages.Args{"max": MaxActionDays})
	case isDays:
		end := cal.AddWorkingDays(now, n).In(loc)
		return time.Date(end.Year(), end.Month(), end.Day(), 0, 0, 0, 0, loc), conversation.Text{}
	}
	when := target.Format("Mon 2 Jan 2006")
	switch {
	case !target.After(today):
		return time.Time{}, conversation.Msg("error.actions.due_past", messages.Args{"date": when})
	case !cal.IsWorkingDay(target):
		return time.Time{}, conversation.Msg("error.actions.due_not_working_day", messages.Args{"date": when})
	case cal.WorkingDaysUntil(today, target) > MaxActionDays:
		return time.Time{}, conversation.Msg("error.actions.due_too_far", messages.Args{"date": when, "max": MaxActionDays})
	}
	return target, conversation.Text{}
}

// parseActions reads the proposal's "what | who | by when" lines (or
// parts separated by ";", where a chat takes one line): who is
// found as people are found everywhere else (a name the bot knows, or a
// work email), and by when is read by ParseActionDue. Every line's problem
// is gathered into one "actions" field message. Returns EINVALID with it,
// or EINTERNAL when the people cannot be read.
func (r *Router) parseActions(ctx context.Context, text string) ([]conversation.ResolutionAction, error) {
	var out []conversation.ResolutionAction
	var problems []string
	n := 0
	for _, line := range strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == ';' }) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		n++
		parts := strings.Split(line, "|")
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		bad := func(t conversation.Text) {
			problems = append(problems, r.Cards.Say("error.actions.line", messages.Args{"number": n, "problem": r.Cards.Words(t)}))
		}
		if len(parts) > 3 {
			bad(conversation.Msg("error.actions.separators", nil))
			continue
		}
		for len(parts) < 3 {
			parts = append(parts, "")
		}
		a := conversation.ResolutionAction{Description: parts[0]}
		if parts[0] == "" {
			bad(conversation.Msg("error.actions.what", nil))
		}
		if parts[1] == "" {
			bad(conversation.Msg("error.actions.who", nil))
		} else if per, err := r.People.Resolve(ctx, parts[1]); conversation.ErrorCode(err) == conversation.EINVALID {
			bad(conversation.ErrorText(err))
		} else if err != nil {
			return nil, err
		} else {
			a.OwnerID, a.Owner = per.ID, per.Name
		}
		if parts[2] == "" {
			bad(conversation.Msg("error.actions.when", nil))
		} else if due, msg := ParseActionDue(parts[2], r.now(), r.Engine.Calendar()); msg.Key != "" {
			bad(msg)
		} else {
			a.Due = due
		}
		out = append(out, a)
	}
	if len(problems) > 0 {
		fe := conversation.FieldErrors{}
		fe.Add("actions", conversation.Msg("error.actions.lines", messages.Args{"lines": strings.Join(problems, " ")}))
		return nil, fe.Err()
	}
	return out, nil
}

// actionWords are the typed commands that mark an agreed action done:
// "done CR-2026-0001 2".
var actionWords = []string{"done", "mark_done", "action_done", "completed", "complete"}

// doneCommand marks an action done from typed text: the case id, then the
// action's number (optional when the person owns only one open action).
func (r *Router) doneCommand(ctx context.Context, actor, rest string) (Reply, error) {
	fields := strings.Fields(rest)
	if len(fields) == 0 {
		return Reply{}, conversation.Invalid("error.done.which", nil)
	}
	n := 0
	if len(fields) > 1 {
		v, err := strconv.Atoi(strings.TrimPrefix(fields[1], "#"))
		if err != nil || len(fields) > 2 {
			return Reply{}, conversation.Invalid("error.done.number", messages.Args{"case": conversation.NormaliseCaseID(fields[0])})
		}
		n = v
	}
	return r.actionDone(ctx, Inbound{Actor: actor, Verb: conversation.VerbActionDone, CaseID: fields[0]}, n)
}

// actionDone marks agreed action n done; with n 0, the person's only open
// action, or, when they own several, a form asking which.
func (r *Router) actionDone(ctx context.Context, in Inbound, n int) (Reply, error) {
	if n == 0 {
		c, err := r.Engine.GetFor(ctx, in.Actor, in.CaseID, string(conversation.VerbActionDone))
		if err != nil {
			return Reply{}, err
		}
		a, err := r.Engine.Actor(ctx, in.Actor)
		if err != nil {
			return Reply{}, err
		}
		if err := r.Engine.ProtocolOf(c).Allowed(c, a, conversation.VerbActionDone); err != nil {
			return Reply{}, r.withAlternatives(ctx, in.Actor, c.ID, conversation.VerbActionDone, err)
		}
		open := conversation.OpenActionsOf(c, in.Actor)
		if len(open) > 1 {
			f := actionDoneForm(c, open, r.Cards)
			return Reply{Messages: []Message{{Kind: "form", Title: f.Title + " · " + c.ID, Text: f.Intro, Form: f,
				CaseID: c.ID, FormCase: c.ID, FormVersion: c.Version}}}, nil
		}
		n = open[0]
	}
	res, err := r.Engine.MarkActionDone(ctx, conversation.Cmd{Actor: in.Actor, CaseID: in.CaseID}, n, "")
	if err != nil {
		return Reply{}, r.withAlternatives(ctx, in.Actor, in.CaseID, conversation.VerbActionDone, err)
	}
	return r.recorded(ctx, in.Actor, res), nil
}

// actionDoneForm asks which of the person's open actions (numbers open)
// is done.
func actionDoneForm(c *conversation.Case, open []int, k *Cards) *conversation.Form {
	opts := make([]conversation.Option, 0, len(open))
	for _, n := range open {
		opts = append(opts, conversation.Option{Value: strconv.Itoa(n), Label: short(k.actionLine(c, n), 75)})
	}
	return &conversation.Form{Key: ActionFormPrefix + string(conversation.VerbActionDone), Title: k.VerbTitle(conversation.VerbActionDone),
		Submit: k.SubmitLabel(ActionFormPrefix + string(conversation.VerbActionDone)),
		Fields: []conversation.Field{{Key: conversation.FieldAction, Label: k.Say("form.action_done.which", nil), Type: conversation.FieldSelect,
			Required: true, Options: opts}}}
}

// actionLine names agreed action n of c for people: "1. Book the visit —
// Priya Shah, due Tue 1 Dec".
func (k *Cards) actionLine(c *conversation.Case, n int) string {
	a := c.Resolution.Actions[n-1]
	s := k.Say("action.line", messages.Args{"number": n, "action": a.Description, "owner": a.Owner})
	if !a.Due.IsZero() {
		s += k.Say("action.line.due", messages.Args{"due": k.Day(a.Due)})
	}
	return s
}

// Day formats a day for people: "Tue 1 Dec".
func (k *Cards) Day(t time.Time) string {
	return t.In(k.Calendar().Location()).Format("Mon 2 Jan")
}

// actionState says where agreed action a stands, for the case card:
// "Done on time, Thu 26 Nov", "Done late, Tue 1 Dec", "Overdue" or "Open".
func (k *Cards) actionState(a conversation.ResolutionAction) string {
	switch st := a.State(k.Calendar(), k.Now()); st {
	case conversation.ActionDoneOnTime, conversation.ActionDoneLate:
		return k.Say("action.state.done", messages.Args{"state": st.LabelIn(k.catalogue()), "day": k.Day(a.DoneAt)})
	default:
		return st.LabelIn(k.catalogue())
	}
}

// ActionNudgeMessages builds what a follow-up of kind says about agreed
// action n of c, to whom, as of at: the owner before and on the due date,
// with a Mark done button; once overdue, the owner again, the person who
// raised the case and the owner's line manager. Like every nudge they
// carry no child reference: the case id, the action's words (already on
// the record the owner has been given), names and dates.
func (k *Cards) ActionNudgeMessages(ctx context.Context, c *conversation.Case, kind conversation.NudgeKind, n int, at time.Time) []Outbound {
	actions := c.AgreedActions()
	if n < 1 || n > len(actions) {
		return nil
	}
	a := actions[n-1]
	if a.OwnerID == "" {
		return nil
	}
	title := k.Say("action.nudge.title", messages.Args{"case": c.ID})
	var out []Outbound
	tell := func(id, text string, buttons []Button, tone Tone) {
		if id == "" || slices.ContainsFunc(out, func(o Outbound) bool { return o.To == id }) {
			return
		}
		out = append(out, Outbound{To: id, Message: Message{Kind: "nudge", CaseID: c.ID, Title: title, Text: text, Tone: tone,
			Fields: []Field{{k.Say("action.nudge.field", nil), k.actionLine(c, n)}}, Buttons: buttons, Nudge: kind}})
	}
	ownerButtons := k.Buttons(ctx, c, a.OwnerID)
	switch kind {
	case conversation.NudgeActionBefore:
		days := k.Calendar().WorkingDaysUntil(at, a.Due)
		tell(a.OwnerID, k.Say("action.nudge.before", messages.Args{"case": c.ID, "action": a.Description, "due": k.Day(a.Due), "count": days}),
			ownerButtons, ToneInfo)
	case conversation.NudgeActionDue:
		tell(a.OwnerID, k.Say("action.nudge.due", messages.Args{"case": c.ID, "action": a.Description}), ownerButtons, ToneWarning)
	case conversation.NudgeActionOverdue:
		tell(a.OwnerID, k.Say("action.nudge.overdue.owner", messages.Args{"case": c.ID, "action": a.Description, "due": k.Day(a.Due), "raiser": c.Raiser.Name}),
			ownerButtons, ToneWarning)
		raiser := c.Raiser.PersonID
		tell(raiser, k.Say("action.nudge.overdue.raiser", messages.Args{"case": c.ID, "action": a.Description, "owner": a.Owner, "due": k.Day(a.Due)}),
			nil, ToneWarning)
		if per, err := k.People.store.GetPerson(ctx, a.OwnerID); err == nil && per.ManagerID != "" {
			tell(per.ManagerID, k.Say("action.nudge.overdue.manager", messages.Args{"case": c.ID, "action": a.Description, "owner": a.Owner, "due": k.Day(a.Due)}),
				nil, ToneWarning)
		}
	}
	return out
}
