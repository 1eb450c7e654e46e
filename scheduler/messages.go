package scheduler

import (
	"context"
	"fmt"
	"slices"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// owing returns the people who owe the next step at the current stage: the
// partnership at a referral, the other side when a resolution is proposed,
// otherwise the answering side.
func (s *Scheduler) owing(ctx context.Context, c *conversation.Case) []string {
	cur := c.Current()
	if cur.Key == conversation.ReferralStageKey {
		p, _ := s.people.PartnershipPeople(ctx)
		return p
	}
	if r := c.Resolution; r != nil && !r.Confirmed {
		return cur.People(r.ProposedBySide.Other())
	}
	return cur.Respondent
}

// raising returns the raising side's people at the current stage.
func raising(c *conversation.Case) []string { return c.Current().Raiser }

// messages builds what a nudge says, to whom. Nudges carry no child
// reference and no free text: only the case id, stage, deadline and buttons.
func (s *Scheduler) messages(ctx context.Context, c *conversation.Case, n conversation.Nudge) []bot.Outbound {
	cur := c.Current()
	proto := s.engine.Protocol
	stage := proto.StageName(cur.Key)
	deadline := s.cards.When(cur.Deadline)
	idx := proto.StageIndex(cur.Key)
	top := idx == len(proto.Stages)-1
	var out []bot.Outbound
	tell := func(ids []string, format string, args ...any) {
		text := fmt.Sprintf(format, args...)
		for _, id := range ids {
			if slices.ContainsFunc(out, func(o bot.Outbound) bool { return o.To == id }) {
				continue
			}
			out = append(out, bot.Outbound{To: id, Message: bot.Message{
				Kind: "nudge", CaseID: c.ID, Title: c.ID + " · " + stage, Text: text, Tone: bot.ToneWarning,
				Buttons: s.cards.Buttons(ctx, c, id),
			}})
		}
	}
	switch n.Kind {
	case conversation.NudgeAckReminder:
		tell(s.owing(ctx, c), "A reminder: %s is waiting for your acknowledgement, which was due %s. A quick acknowledgement lets the other side know it is in hand.", c.ID, s.cards.When(cur.AckDeadline))
	case conversation.NudgeAckUnanswered:
		tell(raising(c), "%s has still not been acknowledged by %s. You may want to contact them directly, extend the deadline with a reason, or escalate.", c.ID, s.people.Names(ctx, s.owing(ctx, c)))
	case conversation.NudgeBeforeDeadline:
		ids := append(slices.Clone(cur.Raiser), cur.Respondent...)
		if cur.Key == conversation.ReferralStageKey {
			ids = s.owing(ctx, c)
		}
		tell(ids, "%s reaches its deadline for %s on %s. If you can agree a way forward, propose it here.", c.ID, stage, s.cards.Deadline(cur.Deadline))
	case conversation.NudgeOverdue:
		tell(s.owing(ctx, c), "The deadline for %s passed at %s. Please respond or agree a way forward as soon as you can.", c.ID, deadline)
		switch {
		case cur.Key == conversation.ReferralStageKey:
		case top:
			tell(raising(c), "The deadline for %s passed at %s without a resolution. This is the last stage: you can refer the case to the %s, ask for mediation, propose a resolution, or extend with a reason.", c.ID, deadline, proto.Referral.Body)
		default:
			tell(raising(c), "The deadline for %s passed at %s without a resolution. You can escalate to %s, propose a resolution, or extend the deadline with a reason.", c.ID, deadline, proto.Stages[idx+1].Name)
		}
	case conversation.NudgeOverdueReminder:
		days := s.engine.Calendar.WorkingDaysUntil(cur.Deadline, s.now())
		tell(s.owing(ctx, c), "%s is %d working day%s past its deadline for %s. Please pick it up today.", c.ID, days, plural(days), stage)
	case conversation.NudgeStuck:
		partnership, _ := s.people.PartnershipPeople(ctx)
		days := s.engine.Calendar.WorkingDaysUntil(cur.Deadline, s.now())
		tell(partnership, "%s looks stuck: it has been %d working day%s past its deadline at %s (%s, %s and %s). You may want to offer mediation.",
			c.ID, days, plural(days), stage, proto.CategoryName(c.Category), s.people.AgencyName(c.Raiser.Agency), s.people.AgencyName(c.Respondent.Agency))
		tell(raising(c), "%s is still overdue, so we have let the partnership know. They may offer mediation.", c.ID)
	}
	return out
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
