package redisstore

import (
	"context"

	"github.com/redis/go-redis/v9"

	"github.com/resolvebot/resolvebot/conversation"
)

// RewriteLog asks Redis to rewrite its append-only file in the background
// (BGREWRITEAOF), on every master of a cluster. Overwriting a value (a
// rekey) removes the old one from memory at once, but the append-only file
// keeps every command that ever wrote it until it is rewritten. It returns
// an EINTERNAL error if Redis refuses, as a managed Redis may; the rewrite
// itself then runs in Redis, which logs its result.
func (s *Store) RewriteLog(ctx context.Context) error {
	var err error
	if cc, ok := s.rdb.(*redis.ClusterClient); ok {
		err = cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error {
			return c.BgRewriteAOF(ctx).Err()
		})
	} else {
		err = s.rdb.BgRewriteAOF(ctx).Err()
	}
	if err != nil {
		return conversation.Internal("rewrite the append-only file", err)
	}
	return nil
}
