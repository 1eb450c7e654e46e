package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/resolvebot/resolvebot/conversation/sealed"
)

// EnvEncryptionKeys holds the keys that encrypt case text at rest, as
// comma-separated "id:base64key" pairs of 32-byte keys; the first is the
// primary key for new writes and the others are kept to read older
// records. Secret: it comes from the environment only and is never printed.
const EnvEncryptionKeys = "RESOLVEBOT_ENCRYPTION_KEYS"

// Retention says how long ended cases are kept.
type Retention struct {
	// ClosedAfter is how long a case is kept after it ended (resolved,
	// withdrawn or closed) before purge deletes it; 0 keeps cases forever.
	ClosedAfter time.Duration
	// Purge is the cron spec of the automatic purge while serving, in the
	// calendar's zone (default "30 2 * * *"); it runs only when
	// ClosedAfter is set.
	Purge string
}

// Day is 24 hours, the unit of retention periods written in days.
const Day = 24 * time.Hour

func defaultRetention() Retention { return Retention{Purge: "30 2 * * *"} }

// Keyring returns the encryption keyring from EnvEncryptionKeys, or nil
// when no key is configured. Load has already checked the keys, so an
// error here means the Config was built by hand.
func (c *Config) Keyring() (*sealed.Keyring, error) {
	if c.Store.EncryptionKeys == "" {
		return nil, nil
	}
	return sealed.ParseKeyring(c.Store.EncryptionKeys)
}

// parseRetention reads a period: a Go duration ("17520h"), or a whole
// number of days, weeks or years ("730d", "104w", "2y"; a year is 365
// days).
func parseRetention(s string) (time.Duration, bool) {
	s = strings.TrimSpace(s)
	if d, err := time.ParseDuration(s); err == nil {
		return d, d >= 0
	}
	if len(s) < 2 {
		return 0, false
	}
	n, err := strconv.Atoi(s[:len(s)-1])
	if err != nil || n < 0 || n > 100*366 {
		return 0, false
	}
	switch s[len(s)-1] {
	case 'd':
		return time.Duration(n) * Day, true
	case 'w':
		return time.Duration(n) * 7 * Day, true
	case 'y':
		return time.Duration(n) * 365 * Day, true
	}
	return 0, false
}

// validateProtection checks encryption and retention.
func validateProtection(cfg *Config, col *collector) {
	if cfg.Store.EncryptionKeys != "" {
		if _, err := sealed.ParseKeyring(cfg.Store.EncryptionKeys); err != nil {
			// The message names positions and ids only, never key material.
			col.errorAt("store.encryption_keys", "%s is not usable: %v", EnvEncryptionKeys, err)
		}
	} else {
		// The bolt store runs unencrypted with a warning at startup (see
		// PlaintextWarning); Redis, shared and remote, needs a choice.
		if cfg.Store.Driver == DriverRedis && !cfg.Store.AllowPlaintext {
			col.errorAt("store.encryption_keys", "the redis store needs %s set in the environment, so case text is encrypted at rest; to run without encryption anyway, set store.allow_plaintext: true", EnvEncryptionKeys)
		}
	}
	if cfg.Retention.ClosedAfter > 0 && cfg.Retention.ClosedAfter < Day {
		col.errorAt("retention.closed_after", "a retention period under a day would delete records as soon as cases end; use days or years, such as 2y")
	}
	if cfg.Retention.ClosedAfter > 0 {
		if _, err := cron.ParseStandard(cfg.Retention.Purge); err != nil {
			col.errorAt("retention.purge", "not a cron schedule: %v (for example \"30 2 * * *\")", err)
		}
	}
}

// PlaintextWarning returns the warning to log at startup when case text
// will be stored unencrypted, or "" when it will be encrypted or the file
// explicitly allows plain text.
func (c *Config) PlaintextWarning() string {
	if c.Store.EncryptionKeys != "" || c.Store.AllowPlaintext {
		return ""
	}
	return EnvEncryptionKeys + " is not set, so case text and child references are stored unencrypted; set it to id:base64key (32 random bytes, e.g. from openssl rand -base64 32) to encrypt them at rest"
}

// keyringSummary describes the configured keys without their secrets.
func keyringSummary(keys string) string {
	if keys == "" {
		return "(not set)"
	}
	k, err := sealed.ParseKeyring(keys)
	if err != nil {
		return "(set, unusable)"
	}
	return fmt.Sprintf("(set: %d keys, primary %s)", len(k.IDs()), k.Primary())
}
