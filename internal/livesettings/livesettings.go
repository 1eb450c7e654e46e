// Package livesettings keeps a partnership's settings (its directory and
// protocol) in the store and changes them while the bot runs: the file
// seeds them on first start, the stored ones win after, and each change is
// checked by config check's rules, recorded (who, when, before, after) and
// put to use by the engine and the directory at once.
package livesettings

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/botconfig"
	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/config"
	"github.com/resolvebot/resolvebot/conversation"
)

// seededBy is who a partnership's first stored settings are recorded as
// coming from.
const SeededBy = "config file"

// storedSource places problems found in the stored settings.
const storedSource = "stored settings"

// Effective returns cfg with the partnership's stored settings in
// place of the file's stored sections (config.StoredSections). On first
// start, when none are stored, the file's seed them (recorded as a change by
// "config file"), and cfg is returned as it is. Returns an error the
// operator can act on when the store fails or the stored settings no longer
// pass config check.
func Effective(ctx context.Context, cfg *config.Config, store conversation.Store, partnership string, now time.Time, log *slog.Logger) (*config.Config, conversation.SettingsChange, error) {
	st, ok := store.(conversation.SettingsStore)
	if !ok {
		return cfg, conversation.SettingsChange{}, nil
	}
	fromFile, err := config.ExportSettings(cfg)
	if err != nil {
		return nil, conversation.SettingsChange{}, err
	}
	for range 2 { // a second replica may seed them at the same moment
		cur, err := st.Settings(ctx, partnership)
		switch conversation.ErrorCode(err) {
		case "":
			eff, probs, err := cfg.WithSettings(storedSource, []byte(cur.After))
			if err != nil {
				return nil, cur, fmt.Errorf("the stored settings (version %d) are not usable:\n%s", cur.Version, probs)
			}
			if !bytes.Equal(fromFile, []byte(cur.After)) && log != nil {
				log.Info("settings: the stored settings are in use, not the file's", "version", cur.Version,
					"sections", config.StoredSections, "hint", "resolvebot config export writes the stored ones out")
			}
			return eff, cur, nil
		case conversation.ENOTFOUND:
			note := "seeded from the defaults"
			if cfg.File != "" {
				note = "seeded from the configuration file"
			}
			seed := conversation.SettingsChange{Partnership: partnership, Version: 1, At: now, By: SeededBy, Note: note, After: string(fromFile)}
			err := st.PutSettings(ctx, seed)
			if err == nil {
				return cfg, seed, nil
			}
			if conversation.ErrorCode(err) != conversation.ECONFLICT {
				return nil, seed, fmt.Errorf("store the first settings: %w", err)
			}
		default:
			return nil, cur, fmt.Errorf("read the stored settings: %w", err)
		}
	}
	return nil, conversation.SettingsChange{}, fmt.Errorf("the stored settings keep changing; try again")
}

// RulesOf returns the engine's rules under cfg.
func RulesOf(cfg *config.Config) conversation.Rules {
	cal := conversation.NewCalendar(cfg.Calendar.Location, cfg.Calendar.ClosureDays, cfg.Calendar.WorkdayStart, cfg.Calendar.WorkdayEnd)
	protocol := cfg.Protocol
	sc := cfg.Scheduler
	return conversation.Rules{Protocol: &protocol, Calendar: cal,
		Nudges: conversation.NudgePolicy{ReminderDaysBefore: orNever(sc.ReminderDaysBefore), MaxOverdueReminders: orNever(sc.MaxOverdueReminders),
			QuietStart: sc.QuietStart, QuietEnd: sc.QuietEnd}}
}

// Live changes the partnership's stored settings while the bot
// runs: each change is validated as config check would, stored with who,
// when, before and after, and then used by the engine and the directory at
// once. Cases already open keep the deadlines their stages were given.
type Live struct {
	mu          sync.Mutex // one change at a time in this process
	file        *config.Config
	cur         *config.Config // guarded by mu
	version     int64          // guarded by mu
	store       conversation.SettingsStore
	engine      *conversation.Engine
	people      *bot.People
	partnership string
	hosted      bool // one of several partnerships on the deployment (NewHosted)
	now         func() time.Time
	log         *slog.Logger
}

// Current returns the settings in use and their version.
func (l *Live) Current() (*config.Config, int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.cur, l.version
}

// History returns up to limit changes, newest first. Returns EINTERNAL on
// store failure.
func (l *Live) History(ctx context.Context, limit int) ([]conversation.SettingsChange, error) {
	return l.store.SettingsHistory(ctx, l.partnership, limit)
}

// Change applies edit to a copy of the settings at version, checks the
// result with config check's rules, stores it as version+1 by person by,
// and puts it to use. It returns the problems found (config check's
// messages) with EINVALID when any is an error, ECONFLICT when the settings
// are no longer at version, and EINTERNAL on store failure.
func (l *Live) Change(ctx context.Context, by, note string, version int64, edit func(*config.Config)) (config.Problems, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	before, after, next, probs, err := l.prepare(ctx, version, edit)
	if err != nil {
		return probs, err
	}
	ch := conversation.SettingsChange{Partnership: l.partnership, Version: version + 1, At: l.now(), By: by, Note: note,
		Before: string(before), After: string(after)}
	if err := l.store.PutSettings(ctx, ch); err != nil {
		return probs, err
	}
	was := l.cur.Directory
	l.use(ctx, next, ch.Version)
	l.rename(ctx, was, next.Directory)
	return probs, nil
}

// Check is Change without storing or using anything: the problems the
// change would meet, with the same errors.
func (l *Live) Check(ctx context.Context, version int64, edit func(*config.Config)) (config.Problems, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, _, _, probs, err := l.prepare(ctx, version, edit)
	return probs, err
}

// prepare applies edit to a copy of the settings at version and checks the
// result, returning the settings documents before and after and the
// configuration they make. l.mu must be held.
func (l *Live) prepare(ctx context.Context, version int64, edit func(*config.Config)) (before, after []byte, next *config.Config, probs config.Problems, err error) {
	if err := l.refresh(ctx); err != nil {
		return nil, nil, nil, nil, err
	}
	if version != l.version {
		return nil, nil, nil, nil, conversation.SettingsConflict(l.partnership, l.version)
	}
	if before, err = config.ExportSettings(l.cur); err != nil {
		return nil, nil, nil, nil, conversation.Internal("export settings", err)
	}
	draft := *l.cur
	draft.Protocol.Stages = append([]conversation.Stage(nil), l.cur.Protocol.Stages...)
	draft.Directory.Agencies = append([]config.Agency(nil), l.cur.Directory.Agencies...)
	draft.Directory.PartnershipRoles = append([]config.PartnershipRole(nil), l.cur.Directory.PartnershipRoles...)
	draft.Calendar.ClosureDays = append([]time.Time(nil), l.cur.Calendar.ClosureDays...)
	edit(&draft)
	if after, err = config.ExportSettings(&draft); err != nil {
		return nil, nil, nil, nil, conversation.Internal("export settings", err)
	}
	next, probs, err = l.file.WithSettings(storedSource, after)
	if key := l.agencyElsewhere(draft.Directory); err == nil && key != "" {
		probs = append(probs, config.Problem{Severity: config.SeverityError, Place: "directory.agencies",
			Message: fmt.Sprintf("the agency key %q belongs to another partnership on this deployment; use a key of this partnership's own", key)})
		err = fmt.Errorf("agency %s belongs to another partnership", key)
	}
	if err != nil {
		return nil, nil, nil, probs, conversation.Invalid("settings.error.refused", messages.Args{"problems": probs.Summary()})
	}
	return before, after, next, probs, nil
}

// refresh takes up a change another replica stored since this one last
// looked. Returns EINTERNAL on store failure.
func (l *Live) refresh(ctx context.Context) error {
	cur, err := l.store.Settings(ctx, l.partnership)
	if err != nil {
		return err
	}
	if cur.Version == l.version {
		return nil
	}
	next, probs, err := l.file.WithSettings(storedSource, []byte(cur.After))
	if err != nil {
		l.log.Error("settings: stored settings not usable; keeping the ones in use", "version", cur.Version, "problems", probs.Summary())
		return conversation.Internal("use stored settings", err)
	}
	l.use(ctx, next, cur.Version)
	return nil
}

// Refresh is refresh for the periodic check, one change at a time.
func (l *Live) Refresh(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.refresh(ctx)
}

// use puts cfg to use as version: the engine's rules and the directory.
func (l *Live) use(ctx context.Context, cfg *config.Config, version int64) {
	l.cur, l.version = cfg, version
	if l.hosted {
		l.useHosted(ctx, cfg)
		l.log.Info("settings: now in use", "version", version)
		return
	}
	l.engine.Use(RulesOf(cfg))
	agencies, partnership := botconfig.Directory(cfg.Directory)
	if err := l.people.SetDirectory(ctx, agencies, partnership); err != nil {
		l.log.Error("settings: the new directory's people could not all be stored; they are added when first named", "err", err)
	}
	l.log.Info("settings: now in use", "version", version)
}

// Watch takes up changes made by other replicas every interval until ctx
// ends.
func (l *Live) Watch(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := l.Refresh(ctx); err != nil {
				l.log.Warn("settings: could not check for changes", "err", err)
			}
		}
	}
}

// New returns the live settings of partnership, in use by engine and
// people: file is the loaded configuration (its sections that are not
// stored stay in force), cur the effective one and version its stored
// version (see Effective). now may be nil for the wall clock.
func New(file, cur *config.Config, version int64, store conversation.SettingsStore, engine *conversation.Engine, people *bot.People,
	partnership string, now func() time.Time, log *slog.Logger) *Live {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Live{file: file, cur: cur, version: version, store: store, engine: engine, people: people, partnership: partnership, now: now, log: log}
}

// Engine returns the engine the settings are used by.
func (l *Live) Engine() *conversation.Engine { return l.engine }

// orNever maps a configured 0 ("none") to the policy's negative "never",
// since the policy reads 0 as its default.
func orNever(n int) int {
	if n == 0 {
		return -1
	}
	return n
}
