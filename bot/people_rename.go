package bot

import (
	"context"

	"github.com/resolvebot/resolvebot/conversation"
)

// Rename gives the person with email the name the directory now lists
// them under, when they are stored under another: a partnership admin
// renamed them in the settings. Someone not stored yet is left for Seed
// to add, and an empty name changes nothing. Returns EINTERNAL on store
// failure.
func (p *People) Rename(ctx context.Context, email, name string) error {
	name = cleanName(name)
	p.mu.Lock()
	defer p.mu.Unlock()
	per, err := p.store.GetPerson(ctx, PersonID(email))
	switch {
	case conversation.ErrorCode(err) == conversation.ENOTFOUND:
		return nil
	case err != nil:
		return conversation.Internal("load person", err)
	case name == "" || per.Name == name:
		return nil
	}
	per.Name, per.UpdatedAt = name, p.now()
	if err := p.put(ctx, per); err != nil {
		return conversation.Internal("save person", err)
	}
	return nil
}
