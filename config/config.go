// Package config loads resolvebot's configuration once, at the edge:
// built-in defaults, then one YAML file, then the environment, then explicit
// options. It validates the result, reporting every problem with the place it
// came from, and carries each partnership's protocol as an embedded preset.
//
// No other package reads the environment. Secrets (Slack and Teams
// credentials, the Redis URL) come from the environment only; a secret
// written in the file is an error and is never read.
package config

import (
	"fmt"
	"maps"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // so time zones load on machines with no zoneinfo

	"github.com/resolvebot/resolvebot/conversation"
)

// Environment variables read by Load.
const (
	EnvConfig             = "RESOLVEBOT_CONFIG"     // the YAML file, when Options.Path is empty
	EnvAddr               = "RESOLVEBOT_ADDR"       // overrides addr
	EnvAdminAddr          = "RESOLVEBOT_ADMIN_ADDR" // overrides admin_addr; "off" turns the admin listener off
	EnvData               = "RESOLVEBOT_DATA"       // overrides store.path
	EnvRedisURL           = "REDIS_URL"             // secret; sets the Redis URL and implies driver redis
	EnvSlackAPIURL        = "SLACK_API_URL"         // overrides slack.api_url
	EnvSlackBotToken      = "SLACK_BOT_TOKEN"       // secret; turns Slack on
	EnvSlackSigningSecret = "SLACK_SIGNING_SECRET"  // secret; verifies HTTP requests
	EnvSlackAppToken      = "SLACK_APP_TOKEN"       // secret; Socket Mode
	// EnvSlackClientID and EnvSlackClientSecret turn on installs into any
	// number of workspaces through Slack's OAuth flow (the secret is one).
	EnvSlackClientID     = "SLACK_CLIENT_ID"
	EnvSlackClientSecret = "SLACK_CLIENT_SECRET"
	EnvTeamsAppID        = "MICROSOFT_APP_ID"       // turns Teams on
	EnvTeamsAppPassword  = "MICROSOFT_APP_PASSWORD" // secret
	// EnvTeamsAppCertificate is a secret: the bot's certificate and private
	// key in PEM, given either as the PEM text itself or as the path of a
	// PEM file. Used instead of MICROSOFT_APP_PASSWORD when set.
	EnvTeamsAppCertificate = "MICROSOFT_APP_CERTIFICATE"
	EnvTeamsTenantID       = "MICROSOFT_APP_TENANT_ID" // the bot's tenant
	EnvTeamsAppType        = "MICROSOFT_APP_TYPE"      // SingleTenant, MultiTenant or UserAssignedMSI
	// EnvTeamsOpenIDMetadataURL overrides teams.openid_metadata_url, where
	// the Bot Framework signing keys are found (sovereign clouds, tests).
	EnvTeamsOpenIDMetadataURL = "MICROSOFT_OPENID_METADATA_URL"
	// EnvTeamsTokenAuthority overrides teams.token_authority, the Entra
	// authority that issues the bot's app tokens.
	EnvTeamsTokenAuthority = "MICROSOFT_TOKEN_AUTHORITY"
)

// DefaultTeamsOpenIDMetadataURL is the Bot Framework's public OpenID
// metadata, which names the keys that sign requests to the bot.
const DefaultTeamsOpenIDMetadataURL = "https://login.botframework.com/v1/.well-known/openidconfiguration"

// DefaultAdminAddr is the admin listener's address unless admin_addr says
// otherwise: loopback only, so metrics and profiles are not public.
const DefaultAdminAddr = "127.0.0.1:9090"

// AdminOff is the admin_addr value (file, RESOLVEBOT_ADMIN_ADDR or
// --admin-addr) that turns the admin listener off.
const AdminOff = "off"

// Store drivers.
const (
	DriverBolt  = "bolt"
	DriverRedis = "redis"
)

// Teams app types (MICROSOFT_APP_TYPE).
const (
	TeamsSingleTenant    = "SingleTenant"
	TeamsMultiTenant     = "MultiTenant"
	TeamsUserAssignedMSI = "UserAssignedMSI"
)

// NationEnglandAndWales is the only supported calendar nation: weekends and
// the bank holidays of England and Wales are not working days.
const NationEnglandAndWales = "england-and-wales"

// Config is resolvebot's whole configuration, loaded once by Load and then
// passed down. It is never changed after Load returns.
type Config struct {
	// File is the YAML file that was read, or "" when only defaults and
	// the environment were used.
	File string
	// Partnership is the preset key the protocol started from.
	Partnership string
	// Protocol is the preset with the file's overrides applied; it passes
	// Protocol.Validate.
	Protocol  conversation.Protocol
	Calendar  Calendar  // working days and hours
	Directory Directory // agencies and their escalation contacts
	// Partnerships are the partnerships hosted on this deployment when the
	// file lists several (see Hosted); none for a deployment of one, which
	// Partnership, Protocol and Directory describe. When listed, Protocol
	// is the first one's and Directory holds every one's agencies and
	// roles.
	Partnerships []Partnership
	// Neighbours are partnerships not on this deployment, for cross-border
	// cases into their areas.
	Neighbours []Neighbour
	Store      Store // where cases are kept
	// Addr is the HTTP listen address, for example ":3978".
	Addr string
	// AdminAddr is where serve answers /metrics, /healthz, /readyz and
	// /debug/pprof, apart from the platforms' public listener; "" when
	// the admin listener is off (admin_addr: off). The default,
	// DefaultAdminAddr, is on loopback only.
	AdminAddr string
	// AdminAddrSet is true when the file, the environment or an option
	// chose admin_addr rather than the default; the console starts an
	// admin listener only then.
	AdminAddrSet bool
	// Server holds the HTTP listener's timeouts and caps on slow clients.
	Server Server
	Drafts Drafts // unfinished intake forms
	// Scheduler sets when nudges, digests and summaries go out.
	Scheduler Scheduler
	// Retention says how long ended cases are kept.
	Retention Retention
	Slack     Slack // the Slack adapter
	Teams     Teams // the Teams adapter
	Email     Email // notifications by email (off without an email section)
	Web       Web   // the web page's sign-in with an identity provider (the page is on with email)
	Log       Log   // logging
	// Tracing is whether spans are exported, from the OTEL_* environment.
	Tracing Tracing
}

// Calendar says which days and hours are working time.
type Calendar struct {
	Nation   string         // "england-and-wales"
	TimeZone string         // IANA name, e.g. "Europe/London"
	Location *time.Location // TimeZone, loaded
	// ClosureDays are extra non-working days, each at midnight in Location,
	// in the order given.
	ClosureDays []time.Time
	// WorkdayStart and WorkdayEnd are offsets from midnight, e.g. 9h and 17h.
	WorkdayStart time.Duration
	WorkdayEnd   time.Duration
}

// Directory lists the agencies of the partnership with their escalation
// contacts, and the partnership's own roles. Practitioners and their line
// managers are not listed here: they are learned in chat.
type Directory struct {
	Agencies         []Agency
	PartnershipRoles []PartnershipRole
	// ConferenceChairs are conference chairs and reviewing officers, who
	// may log inter-agency differences seen in conferences and reviews
	// (Protocol.Observations). They see no cases.
	ConferenceChairs []Contact
	// Demo is true when the file gave no directory and the built-in,
	// clearly fictional example directory is in use.
	Demo bool
}

// Agency is one partner organisation.
type Agency struct {
	Key      string
	Name     string
	Contacts AgencyContacts
	// SafeguardingLeads see every case their agency is party to, without
	// acting on them.
	SafeguardingLeads []Contact
	// ReferenceFormats are the patterns (Go regular expressions, matched
	// in full, ignoring case) of the agency's case references; when given,
	// a reference raised by someone at the agency must match one.
	// ReferenceExample is shown to people who type something else.
	ReferenceFormats []string
	ReferenceExample string
	// Reach is the default order of the ways to reach the agency's people
	// (slack, teams, email), for anyone who has not chosen their own in
	// their profile: [email] for an agency whose people are on email only.
	// Nil for the order learned from each person.
	Reach []string
}

// AgencyContacts holds an agency's escalation contacts per tier.
type AgencyContacts struct {
	Manager       []Contact
	SeniorManager []Contact
	Leader        []Contact
}

// ForTier returns the contacts at tier (one of the conversation.Tier*
// constants), or nil for a tier the directory does not hold.
func (a AgencyContacts) ForTier(tier string) []Contact {
	switch tier {
	case conversation.TierManager:
		return a.Manager
	case conversation.TierSeniorManager:
		return a.SeniorManager
	case conversation.TierLeader:
		return a.Leader
	}
	return nil
}

// Contact is a named person with an email address.
type Contact struct {
	Name  string
	Email string
}

// PartnershipRole is a person who acts for the partnership, for example the
// partnership manager or the QA&P chair.
type PartnershipRole struct {
	Name  string
	Email string
	Role  string
}

// Store says where cases are kept.
type Store struct {
	Driver    string // DriverBolt or DriverRedis
	Path      string // bolt file
	KeyPrefix string // redis key prefix
	// ID pins the Redis store's identity (logged at first start): a Redis
	// without it, or with another, is refused as one that lost its data.
	ID string
	// RedisURL comes from REDIS_URL only. It may carry a password: print
	// it only through Config.String, which redacts it.
	RedisURL string
	// EncryptionKeys comes from RESOLVEBOT_ENCRYPTION_KEYS only (see
	// EnvEncryptionKeys and Config.Keyring). Secret: never printed.
	EncryptionKeys string
	// AllowPlaintext lets the redis store start without encryption keys,
	// and quietens the warning for the bolt store.
	AllowPlaintext bool
}

// Drafts configures unfinished intake forms.
type Drafts struct {
	TTL time.Duration // how long an unsubmitted draft is kept
}

// Slack configures the Slack adapter. The tokens come from the environment.
type Slack struct {
	Command       string // slash command, e.g. "/resolve"
	APIURL        string // "" for Slack's own API; ends in "/" when set
	BotToken      string // SLACK_BOT_TOKEN
	SigningSecret string // SLACK_SIGNING_SECRET, for the HTTP endpoint
	AppToken      string // SLACK_APP_TOKEN, for Socket Mode
	// ClientID and ClientSecret (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET)
	// turn on installs into any number of workspaces through Slack's
	// OAuth flow (see SlackInstalls); the bot token is then not used.
	ClientID     string
	ClientSecret string
	// RedirectURL is the public address of /slack/oauth_redirect, where
	// Slack sends people back after they approve an install; derived from
	// email.base_url when not given.
	RedirectURL string
	// Pace spreads bursts of Web API calls at Slack's published rates
	// before Slack answers 429 (slack.pace, default true). Turn it off
	// only against a fake Slack API, such as for a load test.
	Pace bool
}

// Teams configures the Teams adapter. The app id, tenant, app type and
// credentials come from the environment only.
type Teams struct {
	AppID       string // MICROSOFT_APP_ID
	AppPassword string // MICROSOFT_APP_PASSWORD
	// AppCertificate is the PEM certificate and private key from
	// MICROSOFT_APP_CERTIFICATE (read from the file when the variable
	// holds a path). Secret: never printed.
	AppCertificate []byte
	TenantID       string // MICROSOFT_APP_TENANT_ID
	AppType        string // TeamsSingleTenant, TeamsMultiTenant or TeamsUserAssignedMSI
	// InsecureNoAuth turns off token validation, for the local emulator
	// only.
	InsecureNoAuth bool
	// OpenIDMetadataURL is where the keys that sign inbound requests are
	// found; DefaultTeamsOpenIDMetadataURL unless overridden.
	OpenIDMetadataURL string
	// TokenAuthority is the Entra authority for app tokens, such as
	// "https://login.microsoftonline.com/{tenant}"; "" derives it from the
	// app type and tenant.
	TokenAuthority string
	// ServiceURLs are Bot Connector service URLs trusted with app tokens
	// before any activity from them arrives (teams.service_urls), such as
	// "https://smba.trafficmanager.net/uk/".
	ServiceURLs []string
	// Issuers are the accepted issuers of inbound tokens (teams.issuers);
	// empty for the Bot Framework's own, "https://api.botframework.com".
	Issuers []string
	// Registrations are more Azure Bot registrations, one per agency
	// tenant, answered beside the main one (teams.registrations).
	Registrations []TeamsRegistration
}

// Log configures logging.
type Log struct {
	Level  string // debug, info, warn or error
	Format string // auto, text or json
}

// SlackEnabled reports whether the Slack adapter should start: a bot token
// or an OAuth client id is set.
func (c *Config) SlackEnabled() bool { return c.Slack.BotToken != "" || c.Slack.ClientID != "" }

// SlackInstalls reports whether Slack serves any number of workspaces,
// each installed through the OAuth flow, instead of the one the bot token
// names.
func (c *Config) SlackInstalls() bool { return c.Slack.ClientID != "" }

// TeamsEnabled reports whether the Teams adapter should start: an app id is
// set, or insecure_no_auth is on (for the local emulator).
func (c *Config) TeamsEnabled() bool { return c.Teams.AppID != "" || c.Teams.InsecureNoAuth }

// String returns a readable dump of the configuration, one setting per line.
// Secrets are never printed: each shows only whether it is set, and the
// Redis URL has its password redacted.
func (c *Config) String() string {
	var b strings.Builder
	line := func(k string, v any) { fmt.Fprintf(&b, "%s: %v\n", k, v) }
	secret := func(s string) string {
		if s == "" {
			return "(not set)"
		}
		return "(set)"
	}
	file := c.File
	if file == "" {
		file = "(none: defaults and environment only)"
	}
	line("file", file)
	line("partnership", c.Partnership)
	line("protocol.name", c.Protocol.Name)
	line("protocol.partnership", c.Protocol.Partnership)
	line("protocol.partnership_short", c.Protocol.PartnershipShort)
	line("protocol.annual_report_to", c.Protocol.AnnualReportTo)
	line("protocol.guidance", fmt.Sprintf("%d characters", len(c.Protocol.Guidance)))
	if n := c.Protocol.ActionReminderDaysBefore(); n > 0 {
		line("protocol.action_reminder_days", fmt.Sprintf("%d working days before, and on the day", n))
	} else {
		line("protocol.action_reminder_days", "on the day only")
	}
	checks := make([]string, len(c.Protocol.Reflection))
	for i, r := range c.Protocol.Reflection {
		checks[i] = r.Key
	}
	line("protocol.reflection", strings.Join(checks, ", "))
	if cf := c.Protocol.Conference; cf != nil {
		line("protocol.conference", fmt.Sprintf("category %s, answer %q: %q", cf.Category, cf.Answer, cf.Guidance))
	} else {
		line("protocol.conference", "(none: conference decisions go to the dissent procedure)")
	}
	if od := c.Protocol.Observations; od != nil {
		line("protocol.observations", fmt.Sprintf("the %s's %s reports to %s", od.Service, od.Role, od.ReportTo))
	} else {
		line("protocol.observations", "(none: no log of differences seen in conferences and reviews)")
	}
	if sc := c.Protocol.SeriousConcern; sc != nil {
		line("protocol.serious_concern", fmt.Sprintf("logged with %q, who decides on a deep dive", sc.Role))
	} else {
		line("protocol.serious_concern", "(none: serious concerns are logged with every partnership role)")
	}
	for i, s := range c.Protocol.Stages {
		line(fmt.Sprintf("protocol.stages[%d]", i), fmt.Sprintf("%s %q (%s↔%s, %d days, urgent %d, ack %d)",
			s.Key, s.Name, s.RaiserTier, s.RespondentTier, s.Days, s.UrgentDays, s.AckDays))
	}
	r := c.Protocol.Referral
	line("protocol.referral", fmt.Sprintf("%q to %s via %s (%d days, ack %d)", r.Name, r.Body, r.Role, r.Days, r.AckDays))
	rt := c.Protocol.Routes
	line("protocol.routes.front_door", rt.FrontDoor)
	line("protocol.routes.police", rt.Police)
	line("protocol.routes.emergency", rt.Emergency)
	line("protocol.routes.dissent_procedure", rt.DissentProcedure)
	line("protocol.routes.whistleblowing", rt.Whistleblowing)
	line("protocol.routes.partnership_contact", rt.PartnershipContact)
	line("protocol.routes.mediation", rt.Mediation)
	line("protocol.routes.request_for_support", rt.RequestForSupport)
	keys := make([]string, len(c.Protocol.Categories))
	for i, k := range c.Protocol.Categories {
		keys[i] = k.Key
	}
	line("protocol.categories", strings.Join(keys, ", "))
	line("calendar.nation", c.Calendar.Nation)
	line("calendar.time_zone", c.Calendar.TimeZone)
	days := make([]string, len(c.Calendar.ClosureDays))
	for i, d := range c.Calendar.ClosureDays {
		days[i] = d.Format(time.DateOnly)
	}
	line("calendar.closure_days", strings.Join(days, ", "))
	line("calendar.workday", clock(c.Calendar.WorkdayStart)+"–"+clock(c.Calendar.WorkdayEnd))
	demo := ""
	if c.Directory.Demo {
		demo = " (built-in example)"
	}
	if len(c.Partnerships) == 0 {
		line("partnerships", "(none: the top level is the one partnership)")
	} else {
		line("partnerships", fmt.Sprintf("%d hosted", len(c.Partnerships)))
	}
	for i, p := range c.Partnerships {
		line(fmt.Sprintf("partnerships[%d]", i), fmt.Sprintf("%s: %s protocol %q, %d agencies, %d partnership roles, %d closure days",
			p.ID, p.Preset, p.Protocol.Name, len(p.Directory.Agencies), len(p.Directory.PartnershipRoles), len(p.Calendar.ClosureDays)))
	}
	line("neighbours", fmt.Sprintf("%d listed", len(c.Neighbours)))
	for i, n := range c.Neighbours {
		line(fmt.Sprintf("neighbours[%d]", i), fmt.Sprintf("%s: %s", n.Name, n.Contact))
	}
	line("directory", fmt.Sprintf("%d agencies, %d partnership roles, %d conference chairs%s", len(c.Directory.Agencies), len(c.Directory.PartnershipRoles), len(c.Directory.ConferenceChairs), demo))
	line("store.driver", c.Store.Driver)
	switch c.Store.Driver {
	case DriverRedis:
		line("store.redis_url", redactURL(c.Store.RedisURL))
		line("store.key_prefix", c.Store.KeyPrefix)
		line("store.id", c.Store.ID)
	default:
		line("store.path", c.Store.Path)
	}
	line("store.encryption_keys", keyringSummary(c.Store.EncryptionKeys))
	line("store.allow_plaintext", c.Store.AllowPlaintext)
	sc := c.Scheduler
	line("scheduler.due_pass", sc.DuePass)
	line("scheduler.digest", sc.Digest)
	line("scheduler.summary", sc.Summary)
	line("scheduler.reminder_days_before", sc.ReminderDaysBefore)
	line("scheduler.max_overdue_reminders", sc.MaxOverdueReminders)
	line("scheduler.quiet_hours.start", clock(sc.QuietStart))
	line("scheduler.quiet_hours.end", clock(sc.QuietEnd))
	summaryTo := strings.Join(sc.SummaryTo, ", ")
	if summaryTo == "" {
		summaryTo = "(the partnership roles)"
	}
	line("scheduler.summary_to", summaryTo)
	line("retention.closed_after", c.Retention.ClosedAfter)
	line("retention.purge", c.Retention.Purge)
	line("addr", c.Addr)
	line("admin_addr", orOff(c.AdminAddr))
	sv := c.Server
	line("server.timeouts", fmt.Sprintf("read_header %s, read %s, write %s, idle %s", sv.ReadHeaderTimeout, sv.ReadTimeout, sv.WriteTimeout, sv.IdleTimeout))
	line("server.limits", fmt.Sprintf("header %d bytes, body %d bytes, connections %d (0: from the open-file limit), per client %d, body reads per client %d",
		sv.MaxHeaderBytes, sv.MaxBodyBytes, sv.MaxConnections, sv.MaxClientConnections, sv.MaxClientBodyReads))
	line("server.trusted_proxies", sv.TrustedProxies)
	line("drafts.ttl", c.Drafts.TTL)
	line("slack.enabled", c.SlackEnabled())
	line("slack.command", c.Slack.Command)
	line("slack.api_url", c.Slack.APIURL)
	line("slack.pace", c.Slack.Pace)
	line("slack.bot_token", secret(c.Slack.BotToken))
	line("slack.signing_secret", secret(c.Slack.SigningSecret))
	line("slack.app_token", secret(c.Slack.AppToken))
	line("slack.client_id", c.Slack.ClientID)
	line("slack.client_secret", secret(c.Slack.ClientSecret))
	line("slack.redirect_url", c.Slack.RedirectURL)
	line("teams.enabled", c.TeamsEnabled())
	line("teams.app_id", c.Teams.AppID)
	line("teams.app_password", secret(c.Teams.AppPassword))
	line("teams.app_certificate", secret(string(c.Teams.AppCertificate)))
	line("teams.tenant_id", c.Teams.TenantID)
	line("teams.app_type", c.Teams.AppType)
	line("teams.insecure_no_auth", c.Teams.InsecureNoAuth)
	line("teams.openid_metadata_url", c.Teams.OpenIDMetadataURL)
	line("teams.token_authority", c.Teams.TokenAuthority)
	line("teams.service_urls", strings.Join(c.Teams.ServiceURLs, ", "))
	line("teams.issuers", strings.Join(c.Teams.Issuers, ", "))
	line("teams.registrations", fmt.Sprintf("%d more", len(c.Teams.Registrations)))
	for i, r := range c.Teams.Registrations {
		at := fmt.Sprintf("teams.registrations[%d].", i)
		line(at+"app_id", r.AppID)
		line(at+"tenant_id", r.TenantID)
		line(at+"password_env", r.PasswordEnv+" "+secret(r.AppPassword))
		line(at+"certificate_env", r.CertificateEnv+" "+secret(string(r.AppCertificate)))
		line(at+"token_authority", r.TokenAuthority)
	}
	em := c.Email
	line("email.enabled", em.Enabled)
	if em.Enabled {
		line("email.relay", fmt.Sprintf("%s:%d (%s), user %s, from %q <%s>, timeout %s", em.Host, em.Port, em.TLS, em.User, em.FromName, em.From, em.Timeout))
		line("email.base_url", em.BaseURL)
		line("email.operator", em.Operator)
		line("email.contact", em.Contact)
		line("email.ca_file", em.CAFile)
	}
	line("email.password", secret(em.Password))
	line("web.oidc.enabled", c.Web.OIDC.Enabled)
	line("web.oidc.issuer", c.Web.OIDC.Issuer)
	line("web.oidc.client_id", c.Web.OIDC.ClientID)
	line("web.oidc.name", c.Web.OIDC.Name)
	line("web.oidc.client_secret", secret(c.Web.OIDC.ClientSecret))
	line("log.level", c.Log.Level)
	line("log.format", c.Log.Format)
	if len(c.Protocol.Messages) == 0 {
		line("messages", "(none: the catalogue's wording)")
	} else {
		line("messages", fmt.Sprintf("%d changed: %s", len(c.Protocol.Messages), strings.Join(slices.Sorted(maps.Keys(c.Protocol.Messages)), ", ")))
	}
	line("tracing", tracingSummary(c.Tracing))
	return b.String()
}

func clock(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d.Hours()), int(d.Minutes())%60)
}

func redactURL(s string) string {
	if s == "" {
		return "(not set)"
	}
	u, err := url.Parse(s)
	if err != nil {
		return "(set, unparseable)"
	}
	return u.Redacted()
}

// Options are the explicit overrides given to Load, typically from command
// line flags. Empty fields override nothing.
type Options struct {
	// Path is the YAML file to read; "" falls back to RESOLVEBOT_CONFIG,
	// and then to no file at all.
	Path string
	// Addr overrides addr and RESOLVEBOT_ADDR.
	Addr string
	// AdminAddr overrides admin_addr and RESOLVEBOT_ADMIN_ADDR; AdminOff
	// (or "off") turns the admin listener off.
	AdminAddr string
	// Data overrides store.path and RESOLVEBOT_DATA.
	Data string
	// Getenv reads the environment; nil means os.Getenv. Tests pass a map
	// lookup here rather than changing the process environment.
	Getenv func(string) string
	// Packaging is set by commands that only write an install artefact
	// (the Slack app manifest, the Teams app package) and connect to
	// nothing: the Teams app id is enough, and a missing password or
	// certificate is not an error.
	Packaging bool
}

// defaults returns the built-in configuration before any layer is applied.
func defaults() *Config {
	p, err := Preset(DefaultPartnership)
	if err != nil {
		panic("config: the built-in generic preset is broken: " + err.Error())
	}
	return &Config{
		Partnership: DefaultPartnership,
		Protocol:    p,
		Calendar: Calendar{
			Nation:       NationEnglandAndWales,
			TimeZone:     "Europe/London",
			WorkdayStart: 9 * time.Hour,
			WorkdayEnd:   17 * time.Hour,
		},
		Directory: demoDirectory(),
		Store:     Store{Driver: DriverBolt, Path: "resolvebot.db", KeyPrefix: "resolvebot"},
		Addr:      ":3978",
		AdminAddr: DefaultAdminAddr,
		Server:    defaultServer(),
		Drafts:    Drafts{TTL: 72 * time.Hour},
		Scheduler: defaultScheduler(),
		Retention: defaultRetention(),
		Slack:     Slack{Command: "/resolve", Pace: true},
		Teams:     Teams{OpenIDMetadataURL: DefaultTeamsOpenIDMetadataURL},
		Log:       Log{Level: "info", Format: "auto"},
	}
}

// Load builds the configuration from built-in defaults, then the YAML file
// (opts.Path, else RESOLVEBOT_CONFIG, else none), then the environment, then
// opts, and validates the result.
//
// Problems lists everything found, errors and warnings, each with its place.
// The error is non-nil, and the *Config nil, only when the configuration is
// unusable: the file cannot be read, it is not valid YAML, or any problem has
// severity error. A missing path is no error: defaults are used.
func Load(opts Options) (*Config, Problems, error) {
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	col := newCollector()
	cfg := defaults()

	path := opts.Path
	if path == "" {
		path = getenv(EnvConfig)
	}
	var f fileSettings
	if path != "" {
		cfg.File = path
		data, err := os.ReadFile(path)
		if err != nil {
			col.add(SeverityError, path, "cannot read the config file: %v", err)
			return nil, col.probs, fmt.Errorf("read config %s: %w", path, err)
		}
		if err := decodeFile(path, data, cfg, &f, col); err != nil {
			return nil, col.probs, fmt.Errorf("parse config %s: %w", path, err)
		}
	}
	applyEnv(cfg, &f, getenv, col)
	if opts.Addr != "" {
		cfg.Addr = opts.Addr
		col.set("addr", "Options.Addr")
	}
	if opts.AdminAddr != "" {
		cfg.AdminAddr = opts.AdminAddr
		col.set("admin_addr", "Options.AdminAddr")
	}
	if opts.Data != "" {
		cfg.Store.Path = opts.Data
		col.set("store.path", "Options.Data")
	}
	validate(cfg, &f, col, opts.Packaging)
	if col.probs.HasErrors() {
		return nil, col.probs, fmt.Errorf("config has %s", col.probs.Summary())
	}
	return cfg, col.probs, nil
}

// orOff shows an address, or "off" for none.
func orOff(addr string) string {
	if addr == "" {
		return AdminOff
	}
	return addr
}
