package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync/atomic"
	"time"

	"golang.org/x/term"

	"github.com/resolvebot/resolvebot/adapters/console"
	"github.com/resolvebot/resolvebot/adapters/email"
	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/botconfig"
	"github.com/resolvebot/resolvebot/config"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/boltstore"
	"github.com/resolvebot/resolvebot/conversation/redisstore"
	"github.com/resolvebot/resolvebot/internal/livesettings"
	"github.com/resolvebot/resolvebot/scheduler"
)

const usage = `Usage: resolvebot [command] [flags]

Commands:
  serve           connect the configured chat platforms (the default)
  console         a terminal chat on the same engine, for trying it out
  config check    print every problem in the configuration (--print: the effective settings)
  config reference  every setting with its type, default and environment variable
  config export   the stored settings (directory, protocol) written back as YAML
  report          the partnership report for a period (md, csv, json, png, pdf)
  export CR-…     a case record for the child's file (pdf, md, json)
  purge           delete cases past the retention period (--dry-run lists them)
  rekey           re-encrypt every case with the primary key
  store reset-identity  accept a Redis store that lost its data (see the README)
  backup FILE     a consistent copy of the embedded store, also while serve runs
  restore FILE    put a backup in place of the embedded store (serve stopped)
  migrate         rewrite stored records in the current format
  slack manifest  print the Slack app manifest
  teams package   write the Teams app package
  loadtest        measure a running serve on loopback
  healthcheck     exit 0 when a running serve answers /healthz (--ready: /readyz)
  version         print the version, commit and build date (also --version)

Each command takes --help.

Flags:
  --config FILE  configuration file (or RESOLVEBOT_CONFIG)
  --addr ADDR    listen address for serve (or RESOLVEBOT_ADDR; default :3978)
  --admin-addr ADDR
                 admin listener for /metrics, /healthz, /readyz, /debug/pprof
                 (or RESOLVEBOT_ADMIN_ADDR; default 127.0.0.1:9090; "off" or ""
                 for none; the console has one only when this is given)
  --data FILE    embedded store file (or RESOLVEBOT_DATA; default resolvebot.db)
`

// Run runs resolvebot with args and returns the process exit code. Tests run
// it whole.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && (args[0] == "--version" || args[0] == "-version") {
		args = append([]string{"version"}, args[1:]...)
	}
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	if sub, ok := commands()[cmd]; ok {
		return sub(ctx, args, stdin, stdout, stderr)
	}
	fs := newFlags(cmd, usage, stderr)
	var opts config.Options
	fs.StringVar(&opts.Path, "config", "", "configuration file")
	fs.StringVar(&opts.Addr, "addr", "", "listen address")
	fs.StringVar(&opts.AdminAddr, "admin-addr", "", "admin listen address, or off")
	fs.StringVar(&opts.Data, "data", "", "embedded store file")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	adminOffFlag(fs, &opts)
	switch cmd {
	case "console", "serve":
	case "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "Unknown command %q.\n\n%s", cmd, usage)
		return 2
	}

	cfg, problems, ok := loadConfig(opts, stderr)
	if !ok {
		return 1
	}
	interactive := isTerminal(stdin)
	consoleMode := cmd == "console" || (!cfg.SlackEnabled() && !cfg.TeamsEnabled() && !cfg.Email.Enabled)
	log := newLogger(cfg, stderr, consoleMode)
	for _, p := range problems {
		log.Warn("configuration", "place", p.Place, "problem", p.Message)
	}

	stopTracing, err := startTracing(ctx, cfg, log)
	if err != nil {
		fmt.Fprintf(stderr, "resolvebot: %v\n", err)
		return 1
	}
	defer stopTracing()
	a, err := build(ctx, cfg, log)
	if err != nil {
		fmt.Fprintf(stderr, "resolvebot: %v\n", err)
		return 1
	}
	defer a.close()
	cfg = a.effective // the stored settings win over the file's

	if consoleMode {
		if cmd == "serve" {
			fmt.Fprintln(stdout, "No Slack or Teams credentials are set, so this is the console. To connect Slack set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET; for Teams set MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD and MICROSOFT_APP_TENANT_ID.")
		}
		if cfg.AdminAddrSet {
			stop, err := a.startAdmin(cfg.AdminAddr, log)
			if err != nil {
				fmt.Fprintf(stderr, "resolvebot: %v\n", err)
				return 1
			}
			defer stop()
		}
		return a.runConsole(ctx, stdin, stdout, interactive)
	}
	return a.serve(ctx, cfg, log)
}

// newFlags returns the flag set of "resolvebot name", writing to stderr,
// with usage as its help text when not "".
func newFlags(name, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("resolvebot "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	if usage != "" {
		fs.Usage = func() { fmt.Fprint(stderr, usage) }
	}
	return fs
}

// parseFlags parses args into fs. ok is false when the command must stop
// with code: 0 after -h or --help, 2 for a flag it cannot read (the flag
// package has printed why).
func parseFlags(fs *flag.FlagSet, args []string) (code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, false
		}
		return 2, false
	}
	return 0, true
}

// loadConfig loads the configuration for a command, printing every problem
// and the cause to stderr when it is unusable. ok is false then.
func loadConfig(opts config.Options, stderr io.Writer) (cfg *config.Config, problems config.Problems, ok bool) {
	cfg, problems, err := config.Load(opts)
	if err != nil {
		fmt.Fprintf(stderr, "resolvebot: the configuration has problems:\n%s", problems.String())
		if !problems.HasErrors() {
			fmt.Fprintf(stderr, "%v\n", err)
		}
		return nil, problems, false
	}
	return cfg, problems, true
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// newLogger returns a structured logger: text on a terminal, JSON otherwise.
// The console keeps its own screen clear and logs only warnings unless asked.
func newLogger(cfg *config.Config, w io.Writer, consoleMode bool) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.Log.Level))
	if consoleMode && level < slog.LevelWarn && cfg.Log.Level != "debug" {
		level = slog.LevelWarn
	}
	opts := &slog.HandlerOptions{Level: level}
	format := cfg.Log.Format
	if format == "" || format == "auto" {
		format = "json"
		if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			format = "text"
		}
	}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// app is the wired bot: store, engine, people, router and dispatcher.
type app struct {
	store      conversation.Store
	people     *bot.People
	router     *bot.Router
	dispatcher *bot.Dispatcher
	scheduler  *scheduler.Scheduler
	schedules  scheduler.Schedules
	log        *slog.Logger

	// teamsInsecure is set while Teams runs with insecure_no_auth, so
	// /readyz says so.
	teamsInsecure atomic.Bool

	// mailer is the email sender, nil without an email section; signIn,
	// set when the web page is on, sends the sign-in emails the outbox
	// holds.
	mailer *email.Sender
	signIn func(context.Context, conversation.Effect) error

	// settings changes the partnership's stored settings while the bot
	// runs; nil when the store keeps none.
	settings *livesettings.Live
	// hosted are the live settings of each partnership on a deployment
	// hosting several (settings is nil then).
	hosted []*livesettings.Live
	// effective is the configuration with the stored settings in place
	// as build found them.
	effective *config.Config
}

// startScheduler runs the scheduler's jobs until ctx ends; the returned
// function stops it and waits for a running job.
func (a *app) startScheduler(ctx context.Context) (stop func(), err error) {
	if err := a.scheduler.Start(ctx, a.schedules); err != nil {
		return nil, err
	}
	return func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		a.scheduler.Stop(sctx)
	}, nil
}

// build opens the store and wires the bot. Returns an error the operator can act on.
func build(ctx context.Context, cfg *config.Config, log *slog.Logger) (*app, error) {
	store, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	store = observeStore(store)
	warnPlaintext(cfg, log)
	logStoreIdentity(log, store)
	file := cfg
	var stored conversation.SettingsChange
	var versions map[string]int64
	if len(cfg.Hosted()) == 0 {
		cfg, stored, err = livesettings.Effective(ctx, cfg, store, conversation.DefaultPartnershipID, time.Now(), log)
	} else {
		cfg, versions, err = livesettings.EffectiveHosted(ctx, cfg, store, time.Now(), log)
	}
	if err != nil {
		store.Close()
		return nil, err
	}
	agencies, partnership := botconfig.Hosted(cfg)
	people := bot.NewPeople(store, agencies, partnership, nil)
	people.SetNeighbours(botconfig.Neighbours(cfg))
	if err := people.Seed(ctx); err != nil {
		store.Close()
		return nil, fmt.Errorf("load the directory into the store: %w", err)
	}
	sc := cfg.Scheduler
	engine := &conversation.Engine{Store: store, Directory: people, Now: time.Now}
	engine.Use(livesettings.RulesOf(cfg))
	botconfig.UseHosted(engine, engine.Rules(), cfg)
	var live *livesettings.Live
	var hosted []*livesettings.Live
	// A deployment hosting several partnerships changes each one's
	// settings on its own.
	if st, ok := store.(conversation.SettingsStore); ok {
		if len(cfg.Hosted()) == 0 {
			live = livesettings.New(file, cfg, stored.Version, st, engine, people, conversation.DefaultPartnershipID, time.Now, log)
		} else {
			hosted = livesettings.NewHosted(file, cfg, versions, st, engine, people, time.Now, log)
		}
	}
	router := bot.NewRouter(engine, people, log, cfg.Drafts.TTL)
	dispatcher := bot.NewDispatcher(store, router.Cards, log)
	mailer, err := registerEmail(cfg, store, router.Cards, dispatcher, log)
	if err != nil {
		store.Close()
		return nil, fmt.Errorf("email: %w", err)
	}
	sched := scheduler.New(engine, router.Cards, people, dispatcher, log)
	observeScheduler(sched)
	for _, email := range sc.SummaryTo {
		sched.SummaryTo = append(sched.SummaryTo, bot.PersonID(email))
	}
	return &app{store: store, people: people, router: router, dispatcher: dispatcher, scheduler: sched, log: log, mailer: mailer, settings: live, hosted: hosted, effective: cfg,
		schedules: scheduler.Schedules{DuePass: sc.DuePass, Digest: sc.Digest, Summary: sc.Summary}}, nil
}

// openStore opens the configured store, sealing case text with the
// configured keys (see sealStore).
func openStore(ctx context.Context, cfg *config.Config) (conversation.Store, error) {
	if cfg.Store.Driver == config.DriverRedis {
		s, err := redisstore.OpenPinned(ctx, cfg.Store.RedisURL, cfg.Store.KeyPrefix, cfg.Store.ID)
		if err != nil {
			return nil, fmt.Errorf("open redis store: %w", err)
		}
		if err := traceRedis(s); err != nil {
			s.Close()
			return nil, err
		}
		return sealStore(cfg, s)
	}
	s, err := boltstore.Open(cfg.Store.Path)
	if err != nil {
		return nil, fmt.Errorf("open the data file: %w", err)
	}
	return sealStore(cfg, s)
}

func (a *app) close() {
	if err := a.store.Close(); err != nil {
		a.log.Error("close store", "err", err)
	}
}

// runConsole runs the terminal chat until input ends or ctx is cancelled.
func (a *app) runConsole(ctx context.Context, stdin io.Reader, stdout io.Writer, interactive bool) int {
	c := console.New(a.router, a.people, a.dispatcher, stdin, stdout, interactive)
	stop, err := a.startScheduler(ctx)
	if err != nil {
		a.log.Error("start scheduler", "err", err)
		return 1
	}
	defer stop()
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	select {
	case err := <-done:
		if err != nil {
			a.log.Error("console input failed", "err", err)
			return 1
		}
	case <-ctx.Done():
		fmt.Fprintln(stdout, "\nStopping. Everything entered so far is saved.")
	}
	return 0
}

// platform starts one chat platform when it is configured: it mounts its
// HTTP routes on mux and starts any background connection. It returns a
// function that stops it, or nil. serve starts those that platforms lists.
type platform func(ctx context.Context, a *app, cfg *config.Config, mux *http.ServeMux) (stop func(), err error)

// serve runs the HTTP listener until ctx is cancelled, then shuts down cleanly.
func (a *app) serve(ctx context.Context, cfg *config.Config, log *slog.Logger) int {
	mux := http.NewServeMux()
	for _, p := range platforms() {
		stop, err := p(ctx, a, cfg, mux)
		if err != nil {
			log.Error("start platform", "err", err)
			return 1
		}
		if stop != nil {
			defer stop()
		}
	}
	if a.settings != nil {
		go a.settings.Watch(ctx, settingsWatchInterval) // changes made on another replica
	}
	livesettings.WatchAll(ctx, a.hosted, settingsWatchInterval)
	stopScheduler, err := a.startScheduler(ctx)
	if err != nil {
		log.Error("start scheduler", "err", err)
		return 1
	}
	defer stopScheduler()
	defer a.startOutbox(ctx)() // drains after the server stops taking requests
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		log.Error("listen", "addr", cfg.Addr, "err", err)
		return 1
	}
	// The admin listener starts once the public one is bound, so /readyz
	// never says ready before the platforms can reach the bot.
	stopAdmin, err := a.startAdmin(cfg.AdminAddr, log)
	if err != nil {
		ln.Close()
		log.Error("start admin listener", "err", err)
		return 1
	}
	defer stopAdmin()
	srv, ln := newHTTPServer(publicHandler(mux), ln, cfg.Server)
	log.Info("serving", "addr", ln.Addr().String(), "slack", cfg.SlackEnabled(), "teams", cfg.TeamsEnabled(), "web", cfg.Email.Enabled)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		log.Error("server stopped", "err", err)
		return 1
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Error("shutdown", "err", err)
		return 1
	}
	log.Info("stopped cleanly")
	return 0
}
