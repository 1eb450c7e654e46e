package storeobs

import (
	"context"
	"fmt"

	"github.com/resolvebot/resolvebot/conversation"
)

var _ conversation.SettingsStore = (*Store)(nil)

func noSettings() error {
	return conversation.Internal("settings", fmt.Errorf("the wrapped store keeps no settings"))
}

// Settings is the wrapped store's Settings, measured as "settings".
// Returns EINTERNAL if the wrapped store keeps none.
func (s *Store) Settings(ctx context.Context, partnership string) (v conversation.SettingsChange, err error) {
	ctx, op := s.start(ctx, "settings", "")
	defer func() { s.end(op, err) }()
	st, ok := s.Store.(conversation.SettingsStore)
	if !ok {
		return v, noSettings()
	}
	return st.Settings(ctx, partnership)
}

// PutSettings is the wrapped store's PutSettings, measured as
// "put_settings". Returns EINTERNAL if the wrapped store keeps none.
func (s *Store) PutSettings(ctx context.Context, c conversation.SettingsChange) (err error) {
	ctx, op := s.start(ctx, "put_settings", "")
	defer func() { s.end(op, err) }()
	st, ok := s.Store.(conversation.SettingsStore)
	if !ok {
		return noSettings()
	}
	return st.PutSettings(ctx, c)
}

// SettingsHistory is the wrapped store's SettingsHistory, measured as
// "settings_history". Returns EINTERNAL if the wrapped store keeps none.
func (s *Store) SettingsHistory(ctx context.Context, partnership string, limit int) (v []conversation.SettingsChange, err error) {
	ctx, op := s.start(ctx, "settings_history", "")
	defer func() { s.end(op, err) }()
	st, ok := s.Store.(conversation.SettingsStore)
	if !ok {
		return nil, noSettings()
	}
	return st.SettingsHistory(ctx, partnership, limit)
}
