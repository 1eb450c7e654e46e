package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/resolvebot/resolvebot/conversation"
)

// Two indexes let a claim read only what it claims, however many effects
// wait in the outbox hash. outbox:case:<case> is a ZSET (all scores 0) of
// each case's effect IDs; outbox:ready is a ZSET of the effects whose turn
// has come or will come at a known time (conversation.ReadyAt), scored by
// that time in Unix microseconds. outbox:indexed is the last number of
// outbox:seq whose effect is in the indexes: the scripts that enqueue
// (with a case's write) only add to the hash, and the next claim indexes
// what they added. CompleteEffect, RetryEffect and DeleteCase keep the
// indexes of the case they change. All carry the {rb} tag.

func (s *Store) readyKey() string                    { return s.key("outbox", "ready") }
func (s *Store) indexedKey() string                  { return s.key("outbox", "indexed") }
func (s *Store) caseEffectsKey(caseID string) string { return s.key("outbox", "case", caseID) }

// outboxIndex holds, during one transaction, the effects of the cases it
// has loaded as they will be after the transaction, and writes their index
// entries.
type outboxIndex struct {
	s       *Store
	cases   map[string][]conversation.Effect
	caseOf  map[string]string   // effect ID → case ID, for the loaded cases
	added   map[string][]string // case → IDs new to its set
	removed map[string][]string // case → IDs gone from its set
}

func (s *Store) newOutboxIndex() *outboxIndex {
	return &outboxIndex{s: s, cases: map[string][]conversation.Effect{}, caseOf: map[string]string{}, added: map[string][]string{}, removed: map[string][]string{}}
}

// readEffects reads the effects ids through c, leaving out those gone.
func (s *Store) readEffects(ctx context.Context, c redis.Cmdable, ids []string) ([]conversation.Effect, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	hash, _ := s.outboxKeys()
	vs, err := c.HMGet(ctx, hash, ids...).Result()
	if err != nil {
		return nil, err
	}
	out := make([]conversation.Effect, 0, len(ids))
	for i, v := range vs {
		str, ok := v.(string)
		if !ok {
			continue
		}
		if e, ok := decoded.get(ids[i], str); ok {
			out = append(out, e)
			continue
		}
		var e conversation.Effect
		if err := json.Unmarshal([]byte(str), &e); err != nil {
			return nil, conversation.Internal("decode effect", err)
		}
		e.ID = ids[i]
		decoded.put(e, str)
		out = append(out, e)
	}
	return out, nil
}

// decoded remembers the effects recently decoded, with the JSON they were
// decoded from: every claim, completion or retry reads the whole of its
// case's effects, so under a backlog the same ones are decoded again and
// again. An entry is used only when the stored JSON is still the same.
var decoded = effectMemo{max: 1 << 13}

// effectMemo maps an effect ID to its stored JSON and its decoding, at most
// max of them (it forgets them all when full).
type effectMemo struct {
	mu  sync.Mutex
	max int
	m   map[string]memoEffect
}

type memoEffect struct {
	raw string
	e   conversation.Effect
}

// get returns the decoding of v, stored under id, if remembered.
func (m *effectMemo) get(id, v string) (conversation.Effect, bool) {
	m.mu.Lock()
	me, ok := m.m[id]
	m.mu.Unlock()
	if !ok || me.raw != v {
		return conversation.Effect{}, false
	}
	e := me.e
	e.Unreached, e.Cases = slices.Clone(e.Unreached), slices.Clone(e.Cases)
	return e, true
}

// put remembers e, decoded from v.
func (m *effectMemo) put(e conversation.Effect, v string) {
	e.Unreached, e.Cases = slices.Clone(e.Unreached), slices.Clone(e.Cases)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil || len(m.m) >= m.max {
		m.m = make(map[string]memoEffect)
	}
	m.m[e.ID] = memoEffect{raw: v, e: e}
}

// forget drops what is remembered of the effects ids, once deleted.
func (m *effectMemo) forget(ids ...string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, id := range ids {
		delete(m.m, id)
	}
}

// load reads case caseID's effects through c, once.
func (x *outboxIndex) load(ctx context.Context, c redis.Cmdable, caseID string) ([]conversation.Effect, error) {
	if all, ok := x.cases[caseID]; ok {
		return all, nil
	}
	ids, err := c.ZRange(ctx, x.s.caseEffectsKey(caseID), 0, -1).Result()
	if err != nil {
		return nil, err
	}
	all, err := x.s.readEffects(ctx, c, ids)
	if err != nil {
		return nil, err
	}
	x.cases[caseID] = all
	for _, e := range all {
		x.caseOf[e.ID] = caseID
	}
	return all, nil
}

// put records that e (already loaded case's, or new) is written.
func (x *outboxIndex) put(e conversation.Effect, isNew bool) {
	all := x.cases[e.CaseID]
	i, found := slices.BinarySearchFunc(all, e.ID, func(a conversation.Effect, id string) int { return strings.Compare(a.ID, id) })
	if found {
		all[i] = e
	} else {
		all = slices.Insert(all, i, e)
	}
	x.cases[e.CaseID] = all
	x.caseOf[e.ID] = e.CaseID
	if isNew {
		x.added[e.CaseID] = append(x.added[e.CaseID], e.ID)
	}
}

// remove records that effect id of a loaded case is deleted.
func (x *outboxIndex) remove(caseID, id string) {
	x.cases[caseID] = slices.DeleteFunc(x.cases[caseID], func(e conversation.Effect) bool { return e.ID == id })
	x.removed[caseID] = append(x.removed[caseID], id)
}

// catchUp indexes the effects enqueued since the last claim: those
// numbered after outbox:indexed up to outbox:seq (all of the hash the
// first time). It returns the number to store as outbox:indexed.
func (x *outboxIndex) catchUp(ctx context.Context, c redis.Cmdable) (int64, error) {
	_, seqKey := x.s.outboxKeys()
	seq, err := c.Get(ctx, seqKey).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	from, err := c.Get(ctx, x.s.indexedKey()).Int64()
	var fresh []conversation.Effect
	switch {
	case errors.Is(err, redis.Nil): // an outbox from before the indexes
		if fresh, err = x.s.pendingIn(ctx, c); err != nil {
			return 0, err
		}
	case err != nil:
		return 0, err
	case seq == from:
		return 0, nil
	default:
		ids := make([]string, 0, seq-from)
		for n := from + 1; n <= seq; n++ {
			ids = append(ids, conversation.EffectID(uint64(n)))
		}
		if fresh, err = x.s.readEffects(ctx, c, ids); err != nil {
			return 0, err
		}
	}
	for _, e := range fresh {
		if _, err := x.load(ctx, c, e.CaseID); err != nil {
			return 0, err
		}
		if !x.has(e.ID) {
			x.put(e, true)
		}
	}
	return seq, nil
}

// write queues in p the index entries of every loaded case.
func (x *outboxIndex) write(ctx context.Context, p redis.Pipeliner) {
	ready := x.s.readyKey()
	for caseID, all := range x.cases {
		key := x.s.caseEffectsKey(caseID)
		if ids := x.removed[caseID]; len(ids) > 0 {
			decoded.forget(ids...)
			p.ZRem(ctx, key, anys(ids)...)
			p.ZRem(ctx, ready, anys(ids)...)
		}
		if ids := x.added[caseID]; len(ids) > 0 {
			zs := make([]redis.Z, len(ids))
			for i, id := range ids {
				zs[i] = redis.Z{Member: id}
			}
			p.ZAdd(ctx, key, zs...)
		}
		at, ok := conversation.ReadyAt(all)
		var notReady []any
		var zs []redis.Z
		for i, e := range all {
			if ok[i] {
				zs = append(zs, redis.Z{Score: float64(micros(at[i])), Member: e.ID})
			} else {
				notReady = append(notReady, e.ID)
			}
		}
		if len(zs) > 0 {
			p.ZAdd(ctx, ready, zs...)
		}
		if len(notReady) > 0 {
			p.ZRem(ctx, ready, notReady...)
		}
	}
}

func anys(ids []string) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

func micros(t time.Time) int64 {
	if t.IsZero() || t.UnixMicro() < 0 {
		return 0
	}
	return t.UnixMicro()
}

// readyIDs returns up to limit IDs of ready effects due at or before now,
// earliest first.
func (s *Store) readyIDs(ctx context.Context, c redis.Cmdable, now time.Time, limit int) ([]string, error) {
	return c.ZRangeByScore(ctx, s.readyKey(), &redis.ZRangeBy{Min: "-inf", Max: strconv.FormatInt(micros(now), 10), Count: int64(limit)}).Result()
}

// has reports whether effect id belongs to a loaded case.
func (x *outboxIndex) has(id string) bool {
	_, ok := x.get(id)
	return ok
}

// get returns effect id of a loaded case.
func (x *outboxIndex) get(id string) (conversation.Effect, bool) {
	caseID, ok := x.caseOf[id]
	if !ok {
		return conversation.Effect{}, false
	}
	all := x.cases[caseID]
	i, found := slices.BinarySearchFunc(all, id, func(a conversation.Effect, id string) int { return strings.Compare(a.ID, id) })
	if !found {
		return conversation.Effect{}, false
	}
	return all[i], true
}
