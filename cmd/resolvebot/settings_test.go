package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/config"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/internal/livesettings"
)

const settingsFile = `partnership: generic
protocol:
  routes: {front_door: "0345 000 0000"}
directory:
  agencies:
    - key: csc
      name: Children's Social Care
      contacts:
        manager: [{name: Ann Manager, email: ann@csc.example.org}]
  partnership_roles:
    - {name: Ada Admin, email: ada@scp.example.org, role: partnership admin}
scheduler:
  digest: "0 7 * * 1-5"
`

// TestStoredSettings: the file seeds the stored settings on first start; a
// change made while the bot runs is validated by config check's rules,
// recorded with who, when, before and after, and used by the engine at once
// (a new case gets the new timescale, an open one keeps its deadline); after
// a restart the stored settings win over the file; config export writes them
// back out as a file config check accepts, with the file's other sections.
func TestStoredSettings(t *testing.T) {
	clearPlatformEnv(t)
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "resolvebot.yaml")
	if err := os.WriteFile(path, []byte(settingsFile), 0o600); err != nil {
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
	hist, err := a.settings.History(ctx, 0)
	if err != nil || len(hist) != 1 || hist[0].By != livesettings.SeededBy || hist[0].Version != 1 {
		t.Fatalf("after first start: history %+v, %v; want the seed alone", hist, err)
	}
	first := a.settings.Engine().Protocol().Stages[0]

	refused, err := a.settings.Change(ctx, "ada@scp.example.org", "bad", 1, func(c *config.Config) {
		c.Directory.Agencies = append(c.Directory.Agencies, config.Agency{Key: "csc", Name: "Again"})
	})
	if conversation.ErrorCode(err) != conversation.EINVALID || !strings.Contains(refused.String(), `the agency key "csc" is already used by agencies[0]`) {
		t.Fatalf("a second csc: %v\n%s", err, refused)
	}
	if _, v := a.settings.Current(); v != 1 {
		t.Fatalf("a refused change moved the version to %d", v)
	}
	if _, err := a.settings.Change(ctx, "ada@scp.example.org", "stage 1 timescale", 1, func(c *config.Config) {
		c.Protocol.Stages[0].Days = first.Days + 7
	}); err != nil {
		t.Fatalf("Change: %v", err)
	}
	if got := a.settings.Engine().Protocol().Stages[0].Days; got != first.Days+7 {
		t.Errorf("the engine's first stage has %d days, want %d", got, first.Days+7)
	}
	if _, err := a.settings.Change(ctx, "ada@scp.example.org", "late", 1, func(*config.Config) {}); conversation.ErrorCode(err) != conversation.ECONFLICT {
		t.Errorf("a change over version 1 after version 2: %v, want ECONFLICT", err)
	}
	hist, _ = a.settings.History(ctx, 0)
	if len(hist) != 2 || hist[0].By != "ada@scp.example.org" || hist[0].Before != hist[1].After || !strings.Contains(hist[0].After, "days: "+itoa(first.Days+7)) {
		t.Errorf("history after a change: %+v", hist)
	}
	if hist[0].At.IsZero() || time.Since(hist[0].At) > time.Minute {
		t.Errorf("change recorded at %v", hist[0].At)
	}
	a.close()

	// Restart: the stored settings win over the file.
	cfg, _, err = config.Load(opts)
	if err != nil {
		t.Fatal(err)
	}
	a, err = build(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if got := a.settings.Engine().Protocol().Stages[0].Days; got != first.Days+7 {
		t.Errorf("after a restart the first stage has %d days, want the stored %d", got, first.Days+7)
	}
	a.close()

	code, out, errs := run(t, ctx, "", "config", "export", "--config", path, "--data", opts.Data)
	if code != 0 {
		t.Fatalf("config export: exit %d\n%s", code, errs)
	}
	if !strings.Contains(out, "days: "+itoa(first.Days+7)) || !strings.Contains(out, `digest: "0 7 * * 1-5"`) {
		t.Errorf("the export lacks the stored timescale or the file's digest:\n%s", out)
	}
	exported := filepath.Join(dir, "exported.yaml")
	if err := os.WriteFile(exported, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := run(t, ctx, "", "config", "check", "--config", exported); code != 0 || strings.Contains(out, "error: ") {
		t.Errorf("config check of the export: exit %d\n%s", code, out)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
