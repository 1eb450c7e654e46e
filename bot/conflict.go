package bot

import (
	"context"
	"fmt"
	"time"

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
			Text: r.Cards.Already(ctx, e, in.Actor)}}}, nil
	}
	card := r.Cards.Card(ctx, c, in.Actor, "This case changed since that card was sent. Here is the latest.")
	return Reply{Messages: []Message{card}, Refresh: c}, nil
}

// Already says in one line who already took the step of event e, and
// when, for viewer: "Already acknowledged by Sam Patel at 10:42."
func (k *Cards) Already(ctx context.Context, e conversation.Event, viewer string) string {
	who := "you"
	if e.Actor != viewer {
		who = k.People.Name(ctx, e.Actor)
	}
	by := fmt.Sprintf("by %s at %s", who, k.At(e.At))
	switch e.Kind {
	case conversation.EventAcknowledged:
		return "Already acknowledged " + by + "."
	case conversation.EventEscalated:
		return "Already escalated to " + k.Protocol.StageName(e.Fields["to"]) + " " + by + "."
	case conversation.EventResolutionProposed:
		return "A way forward was already proposed " + by + "."
	case conversation.EventResolutionConfirmed:
		return "Already confirmed " + by + ". This case is resolved."
	case conversation.EventResolutionDisputed:
		return "The proposal was already disputed " + by + "."
	case conversation.EventWithdrawn:
		return "Already withdrawn " + by + "."
	case conversation.EventReferred:
		return "Already referred to the partnership " + by + "."
	case conversation.EventMediationRequested:
		return "Mediation was already asked for " + by + "."
	case conversation.EventDeadlineExtended:
		return "The deadline was already extended " + by + "."
	case conversation.EventReassigned:
		return "Already handed over " + by + "."
	case conversation.EventReferralAccepted:
		return "The referral was already accepted " + by + "."
	case conversation.EventReferralReturned:
		return "Already returned to " + k.Protocol.StageName(e.Fields["to"]) + " " + by + "."
	case conversation.EventMediationOffered:
		return "Mediation was already offered " + by + "."
	case conversation.EventClosed:
		return "Already closed " + by + "."
	}
	return "Someone already did this " + by + "."
}

// At formats a moment briefly: the time alone today, with the day
// otherwise ("10:42", "10:42 on Mon 23 Nov").
func (k *Cards) At(t time.Time) string {
	loc := k.Calendar.Location()
	lt := t.In(loc)
	if y, m, d := k.Now().In(loc).Date(); lt.Year() == y && lt.Month() == m && lt.Day() == d {
		return lt.Format("15:04")
	}
	return lt.Format("15:04 on Mon 2 Jan")
}
