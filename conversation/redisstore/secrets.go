package redisstore

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/resolvebot/resolvebot/conversation"
)

// A secret is a hash at <prefix>secret:<key> with its expiry ("exp", Unix
// microseconds) and value ("v"); Redis drops it gcGrace after it expires.

var errNoSecret = conversation.NotFound("error.store.no_record", nil)

// takeSecretScript returns the value of the secret KEYS[1] and deletes it
// if it has not expired at ARGV[1]; false when there is none.
var takeSecretScript = redis.NewScript(`
local cur = redis.call('HMGET', KEYS[1], 'exp', 'v')
if not cur[1] then return false end
if tonumber(cur[1]) <= tonumber(ARGV[1]) then return false end
redis.call('DEL', KEYS[1])
return cur[2]
`)

// PutSecret stores value under key until expires, in one MULTI. It returns
// EINTERNAL if Redis fails.
func (s *Store) PutSecret(ctx context.Context, key string, value []byte, expires, now time.Time) error {
	k := s.key("secret", key)
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, k)
		p.HSet(ctx, k, "exp", expires.UnixMicro(), "v", value)
		p.PExpire(ctx, k, time.Duration(gcMillis(expires.Sub(now)))*time.Millisecond)
		return nil
	})
	if err != nil {
		return conversation.Internal("put secret", err)
	}
	return nil
}

// GetSecret returns the value under key. It returns ENOTFOUND if there is
// none or it has expired at now, and EINTERNAL if Redis fails.
func (s *Store) GetSecret(ctx context.Context, key string, now time.Time) ([]byte, error) {
	vals, err := s.rdb.HMGet(ctx, s.key("secret", key), "exp", "v").Result()
	if err != nil {
		return nil, conversation.Internal("get secret", err)
	}
	exp, ok1 := vals[0].(string)
	v, ok2 := vals[1].(string)
	if !ok1 || !ok2 {
		return nil, errNoSecret
	}
	if us, err := strconv.ParseInt(exp, 10, 64); err != nil || !time.UnixMicro(us).After(now) {
		return nil, errNoSecret
	}
	return []byte(v), nil
}

// TakeSecret returns the value under key and deletes it in one script, so
// only one caller gets it. It returns ENOTFOUND if there is none or it has
// expired at now, and EINTERNAL if Redis fails.
func (s *Store) TakeSecret(ctx context.Context, key string, now time.Time) ([]byte, error) {
	v, err := takeSecretScript.Run(ctx, s.rdb, []string{s.key("secret", key)}, now.UnixMicro()).Text()
	if errors.Is(err, redis.Nil) {
		return nil, errNoSecret
	}
	if err != nil {
		return nil, conversation.Internal("take secret", err)
	}
	return []byte(v), nil
}
