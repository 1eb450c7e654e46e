package livesettings

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/resolvebot/resolvebot/adapters/web"
	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/botconfig"
	"github.com/resolvebot/resolvebot/config"
	"github.com/resolvebot/resolvebot/conversation"
)

// EffectiveHosted is Effective for a deployment hosting several
// partnerships: cfg with each hosted partnership's stored settings in place
// of its section of the file, seeded from that section on first start and
// stored under the partnership's id, and the stored version of each by id.
// Returns Effective's errors, naming the partnership.
func EffectiveHosted(ctx context.Context, cfg *config.Config, store conversation.Store, now time.Time, log *slog.Logger) (*config.Config, map[string]int64, error) {
	versions := map[string]int64{}
	out := cfg
	for _, p := range cfg.Hosted() {
		view, _ := cfg.PartnershipSettings(p.ID)
		plog := log
		if plog != nil {
			plog = log.With("partnership", p.ID)
		}
		eff, ch, err := Effective(ctx, view, store, p.ID, now, plog)
		if err != nil {
			return nil, nil, fmt.Errorf("partnership %s: %w", p.ID, err)
		}
		out = out.WithPartnershipSettings(p.ID, eff)
		versions[p.ID] = ch.Version
	}
	return out, versions, nil
}

// NewHosted returns the live settings of each partnership cur hosts, in
// the order hosted: each changes only its own partnership's rules in
// engine (Engine.UseFor) and its own agencies and roles in people
// (People.SetDirectoryOf). file is the loaded configuration, cur and
// versions as EffectiveHosted returns them; now may be nil for the wall
// clock.
func NewHosted(file, cur *config.Config, versions map[string]int64, store conversation.SettingsStore, engine *conversation.Engine,
	people *bot.People, now func() time.Time, log *slog.Logger) []*Live {
	var out []*Live
	for _, p := range cur.Hosted() {
		fv, ok := file.PartnershipSettings(p.ID)
		if !ok {
			continue
		}
		cv, _ := cur.PartnershipSettings(p.ID)
		plog := log
		if plog != nil {
			plog = log.With("partnership", p.ID)
		}
		l := New(fv, cv, versions[p.ID], store, engine, people, p.ID, now, plog)
		l.hosted = true
		out = append(out, l)
	}
	return out
}

// Partnership returns the id of the partnership whose settings these are.
func (l *Live) Partnership() string { return l.partnership }

// useHosted puts cfg, the settings of one hosted partnership, to use for
// that partnership only.
func (l *Live) useHosted(ctx context.Context, cfg *config.Config) {
	l.engine.UseFor(l.partnership, RulesOf(cfg))
	agencies, roles := botconfig.Directory(cfg.Directory)
	if err := l.people.SetDirectoryOf(ctx, l.partnership, agencies, roles); err != nil {
		l.log.Error("settings: the new directory's people could not all be stored; they are added when first named", "err", err)
	}
}

// agencyElsewhere returns the first agency of d that belongs to another
// hosted partnership than l's, or "".
func (l *Live) agencyElsewhere(d config.Directory) string {
	if !l.hosted {
		return ""
	}
	for _, a := range d.Agencies {
		if p := l.people.AgencyPartnership(a.Key); p != "" && p != l.partnership {
			return a.Key
		}
	}
	return ""
}

// WatchAll runs Watch for each of lives until ctx ends.
func WatchAll(ctx context.Context, lives []*Live, interval time.Duration) {
	for _, l := range lives {
		go l.Watch(ctx, interval)
	}
}

// WebHosted returns the settings pages' Options.SettingsFor over lives,
// the live settings of each hosted partnership (NewHosted): the settings
// of each partnership in which the person holds the partnership admin
// role in people's directory.
func WebHosted(lives []*Live, people *bot.People) func(context.Context, string) ([]web.PartnershipSettings, error) {
	return func(_ context.Context, person string) ([]web.PartnershipSettings, error) {
		var out []web.PartnershipSettings
		for _, id := range people.PartnershipsWithRole(person, conversation.RolePartnershipAdmin) {
			for _, l := range lives {
				if l.partnership == id {
					out = append(out, web.PartnershipSettings{ID: id, Editor: Web(l)})
				}
			}
		}
		return out, nil
	}
}
