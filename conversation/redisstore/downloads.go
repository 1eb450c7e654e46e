package redisstore

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/resolvebot/resolvebot/conversation"
)

// The partnership's download log is two keys of its own, which no case's
// write touches:
//
//	downloads      ZSET of every record as JSON (with its Seq, so each is
//	               unique), scored by its time in milliseconds
//	downloads:seq  the last Seq given

// appendDownloadScript gives the record the next Seq and adds it to the
// log at score ARGV[2], in one step: KEYS[1] the log, KEYS[2] the counter,
// ARGV[1] the record as JSON with its Seq left for the script to write
// (it ends in `,"seq":` and the script closes it).
var appendDownloadScript = redis.NewScript(`
local n = redis.call('INCR', KEYS[2])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1] .. n .. '}')
return n
`)

// AppendDownload adds r to the download log, giving it the next Seq, in
// one script. Returns EINVALID for an incomplete record, EINTERNAL if
// Redis fails.
func (s *Store) AppendDownload(ctx context.Context, r conversation.DownloadRecord) error {
	if err := conversation.CheckDownload(r); err != nil {
		return err
	}
	r.Seq = 0
	data, err := conversation.EncodeRecord(r)
	if err != nil {
		return conversation.Internal("encode download", err)
	}
	// data is a JSON object with no "seq" (omitempty): open one at its end.
	head := string(data[:len(data)-1]) + `,"seq":`
	err = appendDownloadScript.Run(ctx, s.rdb, []string{s.key("downloads"), s.key("downloads", "seq")}, head, r.At.UnixMilli()).Err()
	if err != nil {
		return conversation.Internal("append download", err)
	}
	return nil
}

// Downloads returns up to limit records of the download log, newest
// first. Returns EINTERNAL if Redis fails.
func (s *Store) Downloads(ctx context.Context, limit int) ([]conversation.DownloadRecord, error) {
	stop := int64(-1)
	if limit > 0 {
		stop = int64(limit) - 1
	}
	vals, err := s.rdb.ZRevRange(ctx, s.key("downloads"), 0, stop).Result()
	if err != nil {
		return nil, conversation.Internal("downloads", err)
	}
	out := make([]conversation.DownloadRecord, 0, len(vals))
	for _, v := range vals {
		var r conversation.DownloadRecord
		if err := conversation.DecodeRecord(conversation.RecordDownload, []byte(v), &r); err != nil {
			return nil, conversation.Internal("decode download", err)
		}
		out = append(out, r)
	}
	// Records of the same millisecond come back in their JSON's order:
	// put them in the order they were made.
	slices.SortStableFunc(out, func(a, b conversation.DownloadRecord) int {
		if c := b.At.Compare(a.At); c != 0 {
			return c
		}
		return cmp.Compare(b.Seq, a.Seq)
	})
	return out, nil
}

// DeleteDownloadsBefore deletes every download record made before cutoff
// and returns how many it deleted. Returns EINTERNAL if Redis fails.
func (s *Store) DeleteDownloadsBefore(ctx context.Context, cutoff time.Time) (int, error) {
	n, err := s.rdb.ZRemRangeByScore(ctx, s.key("downloads"), "-inf", "("+strconv.FormatInt(cutoff.UnixMilli(), 10)).Result()
	if err != nil {
		return 0, conversation.Internal("delete old downloads", err)
	}
	return int(n), nil
}
