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

// Owing returns the people who owe the next step at c's current stage: the
// partnership at a referral, the other side when a resolution is proposed,
// otherwise the answering side.
func (p *People) Owing(ctx context.Context, c *conversation.Case) []string {
	cur := c.Current()
	if cur.Key == conversation.ReferralStageKey {
		return p.OwnTeamOf(ctx, c)
	}
	if r := c.Resolution; r != nil && !r.Confirmed {
		return cur.People(r.ProposedBySide.Other())
	}
	return cur.Respondent
}

// NudgeMessages builds what a nudge of kind says about c at its current
// stage, to whom, as of at (when it was recorded: the working days past the
// deadline are counted to then). The scheduler asks it who a nudge goes to
// before recording it; the delivery worker builds the messages it sends
// from the recorded event. Nudges carry no child reference and no free
// text: only the case id, stage, deadline, names, agencies and buttons.
// Marking the deadline missed says nothing.
func (k *Cards) NudgeMessages(ctx context.Context, c *conversation.Case, kind conversation.NudgeKind, at time.Time) []Outbound {
	k = k.For(c)
	cur := c.Current()
	if cur == nil {
		return nil
	}
	proto := k.Protocol()
	stage := proto.StageName(cur.Key)
	deadline := k.When(cur.Deadline)
	idx := proto.StageIndex(cur.Key)
	top := idx == len(proto.Stages)-1
	raising := cur.Raiser
	var out []Outbound
	tell := func(ids []string, text string) {
		for _, id := range ids {
			if slices.ContainsFunc(out, func(o Outbound) bool { return o.To == id }) {
				continue
			}
			out = append(out, Outbound{To: id, Message: Message{
				Kind: "nudge", CaseID: c.ID, Title: c.ID + " · " + stage, Text: text, Tone: ToneWarning,
				Buttons: k.Buttons(ctx, c, id), Nudge: kind,
			}})
		}
	}
	switch kind {
	case conversation.NudgeAckReminder:
		tell(k.People.Owing(ctx, c), k.Say("nudge.ack_reminder", messages.Args{"case": c.ID, "when": k.When(cur.AckDeadline)}))
	case conversation.NudgeAckUnanswered:
		tell(raising, k.Say("nudge.ack_unanswered", messages.Args{"case": c.ID, "people": k.People.Names(ctx, k.People.Owing(ctx, c))}))
	case conversation.NudgeBeforeDeadline:
		ids := append(slices.Clone(cur.Raiser), cur.Respondent...)
		if cur.Key == conversation.ReferralStageKey {
			ids = k.People.Owing(ctx, c)
		}
		tell(ids, k.Say("nudge.before_deadline", messages.Args{"case": c.ID, "stage": stage, "deadline": k.Deadline(cur.Deadline)}))
	case conversation.NudgeOverdue:
		tell(k.People.Owing(ctx, c), k.Say("nudge.overdue", messages.Args{"case": c.ID, "when": deadline}))
		switch {
		case cur.Key == conversation.ReferralStageKey:
		case top:
			tell(raising, k.Say("nudge.overdue.last_stage", messages.Args{"case": c.ID, "when": deadline, "body": proto.Referral.Body}))
		default:
			tell(raising, k.Say("nudge.overdue.escalate", messages.Args{"case": c.ID, "when": deadline, "stage": proto.Stages[idx+1].Name}))
		}
	case conversation.NudgeOverdueReminder:
		days := k.Calendar().WorkingDaysUntil(cur.Deadline, at)
		tell(k.People.Owing(ctx, c), k.Say("nudge.overdue_reminder", messages.Args{"case": c.ID, "count": days, "stage": stage}))
	case conversation.NudgeStuck:
		partnership := k.People.TeamOf(ctx, c)
		days := k.Calendar().WorkingDaysUntil(cur.Deadline, at)
		tell(partnership, k.Say("nudge.stuck", messages.Args{"case": c.ID, "count": days, "stage": stage, "category": proto.CategoryName(c.Category),
			"raising": k.People.AgencyName(c.Raiser.Agency), "answering": k.People.AgencyName(c.Respondent.Agency)}))
		tell(raising, k.Say("nudge.stuck.raiser", messages.Args{"case": c.ID}))
	}
	return out
}

// NudgeFor builds what nudge n says about c, to whom, as of at: a stage's
// nudge (NudgeMessages) or the follow-up of an agreed action
// (ActionNudgeMessages).
func (k *Cards) NudgeFor(ctx context.Context, c *conversation.Case, n conversation.Nudge, at time.Time) []Outbound {
	if n.Kind.IsAction() {
		return k.ActionNudgeMessages(ctx, c, n.Kind, n.Action, at)
	}
	return k.NudgeMessages(ctx, c, n.Kind, at)
}

// nudged returns the messages of the nudge recorded by ev, to the people
// recorded on it, built from c as stored now. It returns none when the
// nudge no longer applies at now (the case moved on, or a later daily
// reminder fell due while this one waited), so a delivery held up never
// tells people something that stopped being true.
func (r *Router) nudged(ctx context.Context, c *conversation.Case, ev conversation.Event) []Outbound {
	ru := r.Engine.Rules()
	if !ru.Nudges.Applies(c, ru.Protocol, ru.Calendar, ev.Fields["key"], r.now()) {
		return nil
	}
	to := strings.Split(ev.Fields["to"], ",")
	var out []Outbound
	action, _ := strconv.Atoi(ev.Fields[conversation.FieldAction])
	n := conversation.Nudge{Kind: conversation.NudgeKind(ev.Fields["nudge"]), Action: action}
	for _, o := range r.Cards.NudgeFor(ctx, c, n, ev.At) {
		if slices.Contains(to, o.To) {
			out = append(out, o)
		}
	}
	return out
}

// isNudge reports whether events are a recorded nudge.
func isNudge(events []conversation.Event) bool {
	return slices.ContainsFunc(events, func(e conversation.Event) bool { return e.Kind == conversation.EventNudged })
}

// nudgeWatcher returns who is told when recipient cannot be reached with a
// nudge about c: the first of the raising side at the current stage, who
// is waiting on the people a nudge chases, or nobody when the nudge was to
// the raising side itself.
func nudgeWatcher(c *conversation.Case, recipient string) string {
	cur := c.Current()
	if cur == nil || len(cur.Raiser) == 0 || slices.Contains(cur.Raiser, recipient) {
		return ""
	}
	return cur.Raiser[0]
}
