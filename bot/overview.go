package bot

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// OverviewCap is how many cases each part of an overview lists; the rest
// are counted.
const OverviewCap = 10

// Overview is what a person sees of the cases: first what waits on them,
// then the other open cases they may see, each part capped at OverviewCap
// with a count of the rest, and the cases they were part of that ended.
type Overview struct {
	// Role is "" for a practitioner, "partnership" for a partnership
	// role and "lead" for a safeguarding lead.
	Role         string
	WaitingTitle string // "Waiting on you", "Waiting on the partnership", …
	WaitingEmpty string // said when nothing waits
	OpenTitle    string
	OpenEmpty    string
	Waiting      []OverviewCase
	Open         []OverviewCase
	Ended        []OverviewCase // ended cases they were part of, newest first
	MoreWaiting  int            // waiting cases beyond the cap
	MoreOpen     int            // open cases beyond the cap
}

// OverviewCase is one case of an overview and why it is where it is:
// "Waiting on you" or the partnership's reason (see conversation.Attention).
type OverviewCase struct {
	Case *conversation.Case
	Why  string
	rank int // where its reason sorts among what waits
}

// attentionOrder is the order the partnership's reasons are listed in.
var attentionOrder = []conversation.Attention{conversation.AttentionReferral, conversation.AttentionSerious,
	conversation.AttentionStuck, conversation.AttentionMediation}

// Overview sorts the cases person may see for them. A practitioner sees
// the cases waiting on them, then their other open cases. A partnership
// role sees first what waits on the partnership (referrals to triage,
// serious concerns, stuck cases, mediation requests) and on them
// personally, then every other open case. A safeguarding lead sees the same
// reasons for their agencies' cases first, then their agencies' other open
// cases. Returns EINTERNAL when the directory or the store fails.
func (r *Router) Overview(ctx context.Context, person string) (*Overview, error) {
	a, err := r.Engine.Actor(ctx, person)
	if err != nil {
		return nil, err
	}
	cs, err := r.Engine.List(ctx, person)
	if err != nil {
		return nil, err
	}
	k := r.Cards
	ov := &Overview{WaitingTitle: k.Say("overview.waiting", nil), WaitingEmpty: k.Say("overview.waiting.none", nil),
		OpenTitle: k.Say("overview.open", nil), OpenEmpty: k.Say("overview.open.none", nil)}
	switch {
	case a.Partnership:
		ov.Role = "partnership"
		ov.WaitingTitle, ov.WaitingEmpty = k.Say("overview.partnership.waiting", nil), k.Say("overview.partnership.waiting.none", nil)
		ov.OpenTitle, ov.OpenEmpty = k.Say("overview.partnership.open", nil), k.Say("overview.partnership.open.none", nil)
	case len(a.LeadOf) > 0:
		ov.Role = "lead"
		ov.WaitingTitle, ov.WaitingEmpty = k.Say("overview.lead.waiting", nil), k.Say("overview.lead.waiting.none", nil)
		ov.OpenTitle, ov.OpenEmpty = k.Say("overview.lead.open", nil), k.Say("overview.lead.open.none", nil)
	}
	var waiting, open []OverviewCase
	for _, c := range cs {
		att := conversation.AttentionNone
		if ov.Role != "" {
			att = conversation.PartnershipAttention(c)
		}
		switch {
		case conversation.WaitingOn(c, person):
			waiting = append(waiting, OverviewCase{Case: c, Why: k.Say("overview.why.you", nil)})
		case att != conversation.AttentionNone:
			waiting = append(waiting, OverviewCase{Case: c, Why: att.LabelIn(k.catalogue()), rank: 1 + slices.Index(attentionOrder, att)})
		case c.Status.Active():
			open = append(open, OverviewCase{Case: c})
		case c.Involves(person):
			ov.Ended = append(ov.Ended, OverviewCase{Case: c})
		}
	}
	// What waits comes by reason (the person's own steps, then referrals,
	// serious concerns, stuck cases, mediation), soonest due first within
	// each; the rest stay newest first.
	slices.SortStableFunc(waiting, func(x, y OverviewCase) int {
		if c := cmp.Compare(x.rank, y.rank); c != 0 {
			return c
		}
		return x.Case.Current().Deadline.Compare(y.Case.Current().Deadline)
	})
	ov.Waiting, ov.MoreWaiting = capped(waiting)
	ov.Open, ov.MoreOpen = capped(open)
	return ov, nil
}

func capped(cs []OverviewCase) ([]OverviewCase, int) {
	if len(cs) <= OverviewCap {
		return cs, 0
	}
	return cs[:OverviewCap], len(cs) - OverviewCap
}

// Overview returns the list messages for a partnership role's or a
// safeguarding lead's overview: what waits on them, then the other open
// cases, each capped with a count of the rest.
func (k *Cards) Overview(ov *Overview) []Message {
	part := func(title, empty, order string, cs []OverviewCase, more int, waiting bool) Message {
		m := Message{Kind: "list", Title: title}
		if len(cs) == 0 {
			m.Text = empty
			return m
		}
		for _, oc := range cs {
			c := oc.Case
			cur := c.Current()
			v := fmt.Sprintf("%s · %s and %s", k.For(c).Protocol().StageName(cur.Key), k.People.AgencyName(c.Raiser.Agency), k.People.AgencyName(c.Respondent.Agency))
			if oc.Why != "" {
				v = oc.Why + " · " + v
			}
			if waiting || c.Status.Active() {
				v += k.Say("overview.due", messages.Args{"deadline": k.Deadline(cur.Deadline)})
			}
			m.Fields = append(m.Fields, Field{c.ID + " (" + c.ChildRef + ")", v})
		}
		if more > 0 {
			m.Text = k.Say("overview.more", messages.Args{"shown": len(cs), "order": order, "more": more})
		}
		return m
	}
	return []Message{
		part(ov.WaitingTitle, ov.WaitingEmpty, k.Say("overview.order.soonest", nil), ov.Waiting, ov.MoreWaiting, true),
		part(ov.OpenTitle, ov.OpenEmpty, k.Say("overview.order.newest", nil), ov.Open, ov.MoreOpen, false),
	}
}

// listCommand answers "list": a practitioner's cases, or for a partnership
// role or safeguarding lead their overview, what waits on them first.
func (r *Router) listCommand(ctx context.Context, person string) (Reply, error) {
	a, err := r.Engine.Actor(ctx, person)
	if err != nil {
		return Reply{}, err
	}
	if !a.Partnership && len(a.LeadOf) == 0 {
		cs, err := r.Engine.List(ctx, person)
		if err != nil {
			return Reply{}, err
		}
		return Reply{Messages: []Message{r.Cards.List(ctx, cs, person)}}, nil
	}
	ov, err := r.Overview(ctx, person)
	if err != nil {
		return Reply{}, err
	}
	return Reply{Messages: r.Cards.Overview(ov)}, nil
}
