package redisstore

import (
	"context"
	"errors"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/resolvebot/resolvebot/conversation"
)

// replaceScript sets KEYS[1] to ARGV[2] only if it still holds ARGV[1].
var replaceScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1
`)

// replaceItemScript sets item ARGV[1] of the list KEYS[1] to ARGV[3] only
// if it still holds ARGV[2].
var replaceItemScript = redis.NewScript(`
if redis.call('LINDEX', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('LSET', KEYS[1], ARGV[1], ARGV[3])
return 1
`)

// Migrate rewrites every record (case, person, draft, message ref) older
// than conversation.SchemaVersion in the current format, one by one, each
// only if it is still the value read (a record written meanwhile is
// current already), leaving every value's content as it is: sealed values
// stay sealed and a case's Version does not change, so it can run while
// the bot serves. It returns an EINTERNAL error if a record cannot be read
// (one from a newer resolvebot included) or Redis fails; what was
// rewritten stays rewritten, and running it again carries on.
func (s *Store) Migrate(ctx context.Context) (conversation.MigrateReport, error) {
	var rep conversation.MigrateReport
	for _, k := range []struct{ part, kind string }{
		{"case", conversation.RecordCase}, {"person", conversation.RecordPerson}, {"draft", conversation.RecordDraft}} {
		keys, err := s.scan(ctx, globEscape(s.key(k.part, ""))+"*")
		if err != nil {
			return rep, conversation.Internal("migrate", err)
		}
		for _, key := range keys {
			data, err := s.rdb.Get(ctx, key).Bytes()
			if errors.Is(err, redis.Nil) {
				continue
			}
			if err != nil {
				return rep, conversation.Internal("migrate", err)
			}
			out, changed, err := conversation.UpgradeRecord(k.kind, data)
			if err != nil {
				return rep, conversation.Internal("migrate "+k.kind, err)
			}
			if changed {
				n, err := replaceScript.Run(ctx, s.rdb, []string{key}, data, out).Int()
				if err != nil {
					return rep, conversation.Internal("migrate", err)
				}
				changed = n == 1
				if k.part == "case" {
					s.memo.forget(strings.TrimPrefix(key, s.key("case", "")))
				}
			}
			rep.Count(k.kind, changed)
		}
	}
	keys, err := s.scan(ctx, globEscape(s.key("refs", ""))+"*")
	if err != nil {
		return rep, conversation.Internal("migrate", err)
	}
	for _, key := range keys {
		items, err := s.rdb.LRange(ctx, key, 0, -1).Result()
		if err != nil {
			return rep, conversation.Internal("migrate", err)
		}
		for i, item := range items {
			out, changed, err := conversation.UpgradeRecord(conversation.RecordRef, []byte(item))
			if err != nil {
				return rep, conversation.Internal("migrate ref", err)
			}
			if changed {
				n, err := replaceItemScript.Run(ctx, s.rdb, []string{key}, i, item, out).Int()
				if err != nil {
					return rep, conversation.Internal("migrate", err)
				}
				changed = n == 1
			}
			rep.Count(conversation.RecordRef, changed)
		}
	}
	return rep, nil
}
