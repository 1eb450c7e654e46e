package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// The store identity (see conversation.StoreIdentity) is the HASH
//
//	identity   fields id, created (RFC 3339) and previous
//
// written by the first Open of an empty prefix. The process remembers the
// identity it opened and checks it:
//
//   - on every new connection (Options.OnConnect, for stores made by Open):
//     a Redis that restarted drops every connection, so after a restart no
//     command runs, read or write, until the identity is found again;
//   - in the same script as every case id allocation, so a Redis emptied
//     without a restart (FLUSHALL) never hands out an id again;
//   - in Ping, which readiness checks call.
//
// A missing or different identity is conversation.ErrStoreLost. Restoring
// the data (with its identity) ends it; so does ResetIdentity, which an
// operator runs to accept an empty store deliberately.

// identity is what this process knows about the store it opened.
type identity struct {
	mu    sync.Mutex
	rec   conversation.StoreIdentity // ID "" until opened
	floor map[int]int64              // per year, the highest case number this process has seen
}

func (i *identity) id() string {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.rec.ID
}

// seen raises year's floor to n and returns the floor.
func (i *identity) seen(year int, n int64) int64 {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.floor == nil {
		i.floor = map[int]int64{}
	}
	i.floor[year] = max(i.floor[year], n)
	return i.floor[year]
}

// identityFields is what HMGET reads of the identity hash.
var identityFields = []string{"id", "created", "previous"}

// Identity returns the identity this store opened (zero before it has).
func (s *Store) Identity() conversation.StoreIdentity {
	s.ident.mu.Lock()
	defer s.ident.mu.Unlock()
	return s.ident.rec
}

// lost is the error for a store whose identity is not want: got is the id
// found ("" when missing).
func lost(want, got string) error {
	if got == "" {
		return conversation.Internal(fmt.Sprintf("store identity %s is missing", want), conversation.ErrStoreLost)
	}
	return conversation.Internal(fmt.Sprintf("store identity is %s, not %s", got, want), conversation.ErrStoreLost)
}

// check compares the stored identity fields (id, previous) with the one
// this process opened. An identity that names ours as previous is one an
// operator made with ResetIdentity: it is adopted.
func (s *Store) check(vals []any) error {
	got, _ := vals[0].(string)
	prev, _ := vals[2].(string)
	s.ident.mu.Lock()
	defer s.ident.mu.Unlock()
	want := s.ident.rec.ID
	switch {
	case want == "" || got == want:
		return nil
	case got != "" && prev == want:
		created, _ := time.Parse(time.RFC3339Nano, fmt.Sprint(vals[1]))
		s.ident.rec = conversation.StoreIdentity{ID: got, Created: created, Previous: prev}
		return nil
	}
	return lost(want, got)
}

// onConnect checks the identity on each new connection before it is used.
// A node that does not own the {rb} slot (Redis Cluster) answers MOVED or
// ASK: that connection is not for our keys, so it passes.
func (s *Store) onConnect(ctx context.Context, cn *redis.Conn) error {
	if s.ident.id() == "" {
		return nil
	}
	vals, err := cn.HMGet(ctx, s.key("identity"), identityFields...).Result()
	if err != nil {
		if msg := err.Error(); strings.HasPrefix(msg, "MOVED ") || strings.HasPrefix(msg, "ASK ") {
			return nil
		}
		return err
	}
	if s.check(vals) != nil {
		// go-redis unwraps one level of the error OnConnect returns.
		return conversation.ErrStoreLost
	}
	return nil
}

// Verify checks that the store still holds the identity this process
// opened. It returns an EINTERNAL error wrapping conversation.ErrStoreLost
// when the identity is missing or different, and EINTERNAL if Redis fails.
func (s *Store) Verify(ctx context.Context) error {
	vals, err := s.rdb.HMGet(ctx, s.key("identity"), identityFields...).Result()
	if err != nil {
		return conversation.Internal("read store identity", err)
	}
	return s.check(vals)
}

// createIdentityScript writes the identity KEYS[1] (id ARGV[1], created
// ARGV[2]) unless one exists, and returns the stored id.
var createIdentityScript = redis.NewScript(`
local id = redis.call('HGET', KEYS[1], 'id')
if id then return id end
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'created', ARGV[2])
return ARGV[1]
`)

// newIdentityID returns a random store id.
func newIdentityID() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}

// hasData reports whether the prefix holds anything a store writes.
func (s *Store) hasData(ctx context.Context) (bool, error) {
	n, err := s.rdb.Exists(ctx, s.key("cases"), s.key("people"), s.key("emails"), s.key("handles")).Result()
	if err != nil || n > 0 {
		return n > 0, err
	}
	keys, err := s.scan(ctx, globEscape(s.key("seq", ""))+"*")
	return len(keys) > 0, err
}

// openIdentity reads the store's identity, writing one if there is none
// (a new store, or one written before identities) unless pin names the
// identity it must have, and remembers it with the case numbers allocated
// so far.
func (s *Store) openIdentity(ctx context.Context, pin string) error {
	vals, err := s.rdb.HMGet(ctx, s.key("identity"), identityFields...).Result()
	if err != nil {
		return conversation.Internal("read store identity", err)
	}
	rec := conversation.StoreIdentity{}
	if id, ok := vals[0].(string); ok {
		rec.ID = id
		rec.Created, _ = time.Parse(time.RFC3339Nano, fmt.Sprint(vals[1]))
		rec.Previous, _ = vals[2].(string)
		if pin != "" && pin != rec.ID && pin != rec.Previous {
			return lost(pin, rec.ID)
		}
	} else if pin != "" {
		return lost(pin, "")
	} else {
		had, err := s.hasData(ctx)
		if err != nil {
			return conversation.Internal("read store", err)
		}
		id, err := newIdentityID()
		if err != nil {
			return conversation.Internal("make store identity", err)
		}
		now := time.Now().UTC()
		got, err := createIdentityScript.Run(ctx, s.rdb, []string{s.key("identity")}, id, now.Format(time.RFC3339Nano)).Text()
		if err != nil {
			return conversation.Internal("write store identity", err)
		}
		rec = conversation.StoreIdentity{ID: got, Created: now, New: got == id && !had, Adopted: got == id && had}
	}
	s.ident.mu.Lock()
	s.ident.rec = rec
	s.ident.mu.Unlock()
	keys, err := s.scan(ctx, globEscape(s.key("seq", ""))+"*")
	if err != nil {
		return conversation.Internal("read case numbers", err)
	}
	for _, k := range keys {
		year, err := strconv.Atoi(strings.TrimPrefix(k, s.key("seq", "")))
		if err != nil {
			continue
		}
		n, err := s.rdb.Get(ctx, k).Int64()
		if err != nil {
			return conversation.Internal("read case numbers", err)
		}
		s.ident.seen(year, n)
	}
	return nil
}

// nextNumberScript allocates the next case number of the sequence
// KEYS[2] only if the identity KEYS[1] is ARGV[1]; the number is above
// ARGV[2], the highest this process has seen, even if the sequence went
// back (a restore of an older copy).
var nextNumberScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'id') ~= ARGV[1] then return redis.error_reply('RBLOST store identity changed') end
local n = redis.call('INCR', KEYS[2])
local floor = tonumber(ARGV[2])
if n <= floor then
  n = floor + 1
  redis.call('SET', KEYS[2], n)
end
return n
`)

// nextNumber allocates year's next case number after checking the
// identity (see nextNumberScript).
func (s *Store) nextNumber(ctx context.Context, year int) (int64, error) {
	if s.ident.id() == "" {
		if err := s.openIdentity(ctx, ""); err != nil {
			return 0, err
		}
	}
	for attempt := 0; ; attempt++ {
		want := s.ident.id()
		floor := s.ident.seen(year, 0)
		n, err := nextNumberScript.Run(ctx, s.rdb, []string{s.key("identity"), s.key("seq", strconv.Itoa(year))}, want, floor).Int64()
		if err == nil {
			s.ident.seen(year, n)
			return n, nil
		}
		if !strings.HasPrefix(err.Error(), "RBLOST") {
			return 0, conversation.Internal("next case id", err)
		}
		// Lost, unless an operator's ResetIdentity replaced ours: Verify
		// adopts that, and the allocation runs once more.
		if err := s.Verify(ctx); err != nil || attempt > 0 || s.ident.id() == want {
			if err == nil {
				err = lost(want, "")
			}
			return 0, err
		}
	}
}

// resetIdentityScript writes a new identity KEYS[1] (id ARGV[1], created
// ARGV[2], previous ARGV[3]) unless there is one and the cases ZSET KEYS[3]
// holds cases, and raises the sequence KEYS[2] to at least ARGV[4]. It
// returns 0 if it wrote nothing.
var resetIdentityScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 and redis.call('ZCARD', KEYS[3]) > 0 then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'created', ARGV[2], 'previous', ARGV[3])
local n = tonumber(redis.call('GET', KEYS[2]) or '0')
if n < tonumber(ARGV[4]) then redis.call('SET', KEYS[2], ARGV[4]) end
return 1
`)

// ResetIdentity accepts a store that has lost its data (a Redis that came
// back empty) as a new store, deliberately: it writes a new identity
// naming replaces (the identity the running replicas report; they adopt
// the new one) and sets the case number sequence of lastID's year so the
// next id comes after lastID, the highest case id ever issued. An identity
// that a process starting on the empty Redis wrote meanwhile is replaced;
// a store holding cases is left alone. It returns EINVALID if lastID is
// not a case id or the store holds cases under an identity, and EINTERNAL
// if Redis fails. Use it on a store from Connect, not Open, which would
// write an identity of its own.
func (s *Store) ResetIdentity(ctx context.Context, lastID, replaces string) (conversation.StoreIdentity, error) {
	year, n, ok := parseCaseNumber(lastID)
	if !ok {
		return conversation.StoreIdentity{}, conversation.Invalid("error.store.not_case_id", messages.Args{"id": strconv.Quote(lastID)})
	}
	id, err := newIdentityID()
	if err != nil {
		return conversation.StoreIdentity{}, conversation.Internal("make store identity", err)
	}
	now := time.Now().UTC()
	done, err := resetIdentityScript.Run(ctx, s.rdb, []string{s.key("identity"), s.key("seq", strconv.Itoa(year)), s.key("cases")},
		id, now.Format(time.RFC3339Nano), replaces, n).Int()
	if err != nil {
		return conversation.StoreIdentity{}, conversation.Internal("reset store identity", err)
	}
	if done == 0 {
		return conversation.StoreIdentity{}, conversation.Invalid("error.store.identity_kept", nil)
	}
	rec := conversation.StoreIdentity{ID: id, Created: now, Previous: replaces}
	s.ident.mu.Lock()
	s.ident.rec = rec
	s.ident.mu.Unlock()
	s.ident.seen(year, n)
	return rec, nil
}

// parseCaseNumber reads CR-YYYY-NNNN.
func parseCaseNumber(id string) (year int, n int64, ok bool) {
	parts := strings.Split(conversation.NormaliseCaseID(id), "-")
	if len(parts) != 3 || parts[0] != "CR" {
		return 0, 0, false
	}
	year, err1 := strconv.Atoi(parts[1])
	n, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil || year < 2000 || year > 9999 || n < 1 {
		return 0, 0, false
	}
	return year, n, true
}
