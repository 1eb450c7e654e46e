package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/resolvebot/resolvebot/conversation"
)

// A case's access log is two keys beside the case, under the same {rb}
// hash tag, that a case's writes never touch:
//
//	audit:<case>       LIST of access records as JSON, oldest first; a
//	                   record's Seq is its place in the list, from 1
//	auditmerge:<case>  HASH for merged records: "m:"+Merge → Seq,
//	                   "n:"+Merge → count, "l:"+Merge → last time (see stamp)

// auditScript appends the record ARGV[1] to the list KEYS[2] if the case
// KEYS[1] exists, or, when the merge name ARGV[2] is set and the hash
// KEYS[3] knows it, counts one more attempt for that record at ARGV[3]
// instead, keeping the latest time (stamps compare as strings). It returns the record's Seq, or nil when there is no case.
var auditScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
if ARGV[2] ~= '' then
  local seq = redis.call('HGET', KEYS[3], 'm:' .. ARGV[2])
  if seq then
    redis.call('HINCRBY', KEYS[3], 'n:' .. ARGV[2], 1)
    local last = redis.call('HGET', KEYS[3], 'l:' .. ARGV[2])
    if not last or ARGV[3] > last then redis.call('HSET', KEYS[3], 'l:' .. ARGV[2], ARGV[3]) end
    return tonumber(seq)
  end
end
local n = redis.call('RPUSH', KEYS[2], ARGV[1])
if ARGV[2] ~= '' then
  redis.call('HSET', KEYS[3], 'm:' .. ARGV[2], n)
  redis.call('HSET', KEYS[3], 'n:' .. ARGV[2], 1)
  redis.call('HSET', KEYS[3], 'l:' .. ARGV[2], ARGV[3])
end
return n
`)

// AppendAudit adds r to case id's access log, or merges it into the
// record with the same Merge, in one script that checks only that the case
// exists. It returns ENOTFOUND if there is no such case and EINTERNAL if
// Redis fails.
func (s *Store) AppendAudit(ctx context.Context, id string, r conversation.AuditRecord) error {
	r.Seq, r.Count, r.Last = 0, 0, time.Time{}
	data, err := conversation.EncodeRecord(r)
	if err != nil {
		return conversation.Internal("encode audit record", err)
	}
	keys := []string{s.key("case", id), s.key("audit", id), s.key("auditmerge", id)}
	err = auditScript.Run(ctx, s.rdb, keys, data, r.Merge, stamp(r.At)).Err()
	if errors.Is(err, redis.Nil) {
		return notFoundCase(id)
	}
	if err != nil {
		return conversation.Internal("append audit "+id, err)
	}
	return nil
}

// AuditLog returns case id's access log, oldest first, with the counts and
// last times of merged records; none is an empty result. It returns
// EINTERNAL if Redis fails.
func (s *Store) AuditLog(ctx context.Context, id string) ([]conversation.AuditRecord, error) {
	var list *redis.StringSliceCmd
	var merged *redis.MapStringStringCmd
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		list = p.LRange(ctx, s.key("audit", id), 0, -1)
		merged = p.HGetAll(ctx, s.key("auditmerge", id))
		return nil
	})
	if err != nil {
		return nil, conversation.Internal("audit log "+id, err)
	}
	m := merged.Val()
	out := make([]conversation.AuditRecord, 0, len(list.Val()))
	for i, v := range list.Val() {
		var r conversation.AuditRecord
		if err := conversation.DecodeRecord(conversation.RecordAudit, []byte(v), &r); err != nil {
			return nil, conversation.Internal("decode audit record "+id, err)
		}
		r.Seq = i + 1
		if r.Merge != "" && m["m:"+r.Merge] == strconv.Itoa(r.Seq) {
			r.Count, _ = strconv.Atoi(m["n:"+r.Merge])
			r.Last = unstamp(m["l:"+r.Merge])
		}
		out = append(out, r)
	}
	return out, nil
}

// auditKeys returns the keys of case id's access log, for DeleteCase.
func (s *Store) auditKeys(id string) []string {
	return []string{s.key("audit", id), s.key("auditmerge", id)}
}

// stamp writes t as 20 digits that sort as strings in time order, pre-1970
// times included.
func stamp(t time.Time) string { return fmt.Sprintf("%020d", uint64(t.UnixNano())^(1<<63)) }

// unstamp reverses stamp; the zero time for anything else.
func unstamp(s string) time.Time {
	u, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.Unix(0, int64(u^(1<<63))).UTC()
}
