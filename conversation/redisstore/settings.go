package redisstore

import (
	"context"
	"strconv"

	"github.com/redis/go-redis/v9"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// Each partnership's stored settings are one key of their own, which no
// case's write touches:
//
//	settings:{partnership}  ZSET of every change as JSON, scored by its
//	                        version; the highest is the settings now
//
// The braces keep the key in one Redis Cluster slot per partnership.

var _ conversation.SettingsStore = (*Store)(nil)

func (s *Store) settingsKey(partnership string) string {
	return s.key("settings", "{"+partnership+"}")
}

// putSettingsScript adds ARGV[2] at score ARGV[1] to the ZSET KEYS[1] only
// when its highest score is ARGV[1]-1 (none counts as 0); it returns the
// highest score it found.
var putSettingsScript = redis.NewScript(`
local top = redis.call('ZREVRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local cur = 0
if #top == 2 then cur = tonumber(top[2]) end
if cur + 1 ~= tonumber(ARGV[1]) then return cur end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
return cur
`)

// Settings returns the partnership's latest change. Returns ENOTFOUND when
// none is stored, EINTERNAL if Redis fails.
func (s *Store) Settings(ctx context.Context, partnership string) (conversation.SettingsChange, error) {
	cs, err := s.SettingsHistory(ctx, partnership, 1)
	if err != nil {
		return conversation.SettingsChange{}, err
	}
	if len(cs) == 0 {
		return conversation.SettingsChange{}, conversation.NotFound("settings.error.none_stored", messages.Args{"partnership": partnership})
	}
	return cs[0], nil
}

// PutSettings stores c when its version follows the stored one, in one
// script. Returns ECONFLICT when it does not, EINVALID for a bad version
// or partnership, EINTERNAL if Redis fails.
func (s *Store) PutSettings(ctx context.Context, c conversation.SettingsChange) error {
	if err := conversation.CheckSettingsChange(c); err != nil {
		return err
	}
	data, err := conversation.EncodeRecord(c)
	if err != nil {
		return conversation.Internal("encode settings", err)
	}
	cur, err := putSettingsScript.Run(ctx, s.rdb, []string{s.settingsKey(c.Partnership)}, c.Version, string(data)).Int64()
	if err != nil {
		return conversation.Internal("put settings", err)
	}
	if cur+1 != c.Version {
		return conversation.SettingsConflict(c.Partnership, cur)
	}
	return nil
}

// SettingsHistory returns up to limit of the partnership's changes, newest
// first. Returns EINTERNAL if Redis fails.
func (s *Store) SettingsHistory(ctx context.Context, partnership string, limit int) ([]conversation.SettingsChange, error) {
	stop := int64(-1)
	if limit > 0 {
		stop = int64(limit) - 1
	}
	vals, err := s.rdb.ZRevRange(ctx, s.settingsKey(partnership), 0, stop).Result()
	if err != nil {
		return nil, conversation.Internal("settings history", err)
	}
	out := make([]conversation.SettingsChange, 0, len(vals))
	for _, v := range vals {
		var c conversation.SettingsChange
		if err := conversation.DecodeRecord(conversation.RecordSettings, []byte(v), &c); err != nil {
			return nil, conversation.Internal("decode settings "+strconv.Quote(partnership), err)
		}
		out = append(out, c)
	}
	return out, nil
}
