package redisstore

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/resolvebot/resolvebot/conversation"
)

// summaryArgs is a write's summary: the case's summary state and the
// summaries of the events it writes, as JSON.
type summaryArgs struct {
	state  []byte
	events []any
}

// summaryOf encodes c's summary state and the summaries of events.
func summaryOf(c *conversation.Case, events []conversation.Event) (summaryArgs, error) {
	state, err := conversation.EncodeSummary(conversation.SummaryState(c))
	if err != nil {
		return summaryArgs{}, conversation.Internal("encode summary of case "+c.ID, err)
	}
	out := summaryArgs{state: state, events: make([]any, len(events))}
	for i, e := range conversation.SummaryEvents(events) {
		v, err := conversation.EncodeSummaryEvent(e)
		if err != nil {
			return summaryArgs{}, conversation.Internal("encode summary of case "+c.ID, err)
		}
		out.events[i] = v
	}
	return out, nil
}

// CaseSummaries returns every case's summary, newest first: the case ids
// from the cases ZSET, then, 500 at a time, one MGET of their summary
// states and one pipeline of their summary logs. A case stored before
// summaries were kept is read whole and summarised. It returns EINTERNAL
// if Redis fails.
func (s *Store) CaseSummaries(ctx context.Context) ([]*conversation.Case, error) {
	ids, err := s.rdb.ZRevRange(ctx, s.key("cases"), 0, -1).Result()
	if err != nil {
		return nil, conversation.Internal("case summaries", err)
	}
	out := make([]*conversation.Case, 0, len(ids))
	for chunk := range slices.Chunk(ids, 500) {
		keys := make([]string, len(chunk))
		for i, id := range chunk {
			keys[i] = s.key("summary", id)
		}
		var states *redis.SliceCmd
		logs := make([]*redis.StringSliceCmd, len(chunk))
		if _, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
			states = p.MGet(ctx, keys...)
			for i, id := range chunk {
				logs[i] = p.LRange(ctx, s.key("sumlog", id), 0, -1)
			}
			return nil
		}); err != nil && !errors.Is(err, redis.Nil) {
			return nil, conversation.Internal("case summaries", err)
		}
		for i, v := range states.Val() {
			c, err := s.summaryAt(ctx, chunk[i], v, logs[i].Val())
			if err != nil {
				return nil, err
			}
			if c != nil {
				out = append(out, c)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b *conversation.Case) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	})
	return out, nil
}

// summaryAt decodes case id's summary from its state v (nil when it has
// none) and log items, or summarises the case itself when it has none; nil
// for a case deleted meanwhile.
func (s *Store) summaryAt(ctx context.Context, id string, v any, items []string) (*conversation.Case, error) {
	str, ok := v.(string)
	if !ok {
		c, err := s.GetCase(ctx, id)
		if conversation.ErrorCode(err) == conversation.ENOTFOUND {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return conversation.SummaryOf(c), nil
	}
	c, err := conversation.DecodeSummary([]byte(str))
	if err != nil {
		return nil, conversation.Internal("decode summary of case "+id, err)
	}
	c.Events = make([]conversation.Event, len(items))
	for i, it := range items {
		if err := conversation.DecodeSummaryEvent([]byte(it), &c.Events[i]); err != nil {
			return nil, conversation.Internal("decode summary of case "+id, err)
		}
	}
	return c, nil
}
