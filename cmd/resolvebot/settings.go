package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/resolvebot/resolvebot/config"
	"github.com/resolvebot/resolvebot/conversation"
)

// settingsWatchInterval is how often serve looks for settings changed by
// another replica.
const settingsWatchInterval = 30 * time.Second

// configExport is `resolvebot config export`: the file with its stored
// sections replaced by the stored settings, or the file's own when none are
// stored yet. It changes nothing in the store.
func configExport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("config export", configUsage, stderr)
	var opts config.Options
	fs.StringVar(&opts.Path, "config", "", "configuration file")
	fs.StringVar(&opts.Data, "data", "", "embedded store file")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	cfg, _, ok := loadConfig(opts, stderr)
	if !ok {
		return 1
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "resolvebot: %v\n", err)
		return 1
	}
	defer store.Close()
	if len(cfg.Hosted()) > 0 {
		return exportHosted(ctx, cfg, store, stdout, stderr)
	}
	doc, err := config.ExportSettings(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "resolvebot: %v\n", err)
		return 1
	}
	if st, ok := store.(conversation.SettingsStore); ok {
		cur, err := st.Settings(ctx, conversation.DefaultPartnershipID)
		switch conversation.ErrorCode(err) {
		case "":
			doc = []byte(cur.After)
		case conversation.ENOTFOUND:
			fmt.Fprintln(stderr, "resolvebot: no settings are stored yet, so these are the file's")
		default:
			fmt.Fprintf(stderr, "resolvebot: read the stored settings: %v\n", err)
			return 1
		}
	}
	return writeMerged(cfg, doc, stdout, stderr)
}

// writeMerged writes cfg's file with doc's sections in place of its own
// (config.MergeSettings), or doc alone without a file.
func writeMerged(cfg *config.Config, doc []byte, stdout, stderr io.Writer) int {
	if cfg.File != "" {
		file, err := os.ReadFile(cfg.File)
		if err != nil {
			fmt.Fprintf(stderr, "resolvebot: %v\n", err)
			return 1
		}
		if doc, err = config.MergeSettings(file, doc); err != nil {
			fmt.Fprintf(stderr, "resolvebot: %v\n", err)
			return 1
		}
	}
	if _, err := stdout.Write(doc); err != nil {
		return 1
	}
	return 0
}

// exportHosted is configExport on a deployment hosting several
// partnerships: the file with its partnerships list written from each
// partnership's stored settings (the file's own section for one with none
// stored yet). It changes nothing in the store.
func exportHosted(ctx context.Context, cfg *config.Config, store conversation.Store, stdout, stderr io.Writer) int {
	out := cfg
	if st, ok := store.(conversation.SettingsStore); ok {
		for _, p := range cfg.Hosted() {
			cur, err := st.Settings(ctx, p.ID)
			switch conversation.ErrorCode(err) {
			case "":
			case conversation.ENOTFOUND:
				fmt.Fprintf(stderr, "resolvebot: no settings are stored yet for %s, so these are the file's\n", p.ID)
				continue
			default:
				fmt.Fprintf(stderr, "resolvebot: read the stored settings of %s: %v\n", p.ID, err)
				return 1
			}
			view, _ := cfg.PartnershipSettings(p.ID)
			one, probs, err := view.WithSettings("stored settings of "+p.ID, []byte(cur.After))
			if err != nil {
				fmt.Fprintf(stderr, "resolvebot: the stored settings of %s (version %d) are not usable:\n%s", p.ID, cur.Version, probs)
				return 1
			}
			out = out.WithPartnershipSettings(p.ID, one)
		}
	}
	doc, err := config.ExportPartnerships(out)
	if err != nil {
		fmt.Fprintf(stderr, "resolvebot: %v\n", err)
		return 1
	}
	return writeMerged(cfg, doc, stdout, stderr)
}
