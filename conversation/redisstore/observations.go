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

// replaceObservationScript replaces member ARGV[1] of the observations
// ZSET KEYS[1] with ARGV[2] at score ARGV[3], only if it is still there (a
// purge may have deleted it meanwhile).
var replaceObservationScript = redis.NewScript(`
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
return 1
`)

// RewriteObservations calls fn on every observation, oldest first, and
// replaces each one fn changed, one by one, each only if it is still
// stored. Returns how many it rewrote, fn's error unchanged, or EINTERNAL
// if Redis fails; what was rewritten before an error stays rewritten.
func (s *Store) RewriteObservations(ctx context.Context, fn func(*conversation.Observation) (bool, error)) (int, error) {
	key := s.key("observations")
	vals, err := s.rdb.ZRangeWithScores(ctx, key, 0, -1).Result()
	if err != nil {
		return 0, conversation.Internal("rewrite observations", err)
	}
	n := 0
	for _, z := range vals {
		old, _ := z.Member.(string)
		var o conversation.Observation
		if err := conversation.DecodeRecord(conversation.RecordObservation, []byte(old), &o); err != nil {
			return n, conversation.Internal("decode observation", err)
		}
		id, at := o.ID, o.At
		changed, err := fn(&o)
		if err != nil {
			return n, err
		}
		if !changed {
			continue
		}
		o.ID, o.At = id, at
		data, err := conversation.EncodeRecord(o)
		if err != nil {
			return n, conversation.Internal("encode observation", err)
		}
		done, err := replaceObservationScript.Run(ctx, s.rdb, []string{key}, old, string(data), z.Score).Int()
		if err != nil {
			return n, conversation.Internal("rewrite observation", err)
		}
		n += done
	}
	return n, nil
}

// DeleteObservationsBefore deletes every observation logged before cutoff
// and returns how many. Returns EINTERNAL if Redis fails.
func (s *Store) DeleteObservationsBefore(ctx context.Context, cutoff time.Time) (int, error) {
	key := s.key("observations")
	vals, err := s.rdb.ZRangeByScore(ctx, key, &redis.ZRangeBy{
		Min: "-inf", Max: strconv.FormatInt(cutoff.UnixMilli(), 10),
	}).Result()
	if err != nil {
		return 0, conversation.Internal("delete observations", err)
	}
	var gone []any
	for _, v := range vals {
		var o conversation.Observation
		if err := conversation.DecodeRecord(conversation.RecordObservation, []byte(v), &o); err != nil {
			return 0, conversation.Internal("decode observation", err)
		}
		if o.At.Before(cutoff) {
			gone = append(gone, v)
		}
	}
	if len(gone) == 0 {
		return 0, nil
	}
	n, err := s.rdb.ZRem(ctx, key, gone...).Result()
	if err != nil {
		return 0, conversation.Internal("delete observations", err)
	}
	return int(n), nil
}
