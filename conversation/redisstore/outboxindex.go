package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/resolvebot/resolvebot/conversation"
)

// The outbox's indexes let a claim, a completion or a retry be one Lua
// script that touches only the effects it changes and the heads of their
// queues, however many effects wait. Every key is fixed and carries the
// {rb} tag, and every script names all of them in KEYS, so on Redis
// Cluster they are one slot, declared:
//
//	outbox:through  the last number of outbox:seq whose effect is indexed:
//	                the scripts that enqueue (with a case's write) only add
//	                to the outbox hash, and the next claim indexes what they
//	                added (at most catchUpBatch a script)
//	outbox:meta     HASH effect ID → kind NUL case NUL recipient
//	outbox:state    HASH effect ID → "attempts:next:lease:owner" (times in
//	                Unix microseconds, 0 for none): what a claim, retry or
//	                expiry changes, so the effect's JSON is never rewritten
//	outbox:queue    ZSET (all scores 0, ordered by member) of
//	                OrderKey NUL ID: each queue's effects in ID order, so its
//	                head is one ZRANGEBYLEX
//	outbox:due      ZSET of the queue heads that wait for nothing but time,
//	                scored by the Unix microsecond they may be claimed
//	                (conversation.ReadyAt): a claim reads what is due
//	outbox:parked   ZSET (lex) of case NUL ID: queue heads held back by their
//	                case (an earlier step to expand; a refresh behind an
//	                untried message); looked at again whenever their case's
//	                effects change
//	outbox:untried  ZSET (lex) of case NUL ID: messages never claimed
//	outbox:leased   ZSET (lex) of case NUL ID: messages with an owner
//
// A claim checks each due effect against the rules of
// conversation.Claimable before leasing it, so the index only has to be
// complete, never exact. An outbox written by an older resolvebot (its
// claim state inside each effect's JSON; indexes outbox:ready,
// outbox:indexed and outbox:case:<id>) has no outbox:through: the first
// claim, or resolvebot migrate, indexes all of it from the JSON (see
// indexAll) and deletes the old indexes.

// catchUpBatch is the most enqueued effects one claim script indexes.
const catchUpBatch = 500

// outboxIndexKeys returns the KEYS every outbox script is given.
func (s *Store) outboxIndexKeys() []string {
	hash, seq := s.outboxKeys()
	k := func(part string) string { return s.key("outbox", part) }
	return []string{hash, seq, k("through"), k("meta"), k("state"), k("queue"), k("due"), k("parked"), k("untried"), k("leased")}
}

// outboxLua is the part every outbox script shares: the keys, the state
// and meta codecs, and eval, which puts an effect in outbox:due or
// outbox:parked (or neither) as conversation.ReadyAt would.
const outboxLua = `
local K = {hash = KEYS[1], seq = KEYS[2], through = KEYS[3], meta = KEYS[4], state = KEYS[5],
  queue = KEYS[6], due = KEYS[7], parked = KEYS[8], untried = KEYS[9], leased = KEYS[10]}
local SEP = '\0'
local function fmt(n) return string.format('%.0f', n) end
local function queueOf(kind, case, to)
  if kind == 'step' then return 'step:' .. case end
  if kind == 'refresh' then return 'cards:' .. case end
  return 'to:' .. to .. '|' .. case
end
local function getMeta(id)
  local m = redis.call('HGET', K.meta, id)
  if not m then return nil end
  local kind, case, to = string.match(m, '^([^%z]*)%z([^%z]*)%z(.*)$')
  return {kind = kind, case = case, to = to, q = queueOf(kind, case, to)}
end
local function getState(id)
  local s = redis.call('HGET', K.state, id)
  if not s then return nil end
  local a, n, l, o = string.match(s, '^(%d+):(%d+):(%d+):(.*)$')
  return {attempts = tonumber(a), next = tonumber(n), lease = tonumber(l), owner = o}
end
local function stateString(st)
  return tostring(st.attempts) .. ':' .. fmt(st.next) .. ':' .. fmt(st.lease) .. ':' .. st.owner
end
local function firstIn(key, prefix)
  local r = redis.call('ZRANGEBYLEX', key, '[' .. prefix .. SEP, '(' .. prefix .. '\1', 'LIMIT', 0, 1)
  if r[1] then return string.sub(r[1], #prefix + 2) end
  return nil
end
local function allIn(key, prefix)
  local out = {}
  for i, m in ipairs(redis.call('ZRANGEBYLEX', key, '[' .. prefix .. SEP, '(' .. prefix .. '\1')) do
    out[i] = string.sub(m, #prefix + 2)
  end
  return out
end
-- compute returns the Unix microsecond effect id may be claimed at, or
-- 'blocked' when its case holds it back, or nil when it is no queue's
-- head (or gone); and its meta.
local function compute(id)
  local m = getMeta(id)
  if not m then return nil, nil end
  if firstIn(K.queue, m.q) ~= id then return nil, m end
  local st = getState(id)
  local t = st.next
  if st.owner ~= '' and st.lease > t then t = st.lease end
  if m.kind ~= 'step' then
    local s = firstIn(K.queue, 'step:' .. m.case)
    if s and s < id then return 'blocked', m end
  end
  if m.kind == 'refresh' then
    local u = firstIn(K.untried, m.case)
    if u and u < id then return 'blocked', m end
    for _, mid in ipairs(allIn(K.leased, m.case)) do
      if mid < id then
        local ms = getState(mid)
        if ms and ms.owner ~= '' and ms.lease > t then t = ms.lease end
      end
    end
  end
  return t, m
end
local function eval(id)
  if not id then return end
  local r, m = compute(id)
  if r == nil or r == 'blocked' then
    redis.call('ZREM', K.due, id)
    if m and r == 'blocked' then
      redis.call('ZADD', K.parked, 0, m.case .. SEP .. id)
    elseif m then
      redis.call('ZREM', K.parked, m.case .. SEP .. id)
    end
    return
  end
  redis.call('ZADD', K.due, fmt(r), id)
  redis.call('ZREM', K.parked, m.case .. SEP .. id)
end
-- settle looks again at what the changes to each case of touched may have
-- freed or held back: its cards queue's head and its parked effects.
local function settle(touched)
  for case in pairs(touched) do
    eval(firstIn(K.queue, 'cards:' .. case))
    for _, id in ipairs(allIn(K.parked, case)) do eval(id) end
  end
end
-- add indexes effect id (already in the outbox hash) unless it is indexed
-- or gone.
local function add(id, kind, case, to, st, touched)
  if redis.call('HEXISTS', K.meta, id) == 1 or redis.call('HEXISTS', K.hash, id) == 0 then return end
  local q = queueOf(kind, case, to)
  local old = firstIn(K.queue, q)
  redis.call('HSET', K.meta, id, kind .. SEP .. case .. SEP .. to)
  redis.call('HSET', K.state, id, stateString(st))
  redis.call('ZADD', K.queue, 0, q .. SEP .. id)
  if kind == 'message' then
    if st.attempts == 0 then redis.call('ZADD', K.untried, 0, case .. SEP .. id) end
    if st.owner ~= '' then redis.call('ZADD', K.leased, 0, case .. SEP .. id) end
  end
  if old == nil or id < old then
    eval(id)
    eval(old)
  end
  touched[case] = true
end
-- remove deletes effect id and its index entries.
local function remove(id, touched)
  local m = getMeta(id)
  redis.call('HDEL', K.hash, id)
  redis.call('HDEL', K.state, id)
  redis.call('ZREM', K.due, id)
  if not m then return end
  redis.call('HDEL', K.meta, id)
  local cm = m.case .. SEP .. id
  redis.call('ZREM', K.queue, m.q .. SEP .. id)
  redis.call('ZREM', K.parked, cm)
  redis.call('ZREM', K.untried, cm)
  redis.call('ZREM', K.leased, cm)
  eval(firstIn(K.queue, m.q))
  touched[m.case] = true
end
-- held returns effect id's state if ARGV owner holds it at now.
local function held(id, owner, now)
  local st = getState(id)
  if not st or st.owner ~= owner or st.lease <= now or redis.call('HEXISTS', K.hash, id) == 0 then return nil end
  return st
end
`

// claimEffectsScript indexes what was enqueued since outbox:through (at most
// ARGV[5]), then leases to owner ARGV[1] until ARGV[3] up to ARGV[4]
// effects due at ARGV[2] (Unix microseconds), each checked against
// conversation.Claimable's rules first. It returns {-1} when the outbox
// has never been indexed (see indexAll), and otherwise the number of
// enqueued effects still to index followed by the ID, JSON and state of
// each effect it leased.
var claimEffectsScript = redis.NewScript(outboxLua + `
local through = redis.call('GET', K.through)
if not through then return {-1} end
through = tonumber(through)
local seq = tonumber(redis.call('GET', K.seq) or '0')
local stop = math.min(seq, through + tonumber(ARGV[5]))
local touched = {}
for n = through + 1, stop do
  local id = string.format('%020d', n)
  local body = redis.call('HGET', K.hash, id)
  if body then
    local e = cjson.decode(body)
    local a = tonumber(e.attempts) or 0
    add(id, e.kind or '', e.case or '', e.to or '', {attempts = a, next = 0, lease = 0, owner = ''}, touched)
  end
end
if stop > through then redis.call('SET', K.through, fmt(stop)) end
settle(touched)
local owner, now, limit = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[4])
local out = {seq - stop}
local claimed = 0
for page = 1, 10 do
  if claimed >= limit then break end
  local ids = redis.call('ZRANGEBYSCORE', K.due, '-inf', ARGV[2], 'LIMIT', 0, limit - claimed)
  if #ids == 0 then break end
  touched = {}
  for _, id in ipairs(ids) do
    local r, m = compute(id)
    local body = redis.call('HGET', K.hash, id)
    if not body then
      remove(id, touched)
    elseif r ~= nil and r ~= 'blocked' and r <= now then
      local st = getState(id)
      st.attempts, st.owner, st.lease = st.attempts + 1, owner, tonumber(ARGV[3])
      local s = stateString(st)
      redis.call('HSET', K.state, id, s)
      redis.call('ZADD', K.due, ARGV[3], id)
      if m.kind == 'message' then
        redis.call('ZREM', K.untried, m.case .. SEP .. id)
        redis.call('ZADD', K.leased, 0, m.case .. SEP .. id)
      end
      touched[m.case] = true
      claimed = claimed + 1
      out[#out + 1] = id
      out[#out + 1] = body
      out[#out + 1] = s
    else
      eval(id)
    end
  end
  settle(touched)
end
return out
`)

// completeScript deletes effect ARGV[1] if owner ARGV[2] holds it at
// ARGV[3] and adds ARGV[4] follow-ups, each given as ID, JSON, kind, case,
// recipient and attempts. It returns 1, or 0 when the owner does not hold
// the effect (and then writes nothing).
var completeScript = redis.NewScript(outboxLua + `
local id, now = ARGV[1], tonumber(ARGV[3])
if not held(id, ARGV[2], now) then return 0 end
local touched = {}
remove(id, touched)
for i = 5, 4 + 6 * tonumber(ARGV[4]), 6 do
  redis.call('HSET', K.hash, ARGV[i], ARGV[i + 1])
  add(ARGV[i], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], {attempts = tonumber(ARGV[i + 5]), next = 0, lease = 0, owner = ''}, touched)
end
settle(touched)
return 1
`)

// retryScript gives back effect ARGV[1], if owner ARGV[2] holds it at
// ARGV[3], to be claimed again at ARGV[4]. It returns 1, or 0 when the
// owner does not hold the effect.
var retryScript = redis.NewScript(outboxLua + `
local id, now = ARGV[1], tonumber(ARGV[3])
local st = held(id, ARGV[2], now)
if not st then return 0 end
st.owner, st.lease, st.next = '', 0, tonumber(ARGV[4])
redis.call('HSET', K.state, id, stateString(st))
local m = getMeta(id)
redis.call('ZREM', K.leased, m.case .. SEP .. id)
eval(id)
settle({[m.case] = true})
return 1
`)

// indexScript indexes the effects given in ARGV, each as ID, kind, case,
// recipient and state, skipping those indexed or gone; then, when ARGV[1]
// is not empty, sets outbox:through to it if it is not set. It returns 1.
var indexScript = redis.NewScript(outboxLua + `
local touched = {}
for i = 2, #ARGV, 5 do
  local a, n, l, o = string.match(ARGV[i + 4], '^(%d+):(%d+):(%d+):(.*)$')
  add(ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], {attempts = tonumber(a), next = tonumber(n), lease = tonumber(l), owner = o}, touched)
end
settle(touched)
if ARGV[1] ~= '' then redis.call('SETNX', K.through, ARGV[1]) end
return 1
`)

// stateOf encodes the claim state of e as outbox:state holds it.
func stateOf(e *conversation.Effect) string {
	return fmt.Sprintf("%d:%d:%d:%s", e.Attempts, micros(e.NextAt), micros(e.LeaseUntil), e.Owner)
}

// withState sets e's claim state from its outbox:state entry st.
func withState(e *conversation.Effect, st string) error {
	parts := strings.SplitN(st, ":", 4)
	if len(parts) != 4 {
		return conversation.Internal("decode effect state", fmt.Errorf("malformed state of %s", e.ID))
	}
	var n [3]int64
	for i := range n {
		v, err := strconv.ParseInt(parts[i], 10, 64)
		if err != nil {
			return conversation.Internal("decode effect state", err)
		}
		n[i] = v
	}
	e.Attempts, e.NextAt, e.LeaseUntil, e.Owner = int(n[0]), fromMicros(n[1]), fromMicros(n[2]), parts[3]
	return nil
}

func micros(t time.Time) int64 {
	if t.IsZero() || t.UnixMicro() < 0 {
		return 0
	}
	return t.UnixMicro()
}

func fromMicros(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.UnixMicro(n).UTC()
}

// errNotIndexed is claim's answer when the outbox has never been indexed.
var errNotIndexed = errors.New("outbox not indexed")

// claim runs claimEffectsScript once, returning the effects it leased and how
// many enqueued effects are still to index.
func (s *Store) claim(ctx context.Context, owner string, lease time.Duration, now time.Time, limit int) ([]conversation.Effect, int64, error) {
	res, err := claimEffectsScript.Run(ctx, s.rdb, s.outboxIndexKeys(), owner, micros(now), micros(now.Add(lease)), limit, catchUpBatch).Slice()
	if err != nil {
		return nil, 0, err
	}
	if len(res) == 0 || (len(res)-1)%3 != 0 {
		return nil, 0, fmt.Errorf("unexpected answer from redis")
	}
	left, _ := res[0].(int64)
	if left < 0 {
		return nil, 0, errNotIndexed
	}
	out := make([]conversation.Effect, 0, (len(res)-1)/3)
	for i := 1; i < len(res); i += 3 {
		id, _ := res[i].(string)
		body, _ := res[i+1].(string)
		st, _ := res[i+2].(string)
		e, err := decodeEffect(id, body)
		if err != nil {
			return nil, 0, err
		}
		if err := withState(&e, st); err != nil {
			return nil, 0, err
		}
		out = append(out, e)
	}
	return out, left, nil
}

// indexAll indexes every effect of an outbox no claim has indexed yet (one
// written by an older resolvebot, or a new store), taking each one's claim
// state from its JSON, marks the outbox indexed through the number it read
// first, and deletes the older indexes. It is safe to run on several
// replicas at once. Returns EINTERNAL on failure.
func (s *Store) indexAll(ctx context.Context) error {
	keys := s.outboxIndexKeys()
	seq, err := s.rdb.Get(ctx, keys[1]).Result()
	if errors.Is(err, redis.Nil) {
		seq = "0"
	} else if err != nil {
		return conversation.Internal("index outbox", err)
	}
	all, err := s.pendingIn(ctx, s.rdb, false)
	if err != nil {
		return conversation.StoreResult("index outbox", err)
	}
	old := []string{s.key("outbox", "ready"), s.key("outbox", "indexed")}
	seen := map[string]bool{}
	for i := 0; i < len(all); i += 200 {
		args := []any{""}
		for _, e := range all[i:min(i+200, len(all))] {
			args = append(args, e.ID, string(e.Kind), e.CaseID, e.Recipient, stateOf(&e))
			if !seen[e.CaseID] {
				seen[e.CaseID] = true
				old = append(old, s.key("outbox", "case", e.CaseID))
			}
		}
		if err := indexScript.Run(ctx, s.rdb, keys, args...).Err(); err != nil {
			return conversation.Internal("index outbox", err)
		}
	}
	if err := indexScript.Run(ctx, s.rdb, keys, seq).Err(); err != nil {
		return conversation.Internal("index outbox", err)
	}
	if err := s.rdb.Del(ctx, old...).Err(); err != nil {
		return conversation.Internal("index outbox", err)
	}
	return nil
}

// outboxIndexed reports whether the outbox has been indexed (outbox:through
// is set). Returns EINTERNAL on failure.
func (s *Store) outboxIndexed(ctx context.Context) (bool, error) {
	n, err := s.rdb.Exists(ctx, s.key("outbox", "through")).Result()
	if err != nil {
		return false, conversation.Internal("index outbox", err)
	}
	return n == 1, nil
}
