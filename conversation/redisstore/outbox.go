package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/resolvebot/resolvebot/conversation"
)

// The outbox is one HASH, outbox (effect ID → JSON), numbered by the
// counter outbox:seq; both carry the {rb} tag, so the scripts that touch
// them and a case work on Redis Cluster. Steps enqueue their effect inside
// the case's own write: casScript for UpdateCase, enqueueScript inside
// CreateCase's MULTI. An effect's JSON is written once; its claim state
// (attempts, lease, next try) and the indexes the worker's scripts keep are
// beside it (see outboxindex.go). Each claim, completion and retry is one
// script, so two workers never hold one effect and none waits on another's
// transaction.

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

// pendingIn reads and orders every effect of the outbox hash through c,
// with its claim state from outbox:state when indexed is true (an effect
// not indexed yet has its state in its JSON).
func (s *Store) pendingIn(ctx context.Context, c redis.Cmdable, indexed bool) ([]conversation.Effect, error) {
	hash, _ := s.outboxKeys()
	var bodies, claims *redis.MapStringStringCmd
	read := func(p redis.Pipeliner) error {
		bodies = p.HGetAll(ctx, hash)
		if indexed {
			claims = p.HGetAll(ctx, s.key("outbox", "state"))
		}
		return nil
	}
	var err error
	if indexed {
		_, err = c.TxPipelined(ctx, read) // the effects and their claims as of one moment
	} else {
		_, err = c.Pipelined(ctx, read)
	}
	if err != nil {
		return nil, err
	}
	m := bodies.Val()
	var states map[string]string
	if claims != nil {
		states = claims.Val()
	}
	out := make([]conversation.Effect, 0, len(m))
	for id, v := range m {
		e, err := decodeEffect(id, v)
		if err != nil {
			return nil, err
		}
		if st, ok := states[id]; ok {
			if err := withState(&e, st); err != nil {
				return nil, err
			}
		}
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b conversation.Effect) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// decodeEffect decodes effect id from its JSON v.
func decodeEffect(id, v string) (conversation.Effect, error) {
	var e conversation.Effect
	if err := json.Unmarshal([]byte(v), &e); err != nil {
		return e, conversation.Internal("decode effect", err)
	}
	e.ID = id
	return e, nil
}

func effectJSON(e *conversation.Effect) (string, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return "", conversation.Internal("encode effect", err)
	}
	return string(b), nil
}

// ClaimEffects implements conversation.Outbox with claimScript: one
// script that indexes what was enqueued since the last claim and leases
// what is due, reading only the due index, the effects it claims and the
// heads of their queues, so its cost does not grow with the outbox or a
// case's backlog. The first claim on an outbox an older resolvebot wrote
// indexes it first (indexAll). Returns EINTERNAL on failure.
func (s *Store) ClaimEffects(ctx context.Context, owner string, lease time.Duration, now time.Time, limit int) ([]conversation.Effect, error) {
	if limit <= 0 {
		limit = math.MaxInt32
	}
	var out []conversation.Effect
	for range 1000 {
		got, left, err := s.claim(ctx, owner, lease, now, limit-len(out))
		if errors.Is(err, errNotIndexed) {
			if err := s.indexAll(ctx); err != nil {
				return nil, err
			}
			continue
		}
		if err != nil {
			return nil, conversation.StoreResult("claim effects", err)
		}
		out = append(out, got...)
		if left == 0 || len(out) >= limit {
			break
		}
	}
	slices.SortFunc(out, func(a, b conversation.Effect) int { return strings.Compare(a.ID, b.ID) })
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

// CompleteEffect implements conversation.Outbox with completeScript, which
// deletes the effect and adds follow in one step if owner still holds it.
// Returns ECONFLICT when owner no longer holds the effect, EINTERNAL on
// failure.
func (s *Store) CompleteEffect(ctx context.Context, id, owner string, follow []conversation.Effect, now time.Time) error {
	args := make([]any, 0, 4+6*len(follow))
	args = append(args, id, owner, micros(now), len(follow))
	for i := range follow {
		f := follow[i]
		f.Owner, f.LeaseUntil = "", time.Time{}
		v, err := effectJSON(&f)
		if err != nil {
			return err
		}
		args = append(args, conversation.ChildEffectID(id, i), v, string(f.Kind), f.CaseID, f.Recipient, f.Attempts)
	}
	return s.settleEffect(ctx, "complete effect", completeScript, args)
}

// RetryEffect implements conversation.Outbox with retryScript. Returns
// ECONFLICT when owner no longer holds the effect, EINTERNAL on failure.
func (s *Store) RetryEffect(ctx context.Context, id, owner string, next, now time.Time) error {
	return s.settleEffect(ctx, "retry effect", retryScript, []any{id, owner, micros(now), micros(next)})
}

// settleEffect runs script, a completion or retry, with args; it answers 0
// when the owner no longer holds the effect. An outbox never indexed holds
// no effect anyone can hold. Returns ECONFLICT then, EINTERNAL on failure.
func (s *Store) settleEffect(ctx context.Context, what string, script *redis.Script, args []any) error {
	n, err := script.Run(ctx, s.rdb, s.outboxIndexKeys(), args...).Int()
	if err != nil {
		return conversation.Internal(what, err)
	}
	if n != 1 {
		return errNotHeld
	}
	return nil
}

// PendingEffects implements conversation.Outbox. Returns EINTERNAL on
// failure.
func (s *Store) PendingEffects(ctx context.Context) ([]conversation.Effect, error) {
	indexed, err := s.outboxIndexed(ctx)
	if err != nil {
		return nil, err
	}
	all, err := s.pendingIn(ctx, s.rdb, indexed)
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

// doomedEffects returns case id's effects, read through c.
func (s *Store) doomedEffects(ctx context.Context, c redis.Cmdable, id string) ([]conversation.Effect, error) {
	all, err := s.pendingIn(ctx, c, false)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(e conversation.Effect) bool { return e.CaseID != id }), nil
}

// dropEffects queues in p the deletion of effects and of their index
// entries, in this layout and the one before (outbox:ready,
// outbox:case:<id>).
func (s *Store) dropEffects(ctx context.Context, p redis.Pipeliner, effects []conversation.Effect) {
	if len(effects) == 0 {
		return
	}
	keys := s.outboxIndexKeys()
	var ids, queued, byCase []any
	for _, e := range effects {
		ids = append(ids, e.ID)
		queued = append(queued, e.OrderKey()+"\x00"+e.ID)
		byCase = append(byCase, e.CaseID+"\x00"+e.ID)
	}
	for _, k := range []int{0, 3, 4} { // hash, meta, state
		p.HDel(ctx, keys[k], anyStrings(ids)...)
	}
	p.ZRem(ctx, keys[5], queued...)
	p.ZRem(ctx, keys[6], ids...)
	for _, k := range []int{7, 8, 9} { // parked, untried, leased
		p.ZRem(ctx, keys[k], byCase...)
	}
	p.ZRem(ctx, s.key("outbox", "ready"), ids...)
	for _, e := range effects {
		p.Del(ctx, s.key("outbox", "case", e.CaseID))
	}
}

func anyStrings(ids []any) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i], _ = id.(string)
	}
	return out
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
