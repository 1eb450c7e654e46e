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
