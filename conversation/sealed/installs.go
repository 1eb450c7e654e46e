package sealed

import (
	"context"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
)

// installAAD binds a sealed bot token to the install it belongs to, so a
// token copied to another install's record does not open.
func installAAD(key string) string { return "slack_install:" + key + ":bot_token" }

// refreshAAD is installAAD for the install's refresh token.
func refreshAAD(key string) string { return "slack_install:" + key + ":refresh_token" }

// sealInstall returns a copy of inst with its tokens sealed. Returns
// EINTERNAL if sealing fails.
func (s *Store) sealInstall(inst *conversation.SlackInstallation) (*conversation.SlackInstallation, error) {
	c := *inst
	tok, err := s.Keys.Seal(c.BotToken, installAAD(c.Key()))
	if err != nil {
		return nil, sealErr("seal slack install", err)
	}
	c.BotToken = tok
	if c.RefreshToken != "" {
		if c.RefreshToken, err = s.Keys.Seal(c.RefreshToken, refreshAAD(c.Key())); err != nil {
			return nil, sealErr("seal slack install", err)
		}
	}
	return &c, nil
}

// openInstall opens inst's tokens in place. Returns EINTERNAL if one does
// not open.
func (s *Store) openInstall(inst *conversation.SlackInstallation) error {
	if err := s.Keys.open(&inst.BotToken, installAAD(inst.Key())); err != nil {
		return sealErr("open slack install", err)
	}
	if inst.RefreshToken != "" {
		if err := s.Keys.open(&inst.RefreshToken, refreshAAD(inst.Key())); err != nil {
			return sealErr("open slack install", err)
		}
	}
	return nil
}

// PutSlackInstallation seals a copy of inst's tokens and stores it.
// Returns what the store returns, or EINTERNAL if sealing fails.
func (s *Store) PutSlackInstallation(ctx context.Context, inst *conversation.SlackInstallation) error {
	if inst == nil {
		return s.Store.PutSlackInstallation(ctx, inst)
	}
	c, err := s.sealInstall(inst)
	if err != nil {
		return err
	}
	return s.Store.PutSlackInstallation(ctx, c)
}

// RefreshSlackInstallation seals a copy of inst's tokens and stores it if
// the install stored still expires at expiresAt. Returns what the store
// returns, or EINTERNAL if sealing fails.
func (s *Store) RefreshSlackInstallation(ctx context.Context, inst *conversation.SlackInstallation, expiresAt time.Time) error {
	if inst == nil {
		return s.Store.RefreshSlackInstallation(ctx, inst, expiresAt)
	}
	c, err := s.sealInstall(inst)
	if err != nil {
		return err
	}
	return s.Store.RefreshSlackInstallation(ctx, c, expiresAt)
}

// SlackInstallation returns the install under key with its tokens opened.
// Returns what the store returns, or EINTERNAL if a token does not open.
func (s *Store) SlackInstallation(ctx context.Context, key string) (*conversation.SlackInstallation, error) {
	inst, err := s.Store.SlackInstallation(ctx, key)
	if err != nil {
		return nil, err
	}
	if err := s.openInstall(inst); err != nil {
		return nil, err
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
		if err := s.openInstall(inst); err != nil {
			return nil, err
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
		if s.Keys.current(inst.BotToken) && (inst.RefreshToken == "" || s.Keys.current(inst.RefreshToken)) {
			continue
		}
		if err := s.openInstall(inst); err != nil {
			return err
		}
		if err := s.PutSlackInstallation(ctx, inst); err != nil {
			return err
		}
		rep.SlackInstallsRekeyed++
	}
	return nil
}
