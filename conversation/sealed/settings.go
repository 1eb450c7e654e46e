package sealed

import (
	"context"
	"fmt"

	"github.com/resolvebot/resolvebot/conversation"
)

// Settings hold the partnership's directory and protocol, not case
// content, so they pass through unsealed.
var _ conversation.SettingsStore = (*Store)(nil)

func noSettings() error {
	return conversation.Internal("settings", fmt.Errorf("the wrapped store keeps no settings"))
}

// Settings is the wrapped store's Settings. Returns EINTERNAL if the
// wrapped store keeps none.
func (s *Store) Settings(ctx context.Context, partnership string) (conversation.SettingsChange, error) {
	st, ok := s.Store.(conversation.SettingsStore)
	if !ok {
		return conversation.SettingsChange{}, noSettings()
	}
	return st.Settings(ctx, partnership)
}

// PutSettings is the wrapped store's PutSettings. Returns EINTERNAL if the
// wrapped store keeps none.
func (s *Store) PutSettings(ctx context.Context, c conversation.SettingsChange) error {
	st, ok := s.Store.(conversation.SettingsStore)
	if !ok {
		return noSettings()
	}
	return st.PutSettings(ctx, c)
}

// SettingsHistory is the wrapped store's SettingsHistory. Returns
// EINTERNAL if the wrapped store keeps none.
func (s *Store) SettingsHistory(ctx context.Context, partnership string, limit int) ([]conversation.SettingsChange, error) {
	st, ok := s.Store.(conversation.SettingsStore)
	if !ok {
		return nil, noSettings()
	}
	return st.SettingsHistory(ctx, partnership, limit)
}
