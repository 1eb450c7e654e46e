package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/resolvebot/resolvebot/adapters/metrics"
	slackadapter "github.com/resolvebot/resolvebot/adapters/slack"
	"github.com/resolvebot/resolvebot/adapters/web"
	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/config"
)

// startSlack connects Slack when a bot token is set: over Socket Mode when
// SLACK_APP_TOKEN is set, otherwise on POST /slack/events, which needs the
// signing secret.
func startSlack(ctx context.Context, a *app, cfg *config.Config, mux *http.ServeMux) (func(), error) {
	if !cfg.SlackEnabled() {
		return nil, nil
	}
	var opts []slack.Option
	if cfg.Slack.APIURL != "" {
		opts = append(opts, slack.OptionAPIURL(cfg.Slack.APIURL))
	}
	if cfg.Slack.AppToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(cfg.Slack.AppToken))
	}
	httpClient := platformClient(slackadapter.Platform, slackadapter.CallName, slackadapter.NewHTTPClient())
	opts = append(opts, slack.OptionHTTPClient(httpClient))
	aopts := slackadapter.Options{
		Command:       cfg.Slack.Command,
		SigningSecret: cfg.Slack.SigningSecret,
		NoPace:        !cfg.Slack.Pace,
		Log:           a.log.With("platform", "slack"),
		Metrics:       metrics.Default,
	}
	if cfg.SlackInstalls() {
		return startSlackInstalls(a, cfg, mux, aopts, httpClient, opts)
	}
	client := slack.New(cfg.Slack.BotToken, opts...)
	ad := slackadapter.New(client, a.router, a.dispatcher, aopts)
	if cfg.Slack.AppToken != "" {
		sctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			if err := ad.RunSocketMode(sctx, socketmode.New(client)); err != nil {
				a.log.Error("slack socket mode stopped", "err", err)
			}
		}()
		a.log.Info("slack: socket mode")
		return func() { cancel(); <-done; ad.Stop(shutdownGrace) }, nil
	}
	h, err := ad.HTTPHandler()
	if err != nil {
		return nil, err
	}
	mux.Handle("POST "+slackadapter.EventsPath, h)
	a.log.Info("slack: http", "path", slackadapter.EventsPath)
	return func() { ad.Stop(shutdownGrace) }, nil
}

// startSlackInstalls serves every workspace the app is installed into
// through Slack's OAuth flow: the install page, the redirect, and the
// events endpoint, each request acting with its install's token.
func startSlackInstalls(a *app, cfg *config.Config, mux *http.ServeMux, aopts slackadapter.Options, httpClient *http.Client, opts []slack.Option) (func(), error) {
	ad, err := slackadapter.NewInstalled(a.router, a.dispatcher, aopts, slackadapter.InstallOptions{
		ClientID: cfg.Slack.ClientID, ClientSecret: cfg.Slack.ClientSecret, RedirectURL: cfg.Slack.RedirectURL,
		APIURL: cfg.Slack.APIURL, AuthorizeURL: authorizeURL(cfg.Slack.APIURL), HTTPClient: httpClient, Store: a.store,
		NewClient:  func(token string) *slack.Client { return slack.New(token, opts...) },
		Stylesheet: web.StylesheetPath,
	})
	if err != nil {
		return nil, err
	}
	events, err := ad.HTTPHandler()
	if err != nil {
		return nil, err
	}
	install, _ := ad.InstallHandler()
	redirect, _ := ad.RedirectHandler()
	mux.Handle("POST "+slackadapter.EventsPath, events)
	mux.Handle("GET "+slackadapter.InstallPath, install)
	mux.Handle("GET "+slackadapter.RedirectPath, redirect)
	if !webEnabled(a, cfg) {
		// The install pages link the web page's stylesheet; without the
		// web page, it is served on its own.
		mux.Handle("GET "+web.StaticPrefix, web.Static())
	}
	a.log.Info("slack: http, installed through OAuth", "path", slackadapter.EventsPath, "install", slackadapter.InstallPath)
	return func() { ad.Stop(shutdownGrace) }, nil
}

// authorizeURL is Slack's consent page beside the Web API at apiURL (GovSlack,
// a local fake); "" for Slack's own.
func authorizeURL(apiURL string) string {
	if apiURL == "" {
		return ""
	}
	return strings.TrimSuffix(strings.TrimSuffix(apiURL, "/"), "/api") + "/oauth/v2/authorize"
}

// shutdownGrace is how long serve lets queued messages to other people go
// out before it stops; what people did is already stored.
const shutdownGrace = 8 * time.Second

const slackUsage = `Usage: resolvebot slack manifest [--url URL] [--name NAME] [--config FILE]

Prints the Slack app manifest (YAML) for this configuration. Paste it into
"Create New App → From an app manifest" at https://api.slack.com/apps.

  --url URL      public base URL of resolvebot serve, e.g. https://bot.example.org;
                 Slack will send requests to URL/slack/events. Required in HTTP
                 mode (SLACK_SIGNING_SECRET set, no SLACK_APP_TOKEN). With
                 SLACK_APP_TOKEN set, or with neither set and no --url, the
                 manifest turns on Socket Mode instead.
  --name NAME    the app's name in Slack (default resolvebot, at most 35 characters)
  --config FILE  configuration file: the slash command's name, and the
                 partnership and protocol the app's description names
`

// slackCommand runs "resolvebot slack …".
func slackCommand(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "manifest" {
		fmt.Fprint(stderr, slackUsage)
		return 2
	}
	fs := newFlags("slack manifest", slackUsage, stderr)
	var url, name, path string
	fs.StringVar(&url, "url", "", "public base URL")
	fs.StringVar(&name, "name", "", "app name")
	fs.StringVar(&path, "config", "", "configuration file")
	if code, ok := parseFlags(fs, args[1:]); !ok {
		return code
	}
	cfg, _, ok := loadConfig(config.Options{Path: path, Packaging: true}, stderr)
	if !ok {
		return 1
	}
	switch {
	case cfg.Slack.AppToken != "":
		if url != "" {
			fmt.Fprintf(stderr, "resolvebot: warning: %s is set, so the app uses Socket Mode and --url is not used\n", config.EnvSlackAppToken)
			url = ""
		}
	case cfg.Slack.SigningSecret != "" && url == "":
		fmt.Fprintf(stderr, "resolvebot: the configuration is for HTTP mode (%s is set and %s is not), so Slack needs a request URL:\n"+
			"give --url with the public base URL of resolvebot serve, e.g. --url https://bot.example.org\n"+
			"(or set %s to use Socket Mode instead)\n", config.EnvSlackSigningSecret, config.EnvSlackAppToken, config.EnvSlackAppToken)
		return 2
	}
	if cfg.SlackInstalls() && url == "" {
		fmt.Fprintf(stderr, "resolvebot: %s is set, so the app is installed through Slack's OAuth flow and Slack needs a request URL:\n"+
			"give --url with the public base URL of resolvebot serve, e.g. --url https://bot.example.org\n", config.EnvSlackClientID)
		return 2
	}
	out, err := slackadapter.Manifest(slackadapter.ManifestOptions{Name: name, Command: cfg.Slack.Command, URL: url,
		App: bot.AppInfoFrom(cfg.Protocol), Installs: cfg.SlackInstalls()})
	if err != nil {
		fmt.Fprintf(stderr, "resolvebot: %v\n", err)
		return 2
	}
	fmt.Fprint(stdout, out)
	return 0
}
