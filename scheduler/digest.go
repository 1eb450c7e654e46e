package scheduler

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// Digest sends each person with cases awaiting them a list of those cases
// and their deadlines, on working days only. Nobody gets an empty digest. A
// claim makes one instance send it; each person's copy is remembered so a
// restart does not send it twice. It returns how many digests it sent.
func (s *Scheduler) Digest(ctx context.Context) (int, error) {
	now := s.now()
	cal := s.engine.Calendar
	if !cal.IsWorkingDay(now) {
		return 0, nil
	}
	day := now.In(cal.Location()).Format(time.DateOnly)
	held, err := s.store.Claim(ctx, "digest:"+day, s.Owner, s.Lease, now)
	if err != nil || !held {
		return 0, err
	}
	defer s.store.Release(context.WithoutCancel(ctx), "digest:"+day, s.Owner)
	cases, err := s.store.ListCases(ctx, conversation.CaseFilter{Statuses: []conversation.Status{conversation.StatusOpen, conversation.StatusReferred}})
	if err != nil {
		return 0, fmt.Errorf("list open cases: %w", err)
	}
	waiting := map[string][]*conversation.Case{}
	for _, c := range cases {
		for _, id := range s.people.Owing(ctx, c) {
			waiting[id] = append(waiting[id], c)
		}
	}
	people := make([]string, 0, len(waiting))
	for id := range waiting {
		people = append(people, id)
	}
	slices.Sort(people)
	sent := 0
	for _, id := range people {
		key := "digest:" + day + ":" + id
		first, err := s.store.Remember(ctx, key, 7*24*time.Hour, now)
		if err != nil {
			return sent, err
		}
		if !first {
			continue
		}
		cs := waiting[id]
		slices.SortFunc(cs, func(a, b *conversation.Case) int { return a.Current().Deadline.Compare(b.Current().Deadline) })
		m := bot.Message{Kind: "digest", Title: "Cases waiting for you"}
		var lines []string
		for _, c := range cs {
			cur := c.Current()
			lines = append(lines, fmt.Sprintf("%s · %s · due %s", c.ID, s.engine.Protocol.StageName(cur.Key), s.cards.Deadline(cur.Deadline)))
			m.Cases = append(m.Cases, c.ID)
		}
		m.Text = fmt.Sprintf("Good morning. %d case%s %s waiting for you:", len(cs), plural(len(cs)), isAre(len(cs)))
		m.List = lines
		if unreached := s.dispatcher.Deliver(ctx, []bot.Outbound{{To: id, Message: m}}); len(unreached) > 0 {
			s.log.Warn("digest not delivered", "cases", len(cs))
			continue
		}
		sent++
	}
	return sent, nil
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
