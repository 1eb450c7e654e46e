package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/resolvebot/resolvebot/config"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/sealed"
)

// This file holds the data protection commands: rekey and purge, the
// sealing of the store, and the scheduled purge while serving.

// toolNow is the clock of the admin commands; tests move it.
var toolNow = time.Now

// sealStore wraps s so case text and child references are sealed with the
// configured keys; with none, it stores plain text but refuses to show
// sealed values it cannot open. It closes s on error.
func sealStore(cfg *config.Config, s conversation.Store) (conversation.Store, error) {
	keys, err := cfg.Keyring()
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("read %s: %w", config.EnvEncryptionKeys, err)
	}
	return sealed.Wrap(s, keys), nil
}

// warnPlaintext logs, once at startup, that case text is not encrypted.
func warnPlaintext(cfg *config.Config, log *slog.Logger) {
	if w := cfg.PlaintextWarning(); w != "" {
		log.Warn("encryption at rest is off", "store", cfg.Store.Driver, "hint", w)
	}
}

// loadForTool parses the shared flags of an admin command and loads the
// configuration, printing problems to stderr. ok is false when the command
// must stop with code.
func loadForTool(name string, args []string, stderr io.Writer, extra func(fs *flag.FlagSet)) (cfg *config.Config, code int, ok bool) {
	fs := newFlags(name, "", stderr)
	var opts config.Options
	fs.StringVar(&opts.Path, "config", "", "configuration file")
	fs.StringVar(&opts.Data, "data", "", "embedded store file")
	if extra != nil {
		extra(fs)
	}
	if code, ok := parseFlags(fs, args); !ok {
		return nil, code, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "resolvebot %s takes no arguments, got %q\n", name, fs.Arg(0))
		return nil, 2, false
	}
	cfg, _, loaded := loadConfig(opts, stderr)
	if !loaded {
		return nil, 1, false
	}
	return cfg, 0, true
}

// runRekey re-encrypts every case and draft with the primary key.
func runRekey(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	cfg, code, ok := loadForTool("rekey", args, stderr, nil)
	if !ok {
		return code
	}
	if cfg.Store.EncryptionKeys == "" {
		fmt.Fprintf(stderr, "resolvebot rekey: set %s first; the first key is the one records are re-encrypted with\n", config.EnvEncryptionKeys)
		return 1
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "resolvebot: %v\n", err)
		return 1
	}
	defer store.Close()
	s := store.(*sealed.Store)
	rep, err := s.Rekey(ctx, toolNow())
	fmt.Fprintf(stdout, "Re-encrypted %d of %d cases, %d of %d drafts, %d of %d observed differences and %d of %d Slack installs with key %s; deleted %d expired drafts.\n",
		rep.CasesRekeyed, rep.Cases, rep.DraftsRekeyed, rep.Drafts, rep.ObservationsRekeyed, rep.Observations,
		rep.SlackInstallsRekeyed, rep.SlackInstalls, s.Keys.Primary(), rep.DraftsExpired)
	if err != nil {
		fmt.Fprintf(stderr, "resolvebot rekey stopped: %v\nRun it again to carry on.\n", err)
		return 1
	}
	fmt.Fprintln(stdout, "Every record now opens with the primary key alone; older keys can be removed.")
	return clearOldBytes(ctx, s.Unwrap(), stdout, stderr)
}

// runPurge deletes, or with --dry-run lists, the cases past retention.
func runPurge(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	var dryRun bool
	cfg, code, ok := loadForTool("purge", args, stderr, func(fs *flag.FlagSet) {
		fs.BoolVar(&dryRun, "dry-run", false, "list what would be deleted, and delete nothing")
	})
	if !ok {
		return code
	}
	if cfg.Retention.ClosedAfter <= 0 {
		fmt.Fprintln(stderr, "resolvebot purge: no retention period is set; set retention.closed_after (for example 2y) in the configuration file")
		return 1
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "resolvebot: %v\n", err)
		return 1
	}
	defer store.Close()
	engine := &conversation.Engine{Store: store, Now: toolNow}
	rep, err := engine.Purge(ctx, cfg.Retention.ClosedAfter, dryRun)
	if rep != nil {
		printPurge(stdout, rep, cfg)
	}
	if err != nil {
		fmt.Fprintf(stderr, "resolvebot purge stopped: %v\n", err)
		return 1
	}
	return 0
}

// printPurge writes what a purge removed, or would remove: case ids,
// statuses and end dates only, never case text.
func printPurge(w io.Writer, rep *conversation.PurgeReport, cfg *config.Config) {
	loc := cfg.Calendar.Location
	if loc == nil {
		loc = time.UTC
	}
	verb := "Deleted"
	if rep.DryRun {
		verb = "Would delete"
	}
	fmt.Fprintf(w, "%s %s that ended on or before %s (retention %s):\n", verb, count(len(rep.Cases), "case"),
		rep.Cutoff.In(loc).Format(time.DateOnly), retentionText(cfg.Retention.ClosedAfter))
	for _, it := range rep.Cases {
		fmt.Fprintf(w, "  %s  %-9s  ended %s\n", it.CaseID, it.Status, it.EndedAt.In(loc).Format(time.DateOnly))
	}
	fmt.Fprintf(w, "%s %s logged before %s.\n", verb, count(rep.Observations, "observed difference"), rep.Cutoff.In(loc).Format(time.DateOnly))
	fmt.Fprintf(w, "%s %s made before %s.\n", verb, count(rep.Downloads, "dashboard download record"), rep.Cutoff.In(loc).Format(time.DateOnly))
	if !rep.DryRun {
		fmt.Fprintf(w, "Deleted %s.\n", count(rep.Drafts, "expired draft"))
	}
}

func retentionText(d time.Duration) string {
	if d%config.Day == 0 {
		return count(int(d/config.Day), "day")
	}
	return d.String()
}

// count writes n with a noun, plural unless n is 1: "1 case", "3 cases".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// startPurge runs the retention purge on its schedule while serving, when a
// retention period is set. One replica purges at a time (a claim in the
// store); a case already deleted by another is no error.
func startPurge(ctx context.Context, a *app, cfg *config.Config, _ *http.ServeMux) (func(), error) {
	if cfg.Retention.ClosedAfter <= 0 {
		return nil, nil
	}
	loc := cfg.Calendar.Location
	if loc == nil {
		loc = time.UTC
	}
	c := cron.New(cron.WithLocation(loc))
	engine := a.router.Engine
	owner := fmt.Sprintf("purge-%d", time.Now().UnixNano())
	_, err := c.AddFunc(cfg.Retention.Purge, func() {
		now := engine.Now()
		key := "purge:" + now.Format(time.DateOnly)
		held, err := a.store.Claim(ctx, key, owner, time.Hour, now)
		if err != nil || !held {
			return
		}
		rep, err := engine.Purge(ctx, cfg.Retention.ClosedAfter, false)
		if err != nil {
			a.log.Error("retention purge failed", "err", err)
			return
		}
		a.log.Info("retention purge", "cases", len(rep.Cases), "observations", rep.Observations, "downloads", rep.Downloads, "drafts", rep.Drafts)
	})
	if err != nil {
		return nil, fmt.Errorf("retention.purge: %w", err)
	}
	c.Start()
	return func() { <-c.Stop().Done() }, nil
}
