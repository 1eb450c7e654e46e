package config

import (
	"fmt"
	"io"
	"strings"
)

// Check loads the configuration as Load does and writes every problem, errors
// and warnings, one per line with its place, followed by a one-line summary.
// It reports whether the configuration is usable; `resolvebot config check`
// exits non-zero when it is not. Write errors to w are ignored.
func Check(opts Options, w io.Writer) (ok bool) {
	cfg, probs, err := Load(opts)
	_ = probs.Print(w)
	if err != nil {
		fmt.Fprintf(w, "config is not usable: %s\n", probs.Summary())
		return false
	}
	source := cfg.File
	if source == "" {
		source = "no file: defaults and environment only"
	}
	hosted := "partnership " + cfg.Partnership
	if len(cfg.Partnerships) > 0 {
		ids := make([]string, len(cfg.Partnerships))
		for i, p := range cfg.Partnerships {
			ids[i] = p.ID
		}
		hosted = "partnerships " + strings.Join(ids, ", ")
	}
	fmt.Fprintf(w, "config ok (%s, %s): %s\n", source, hosted, probs.Summary())
	return true
}

// CheckPrint is Check followed, when the configuration is usable, by the
// effective configuration, one setting per line with secrets masked (see
// Config.String).
func CheckPrint(opts Options, w io.Writer) (ok bool) {
	if !Check(opts, w) {
		return false
	}
	cfg, _, err := Load(opts)
	if err != nil { // Check loaded it a moment ago
		fmt.Fprintf(w, "config is not usable: %v\n", err)
		return false
	}
	fmt.Fprintf(w, "\n%s", cfg)
	return true
}
