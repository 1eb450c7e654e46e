package conversation

import (
	"context"
	"time"

	"github.com/resolvebot/resolvebot/bot/messages"
)

// RolePartnershipAdmin is the partnership role that may change the
// partnership's stored settings (its directory and protocol) on the web
// page. It is given like any partnership role, in the directory's
// partnership_roles.
const RolePartnershipAdmin = "partnership admin"

// DefaultPartnershipID is the id the stored settings of a deployment's one
// partnership are kept under. Settings are keyed by partnership from the
// start, so one deployment can later hold several.
const DefaultPartnershipID = "default"

// RecordSettings is the record kind of a stored SettingsChange, for
// DecodeRecord.
const RecordSettings = "settings"

// SettingsChange is one change to a partnership's stored settings: the
// whole settings document before and after it (YAML, in the configuration
// file's format), who made it and when. The first change of a partnership
// is its seed, with no Before.
type SettingsChange struct {
	Partnership string    `json:"partnership"`
	Version     int64     `json:"version"` // 1 for the seed, then one more per change
	At          time.Time `json:"at"`
	By          string    `json:"by"`   // person id, or "config file" for the seed
	Note        string    `json:"note"` // what was changed, in a few words
	Before      string    `json:"before,omitempty"`
	After       string    `json:"after"`
}

// SettingsStore is an optional capability of a Store: it keeps each
// partnership's settings and every change to them. Every implementation
// must pass storetest.Settings.
type SettingsStore interface {
	// Settings returns the partnership's latest change, whose After is its
	// settings now. Returns ENOTFOUND when it has none stored, EINTERNAL on
	// failure.
	Settings(ctx context.Context, partnership string) (SettingsChange, error)
	// PutSettings stores c as the partnership's settings and adds it to
	// their history, in one atomic write, when c.Version is one more than
	// the stored version (1 when none is stored). Returns ECONFLICT when it
	// is not (someone else changed them first), EINVALID for a version
	// below 1 or no partnership, EINTERNAL on failure.
	PutSettings(ctx context.Context, c SettingsChange) error
	// SettingsHistory returns up to limit of the partnership's changes
	// (all when limit <= 0), newest first; none is an empty result.
	// Returns EINTERNAL on failure.
	SettingsHistory(ctx context.Context, partnership string, limit int) ([]SettingsChange, error)
}

// CheckSettingsChange returns EINVALID when c cannot be stored: no
// partnership, or a version below 1. Stores call it first.
func CheckSettingsChange(c SettingsChange) error {
	if c.Partnership == "" || c.Version < 1 {
		return Invalid("settings.error.bad_version", messages.Args{"partnership": c.Partnership, "version": c.Version})
	}
	return nil
}

// SettingsConflict is the ECONFLICT error of a settings change made over
// version current, which someone else has changed since.
func SettingsConflict(partnership string, current int64) error {
	return Conflict("settings.error.changed_meanwhile", messages.Args{"partnership": partnership, "version": current})
}
