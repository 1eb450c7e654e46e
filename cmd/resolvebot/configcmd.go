package main

import (
	"context"
	"fmt"
	"io"

	"github.com/resolvebot/resolvebot/config"
)

const configUsage = `Usage:
  resolvebot config check [--print] [--config FILE] [--addr ADDR] [--data FILE]
      Print every problem in the configuration, each with its place, and exit
      1 when it is not usable. --print then shows the effective settings, one
      per line, with secrets masked.
  resolvebot config export [--config FILE] [--data FILE]
      Print the configuration file with its partnership, protocol, calendar,
      directory and scheduler nudge settings replaced by the stored ones (the
      ones changed on the web page), as YAML that config check accepts.
      Without a file, the stored settings alone. The bolt store's file must
      not be open in a running serve.
  resolvebot config reference
      Print every setting: its key in the file, type, default, environment
      variable and meaning (Markdown; docs/configuration.md is the same).
`

// configCommand is `resolvebot config check` and `resolvebot config reference`.
func configCommand(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "export" {
		return configExport(ctx, args[1:], stdout, stderr)
	}
	if len(args) == 0 || (args[0] != "check" && args[0] != "reference") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
			fmt.Fprint(stderr, configUsage)
			return 0
		}
		fmt.Fprintf(stderr, "Did you mean: resolvebot config check, resolvebot config export, or resolvebot config reference?\n\n%s", configUsage)
		return 2
	}
	sub := args[0]
	fs := newFlags("config "+sub, configUsage, stderr)
	var opts config.Options
	var print bool
	if sub == "check" {
		fs.StringVar(&opts.Path, "config", "", "configuration file")
		fs.StringVar(&opts.Addr, "addr", "", "listen address")
		fs.StringVar(&opts.Data, "data", "", "embedded store file")
		fs.BoolVar(&print, "print", false, "show the effective settings")
	}
	if code, ok := parseFlags(fs, args[1:]); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "resolvebot config %s takes no arguments.\n\n%s", sub, configUsage)
		return 2
	}
	if sub == "reference" {
		if err := config.WriteReference(stdout); err != nil {
			fmt.Fprintf(stderr, "resolvebot: %v\n", err)
			return 1
		}
		return 0
	}
	check := config.Check
	if print {
		check = config.CheckPrint
	}
	if !check(opts, stdout) {
		return 1
	}
	return 0
}
