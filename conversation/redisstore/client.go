package redisstore

import "github.com/redis/go-redis/v9"

// Client returns the Redis client the store uses, so the composition root
// can add instrumentation (tracing hooks) to it. Callers must not use it
// to change stored keys.
func (s *Store) Client() redis.UniversalClient { return s.rdb }
