package sealed

import (
	"context"

	"github.com/resolvebot/resolvebot/conversation"
)

// installAAD binds a sealed bot token to the install it belongs to, so a
// token copied to another install's record does not open.
func installAAD(key string) string { return "slack_install:" + key + ":bot_token" }

// PutSlackInstallation seals a copy of inst's bot token and stores it.
// Returns what the store returns, or EINTERNAL if sealing fails.
func (s *Store) PutSlackInstallation(ctx context.Context, inst *conversation.SlackInstallation) error {
	if inst == nil {
		return s.Store.PutSlackInstallation(ctx, inst)
	}
	c := *inst
	tok, err := s.Keys.Seal(c.BotToken, installAAD(c.Key()))
	if err != nil {
		return sealErr("seal slack install", err)
	}
	c.BotToken = tok
	return s.Store.PutSlackInstallation(ctx, &c)
}

// SlackInstallation returns the install under key with its token opened.
// Returns what the store returns, or EINTERNAL if the token does not open.
func (s *Store) SlackInstallation(ctx context.Context, key string) (*conversation.SlackInstallation, error) {
	inst, err := s.Store.SlackInstallation(ctx, key)
	if err != nil {
		return nil, err
	}
	if err := s.Keys.open(&inst.BotToken, installAAD(inst.Key())); err != nil {
		return nil, sealErr("open slack install", err)
	}
	return inst, nil
}

// SlackInstallations returns every install with its token opened. Returns
// what the store returns, or EINTERNAL if a token does not open.
func (s *Store) SlackInstallations(ctx context.Context) ([]*conversation.SlackInstallation, error) {
	all, err := s.Store.SlackInstallations(ctx)
	if err != nil {
		return nil, err
	}
	for _, inst := range all {
		if err := s.Keys.open(&inst.BotToken, installAAD(inst.Key())); err != nil {
			return nil, sealErr("open slack install", err)
		}
	}
	return all, nil
}

// rekeyInstalls re-seals every install's token not sealed with the
// primary key.
func (s *Store) rekeyInstalls(ctx context.Context, rep *RekeyReport) error {
	all, err := s.Store.SlackInstallations(ctx)
	if err != nil {
		return err
	}
	for _, inst := range all {
		rep.SlackInstalls++
		if s.Keys.current(inst.BotToken) {
			continue
		}
		if err := s.Keys.open(&inst.BotToken, installAAD(inst.Key())); err != nil {
			return sealErr("open slack install", err)
		}
		if err := s.PutSlackInstallation(ctx, inst); err != nil {
			return err
		}
		rep.SlackInstallsRekeyed++
	}
	return nil
}
