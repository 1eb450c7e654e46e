package redisstore

import (
	"context"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/resolvebot/resolvebot/conversation"
)

// Observations of inter-agency differences are two keys of their own,
// which no case's write touches:
//
//	observations     ZSET of observations as JSON, scored by the
//	                 milliseconds of when each was logged
//	seq:observation  the counter of their ids

var _ conversation.ObservationStore = (*Store)(nil)

// AddObservation stores o with the next observation id. Returns EINTERNAL
// if Redis fails.
func (s *Store) AddObservation(ctx context.Context, o *conversation.Observation) error {
	n, err := s.rdb.Incr(ctx, s.key("seq", "observation")).Result()
	if err != nil {
		return conversation.Internal("add observation", err)
	}
	stored := *o
	stored.ID = conversation.ObservationID(o.At, uint64(n))
	data, err := conversation.EncodeRecord(stored)
	if err != nil {
		return conversation.Internal("encode observation", err)
	}
	if err := s.rdb.ZAdd(ctx, s.key("observations"), redis.Z{Score: float64(o.At.UnixMilli()), Member: string(data)}).Err(); err != nil {
		return conversation.Internal("add observation", err)
	}
	o.ID = stored.ID
	return nil
}

// Observations returns the observations logged in [from, to), oldest
// first. Returns EINTERNAL if Redis fails.
func (s *Store) Observations(ctx context.Context, from, to time.Time) ([]conversation.Observation, error) {
	vals, err := s.rdb.ZRangeByScore(ctx, s.key("observations"), &redis.ZRangeBy{
		Min: strconv.FormatInt(from.UnixMilli(), 10), Max: "(" + strconv.FormatInt(to.UnixMilli(), 10),
	}).Result()
	if err != nil {
		return nil, conversation.Internal("list observations", err)
	}
	out := make([]conversation.Observation, 0, len(vals))
	for _, v := range vals {
		var o conversation.Observation
		if err := conversation.DecodeRecord(conversation.RecordObservation, []byte(v), &o); err != nil {
			return nil, conversation.Internal("decode observation", err)
		}
		if !o.At.Before(from) && o.At.Before(to) {
			out = append(out, o)
		}
	}
	return out, nil
}
