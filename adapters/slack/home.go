package slack

import (
	"fmt"

	"github.com/resolvebot/resolvebot/bot"
)

// homeSections lays a person's overview out for the App Home: what waits
// on them (or on their partnership role, or needs a safeguarding lead's
// attention) with its reason and deadline, the other open cases they may
// see, and the cases they were part of that closed in the last 30 days.
func (a *Adapter) homeSections(ov *bot.Overview) []homeSection {
	k := a.router.Cards
	line := func(oc bot.OverviewCase, due string) homeCase {
		c := oc.Case
		cur := c.Current()
		with := a.people.AgencyName(c.Raiser.Agency) + " and " + a.people.AgencyName(c.Respondent.Agency)
		l := fmt.Sprintf("%s · %s · ref %s\n%s %s", k.Protocol().StageName(cur.Key), with, c.ChildRef, due, k.Deadline(cur.Deadline))
		if oc.Why != "" && oc.Why != "Waiting on you" {
			l = oc.Why + " · " + l
		}
		return homeCase{c.ID, l}
	}
	waiting := homeSection{Title: ov.WaitingTitle, Empty: ov.WaitingEmpty, More: ov.MoreWaiting}
	for _, oc := range ov.Waiting {
		waiting.Cases = append(waiting.Cases, line(oc, "Due"))
	}
	open := homeSection{Title: ov.OpenTitle, Empty: ov.OpenEmpty, More: ov.MoreOpen}
	for _, oc := range ov.Open {
		open.Cases = append(open.Cases, line(oc, "Stage deadline"))
	}
	closed := homeSection{Title: "Recently closed", Empty: "No cases closed recently."}
	recent := a.opts.Now().AddDate(0, 0, -30)
	for _, oc := range ov.Ended {
		c := oc.Case
		if c.UpdatedAt.After(recent) && len(closed.Cases) < 10 {
			with := a.people.AgencyName(c.Raiser.Agency) + " and " + a.people.AgencyName(c.Respondent.Agency)
			closed.Cases = append(closed.Cases, homeCase{c.ID, fmt.Sprintf("%s · %s · ref %s · %s", c.Status, with, c.ChildRef, k.When(c.UpdatedAt))})
		}
	}
	return []homeSection{waiting, open, closed}
}
