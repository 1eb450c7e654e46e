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
// than conversation.SchemaVersion in the current format, one by one (a
// case held in one record with its whole timeline becomes its state record
// and its log of events, see conversation.CaseLog), each
// only if it is still the value read (a record written meanwhile is
// current already), leaving every value's content as it is: sealed values
// stay sealed and a case's Version does not change, so it can run while
// the bot serves. It also writes the summary (see conversation.SummaryOf)
// of every case stored before summaries were kept, counted as
// conversation.RecordSummary, never over one written meanwhile. It
// returns ECONFLICT if such a case kept changing, and an EINTERNAL error if a record cannot be read
// (one from a newer resolvebot included) or Redis fails; what was
// rewritten stays rewritten, and running it again carries on. An outbox
// an older resolvebot wrote is indexed first (see indexAll; the first
// claim does it too).
func (s *Store) Migrate(ctx context.Context) (conversation.MigrateReport, error) {
	var rep conversation.MigrateReport
	if indexed, err := s.outboxIndexed(ctx); err != nil {
		return rep, err
	} else if !indexed {
		if err := s.indexAll(ctx); err != nil {
			return rep, err
		}
	}
	if err := s.migrateCases(ctx, &rep); err != nil {
		return rep, err
	}
	if err := s.backfillSummaries(ctx, &rep); err != nil {
		return rep, err
	}
	for _, k := range []struct{ part, kind string }{
		{"person", conversation.RecordPerson}, {"draft", conversation.RecordDraft}} {
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

// migrateCaseScript replaces case KEYS[1] by its state record ARGV[2] and
// its log KEYS[2] by the events ARGV[3] onwards, only if the case still
// holds ARGV[1]. It returns 1 when it wrote and 0 otherwise.
var migrateCaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('DEL', KEYS[2])
for i = 3, #ARGV, 1000 do
  redis.call('RPUSH', KEYS[2], unpack(ARGV, i, math.min(i + 999, #ARGV)))
end
return 1
`)

// migrateCases moves every case in the older single-record form (or an
// older schema) to its state record and log of events, keeping its
// Version, each only if it is unchanged meanwhile.
func (s *Store) migrateCases(ctx context.Context, rep *conversation.MigrateReport) error {
	keys, err := s.scan(ctx, globEscape(s.key("case", ""))+"*")
	if err != nil {
		return conversation.Internal("migrate", err)
	}
	for _, key := range keys {
		id := strings.TrimPrefix(key, s.key("case", ""))
		data, err := s.rdb.Get(ctx, key).Bytes()
		if errors.Is(err, redis.Nil) {
			continue
		}
		if err != nil {
			return conversation.Internal("migrate", err)
		}
		ver, err := conversation.RecordSchema(data)
		if err != nil {
			return conversation.Internal("migrate case", err)
		}
		c, logged, inline, err := conversation.DecodeState(data)
		if err != nil {
			return conversation.Internal("migrate case", err)
		}
		changed := inline != nil || ver < conversation.SchemaVersion
		if changed {
			state, err := conversation.EncodeState(c, logged)
			if err != nil {
				return conversation.Internal("migrate case", err)
			}
			args := []any{data, state}
			if inline != nil {
				events, err := encodeEvents(id, inline)
				if err != nil {
					return err
				}
				args = append(args, events...)
			} else {
				// Only the version changes; keep the log as it is.
				n, err := replaceScript.Run(ctx, s.rdb, []string{key}, data, state).Int()
				if err != nil {
					return conversation.Internal("migrate", err)
				}
				rep.Count(conversation.RecordCase, n == 1)
				continue
			}
			n, err := migrateCaseScript.Run(ctx, s.rdb, []string{key, s.key("events", id)}, args...).Int()
			if err != nil {
				return conversation.Internal("migrate", err)
			}
			changed = n == 1
			s.memo.forget(id)
		}
		rep.Count(conversation.RecordCase, changed)
	}
	return nil
}
