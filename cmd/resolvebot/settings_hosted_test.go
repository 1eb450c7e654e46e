package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/config"
	"github.com/resolvebot/resolvebot/internal/livesettings"
)

const hostedSettingsFile = `calendar: {closure_days: [2026-12-29]}
partnerships:
  - id: wiltshire
    partnership: wiltshire
    protocol: {routes: {front_door: "0300 456 0108"}}
    calendar: {closure_days: [2026-11-24]}
    directory:
      agencies:
        - key: wilts-csc
          name: Wiltshire Children's Social Care
          contacts:
            manager: [{name: Ann Manager, email: ann@wilts-csc.example.org}]
      partnership_roles:
        - {name: Wil Admin, email: wil.admin@wiltshire.example.org, role: partnership admin}
  - id: devon
    partnership: devon
    protocol: {routes: {front_door: "0345 155 1071"}}
    directory:
      agencies:
        - {key: devon-csc, name: Devon Children's Social Care}
      partnership_roles:
        - {name: Dev Admin, email: dev.admin@devon.example.org, role: partnership admin}
scheduler:
  digest: "0 7 * * 1-5"
`

// hostedLive returns the live settings of partnership id in a.
func hostedLive(t *testing.T, a *app, id string) *livesettings.Live {
	t.Helper()
	for _, l := range a.hosted {
		if l.Partnership() == id {
			return l
		}
	}
	t.Fatalf("no live settings for %s among %d", id, len(a.hosted))
	return nil
}

// TestHostedStoredSettings: on a deployment hosting two partnerships each
// one's settings are stored under its id; a change to Devon's first stage
// is Devon's alone, survives a restart, and config export writes both
// partnerships' stored settings back as a partnerships list config check
// accepts, with the deployment's own sections kept.
func TestHostedStoredSettings(t *testing.T) {
	clearPlatformEnv(t)
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "resolvebot.yaml")
	if err := os.WriteFile(path, []byte(hostedSettingsFile), 0o600); err != nil {
		t.Fatal(err)
	}
	opts := config.Options{Path: path, Data: filepath.Join(dir, "data.db")}
	cfg, _, err := config.Load(opts)
	if err != nil {
		t.Fatal(err)
	}
	a, err := build(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if a.settings != nil || len(a.hosted) != 2 {
		t.Fatalf("live settings: single %v, hosted %d; want one per partnership", a.settings != nil, len(a.hosted))
	}
	devon := hostedLive(t, a, "devon")
	wilDays := devon.Engine().RulesFor("wiltshire").Protocol.Stages[0].Days
	devDays := devon.Engine().RulesFor("devon").Protocol.Stages[0].Days
	if _, err := devon.Change(ctx, "dev.admin@devon.example.org", "longer", 1, func(c *config.Config) {
		c.Protocol.Stages[0].Days = devDays + 5
	}); err != nil {
		t.Fatal(err)
	}
	a.close()

	cfg, _, err = config.Load(opts)
	if err != nil {
		t.Fatal(err)
	}
	a, err = build(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	eng := hostedLive(t, a, "devon").Engine()
	if got := eng.RulesFor("devon").Protocol.Stages[0].Days; got != devDays+5 {
		t.Errorf("after a restart Devon's first stage has %d days, want the stored %d", got, devDays+5)
	}
	if got := eng.RulesFor("wiltshire").Protocol.Stages[0].Days; got != wilDays {
		t.Errorf("after a restart Wiltshire's first stage has %d days, want its own %d", got, wilDays)
	}
	a.close()

	code, out, errs := run(t, ctx, "", "config", "export", "--config", path, "--data", opts.Data)
	if code != 0 {
		t.Fatalf("config export: exit %d\n%s", code, errs)
	}
	exported := filepath.Join(dir, "exported.yaml")
	if err := os.WriteFile(exported, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, check, _ := run(t, ctx, "", "config", "check", "--config", exported); code != 0 || strings.Contains(check, "error: ") {
		t.Fatalf("config check of the export: exit %d\n%s\n%s", code, check, out)
	}
	back, _, err := config.Load(config.Options{Path: exported})
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]int{"devon": devDays + 5, "wiltshire": wilDays} {
		p, ok := back.PartnershipOf(id)
		if !ok || p.Protocol.Stages[0].Days != want {
			t.Errorf("the export's %s first stage: %+v; want %d days", id, p.Protocol.Stages, want)
		}
	}
	if wil, _ := back.PartnershipOf("wiltshire"); len(wil.Calendar.ClosureDays) != 2 || len(back.Calendar.ClosureDays) != 1 {
		t.Errorf("closure days after export: deployment %v, Wiltshire %v; want 2026-12-29 and Wiltshire's own 2026-11-24 besides", back.Calendar.ClosureDays, wil.Calendar.ClosureDays)
	}
	if !strings.Contains(out, `digest: "0 7 * * 1-5"`) || !strings.Contains(out, "ann@wilts-csc.example.org") {
		t.Errorf("the export lacks the file's digest or Wiltshire's directory:\n%s", out)
	}
}
