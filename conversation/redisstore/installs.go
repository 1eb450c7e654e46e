package redisstore

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/resolvebot/resolvebot/conversation"
)

// Slack installs are the fields of one hash, <prefix>slackinstalls, by
// their key (conversation.SlackInstallKey): a handful per deployment.

// PutSlackInstallation stores inst under its key, replacing any earlier
// install there. Returns EINVALID for an install that cannot be stored and
// EINTERNAL if Redis fails.
func (s *Store) PutSlackInstallation(ctx context.Context, inst *conversation.SlackInstallation) error {
	if err := conversation.CheckSlackInstallation(inst); err != nil {
		return err
	}
	data, err := conversation.EncodeRecord(inst)
	if err != nil {
		return conversation.Internal("encode slack install", err)
	}
	if err := s.rdb.HSet(ctx, s.key("slackinstalls"), inst.Key(), data).Err(); err != nil {
		return conversation.Internal("put slack install", err)
	}
	return nil
}

// SlackInstallation returns the install under key. Returns ENOTFOUND if
// there is none and EINTERNAL if Redis fails.
func (s *Store) SlackInstallation(ctx context.Context, key string) (*conversation.SlackInstallation, error) {
	data, err := s.rdb.HGet(ctx, s.key("slackinstalls"), key).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, conversation.NotFound("install.error.not_installed", nil)
	}
	if err != nil {
		return nil, conversation.Internal("get slack install", err)
	}
	var inst conversation.SlackInstallation
	if err := conversation.DecodeRecord(conversation.RecordSlackInstall, data, &inst); err != nil {
		return nil, conversation.Internal("decode slack install", err)
	}
	return &inst, nil
}

// SlackInstallations returns every install, ordered by key. Returns
// EINTERNAL if Redis fails.
func (s *Store) SlackInstallations(ctx context.Context) ([]*conversation.SlackInstallation, error) {
	all, err := s.rdb.HGetAll(ctx, s.key("slackinstalls")).Result()
	if err != nil {
		return nil, conversation.Internal("list slack installs", err)
	}
	out := make([]*conversation.SlackInstallation, 0, len(all))
	for _, data := range all {
		var inst conversation.SlackInstallation
		if err := conversation.DecodeRecord(conversation.RecordSlackInstall, []byte(data), &inst); err != nil {
			return nil, conversation.Internal("decode slack install", err)
		}
		out = append(out, &inst)
	}
	slices.SortFunc(out, func(a, b *conversation.SlackInstallation) int { return strings.Compare(a.Key(), b.Key()) })
	return out, nil
}

// DeleteSlackInstallation removes the install under key, if there is one.
// Returns EINTERNAL if Redis fails.
func (s *Store) DeleteSlackInstallation(ctx context.Context, key string) error {
	if err := s.rdb.HDel(ctx, s.key("slackinstalls"), key).Err(); err != nil {
		return conversation.Internal("delete slack install", err)
	}
	return nil
}

// RefreshSlackInstallation stores inst only if the install under its key
// still expires at expiresAt: the hash is watched from the read to the
// write, so a write by another replica in between fails this one (an
// optimistic transaction). Returns ECONFLICT when the install changed,
// ENOTFOUND when there is none, EINVALID for an install that cannot be
// stored and EINTERNAL if Redis fails.
func (s *Store) RefreshSlackInstallation(ctx context.Context, inst *conversation.SlackInstallation, expiresAt time.Time) error {
	if err := conversation.CheckSlackInstallation(inst); err != nil {
		return err
	}
	data, err := conversation.EncodeRecord(inst)
	if err != nil {
		return conversation.Internal("encode slack install", err)
	}
	hash := s.key("slackinstalls")
	err = s.rdb.Watch(ctx, func(tx *redis.Tx) error {
		raw, err := tx.HGet(ctx, hash, inst.Key()).Bytes()
		if errors.Is(err, redis.Nil) {
			return conversation.NotFound("install.error.not_installed", nil)
		}
		if err != nil {
			return err
		}
		var cur conversation.SlackInstallation
		if err := conversation.DecodeRecord(conversation.RecordSlackInstall, raw, &cur); err != nil {
			return err
		}
		if !cur.ExpiresAt.Equal(expiresAt) {
			return conversation.ErrRefreshedElsewhere()
		}
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.HSet(ctx, hash, inst.Key(), data)
			return nil
		})
		return err
	}, hash)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, redis.TxFailedErr):
		return conversation.ErrRefreshedElsewhere()
	case conversation.ErrorCode(err) == conversation.ENOTFOUND || conversation.ErrorCode(err) == conversation.ECONFLICT:
		return err
	}
	return conversation.Internal("refresh slack install", err)
}
