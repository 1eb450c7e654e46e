package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/resolvebot/resolvebot/conversation"
)

// The outbox is one HASH, outbox (effect ID → JSON), numbered by the
// counter outbox:seq; both carry the {rb} tag, so the scripts and
// transactions that touch them and a case work on Redis Cluster. Steps
// enqueue their effect inside the case's own write: casScript for
// UpdateCase, enqueueScript inside CreateCase's MULTI. The worker's claims,
// completions and retries are WATCH/MULTI transactions on the hash, so two
// workers never hold one effect.

// outboxKeys returns the outbox hash and its counter.
func (s *Store) outboxKeys() (hash, seq string) { return s.key("outbox"), s.key("outbox", "seq") }

// enqueueLua adds ARGV[1] (an effect's JSON), when not empty, to the outbox
// hash KEYS[1] under the next number of KEYS[2]. casScript carries the
// same lines.
const enqueueLua = `
if ARGV[1] ~= '' then
  local n = redis.call('INCR', KEYS[2])
  redis.call('HSET', KEYS[1], string.format('%020d', n), ARGV[1])
end
return 1
`

var enqueueScript = redis.NewScript(enqueueLua)

// stepEffectJSON returns the JSON of the step effect a write of c causes
// (c had before events until the change), or "" for none.
func stepEffectJSON(ctx context.Context, c *conversation.Case, before int) (string, error) {
	e := conversation.StepEffect(ctx, c, before)
	if e == nil {
		return "", nil
	}
	b, err := json.Marshal(e)
	if err != nil {
		return "", conversation.Internal("encode effect", err)
	}
	return string(b), nil
}

// pendingIn reads and orders every effect of the outbox hash through c.
func (s *Store) pendingIn(ctx context.Context, c redis.Cmdable) ([]conversation.Effect, error) {
	hash, _ := s.outboxKeys()
	m, err := c.HGetAll(ctx, hash).Result()
	if err != nil {
		return nil, err
	}
	out := make([]conversation.Effect, 0, len(m))
	for id, v := range m {
		var e conversation.Effect
		if err := json.Unmarshal([]byte(v), &e); err != nil {
			return nil, conversation.Internal("decode effect", err)
		}
		e.ID = id
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b conversation.Effect) int {
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	return out, nil
}

func effectJSON(e *conversation.Effect) (string, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return "", conversation.Internal("encode effect", err)
	}
	return string(b), nil
}

// ClaimEffects implements conversation.Outbox with a WATCH transaction on
// the outbox hash. It reads only the ready index, the effects it may claim
// and their cases' effects (see outboxindex.go), so its cost does not grow
// with the outbox. Returns EINTERNAL on failure.
func (s *Store) ClaimEffects(ctx context.Context, owner string, lease time.Duration, now time.Time, limit int) ([]conversation.Effect, error) {
	hash, _ := s.outboxKeys()
	var out []conversation.Effect
	err := s.optimistic(ctx, "claim effects", func(tx *redis.Tx) error {
		out = nil
		x := s.newOutboxIndex()
		indexed, err := x.catchUp(ctx, tx)
		if err != nil {
			return err
		}
		ids, err := s.readyIDs(ctx, tx, now, limit)
		if err != nil {
			return err
		}
		// The effects just indexed are not in the ready set yet.
		for _, all := range x.cases {
			for _, i := range conversation.Claimable(all, now, 0) {
				ids = append(ids, all[i].ID)
			}
		}
		slices.Sort(ids)
		ids = slices.Compact(ids)
		unknown := slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return x.has(id) })
		found, err := s.readEffects(ctx, tx, unknown)
		if err != nil {
			return err
		}
		for _, e := range found {
			if _, err := x.load(ctx, tx, e.CaseID); err != nil {
				return err
			}
		}
		var gone []any // ready entries of effects no longer in the outbox
		for _, id := range unknown {
			if !slices.ContainsFunc(found, func(e conversation.Effect) bool { return e.ID == id }) {
				gone = append(gone, id)
			}
		}
		// The index says whose turn it is; each case's own effects decide,
		// as Claimable does for the whole outbox.
		claimable := map[string]bool{}
		for _, all := range x.cases {
			for _, i := range conversation.Claimable(all, now, 0) {
				claimable[all[i].ID] = true
			}
		}
		fields := []any{}
		for _, id := range ids {
			e, ok := x.get(id)
			if !ok || !claimable[id] || (limit > 0 && len(out) == limit) {
				continue
			}
			e.Owner, e.LeaseUntil, e.Attempts = owner, now.Add(lease), e.Attempts+1
			v, err := effectJSON(&e)
			if err != nil {
				return err
			}
			fields = append(fields, e.ID, v)
			out = append(out, e)
			x.put(e, false)
		}
		if len(fields) == 0 && indexed == 0 && len(x.cases) == 0 && len(gone) == 0 {
			return nil
		}
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			if len(fields) > 0 {
				p.HSet(ctx, hash, fields...)
			}
			if indexed > 0 {
				p.Set(ctx, s.indexedKey(), indexed, 0)
			}
			if len(gone) > 0 {
				p.ZRem(ctx, s.readyKey(), gone...)
			}
			x.write(ctx, p)
			return nil
		})
		return err
	}, hash)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// enqueueOnceScript remembers KEYS[1] as rememberScript does (ARGV[1] now,
// ARGV[2] expiry, ARGV[3] garbage-collection TTL) and, only when it was not
// remembered, adds ARGV[4] to the outbox hash KEYS[2] under the next number
// of KEYS[3], as enqueueLua does. It returns 1 when it enqueued.
var enqueueOnceScript = redis.NewScript(`
local exp = redis.call('GET', KEYS[1])
if exp and tonumber(exp) > tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
local n = redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[2], string.format('%020d', n), ARGV[4])
return 1
`)

// EnqueueOnce implements conversation.Outbox in one script, so the key and
// the effect are written together or not at all. Returns EINTERNAL on
// failure.
func (s *Store) EnqueueOnce(ctx context.Context, key string, ttl time.Duration, e conversation.Effect, now time.Time) (bool, error) {
	e.Owner, e.LeaseUntil = "", time.Time{}
	v, err := effectJSON(&e)
	if err != nil {
		return false, err
	}
	hash, seq := s.outboxKeys()
	n, err := enqueueOnceScript.Run(ctx, s.rdb, []string{s.key("remember", key), hash, seq},
		now.UnixMicro(), now.Add(ttl).UnixMicro(), gcMillis(ttl), v).Int()
	if err != nil {
		return false, conversation.Internal("enqueue effect", err)
	}
	return n == 1, nil
}

var errNotHeld = conversation.Conflict("error.store.not_held", nil)

// held reads effect id in tx and checks owner holds it at now.
func (s *Store) held(ctx context.Context, tx *redis.Tx, id, owner string, now time.Time) (*conversation.Effect, error) {
	hash, _ := s.outboxKeys()
	v, err := tx.HGet(ctx, hash, id).Result()
	if errors.Is(err, redis.Nil) {
		return nil, errNotHeld
	}
	if err != nil {
		return nil, err
	}
	var e conversation.Effect
	if err := json.Unmarshal([]byte(v), &e); err != nil {
		return nil, conversation.Internal("decode effect", err)
	}
	if e.Owner != owner || !e.LeaseUntil.After(now) {
		return nil, errNotHeld
	}
	e.ID = id
	return &e, nil
}

// CompleteEffect implements conversation.Outbox. Returns ECONFLICT when
// owner no longer holds the effect, EINTERNAL on failure.
func (s *Store) CompleteEffect(ctx context.Context, id, owner string, follow []conversation.Effect, now time.Time) error {
	hash, _ := s.outboxKeys()
	return s.optimistic(ctx, "complete effect", func(tx *redis.Tx) error {
		e, err := s.held(ctx, tx, id, owner, now)
		if err != nil {
			return err
		}
		x := s.newOutboxIndex()
		if _, err := x.load(ctx, tx, e.CaseID); err != nil {
			return err
		}
		x.remove(e.CaseID, id)
		fields := make([]any, 0, 2*len(follow))
		for i := range follow {
			f := follow[i]
			f.Owner, f.LeaseUntil = "", time.Time{}
			v, err := effectJSON(&f)
			if err != nil {
				return err
			}
			f.ID = conversation.ChildEffectID(id, i)
			fields = append(fields, f.ID, v)
			if _, err := x.load(ctx, tx, f.CaseID); err != nil {
				return err
			}
			x.put(f, true)
		}
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.HDel(ctx, hash, id)
			if len(fields) > 0 {
				p.HSet(ctx, hash, fields...)
			}
			x.write(ctx, p)
			return nil
		})
		return err
	}, hash)
}

// RetryEffect implements conversation.Outbox. Returns ECONFLICT when owner
// no longer holds the effect, EINTERNAL on failure.
func (s *Store) RetryEffect(ctx context.Context, id, owner string, next, now time.Time) error {
	hash, _ := s.outboxKeys()
	return s.optimistic(ctx, "retry effect", func(tx *redis.Tx) error {
		e, err := s.held(ctx, tx, id, owner, now)
		if err != nil {
			return err
		}
		e.Owner, e.LeaseUntil, e.NextAt = "", time.Time{}, next
		v, err := effectJSON(e)
		if err != nil {
			return err
		}
		x := s.newOutboxIndex()
		if _, err := x.load(ctx, tx, e.CaseID); err != nil {
			return err
		}
		x.put(*e, false)
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.HSet(ctx, hash, id, v)
			x.write(ctx, p)
			return nil
		})
		return err
	}, hash)
}

// PendingEffects implements conversation.Outbox. Returns EINTERNAL on
// failure.
func (s *Store) PendingEffects(ctx context.Context) ([]conversation.Effect, error) {
	all, err := s.pendingIn(ctx, s.rdb)
	if err != nil {
		return nil, conversation.StoreResult("read outbox", err)
	}
	return all, nil
}

// OutboxStats implements conversation.Outbox. Returns EINTERNAL on failure.
func (s *Store) OutboxStats(ctx context.Context) (conversation.OutboxStats, error) {
	all, err := s.PendingEffects(ctx)
	if err != nil {
		return conversation.OutboxStats{}, err
	}
	return conversation.StatsOf(all), nil
}

// doomedEffects returns the IDs of case id's effects, read through c.
func (s *Store) doomedEffects(ctx context.Context, c redis.Cmdable, id string) ([]string, error) {
	all, err := s.pendingIn(ctx, c)
	if err != nil {
		return nil, err
	}
	var doomed []string
	for _, e := range all {
		if e.CaseID == id {
			doomed = append(doomed, e.ID)
		}
	}
	return doomed, nil
}

// EnqueueEffect implements conversation.Outbox with enqueueScript, as a
// case write enqueues its step. Returns EINTERNAL on failure.
func (s *Store) EnqueueEffect(ctx context.Context, e conversation.Effect) error {
	v, err := effectJSON(&e)
	if err != nil {
		return err
	}
	hash, seq := s.outboxKeys()
	if err := enqueueScript.Run(ctx, s.rdb, []string{hash, seq}, v).Err(); err != nil {
		return conversation.Internal("enqueue effect", err)
	}
	return nil
}
