// Package redisstore is resolvebot's Redis store, for running several
// replicas against one Redis: a single node, Sentinel or Cluster, through
// go-redis's UniversalClient.
//
// # One hash slot
//
// Every key shares one hash tag, {rb}, after the configured prefix, for
// example
//
//	resolvebot:{rb}:case:CR-2026-0001
//
// so on Redis Cluster all keys live in one slot. That is deliberate: a
// case and its index entries are written in one MULTI/EXEC transaction,
// and the Lua scripts and multi-key reads need their keys in one slot. The
// data is small (a partnership raises a few hundred cases a year), so one
// slot costs nothing in practice. The prefix must not contain braces.
//
// # Keys
//
//	case:<id>        the case's state as JSON (see conversation.CaseLog)
//	events:<id>      LIST of the case's events as JSON, oldest first, each
//	                 sealed on its own when the sealed store wraps this one:
//	                 a write appends its new events and rewrites the state only
//	cases            ZSET of case ids scored by CreatedAt (unix millis), for ListCases
//	summary:<id>     the case's summary state (conversation.EncodeSummary),
//	sumlog:<id>      LIST of its events' summaries (EncodeSummaryEvent): written with the case
//	                 and its log, for CaseSummaries (summary.go)
//	due              ZSET of the due index: score DueAt in unix millis, member
//	                 20-digit DueAt nanoseconds + "|" + case id, so ties within a
//	                 millisecond order exactly, by time and then id
//	seq:<year>       the last case number allocated for year (INCR)
//	identity         HASH: the store identity (id, created, previous); see identity.go
//	person:<id>      a person as JSON; people is a SET of their ids
//	handles, emails  HASHes from handle key and lowercased email to person id
//	draft:<person>   a draft as JSON
//	refs:<case>      LIST of message refs as JSON, oldest first
//	remember:<key>   expiry (unix micros) of an idempotency key
//	claim:<key>      HASH of owner and expiry (unix micros) of a lease
//	audit:<case>, auditmerge:<case>  the case's access log (see audit.go)
//	outbox           HASH of the effects not yet delivered, by ID; outbox:seq
//	                 numbers them (see outbox.go); outbox:through, :meta, :state,
//	                 :queue, :due, :parked, :untried and :leased index them and
//	                 hold their claims (see outboxindex.go)
//	downloads        ZSET of the partnership's download log, scored by time;
//	                 downloads:seq numbers them (see downloads.go)
//
// UpdateCase is an optimistic compare-and-set: one Lua script writes the
// case and its index entries only if the stored record is still the one
// the change was made to (compared by SHA-1), starting from the case as
// this process last wrote or read it, or from a GET; see UpdateCase and
// memo. The other multi-key writes use WATCH and MULTI/EXEC. Remember and Claim compare against the now they are
// given, so fake clocks work; Redis key expiry only collects garbage a
// minute after the lease or ttl has run out in wall-clock time.
package redisstore

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/internal/ctxsleep"
)

// Store is a conversation.Store kept in Redis. It is safe for concurrent
// use, and several processes may share one Redis and prefix.
type Store struct {
	rdb    redis.UniversalClient
	prefix string
	memo   memo
	ident  identity // the store identity this process opened (identity.go)
	// wholeLoads counts the cases CaseSummaries read whole for want of a
	// summary (see SummaryFallbacks).
	wholeLoads atomic.Int64
}

var (
	_ conversation.Store   = (*Store)(nil)
	_ conversation.CaseLog = (*Store)(nil)
)

// maxAttempts bounds the optimistic retries of one write under contention.
const maxAttempts = 100

// gcGrace is how long after a lease or ttl runs out Redis keeps its key.
const gcGrace = time.Minute

// New returns a store on client whose keys start with prefix followed by
// ":{rb}:". The store owns client: Close closes it. New does not contact
// Redis; call Ping to check the connection. Its identity is read (or
// written) at its first case id and checked then and by Ping, but not on
// each new connection, which needs the client's OnConnect (see Open).
func New(client redis.UniversalClient, prefix string) *Store {
	return &Store{rdb: client, prefix: prefix + ":{rb}:"}
}

// Open connects to Redis and returns a store using prefix (see New). addr
// is either a URL as read by redis.ParseURL ("redis://user:pass@host:6379/0",
// "rediss://…" or "unix://…"), or a comma-separated list of host:port
// cluster nodes without a scheme ("10.0.0.1:6379,10.0.0.2:6379") for Redis
// Cluster; a single host:port without a scheme is one node. For Sentinel,
// or a cluster needing credentials or TLS, build a redis.UniversalClient
// and use New. Open returns an EINVALID error for an address it cannot
// read and an EINTERNAL error if Redis does not answer a PING. The client
// honours context deadlines on every call, so a caller's deadline (such as
// a chat platform's acknowledgement budget) bounds a call even while Redis
// is down or stalled.
//
// Open reads the store's identity, writing one on an empty prefix, and
// from then on checks it on every new connection (see identity.go).
func Open(ctx context.Context, addr, prefix string) (*Store, error) {
	return OpenPinned(ctx, addr, prefix, "")
}

// OpenPinned is Open for a store whose identity must be id (when not ""):
// a store without it, or with another that does not name it as replaced,
// is refused with an EINTERNAL error wrapping conversation.ErrStoreLost,
// so a process starting on a Redis that came back empty does not begin a
// new store. It returns the errors Open does.
func OpenPinned(ctx context.Context, addr, prefix, id string) (*Store, error) {
	s, err := Connect(ctx, addr, prefix)
	if err != nil {
		return nil, err
	}
	if err := s.openIdentity(ctx, id); err != nil {
		_ = s.rdb.Close()
		return nil, err
	}
	return s, nil
}

// Connect is Open without reading or writing the store identity, for an
// operator's ResetIdentity on a store that has lost it. It returns the
// errors Open does.
func Connect(ctx context.Context, addr, prefix string) (*Store, error) {
	s := &Store{prefix: prefix + ":{rb}:"}
	var client redis.UniversalClient
	switch {
	case strings.Contains(addr, "://"):
		opt, err := redis.ParseURL(addr)
		if err != nil {
			return nil, conversation.Invalid("error.store.redis_url", messages.Args{"problem": err})
		}
		opt.ContextTimeoutEnabled = true
		opt.OnConnect = s.onConnect
		client = redis.NewClient(opt)
	case strings.Contains(addr, ","):
		var addrs []string
		for a := range strings.SplitSeq(addr, ",") {
			if a = strings.TrimSpace(a); a != "" {
				addrs = append(addrs, a)
			}
		}
		client = redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs, ContextTimeoutEnabled: true, OnConnect: s.onConnect})
	case addr != "":
		client = redis.NewClient(&redis.Options{Addr: addr, ContextTimeoutEnabled: true, OnConnect: s.onConnect})
	default:
		return nil, conversation.Invalid("error.store.redis_address", nil)
	}
	s.rdb = client
	if err := s.rdb.Ping(ctx).Err(); err != nil {
		_ = client.Close()
		return nil, conversation.Internal("ping redis", err)
	}
	return s, nil
}

// key returns the full key of the given parts.
func (s *Store) key(parts ...string) string {
	return s.prefix + strings.Join(parts, ":")
}

// Close closes the Redis client. It returns an EINTERNAL error if that fails.
func (s *Store) Close() error {
	if err := s.rdb.Close(); err != nil {
		return conversation.Internal("close redis client", err)
	}
	return nil
}

// Ping checks that Redis answers and still holds the identity this store
// opened (Verify). It returns an EINTERNAL error if Redis does not answer,
// and one wrapping conversation.ErrStoreLost if the identity is gone.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.rdb.Ping(ctx).Err(); err != nil {
		return conversation.Internal("ping redis", err)
	}
	return s.Verify(ctx)
}

// optimistic runs a WATCH transaction on keys, retrying when another
// client wrote a watched key first. After maxAttempts it gives up with
// ECONFLICT.
func (s *Store) optimistic(ctx context.Context, what string, txf func(*redis.Tx) error, keys ...string) error {
	for attempt := range maxAttempts {
		err := s.rdb.Watch(ctx, txf, keys...)
		if !errors.Is(err, redis.TxFailedErr) {
			return conversation.StoreResult(what, err)
		}
		if err := backoff(ctx, attempt); err != nil {
			return conversation.Internal(what, err)
		}
	}
	return errManyRaces
}

// errManyRaces is the answer when a write kept losing races to others.
var errManyRaces = conversation.Conflict("error.store.many_races", nil)

// backoff waits before retry attempt+1 of a write that lost a race: full
// jitter, growing to at most 20ms. It returns ctx's error if ctx ends first.
func backoff(ctx context.Context, attempt int) error {
	return ctxsleep.Sleep(ctx, time.Duration(rand.Int64N(int64(min(time.Millisecond<<min(attempt, 5), 20*time.Millisecond))+1)))
}

// NextCaseID allocates the next case id of year, such as CR-2026-0042, with
// INCR in a script that first checks the store identity, so a store that
// lost its data never hands out an id again. It returns an EINTERNAL error
// if Redis fails, wrapping conversation.ErrStoreLost if the store has lost
// its identity.
func (s *Store) NextCaseID(ctx context.Context, year int) (string, error) {
	n, err := s.nextNumber(ctx, year)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("CR-%d-%04d", year, n), nil
}

// dueMember is the due ZSET member of a case due at at: the DueAt in
// nanoseconds, shifted so it sorts as a 20-digit string, then the id.
func dueMember(id string, at time.Time) string {
	return fmt.Sprintf("%020d|%s", uint64(at.UnixNano())^(1<<63), id)
}

// parseDueMember reverses dueMember.
func parseDueMember(m string) (string, time.Time, bool) {
	n, id, ok := strings.Cut(m, "|")
	if !ok {
		return "", time.Time{}, false
	}
	u, err := strconv.ParseUint(n, 10, 64)
	if err != nil {
		return "", time.Time{}, false
	}
	return id, time.Unix(0, int64(u^(1<<63))).UTC(), true
}

// writeCase queues the writes of the new case c, its state record data
// and its events, and its summary sum, on p.
func (s *Store) writeCase(ctx context.Context, p redis.Pipeliner, c *conversation.Case, data []byte, events []any, sum summaryArgs) {
	p.Set(ctx, s.key("case", c.ID), data, 0)
	p.Del(ctx, s.key("events", c.ID))
	if len(events) > 0 {
		p.RPush(ctx, s.key("events", c.ID), events...)
	}
	p.Set(ctx, s.key("summary", c.ID), sum.state, 0)
	p.Del(ctx, s.key("sumlog", c.ID))
	if len(sum.events) > 0 {
		p.RPush(ctx, s.key("sumlog", c.ID), sum.events...)
	}
	p.ZAdd(ctx, s.key("cases"), redis.Z{Score: float64(c.CreatedAt.UnixMilli()), Member: c.ID})
	if !c.DueAt.IsZero() {
		p.ZAdd(ctx, s.key("due"), redis.Z{Score: float64(c.DueAt.UnixMilli()), Member: dueMember(c.ID, c.DueAt)})
	}
}

// encodeEvents returns the stored form of each of events.
func encodeEvents(id string, events []conversation.Event) ([]any, error) {
	out := make([]any, len(events))
	for i := range events {
		v, err := conversation.EncodeEvent(&events[i])
		if err != nil {
			return nil, conversation.Internal("encode event of case "+id, err)
		}
		out[i] = v
	}
	return out, nil
}

// stored is a case as read from Redis: its state record and the events of
// its log after the first have.
type stored struct {
	memoEntry
	inline []conversation.Event // every event, for a record in the older single-record form
	tail   []conversation.Event // the events after the first have
}

// storedOf decodes case id's state record data and the items of its log
// read after the first have (later events appended meanwhile are ignored).
// It returns an EINTERNAL error wrapping conversation.ErrShortLog if the
// case has fewer than have events.
func storedOf(id string, data []byte, items []string, have int) (stored, error) {
	c, logged, inline, err := conversation.DecodeState(data)
	if err != nil {
		return stored{}, conversation.Internal("decode case "+id, err)
	}
	st := stored{memoEntry: memoEntry{sum: sum(data), c: c, logged: logged, size: len(data)}, inline: inline}
	if have < 0 || have > logged {
		return stored{}, conversation.Internal("read case "+id, conversation.ErrShortLog)
	}
	if inline != nil {
		st.tail = inline[have:]
		return st, nil
	}
	if len(items) < logged-have {
		return stored{}, conversation.Internal("read case "+id, fmt.Errorf("its log holds %d of %d events", have+len(items), logged))
	}
	st.tail = make([]conversation.Event, logged-have)
	for i := range st.tail {
		if err := conversation.DecodeEvent([]byte(items[i]), &st.tail[i]); err != nil {
			return stored{}, conversation.Internal("decode event of case "+id, err)
		}
	}
	return st, nil
}

// read reads case id's state record and the events of its log after the
// first have, in one MULTI/EXEC, so they agree. It returns ENOTFOUND if
// there is no case, and the errors storedOf does.
func (s *Store) read(ctx context.Context, c redis.Cmdable, id string, have int) (stored, error) {
	var get *redis.StringCmd
	var lr *redis.StringSliceCmd
	_, err := c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		get = p.Get(ctx, s.key("case", id))
		lr = p.LRange(ctx, s.key("events", id), int64(have), -1)
		return nil
	})
	if errors.Is(err, redis.Nil) || errors.Is(get.Err(), redis.Nil) {
		return stored{}, notFoundCase(id)
	}
	if err != nil {
		return stored{}, conversation.Internal("get case "+id, err)
	}
	data, _ := get.Bytes()
	return storedOf(id, data, lr.Val(), have)
}

// notFoundCase is the ENOTFOUND error for case id.
func notFoundCase(id string) error {
	return conversation.NotFound("error.store.no_case", messages.Args{"case": id})
}

// CreateCase stores c with Version 1 and sets c.Version to 1. It returns
// ECONFLICT if a case with c.ID exists and EINTERNAL if Redis fails.
func (s *Store) CreateCase(ctx context.Context, c *conversation.Case) error {
	nc := c.Clone()
	nc.Version = 1
	data, err := conversation.EncodeState(nc, len(nc.Events))
	if err != nil {
		return conversation.Internal("encode case "+c.ID, err)
	}
	events, err := encodeEvents(c.ID, nc.Events)
	if err != nil {
		return err
	}
	sumArgs, err := summaryOf(nc, nc.Events)
	if err != nil {
		return err
	}
	key := s.key("case", c.ID)
	err = s.optimistic(ctx, "create case "+c.ID, func(tx *redis.Tx) error {
		n, err := tx.Exists(ctx, key).Result()
		if err != nil {
			return err
		}
		if n > 0 {
			return conversation.Conflict("error.store.case_exists", messages.Args{"case": c.ID})
		}
		effect, err := stepEffectJSON(ctx, nc, 0)
		if err != nil {
			return err
		}
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			s.writeCase(ctx, p, nc, data, events, sumArgs)
			if effect != "" {
				hash, seq := s.outboxKeys()
				enqueueScript.Eval(ctx, p, []string{hash, seq}, effect)
			}
			return nil
		})
		return err
	}, key)
	if err != nil {
		return err
	}
	c.Version = 1
	state := *nc
	state.Events = nil
	s.memo.put(c.ID, memoEntry{sum: sum(data), c: &state, logged: len(nc.Events), size: len(data)})
	return nil
}

// GetCase returns a copy of case id. It returns ENOTFOUND if there is none
// and EINTERNAL if Redis fails.
func (s *Store) GetCase(ctx context.Context, id string) (*conversation.Case, error) {
	return s.GetCaseAfter(ctx, id, 0)
}

// GetCaseAfter returns a copy of case id with only the events after the
// first have (see conversation.CaseLog): one MULTI/EXEC of a GET and an
// LRANGE. It returns ENOTFOUND if there is no case, EINTERNAL wrapping
// conversation.ErrShortLog if it has fewer than have events, and EINTERNAL
// if Redis fails.
func (s *Store) GetCaseAfter(ctx context.Context, id string, have int) (*conversation.Case, error) {
	st, err := s.read(ctx, s.rdb, id, have)
	if err != nil {
		return nil, err
	}
	c := st.c
	c.Events = st.tail
	return c, nil
}

// UpdateCase calls fn on a copy of case id and writes it with Version
// incremented and its due entry moved: the state record and the events fn
// appended, nothing else. The write is one compare-and-set script that
// stores the case only if the stored state record is still exactly the one
// fn saw (by SHA-1), and otherwise returns the stored record and the
// events after it, so fn runs again on that. fn's first copy comes from
// the case as this process last read or wrote it (see memo) when it needs
// no events it does not have, or else from a read: an update costs one
// round trip when this process wrote the case last, and two otherwise.
// Lost races are retried a bounded number of times with jittered backoff.
// Errors from fn are returned unchanged and nothing is written; ENOTFOUND
// if there is no such case; ECONFLICT if it kept losing races after many
// attempts; EINTERNAL if Redis fails.
func (s *Store) UpdateCase(ctx context.Context, id string, fn func(*conversation.Case) error) (*conversation.Case, error) {
	return s.update(ctx, id, 0, false, fn)
}

// UpdateCaseAfter is UpdateCase for a caller holding the case's first have
// events (see conversation.CaseLog): fn's copy carries only the events
// after those. A case still in the older single-record form is moved to
// the log form by this write. It returns what UpdateCase does, and
// EINTERNAL wrapping conversation.ErrShortLog if the case has fewer than
// have events.
func (s *Store) UpdateCaseAfter(ctx context.Context, id string, have int, fn func(*conversation.Case) error) (*conversation.Case, error) {
	return s.update(ctx, id, have, false, fn)
}

// RewriteCase calls fn on a copy of the whole case id and writes all of it
// again, every event included (see conversation.CaseLog), with Version
// incremented. It returns what UpdateCase does.
func (s *Store) RewriteCase(ctx context.Context, id string, fn func(*conversation.Case) error) (*conversation.Case, error) {
	return s.update(ctx, id, 0, true, fn)
}

// update is UpdateCaseAfter, or with all RewriteCase.
func (s *Store) update(ctx context.Context, id string, have int, all bool, fn func(*conversation.Case) error) (*conversation.Case, error) {
	what := "update case " + id
	hash, seq := s.outboxKeys()
	keys := []string{s.key("case", id), s.key("cases"), s.key("due"), hash, seq, s.key("events", id),
		s.key("summary", id), s.key("sumlog", id)}
	var cur stored
	m, known := s.memo.get(id)
	if known && m.logged == have && !all {
		cur = stored{memoEntry: m, tail: []conversation.Event{}}
	} else {
		known = false
		var err error
		if cur, err = s.read(ctx, s.rdb, id, have); err != nil {
			return nil, err
		}
	}
	for attempt := range maxAttempts {
		old := cur.c
		c := old.Clone()
		c.Events = cur.tail
		c = c.Clone() // fn's own copy of the events too
		given := len(c.Events)
		if err := fn(c); err != nil {
			return nil, err
		}
		if len(c.Events) < given {
			return nil, conversation.Internal(what, fmt.Errorf("the update removed events"))
		}
		c.ID, c.Version = id, old.Version+1
		added := c.Events[given:]
		write, reset := added, "0"
		switch {
		case all:
			write, reset = c.Events, "1"
		case cur.inline != nil: // the older form: start the log with every event
			write, reset = append(slices.Clip(cur.inline[:have]), c.Events...), "1"
		}
		logged := cur.logged + len(added)
		data, err := conversation.EncodeState(c, logged)
		if err != nil {
			return nil, conversation.Internal("encode case "+id, err)
		}
		events, err := encodeEvents(id, write)
		if err != nil {
			return nil, err
		}
		sumArgs, err := summaryOf(c, write)
		if err != nil {
			return nil, err
		}
		effect, err := stepEffectJSON(ctx, c, given)
		if err != nil {
			return nil, err
		}
		oldDue, newDue, newScore := "", "", ""
		if !old.DueAt.IsZero() && !old.DueAt.Equal(c.DueAt) {
			oldDue = dueMember(id, old.DueAt)
		}
		if !c.DueAt.IsZero() {
			newDue, newScore = dueMember(id, c.DueAt), strconv.FormatInt(c.DueAt.UnixMilli(), 10)
		}
		args := append([]any{cur.sum, data, c.CreatedAt.UnixMilli(), id, oldDue, newScore, newDue, effect, reset, have,
			sumArgs.state, len(sumArgs.events)}, sumArgs.events...)
		args = append(args, events...)
		res, err := casScript.Run(ctx, s.rdb, keys, args...).Result()
		if errors.Is(err, redis.Nil) {
			s.memo.forget(id)
			return nil, notFoundCase(id)
		}
		if err != nil {
			s.memo.forget(id)
			return nil, conversation.Internal(what, err)
		}
		now, stale := res.([]any)
		if !stale {
			state := *c
			state.Events = nil
			s.memo.put(id, memoEntry{sum: sum(data), c: state.Clone(), logged: logged, size: len(data)})
			if n, _ := res.(int64); n == 2 {
				// The case had no summary to append to (stored before
				// summaries were kept): write it whole. The write above
				// stands either way; if this one fails, CaseSummaries
				// writes it when it meets the case.
				_, _, _ = s.backfillSummary(ctx, id)
			}
			return c.Clone(), nil
		}
		// Someone else wrote first: go again from what is stored now.
		if cur, err = staleOf(id, now, have); err != nil {
			s.memo.forget(id)
			return nil, err
		}
		if cur.inline == nil {
			s.memo.put(id, cur.memoEntry)
		}
		// A stale memo is not a race: go again at once. A lost race is.
		if attempt > 0 || !known {
			if err := backoff(ctx, attempt); err != nil {
				return nil, conversation.Internal(what, err)
			}
		}
		known = false
	}
	return nil, errManyRaces
}

// staleOf decodes the answer of casScript when the case had changed: its
// state record and the items of its log after the first have.
func staleOf(id string, res []any, have int) (stored, error) {
	if len(res) != 2 {
		return stored{}, conversation.Internal("update case "+id, fmt.Errorf("unexpected answer from redis"))
	}
	data, _ := res[0].(string)
	raw, _ := res[1].([]any)
	items := make([]string, len(raw))
	for i, v := range raw {
		items[i], _ = v.(string)
	}
	return storedOf(id, []byte(data), items, have)
}

// casScript writes case KEYS[1] (ARGV[2]) if it exists and the SHA-1 of
// its stored JSON is still ARGV[1], and keeps the indexes: the case id
// ARGV[4] in the cases ZSET KEYS[2] at its creation time ARGV[3]; in the
// due ZSET KEYS[3], the old member ARGV[5] removed and the new member
// ARGV[7] added at ARGV[6] (either may be empty); the step's effect
// ARGV[8], when not empty, enqueued in the outbox hash KEYS[4] under the
// next number of KEYS[5] (as enqueueLua does); the summary state ARGV[11]
// set at KEYS[7] and the ARGV[12] event summaries after it appended to
// KEYS[8], emptied first when ARGV[9] is "1" (a case with no summary yet,
// stored before they were kept, is given none by an append); and the
// events after those appended to the case's log KEYS[6], emptied first
// when ARGV[9] is "1". It returns 1 when it wrote, nil when there is no case, and when
// the case has changed a pair: the stored JSON and the log's items from
// index ARGV[10].
var casScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if not cur then return false end
if redis.sha1hex(cur) ~= ARGV[1] then
  return {cur, redis.call('LRANGE', KEYS[6], tonumber(ARGV[10]), -1)}
end
redis.call('SET', KEYS[1], ARGV[2])
if ARGV[9] == '1' then redis.call('DEL', KEYS[6]) end
local last = 12 + tonumber(ARGV[12])
local ret = 1
if ARGV[9] == '1' or redis.call('EXISTS', KEYS[7]) == 1 then
  redis.call('SET', KEYS[7], ARGV[11])
  if ARGV[9] == '1' then redis.call('DEL', KEYS[8]) end
  for i = 13, last, 1000 do
    redis.call('RPUSH', KEYS[8], unpack(ARGV, i, math.min(i + 999, last)))
  end
else
  ret = 2
end
for i = last + 1, #ARGV, 1000 do
  redis.call('RPUSH', KEYS[6], unpack(ARGV, i, math.min(i + 999, #ARGV)))
end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
if ARGV[5] ~= '' then redis.call('ZREM', KEYS[3], ARGV[5]) end
if ARGV[7] ~= '' then redis.call('ZADD', KEYS[3], ARGV[6], ARGV[7]) end
if ARGV[8] ~= '' then
  local n = redis.call('INCR', KEYS[5])
  redis.call('HSET', KEYS[4], string.format('%020d', n), ARGV[8])
end
return ret
`)

// ListCases returns the cases matching f, newest (CreatedAt) first, ties by
// id descending. It reads every case id from the cases ZSET and filters,
// which is fine at partnership scale. It returns EINTERNAL if Redis fails.
func (s *Store) ListCases(ctx context.Context, f conversation.CaseFilter) ([]*conversation.Case, error) {
	ids, err := s.rdb.ZRevRange(ctx, s.key("cases"), 0, -1).Result()
	if err != nil {
		return nil, conversation.Internal("list cases", err)
	}
	var out []*conversation.Case
	for chunk := range slices.Chunk(ids, 500) {
		keys := make([]string, len(chunk))
		for i, id := range chunk {
			keys[i] = s.key("case", id)
		}
		vals, err := s.rdb.MGet(ctx, keys...).Result()
		if err != nil {
			return nil, conversation.Internal("list cases", err)
		}
		type found struct {
			id   string
			data []byte
			c    *conversation.Case
		}
		var hits []found
		for i, v := range vals {
			str, ok := v.(string)
			if !ok {
				continue // deleted meanwhile
			}
			c, _, _, err := conversation.DecodeState([]byte(str))
			if err != nil {
				return nil, conversation.Internal("decode case "+chunk[i], err)
			}
			if f.Person != "" && !c.Involves(f.Person) {
				continue
			}
			if len(f.Statuses) > 0 && !slices.Contains(f.Statuses, c.Status) {
				continue
			}
			hits = append(hits, found{chunk[i], []byte(str), c})
		}
		// Each log read after its state record holds at least the events
		// the record counts (logs only grow); storedOf takes those.
		logs := make([]*redis.StringSliceCmd, len(hits))
		if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, h := range hits {
				logs[i] = p.LRange(ctx, s.key("events", h.id), 0, -1)
			}
			return nil
		}); err != nil && !errors.Is(err, redis.Nil) {
			return nil, conversation.Internal("list cases", err)
		}
		for i, h := range hits {
			st, err := storedOf(h.id, h.data, logs[i].Val(), 0)
			if err != nil {
				if n, _ := s.rdb.Exists(ctx, s.key("case", h.id)).Result(); n == 0 {
					continue // deleted meanwhile
				}
				return nil, err
			}
			st.c.Events = st.tail
			out = append(out, st.c)
		}
	}
	// The ZSET orders by millisecond; order exactly by CreatedAt, then id.
	slices.SortStableFunc(out, func(a, b *conversation.Case) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	})
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

// DueBefore returns up to limit due index entries with DueAt at or before
// t, earliest first, ties by case id; limit <= 0 means no limit. It is one
// ZRANGEBYSCORE on the due ZSET, so its cost depends only on what is due.
// It returns EINTERNAL if Redis fails.
func (s *Store) DueBefore(ctx context.Context, t time.Time, limit int) ([]conversation.DueItem, error) {
	by := &redis.ZRangeBy{Min: "-inf", Max: strconv.FormatInt(t.UnixMilli(), 10)}
	if limit > 0 {
		by.Count = int64(limit)
	}
	members, err := s.rdb.ZRangeByScore(ctx, s.key("due"), by).Result()
	if err != nil {
		return nil, conversation.Internal("due before", err)
	}
	out := make([]conversation.DueItem, 0, len(members))
	for _, m := range members {
		id, at, ok := parseDueMember(m)
		if !ok {
			return nil, conversation.Internal("due before", fmt.Errorf("malformed due entry"))
		}
		if at.After(t) {
			// Same millisecond as t but later: so is every entry after it.
			break
		}
		out = append(out, conversation.DueItem{CaseID: id, DueAt: at})
	}
	return out, nil
}

// SaveDraft stores d, replacing the person's earlier draft. It returns
// EINTERNAL if Redis fails.
func (s *Store) SaveDraft(ctx context.Context, d *conversation.Draft) error {
	data, err := conversation.EncodeRecord(d)
	if err != nil {
		return conversation.Internal("encode draft", err)
	}
	if err := s.rdb.Set(ctx, s.key("draft", d.PersonID), data, 0).Err(); err != nil {
		return conversation.Internal("save draft", err)
	}
	return nil
}

// GetDraft returns personID's draft. A draft with ExpiresAt at or before now
// has expired; a zero ExpiresAt never expires. It returns ENOTFOUND if there
// is no draft or it has expired, and EINTERNAL if Redis fails.
func (s *Store) GetDraft(ctx context.Context, personID string, now time.Time) (*conversation.Draft, error) {
	data, err := s.rdb.Get(ctx, s.key("draft", personID)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, noDraft()
	}
	if err != nil {
		return nil, conversation.Internal("get draft", err)
	}
	var d conversation.Draft
	if err := conversation.DecodeRecord(conversation.RecordDraft, data, &d); err != nil {
		return nil, conversation.Internal("decode draft", err)
	}
	if !d.ExpiresAt.IsZero() && !now.Before(d.ExpiresAt) {
		return nil, noDraft()
	}
	return &d, nil
}

func noDraft() error {
	return conversation.NotFound("error.store.no_draft", nil)
}

// DeleteDraft removes personID's draft; removing none is not an error. It
// returns EINTERNAL if Redis fails.
func (s *Store) DeleteDraft(ctx context.Context, personID string) error {
	if err := s.rdb.Del(ctx, s.key("draft", personID)).Err(); err != nil {
		return conversation.Internal("delete draft", err)
	}
	return nil
}

// handleKey is the index field of a platform handle.
func handleKey(platform, team, user string) string {
	return conversation.Handle{Platform: platform, Team: team, User: user}.Key()
}

// emailKey is the index field of an email address.
func emailKey(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}

// PutPerson creates or replaces p and indexes its email and handles,
// dropping index entries of the person's old email and handles that still
// point at them. It returns ECONFLICT if it kept losing races with other
// writers, and EINTERNAL if Redis fails.
func (s *Store) PutPerson(ctx context.Context, p *conversation.Person) error {
	data, err := conversation.EncodeRecord(p)
	if err != nil {
		return conversation.Internal("encode person", err)
	}
	pkey, hkey, ekey := s.key("person", p.ID), s.key("handles"), s.key("emails")
	return s.optimistic(ctx, "put person", func(tx *redis.Tx) error {
		var stale []string // old handle fields to check
		var staleEmail string
		oldData, err := tx.Get(ctx, pkey).Bytes()
		switch {
		case errors.Is(err, redis.Nil):
		case err != nil:
			return err
		default:
			var old conversation.Person
			if err := conversation.DecodeRecord(conversation.RecordPerson, oldData, &old); err != nil {
				return conversation.Internal("decode person", err)
			}
			for _, h := range old.Handles {
				stale = append(stale, handleKey(h.Platform, h.Team, h.User))
			}
			if old.Email != "" {
				staleEmail = emailKey(old.Email)
			}
		}
		var dropHandles []string
		if len(stale) > 0 {
			owners, err := tx.HMGet(ctx, hkey, stale...).Result()
			if err != nil {
				return err
			}
			for i, o := range owners {
				if o == p.ID {
					dropHandles = append(dropHandles, stale[i])
				}
			}
		}
		dropEmail := false
		if staleEmail != "" {
			owner, err := tx.HGet(ctx, ekey, staleEmail).Result()
			if err != nil && !errors.Is(err, redis.Nil) {
				return err
			}
			dropEmail = owner == p.ID
		}
		_, err = tx.TxPipelined(ctx, func(pl redis.Pipeliner) error {
			if len(dropHandles) > 0 {
				pl.HDel(ctx, hkey, dropHandles...)
			}
			if dropEmail {
				pl.HDel(ctx, ekey, staleEmail)
			}
			pl.Set(ctx, pkey, data, 0)
			pl.SAdd(ctx, s.key("people"), p.ID)
			for _, h := range p.Handles {
				pl.HSet(ctx, hkey, handleKey(h.Platform, h.Team, h.User), p.ID)
			}
			if p.Email != "" {
				pl.HSet(ctx, ekey, emailKey(p.Email), p.ID)
			}
			return nil
		})
		return err
	}, pkey, hkey, ekey)
}

// notFoundPerson is the ENOTFOUND error for an unknown person.
func notFoundPerson() error {
	return conversation.NotFound("error.store.no_person", nil)
}

// GetPerson returns the person with id. It returns ENOTFOUND if unknown and
// EINTERNAL if Redis fails.
func (s *Store) GetPerson(ctx context.Context, id string) (*conversation.Person, error) {
	data, err := s.rdb.Get(ctx, s.key("person", id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, notFoundPerson()
	}
	if err != nil {
		return nil, conversation.Internal("get person", err)
	}
	var p conversation.Person
	if err := conversation.DecodeRecord(conversation.RecordPerson, data, &p); err != nil {
		return nil, conversation.Internal("decode person", err)
	}
	return &p, nil
}

// findPerson reads the person id at field of the index hash and loads
// them, in one round trip (findPersonScript).
func (s *Store) findPerson(ctx context.Context, what, index, field string) (*conversation.Person, error) {
	if field == "" {
		return nil, notFoundPerson()
	}
	data, err := findPersonScript.Run(ctx, s.rdb, []string{s.key(index)}, field, s.key("person", "")).Text()
	if errors.Is(err, redis.Nil) {
		return nil, notFoundPerson()
	}
	if err != nil {
		return nil, conversation.Internal(what, err)
	}
	var p conversation.Person
	if err := conversation.DecodeRecord(conversation.RecordPerson, []byte(data), &p); err != nil {
		return nil, conversation.Internal("decode person", err)
	}
	return &p, nil
}

// findPersonScript returns the person whose id is at field ARGV[1] of the
// index hash KEYS[1], from the key ARGV[2] followed by that id, or nil. The
// person's key is not declared, as it is only known inside the script; it
// shares the {rb} hash tag with KEYS[1], so it is in the same Cluster slot.
var findPersonScript = redis.NewScript(`
local id = redis.call('HGET', KEYS[1], ARGV[1])
if not id then return false end
return redis.call('GET', ARGV[2] .. id)
`)

// FindPersonByHandle returns the person holding the platform handle. It
// returns ENOTFOUND if nobody does and EINTERNAL if Redis fails.
func (s *Store) FindPersonByHandle(ctx context.Context, platform, team, user string) (*conversation.Person, error) {
	return s.findPerson(ctx, "find person by handle", "handles", handleKey(platform, team, user))
}

// FindPersonByEmail returns the person with email, in any letter case. It
// returns ENOTFOUND if nobody has it and EINTERNAL if Redis fails.
func (s *Store) FindPersonByEmail(ctx context.Context, email string) (*conversation.Person, error) {
	return s.findPerson(ctx, "find person by email", "emails", emailKey(email))
}

// ListPeople returns every person, ordered by id. It returns EINTERNAL if
// Redis fails.
func (s *Store) ListPeople(ctx context.Context) ([]*conversation.Person, error) {
	ids, err := s.rdb.SMembers(ctx, s.key("people")).Result()
	if err != nil {
		return nil, conversation.Internal("list people", err)
	}
	slices.Sort(ids)
	var out []*conversation.Person
	for chunk := range slices.Chunk(ids, 500) {
		keys := make([]string, len(chunk))
		for i, id := range chunk {
			keys[i] = s.key("person", id)
		}
		vals, err := s.rdb.MGet(ctx, keys...).Result()
		if err != nil {
			return nil, conversation.Internal("list people", err)
		}
		for _, v := range vals {
			str, ok := v.(string)
			if !ok {
				continue
			}
			var p conversation.Person
			if err := conversation.DecodeRecord(conversation.RecordPerson, []byte(str), &p); err != nil {
				return nil, conversation.Internal("decode person", err)
			}
			out = append(out, &p)
		}
	}
	return out, nil
}

// AddMessageRef appends a sent copy of a case card to the case's list. It
// returns EINTERNAL if Redis fails.
func (s *Store) AddMessageRef(ctx context.Context, ref conversation.MessageRef) error {
	data, err := conversation.EncodeRecord(ref)
	if err != nil {
		return conversation.Internal("encode message ref", err)
	}
	if err := s.rdb.RPush(ctx, s.key("refs", ref.CaseID), data).Err(); err != nil {
		return conversation.Internal("add message ref "+ref.CaseID, err)
	}
	return nil
}

// MessageRefs returns the sent copies of caseID's cards, oldest first; none
// is an empty result, not an error. It returns EINTERNAL if Redis fails.
func (s *Store) MessageRefs(ctx context.Context, caseID string) ([]conversation.MessageRef, error) {
	vals, err := s.rdb.LRange(ctx, s.key("refs", caseID), 0, -1).Result()
	if err != nil {
		return nil, conversation.Internal("message refs "+caseID, err)
	}
	out := make([]conversation.MessageRef, 0, len(vals))
	for _, v := range vals {
		var r conversation.MessageRef
		if err := conversation.DecodeRecord(conversation.RecordRef, []byte(v), &r); err != nil {
			return nil, conversation.Internal("decode message ref "+caseID, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// rememberScript sets KEYS[1] to the expiry ARGV[2] unless it holds an
// expiry later than now (ARGV[1]); ARGV[3] is the garbage-collection TTL in
// milliseconds. Times are unix microseconds, exact in Lua's doubles.
var rememberScript = redis.NewScript(`
local exp = redis.call('GET', KEYS[1])
if exp and tonumber(exp) > tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
`)

// claimScript gives the lease KEYS[1] to owner ARGV[1] until ARGV[3]
// unless another owner holds it past now (ARGV[2]); ARGV[4] is the
// garbage-collection TTL in milliseconds.
var claimScript = redis.NewScript(`
local cur = redis.call('HMGET', KEYS[1], 'owner', 'exp')
if cur[1] and cur[1] ~= ARGV[1] and tonumber(cur[2]) > tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'exp', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
`)

// releaseScript deletes the lease KEYS[1] if owner ARGV[1] holds it.
var releaseScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'owner') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`)

// gcMillis is the Redis TTL, in milliseconds, of something valid for d.
func gcMillis(d time.Duration) int64 {
	return (max(d, 0) + gcGrace).Milliseconds()
}

// Remember records key until now+ttl, atomically. It returns true if the
// key was not remembered at now (new, or its ttl has passed) and false
// otherwise, and EINTERNAL if Redis fails.
func (s *Store) Remember(ctx context.Context, key string, ttl time.Duration, now time.Time) (bool, error) {
	n, err := rememberScript.Run(ctx, s.rdb, []string{s.key("remember", key)},
		now.UnixMicro(), now.Add(ttl).UnixMicro(), gcMillis(ttl)).Int()
	if err != nil {
		return false, conversation.Internal("remember", err)
	}
	return n == 1, nil
}

// Claim gives owner the lease on key until now+lease if it is free,
// expired at now, or already owner's, atomically in one script. It returns
// whether owner holds it, and EINTERNAL if Redis fails.
func (s *Store) Claim(ctx context.Context, key, owner string, lease time.Duration, now time.Time) (bool, error) {
	n, err := claimScript.Run(ctx, s.rdb, []string{s.key("claim", key)},
		owner, now.UnixMicro(), now.Add(lease).UnixMicro(), gcMillis(lease)).Int()
	if err != nil {
		return false, conversation.Internal("claim", err)
	}
	return n == 1, nil
}

// Release frees key if owner holds it; otherwise it does nothing. It
// returns EINTERNAL if Redis fails.
func (s *Store) Release(ctx context.Context, key, owner string) error {
	if err := releaseScript.Run(ctx, s.rdb, []string{s.key("claim", key)}, owner).Err(); err != nil {
		return conversation.Internal("release", err)
	}
	return nil
}

// DeleteCase removes case id for good, in one MULTI/EXEC guarded by WATCH:
// the case, its place in the cases list, its due entry, its message refs
// and its access log. Then it deletes every claim and remembered key whose name contains
// the id. It returns ENOTFOUND if there is no such case and EINTERNAL if
// Redis fails.
func (s *Store) DeleteCase(ctx context.Context, id string) error {
	s.memo.forget(id)
	key := s.key("case", id)
	hash, _ := s.outboxKeys()
	err := s.optimistic(ctx, "delete case "+id, func(tx *redis.Tx) error {
		data, err := tx.Get(ctx, key).Bytes()
		if errors.Is(err, redis.Nil) {
			return notFoundCase(id)
		}
		if err != nil {
			return err
		}
		c, _, _, err := conversation.DecodeState(data)
		if err != nil {
			return conversation.Internal("decode case "+id, err)
		}
		effects, err := s.doomedEffects(ctx, tx, id)
		if err != nil {
			return err
		}
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			s.dropEffects(ctx, p, effects)
			p.Del(ctx, append([]string{key, s.key("events", id), s.key("refs", id), s.key("summary", id), s.key("sumlog", id)}, s.auditKeys(id)...)...)
			p.ZRem(ctx, s.key("cases"), id)
			if !c.DueAt.IsZero() {
				p.ZRem(ctx, s.key("due"), dueMember(id, c.DueAt))
			}
			return nil
		})
		return err
	}, key, hash)
	if err != nil {
		return err
	}
	for _, kind := range []string{"claim", "remember"} {
		keys, err := s.scan(ctx, globEscape(s.key(kind, ""))+"*"+globEscape(id)+"*")
		if err != nil {
			return conversation.Internal("delete case "+id, err)
		}
		for chunk := range slices.Chunk(keys, 500) {
			if err := s.rdb.Del(ctx, chunk...).Err(); err != nil {
				return conversation.Internal("delete case "+id, err)
			}
		}
	}
	return nil
}

// DeleteExpiredDrafts removes every draft with a non-zero ExpiresAt at or
// before now and returns how many it removed; each is checked and deleted
// under WATCH, so a draft saved meanwhile is kept. It returns EINTERNAL if
// Redis fails.
func (s *Store) DeleteExpiredDrafts(ctx context.Context, now time.Time) (int, error) {
	keys, err := s.scan(ctx, globEscape(s.key("draft", ""))+"*")
	if err != nil {
		return 0, conversation.Internal("delete expired drafts", err)
	}
	n := 0
	for _, key := range keys {
		err := s.optimistic(ctx, "delete expired drafts", func(tx *redis.Tx) error {
			data, err := tx.Get(ctx, key).Bytes()
			if errors.Is(err, redis.Nil) {
				return nil
			}
			if err != nil {
				return err
			}
			var d conversation.Draft
			if err := conversation.DecodeRecord(conversation.RecordDraft, data, &d); err != nil {
				return conversation.Internal("decode draft", err)
			}
			if d.ExpiresAt.IsZero() || now.Before(d.ExpiresAt) {
				return nil
			}
			if _, err := tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.Del(ctx, key)
				return nil
			}); err != nil {
				return err
			}
			n++
			return nil
		}, key)
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// scan returns every key matching the glob pattern, on every master of a
// cluster.
func (s *Store) scan(ctx context.Context, match string) ([]string, error) {
	var keys []string
	each := func(ctx context.Context, c redis.UniversalClient) error {
		it := c.Scan(ctx, 0, match, 1000).Iterator()
		for it.Next(ctx) {
			keys = append(keys, it.Val())
		}
		return it.Err()
	}
	if cc, ok := s.rdb.(*redis.ClusterClient); ok {
		var mu sync.Mutex
		err := cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error {
			var local []string
			it := c.Scan(ctx, 0, match, 1000).Iterator()
			for it.Next(ctx) {
				local = append(local, it.Val())
			}
			mu.Lock()
			keys = append(keys, local...)
			mu.Unlock()
			return it.Err()
		})
		return keys, err
	}
	return keys, each(ctx, s.rdb)
}

// globEscape escapes the glob characters of s for SCAN MATCH.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '*', '?', '[', ']', '\\':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
