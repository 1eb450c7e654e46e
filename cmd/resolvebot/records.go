package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/config"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/caserecord"
	"github.com/resolvebot/resolvebot/conversation/report"
)

// openApp loads the configuration and opens the store for a one-off command.
func openApp(ctx context.Context, opts config.Options, stderr io.Writer) (*app, *config.Config, bool) {
	cfg, _, ok := loadConfig(opts, stderr)
	if !ok {
		return nil, nil, false
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := build(ctx, cfg, log)
	if err != nil {
		fmt.Fprintf(stderr, "resolvebot: %v\n", err)
		return nil, nil, false
	}
	return a, cfg, true
}

// writeOut writes data to the file out, or to stdout for "-".
func writeOut(out string, data []byte, stdout, stderr io.Writer) int {
	if out == "-" {
		if _, err := stdout.Write(data); err != nil {
			fmt.Fprintf(stderr, "resolvebot: %v\n", err)
			return 1
		}
		return 0
	}
	if err := os.WriteFile(out, data, 0o600); err != nil {
		fmt.Fprintf(stderr, "resolvebot: %v\n", err)
		return 1
	}
	fmt.Fprintf(stderr, "Wrote %s (%d bytes).\n", out, len(data))
	return 0
}

// reportCommand is "resolvebot report": the partnership report for a
// period, last calendar month by default.
func reportCommand(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("report", "", stderr)
	var opts config.Options
	var from, to, year, format, out, partnership string
	fs.StringVar(&opts.Path, "config", "", "configuration file")
	fs.StringVar(&opts.Data, "data", "", "embedded store file")
	fs.StringVar(&partnership, "partnership", "", "on a deployment hosting several partnerships, the id of the one to report on: its cases and the cross-border cases that reach it (default: every case)")
	fs.StringVar(&from, "from", "", "first day, YYYY-MM-DD (default: the first of last month)")
	fs.StringVar(&to, "to", "", "last day, YYYY-MM-DD (default: the end of last month)")
	fs.StringVar(&year, "year", "", "a calendar year, YYYY: the annual report (instead of --from and --to)")
	fs.StringVar(&format, "format", "md", "md, csv, json, png or pdf")
	fs.StringVar(&out, "out", "-", "file to write, or - for standard output")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if !slices.Contains(report.Formats, format) {
		fmt.Fprintf(stderr, "resolvebot: choose --format from %s\n", strings.Join(report.Formats, ", "))
		return 2
	}
	if year != "" && (from != "" || to != "") {
		fmt.Fprintln(stderr, "resolvebot: give --year, or --from and --to, not both")
		return 2
	}
	if _, err := time.Parse("2006", year); year != "" && (err != nil || len(year) != 4) {
		fmt.Fprintln(stderr, "resolvebot: write --year as YYYY, for example --year 2026")
		return 2
	}
	if format == "png" && out == "-" {
		fmt.Fprintln(stderr, "resolvebot: a PNG chart needs --out FILE")
		return 2
	}
	a, _, ok := openApp(ctx, opts, stderr)
	if !ok {
		return 1
	}
	defer a.close()
	if hosted := a.router.Engine.Partnerships(); partnership != "" && !slices.Contains(hosted, partnership) {
		if len(hosted) == 0 {
			fmt.Fprintln(stderr, "resolvebot: this deployment hosts one partnership: leave out --partnership")
		} else {
			fmt.Fprintf(stderr, "resolvebot: no partnership %q here; choose --partnership from %s\n", partnership, strings.Join(hosted, ", "))
		}
		return 2
	}
	loc := a.router.Engine.Calendar().Location()
	period := report.Month(time.Now().In(loc)).Previous()
	if year != "" {
		y, _ := time.ParseInLocation("2006", year, loc) // checked above
		period = report.Year(y)
	}
	for _, d := range []struct {
		s   string
		dst *time.Time
		end bool
	}{{from, &period.From, false}, {to, &period.To, true}} {
		if d.s == "" {
			continue
		}
		t, err := time.ParseInLocation(time.DateOnly, d.s, loc)
		if err != nil {
			fmt.Fprintf(stderr, "resolvebot: write dates as YYYY-MM-DD: %v\n", err)
			return 2
		}
		if d.end {
			t = t.AddDate(0, 0, 1) // the period includes its last day
		}
		*d.dst = t
	}
	if !period.From.Before(period.To) {
		fmt.Fprintln(stderr, "resolvebot: --from must come before --to")
		return 2
	}
	rep, err := bot.BuildPartnershipReport(ctx, a.store, a.router.Engine, a.people, partnership, period)
	if err != nil {
		fmt.Fprintf(stderr, "resolvebot: %s\n", operatorError(err))
		return 1
	}
	data, err := rep.Render(format)
	if err != nil {
		fmt.Fprintf(stderr, "resolvebot: %v\n", err)
		return 1
	}
	return writeOut(out, data, stdout, stderr)
}

// exportCommand is "resolvebot export CR-…": the case record for the
// child's file, for a person entitled to the case.
func exportCommand(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("export", "", stderr)
	var opts config.Options
	var format, out, as string
	fs.StringVar(&opts.Path, "config", "", "configuration file")
	fs.StringVar(&opts.Data, "data", "", "embedded store file")
	fs.StringVar(&format, "format", "pdf", "pdf, md or json")
	fs.StringVar(&out, "out", "", "file to write (default CR-….FORMAT), or - for standard output")
	fs.StringVar(&as, "as", "", "the email of the person exporting: a party to the case or a partnership role")
	var id string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		id, args = args[0], args[1:]
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if id == "" && fs.NArg() > 0 {
		id = fs.Arg(0)
	}
	if id == "" || as == "" {
		fmt.Fprintln(stderr, "Usage: resolvebot export CR-2026-0001 --as you@agency.example [--format pdf|md|json] [--out FILE]")
		return 2
	}
	if !slices.Contains(caserecord.Formats, format) {
		fmt.Fprintf(stderr, "resolvebot: choose --format from %s\n", strings.Join(caserecord.Formats, ", "))
		return 2
	}
	a, _, ok := openApp(ctx, opts, stderr)
	if !ok {
		return 1
	}
	defer a.close()
	att, _, err := a.router.CaseRecord(ctx, bot.PersonID(as), id, format)
	if err != nil {
		fmt.Fprintf(stderr, "resolvebot: %s\n", operatorError(err))
		return 1
	}
	if out == "" {
		out = att.Name
	}
	return writeOut(out, att.Data, stdout, stderr)
}

// operatorError is what a command-line user is told about err: the person's
// sentence for refusals and bad input, and the whole error, with its cause,
// for internal failures, which an operator needs to act on (a missing
// encryption key, an unreadable store). Errors never hold case text. The
// command line speaks the catalogue's English: it runs outside any one
// partnership's wording.
func operatorError(err error) string {
	if conversation.ErrorCode(err) == conversation.EINTERNAL {
		return err.Error()
	}
	return conversation.ErrorMessage(messages.English(), err)
}
