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
// summaries were kept is read whole and summarised, and that summary
// written (see backfillSummary), so the next call reads it alone. It
// returns EINTERNAL if Redis fails and ECONFLICT if such a case kept
// changing while its summary was written.
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
// none) and log items, or, when it has none, summarises the case itself
// and writes that summary (see backfillSummary); nil for a case deleted
// meanwhile.
func (s *Store) summaryAt(ctx context.Context, id string, v any, items []string) (*conversation.Case, error) {
	str, ok := v.(string)
	if !ok {
		s.wholeLoads.Add(1)
		c, _, err := s.backfillSummary(ctx, id)
		if conversation.ErrorCode(err) == conversation.ENOTFOUND {
			return nil, nil
		}
		return c, err
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

// backfillScript writes case KEYS[1]'s summary state ARGV[2] to KEYS[2]
// and its events' summaries ARGV[3] onwards to the list KEYS[3], only if
// the case has no summary yet and its state record still has SHA-1
// ARGV[1]. It returns 1 when it wrote, 0 when the case had a summary
// already or is gone, and -1 when the case changed since it was read.
var backfillScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local cur = redis.call('GET', KEYS[1])
if not cur then return 0 end
if redis.sha1hex(cur) ~= ARGV[1] then return -1 end
redis.call('SET', KEYS[2], ARGV[2])
redis.call('DEL', KEYS[3])
for i = 3, #ARGV, 1000 do
  redis.call('RPUSH', KEYS[3], unpack(ARGV, i, math.min(i + 999, #ARGV)))
end
return 1
`)

// backfillSummary reads the whole of case id and writes its summary if it
// has none, never over one written meanwhile (by a write of the case, or
// another backfill), trying again if the case changes under it. It
// returns the summary of the case as read and whether it wrote it;
// ENOTFOUND if there is no case, ECONFLICT if the case kept changing, and
// EINTERNAL if Redis fails.
func (s *Store) backfillSummary(ctx context.Context, id string) (*conversation.Case, bool, error) {
	keys := []string{s.key("case", id), s.key("summary", id), s.key("sumlog", id)}
	for attempt := range maxAttempts {
		st, err := s.read(ctx, s.rdb, id, 0)
		if err != nil {
			return nil, false, err
		}
		c := st.c
		c.Events = st.tail
		args, err := summaryOf(c, c.Events)
		if err != nil {
			return nil, false, err
		}
		n, err := backfillScript.Run(ctx, s.rdb, keys, append([]any{st.sum, args.state}, args.events...)...).Int()
		if err != nil {
			return nil, false, conversation.Internal("write summary of case "+id, err)
		}
		if n >= 0 {
			return conversation.SummaryOf(c), n == 1, nil
		}
		if err := backoff(ctx, attempt); err != nil {
			return nil, false, conversation.Internal("write summary of case "+id, err)
		}
	}
	return nil, false, errManyRaces
}

// backfillSummaries writes the summary of every case that has none (see
// backfillSummary), counting each case as conversation.RecordSummary in
// rep, written or not. It returns what backfillSummary does, except
// ENOTFOUND: a case deleted meanwhile is passed over.
func (s *Store) backfillSummaries(ctx context.Context, rep *conversation.MigrateReport) error {
	ids, err := s.rdb.ZRange(ctx, s.key("cases"), 0, -1).Result()
	if err != nil {
		return conversation.Internal("migrate", err)
	}
	for chunk := range slices.Chunk(ids, 500) {
		have := make([]*redis.IntCmd, len(chunk))
		if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, id := range chunk {
				have[i] = p.Exists(ctx, s.key("summary", id))
			}
			return nil
		}); err != nil {
			return conversation.Internal("migrate", err)
		}
		for i, id := range chunk {
			wrote := false
			if have[i].Val() == 0 {
				_, w, err := s.backfillSummary(ctx, id)
				if conversation.ErrorCode(err) == conversation.ENOTFOUND {
					continue
				}
				if err != nil {
					return err
				}
				wrote = w
			}
			rep.Count(conversation.RecordSummary, wrote)
		}
	}
	return nil
}

// SummaryFallbacks returns how many cases CaseSummaries has read whole,
// since the store was opened, because they had no summary yet. It returns
// no error.
func (s *Store) SummaryFallbacks() int64 { return s.wholeLoads.Load() }
