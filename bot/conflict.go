package bot

import (
	"context"
	"time"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// latest answers a step taken on a card or form older than the case. When
// someone else already took the same step meanwhile (two people pressed
// at once), the person gets one short line saying who did it and when;
// the winner's step refreshes the cards. Otherwise they get the case as it
// is now, and every copy of its card is refreshed.
func (r *Router) latest(ctx context.Context, in Inbound, v conversation.Verb) (Reply, error) {
	c, err := r.Engine.GetFor(ctx, in.Actor, in.CaseID, string(v))
	if err != nil {
		return Reply{}, err
	}
	if in.Version > c.Version { // no card ever showed this version
		card := r.Cards.Card(ctx, c, in.Actor, r.Cards.Say("button.damaged.case_now", nil))
		return Reply{Messages: []Message{card}}, nil
	}
	if e, ok := c.DoneSince(v, in.Version); ok {
		return Reply{Messages: []Message{{Kind: "notice", Tone: ToneInfo, CaseID: c.ID, Title: c.ID,
			Text: r.Cards.For(c).Already(ctx, e, in.Actor)}}}, nil
	}
	card := r.Cards.Card(ctx, c, in.Actor, r.Cards.Say("card.changed_since", nil))
	return Reply{Messages: []Message{card}, Refresh: c}, nil
}

// Already says in one line who already took the step of event e, and
// when, for viewer: "Already acknowledged by Sam Patel at 10:42."
func (k *Cards) Already(ctx context.Context, e conversation.Event, viewer string) string {
	who := k.Say("already.you", nil)
	if e.Actor != viewer {
		who = k.People.Name(ctx, e.Actor)
	}
	by := k.Say("already.by", messages.Args{"who": who, "at": k.At(e.At)})
	switch e.Kind {
	case conversation.EventAcknowledged:
		return k.Say("already.acknowledged", messages.Args{"by": by})
	case conversation.EventEscalated:
		return k.Say("already.escalated", messages.Args{"by": by, "stage": k.Protocol().StageName(e.Fields["to"])})
	case conversation.EventResolutionProposed:
		return k.Say("already.proposed", messages.Args{"by": by})
	case conversation.EventResolutionConfirmed:
		return k.Say("already.confirmed", messages.Args{"by": by})
	case conversation.EventResolutionDisputed:
		return k.Say("already.disputed", messages.Args{"by": by})
	case conversation.EventWithdrawn:
		return k.Say("already.withdrawn", messages.Args{"by": by})
	case conversation.EventReferred:
		return k.Say("already.referred", messages.Args{"by": by})
	case conversation.EventMediationRequested:
		return k.Say("already.mediation_requested", messages.Args{"by": by})
	case conversation.EventDeadlineExtended:
		return k.Say("already.extended", messages.Args{"by": by})
	case conversation.EventReassigned:
		return k.Say("already.reassigned", messages.Args{"by": by})
	case conversation.EventReferralAccepted:
		return k.Say("already.referral_accepted", messages.Args{"by": by})
	case conversation.EventReferralReturned:
		return k.Say("already.referral_returned", messages.Args{"by": by, "stage": k.Protocol().StageName(e.Fields["to"])})
	case conversation.EventMediationOffered:
		return k.Say("already.mediation_offered", messages.Args{"by": by})
	case conversation.EventClosed:
		return k.Say("already.closed", messages.Args{"by": by})
	}
	return k.Say("already.someone", messages.Args{"by": by})
}

// At formats a moment briefly: the time alone today, with the day
// otherwise ("10:42", "10:42 on Mon 23 Nov").
func (k *Cards) At(t time.Time) string {
	loc := k.Calendar().Location()
	lt := t.In(loc)
	if y, m, d := k.Now().In(loc).Date(); lt.Year() == y && lt.Month() == m && lt.Day() == d {
		return lt.Format("15:04")
	}
	return k.Say("time.at.other_day", messages.Args{"time": lt.Format("15:04"), "day": lt.Format("Mon 2 Jan")})
}
