package scheduler

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
)

// Digest puts in the outbox, on working days only, a morning digest for
// each person with cases awaiting them: an effect holding the day, the
// person and the ids of those cases, which the delivery worker turns into
// the message when it sends it (bot.Router.Digest), retrying a failed send
// with backoff. Nobody gets an empty digest. A claim makes one instance do
// the work; each person's digest is enqueued with a key remembered in the
// same write, so another replica, or this one after a restart, never
// enqueues it twice, and once enqueued it survives a restart. It returns
// how many digests it enqueued, and the store's error.
func (s *Scheduler) Digest(ctx context.Context) (int, error) {
	now := s.now()
	cal := s.engine.Calendar()
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
	waiting := map[string][]string{}
	for _, c := range cases {
		for _, id := range s.people.Owing(ctx, c) {
			waiting[id] = append(waiting[id], c.ID)
		}
	}
	people := make([]string, 0, len(waiting))
	for id := range waiting {
		people = append(people, id)
	}
	slices.Sort(people)
	enqueued := 0
	for _, id := range people {
		e := conversation.Effect{Kind: conversation.EffectDigest, Recipient: id, Period: day, Cases: waiting[id], CreatedAt: now}
		added, err := s.store.EnqueueOnce(ctx, "digest:"+day+":"+id, 7*24*time.Hour, e, now)
		if err != nil {
			return enqueued, fmt.Errorf("enqueue digest: %w", err)
		}
		if added {
			enqueued++
		}
	}
	return enqueued, nil
}
