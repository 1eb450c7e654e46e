package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/resolvebot/resolvebot/adapters/metrics"
	"github.com/resolvebot/resolvebot/adapters/teams"
	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/config"
)

// teamsPath is where the Bot Framework posts activities.
const teamsPath = "/api/messages"

// startTeams mounts POST /api/messages when Teams is configured.
func startTeams(_ context.Context, a *app, cfg *config.Config, mux *http.ServeMux) (func(), error) {
	if !cfg.TeamsEnabled() {
		return nil, nil
	}
	t := cfg.Teams
	log := a.log.With("platform", "teams")
	opts := teamsOptions(t)
	opts.Log, opts.Metrics = log, metrics.Default
	opts.HTTPClient = platformClient(teams.Platform, teams.CallName, teams.NewHTTPClient())
	ad, err := teams.New(a.router, a.people, a.dispatcher, opts)
	if err != nil {
		return nil, err
	}
	if t.InsecureNoAuth {
		log.Warn("teams.insecure_no_auth is on: requests to " + teamsPath + " are NOT authenticated; use this only with the local emulator")
		a.teamsInsecure.Store(true)
	}
	mux.Handle("POST "+teamsPath, ad)
	log.Info("teams: http", "path", teamsPath, "app_type", t.AppType)
	return func() { ad.Wait(); a.teamsInsecure.Store(false) }, nil
}

// teamsOptions carries the Teams configuration into the adapter's options:
// credentials (the certificate, when set, is used instead of the password),
// the token authority, the OpenID metadata, trusted service URLs and
// accepted issuers.
func teamsOptions(t config.Teams) teams.Options {
	o := teams.Options{
		AppID: t.AppID, AppPassword: t.AppPassword, Certificate: t.AppCertificate, TenantID: t.TenantID,
		TokenAuthority: t.TokenAuthority, OpenIDMetadataURL: t.OpenIDMetadataURL,
		ServiceURLs: t.ServiceURLs, Issuers: t.Issuers,
		InsecureNoAuth: t.InsecureNoAuth,
	}
	if len(t.Registrations) > 0 {
		// The main registration first, then the others, each answering
		// the activities whose tokens name it.
		o.Registrations = []teams.Registration{{AppID: t.AppID, AppPassword: t.AppPassword, Certificate: t.AppCertificate,
			TenantID: t.TenantID, TokenAuthority: t.TokenAuthority}}
		for _, r := range t.Registrations {
			o.Registrations = append(o.Registrations, teams.Registration{AppID: r.AppID, AppPassword: r.AppPassword,
				Certificate: r.AppCertificate, TenantID: r.TenantID, TokenAuthority: r.TokenAuthority, ServiceURLs: r.ServiceURLs})
		}
	}
	return o
}

// packageAppID is the app id a package is built for: appID when it is one
// of the configured registrations, else the main one's when appID is "".
// Returns an error naming the configured ids otherwise.
func packageAppID(t config.Teams, appID string) (string, error) {
	if appID == "" {
		return t.AppID, nil
	}
	ids := []string{t.AppID}
	for _, r := range t.Registrations {
		ids = append(ids, r.AppID)
	}
	for _, id := range ids {
		if strings.EqualFold(id, appID) {
			return id, nil
		}
	}
	return "", fmt.Errorf("--app-id %s is not a configured registration (%s, or one in teams.registrations); configured: %s",
		appID, config.EnvTeamsAppID, strings.Join(ids, ", "))
}

const teamsUsage = `Usage: resolvebot teams package [--app-id ID] [--out FILE] [--url URL] [--name NAME] [--developer NAME]
                                [--website URL] [--privacy URL] [--terms URL] [--config FILE]

Writes the Teams app package (a zip with manifest.json and two icons) for
the bot whose app id is in MICROSOFT_APP_ID, or for another registration
in teams.registrations (--app-id): each tenant uploads the package of its
own registration. No password or certificate is needed to build it. Upload it in Teams under Apps → Manage your apps →
Upload an app, or in the Teams admin centre. The manifest follows the Teams
app manifest schema v1.22.

  --app-id ID       the registration to build for (default MICROSOFT_APP_ID's)
  --out FILE        where to write the zip (default resolvebot-teams.zip)
  --url URL         public base URL of resolvebot serve, e.g. https://bot.example.org;
                    its host becomes the app's valid domain
  --name NAME       the app's name in Teams (default resolvebot, at most 30 characters)
  --developer NAME  who runs the bot, at most 32 characters, e.g. "Example SCP"
                    (default: the configured partnership's name, or its short name)
  --website URL, --privacy URL, --terms URL
                    the pages Teams links to (https); each left out is a
                    placeholder, with a warning (--website defaults to --url)
  --config FILE     configuration file: the partnership and protocol the
                    app's full name and description name
`

// teamsCommand runs "resolvebot teams …".
func teamsCommand(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "package" {
		fmt.Fprint(stderr, teamsUsage)
		return 2
	}
	fs := newFlags("teams package", teamsUsage, stderr)
	var out, base, path, appID string
	var o teams.PackageOptions
	fs.StringVar(&appID, "app-id", "", "the registration's app id")
	fs.StringVar(&out, "out", "resolvebot-teams.zip", "zip file to write")
	fs.StringVar(&base, "url", "", "public base URL")
	fs.StringVar(&o.Name, "name", "", "app name")
	fs.StringVar(&o.Developer, "developer", "", "developer name")
	fs.StringVar(&o.WebsiteURL, "website", "", "website URL")
	fs.StringVar(&o.PrivacyURL, "privacy", "", "privacy URL")
	fs.StringVar(&o.TermsURL, "terms", "", "terms of use URL")
	fs.StringVar(&path, "config", "", "configuration file")
	if code, ok := parseFlags(fs, args[1:]); !ok {
		return code
	}
	cfg, _, ok := loadConfig(config.Options{Path: path, Packaging: true}, stderr)
	if !ok {
		return 1
	}
	id, err := packageAppID(cfg.Teams, appID)
	if err != nil {
		fmt.Fprintf(stderr, "resolvebot: %v\n", err)
		return 2
	}
	o.AppID = id
	o.App = bot.AppInfoFrom(cfg.Protocol)
	if base != "" {
		u, err := url.Parse(base)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			fmt.Fprintf(stderr, "resolvebot: --url must be an https URL such as https://bot.example.org\n")
			return 2
		}
		o.ValidDomains = []string{u.Hostname()}
		if o.WebsiteURL == "" {
			o.WebsiteURL = u.String()
		}
	}
	if _, err := teams.Manifest(o); err != nil {
		fmt.Fprintf(stderr, "resolvebot: %v\n", err)
		return 2
	}
	if o.Developer == "" {
		fmt.Fprintf(stderr, "resolvebot: warning: no --developer given; Teams will show %q as the app's developer\n", teams.DefaultDeveloper(o.App))
	}
	for _, p := range []struct{ flag, value string }{{"--website", o.WebsiteURL}, {"--privacy", o.PrivacyURL}, {"--terms", o.TermsURL}} {
		if p.value == "" {
			fmt.Fprintf(stderr, "resolvebot: warning: no %s URL given; the package links to the placeholder %s, which Teams shows to people: give your partnership's own page\n",
				p.flag, teams.PlaceholderURL)
		}
	}
	f, err := os.Create(out)
	if err != nil {
		fmt.Fprintf(stderr, "resolvebot: %v\n", err)
		return 1
	}
	if err := teams.WritePackage(f, o); err != nil {
		f.Close()
		fmt.Fprintf(stderr, "resolvebot: write the package: %v\n", err)
		return 1
	}
	if err := f.Close(); err != nil {
		fmt.Fprintf(stderr, "resolvebot: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "Wrote %s. Upload it in Teams: Apps → Manage your apps → Upload an app.\n", out)
	return 0
}
