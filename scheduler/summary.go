package scheduler

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// Summary sends the partnership its periodic summary for the previous
// calendar month: counts and themes only, never a child reference or free
// text. A claim and a remembered key make it go out once per period. It
// returns how many people it reached.
func (s *Scheduler) Summary(ctx context.Context) (int, error) {
	now := s.now().In(s.engine.Calendar.Location())
	to := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, now.Location())
	from := to.AddDate(0, -1, 0)
	key := "summary:" + from.Format("2006-01")
	held, err := s.store.Claim(ctx, key, s.Owner, s.Lease, now)
	if err != nil || !held {
		return 0, err
	}
	defer s.store.Release(context.WithoutCancel(ctx), key, s.Owner)
	cases, err := s.store.ListCases(ctx, conversation.CaseFilter{})
	if err != nil {
		return 0, fmt.Errorf("list cases: %w", err)
	}
	m := s.summaryMessage(cases, from, to)
	recipients := s.SummaryTo
	if len(recipients) == 0 {
		recipients, _ = s.people.PartnershipPeople(ctx)
	}
	reached := 0
	for _, id := range recipients {
		first, err := s.store.Remember(ctx, key+":"+id, 400*24*time.Hour, now)
		if err != nil {
			return reached, err
		}
		if !first {
			continue
		}
		if unreached := s.dispatcher.Deliver(ctx, []bot.Outbound{{To: id, Message: m}}); len(unreached) == 0 {
			reached++
		}
	}
	return reached, nil
}

// summaryMessage counts the period's cases. It uses only ids, categories,
// agencies, stages and event kinds.
func (s *Scheduler) summaryMessage(cases []*conversation.Case, from, to time.Time) bot.Message {
	proto := s.engine.Protocol
	in := func(t time.Time) bool { return !t.Before(from) && t.Before(to) }
	raised, resolved, withdrawn, missed, mediation, referred, open := 0, 0, 0, 0, 0, 0, 0
	byCategory := map[string]int{}
	byStage := map[string]int{}
	for _, c := range cases {
		if c.Status.Active() {
			open++
		}
		if in(c.CreatedAt) {
			raised++
			byCategory[proto.CategoryName(c.Category)]++
			highest := c.Stages[0].Key
			for _, st := range c.Stages {
				if proto.StageIndex(st.Key) > proto.StageIndex(highest) {
					highest = st.Key
				}
			}
			byStage[proto.StageName(highest)]++
		}
		for _, e := range c.Events {
			if !in(e.At) {
				continue
			}
			switch e.Kind {
			case conversation.EventResolutionConfirmed:
				resolved++
			case conversation.EventWithdrawn:
				withdrawn++
			case conversation.EventDeadlineMissed:
				missed++
			case conversation.EventMediationRequested, conversation.EventMediationOffered:
				mediation++
			case conversation.EventReferred:
				referred++
			}
		}
	}
	m := bot.Message{Kind: "summary", Title: fmt.Sprintf("Case resolution summary, %s", from.Format("January 2006"))}
	m.Fields = []bot.Field{
		{Label: "Raised", Value: fmt.Sprint(raised)},
		{Label: "Resolved", Value: fmt.Sprint(resolved)},
		{Label: "Withdrawn", Value: fmt.Sprint(withdrawn)},
		{Label: "Open now", Value: fmt.Sprint(open)},
		{Label: "Deadlines missed", Value: fmt.Sprint(missed)},
		{Label: "Mediation asked for or offered", Value: fmt.Sprint(mediation)},
		{Label: "Referred to the partnership", Value: fmt.Sprint(referred)},
	}
	if v := counts(byCategory); v != "" {
		m.Fields = append(m.Fields, bot.Field{Label: "By category", Value: v})
	}
	if v := counts(byStage); v != "" {
		m.Fields = append(m.Fields, bot.Field{Label: "Highest stage reached", Value: v})
	}
	if raised == 0 {
		m.Text = "No disagreements were raised this month. A quiet month can mean challenge is missing: it may be worth asking agencies whether concerns are being raised."
	}
	return m
}

// counts formats a tally, largest first.
func counts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if m[a] != m[b] {
			return m[b] - m[a]
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s: %d", k, m[k]))
	}
	return strings.Join(parts, "; ")
}
