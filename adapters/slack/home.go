package slack

import (
	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// homeSections lays a person's overview out for the App Home: what waits
// on them (or on their partnership role, or needs a safeguarding lead's
// attention) with its reason and deadline, the other open cases they may
// see, and the cases they were part of that closed in the last 30 days.
func (a *Adapter) homeSections(ov *bot.Overview) []homeSection {
	k := a.router.Cards
	agencies := func(c *conversation.Case) string {
		return k.Say("slack.home.agencies", messages.Args{"raiser": a.people.AgencyName(c.Raiser.Agency), "respondent": a.people.AgencyName(c.Respondent.Agency)})
	}
	line := func(oc bot.OverviewCase, due string) homeCase {
		c := oc.Case
		l := k.Say("slack.home.line", messages.Args{"stage": k.For(c).Protocol().StageName(c.Current().Key), "agencies": agencies(c), "ref": c.ChildRef}) + "\n" + due
		if oc.Why != "" && oc.Why != k.Say("overview.why.you", nil) {
			l = oc.Why + " · " + l
		}
		return homeCase{c.ID, l}
	}
	waiting := homeSection{Title: ov.WaitingTitle, Empty: ov.WaitingEmpty, More: ov.MoreWaiting}
	for _, oc := range ov.Waiting {
		waiting.Cases = append(waiting.Cases, line(oc, k.Say("slack.home.due", messages.Args{"deadline": k.Deadline(oc.Case.Current().Deadline)})))
	}
	open := homeSection{Title: ov.OpenTitle, Empty: ov.OpenEmpty, More: ov.MoreOpen}
	for _, oc := range ov.Open {
		open.Cases = append(open.Cases, line(oc, k.Say("slack.home.stage_deadline", messages.Args{"deadline": k.Deadline(oc.Case.Current().Deadline)})))
	}
	closed := homeSection{Title: k.Say("slack.home.closed", nil), Empty: k.Say("slack.home.closed.none", nil)}
	recent := a.opts.Now().AddDate(0, 0, -30)
	for _, oc := range ov.Ended {
		c := oc.Case
		if c.UpdatedAt.After(recent) && len(closed.Cases) < 10 {
			closed.Cases = append(closed.Cases, homeCase{c.ID, k.Say("slack.home.closed_line",
				messages.Args{"status": c.Status.Label(), "agencies": agencies(c), "ref": c.ChildRef, "when": k.When(c.UpdatedAt)})})
		}
	}
	return []homeSection{waiting, open, closed}
}
