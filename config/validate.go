package config

import (
	"errors"
	"fmt"
	"maps"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/resolvebot/resolvebot/conversation"
)

// applyEnv applies the environment layer on top of the file.
func applyEnv(cfg *Config, f *fileSettings, getenv func(string) string, col *collector) {
	walkSettings(fileKeys(cfg, f), "", func(path string, fl field) {
		if fl.env == "" {
			return
		}
		v := strings.TrimSpace(getenv(fl.env))
		if v == "" {
			return
		}
		col.set(path, "env "+fl.env)
		switch {
		case fl.setEnv != nil:
			fl.setEnv(v, col)
		default:
			*fl.dst.(*string) = v
		}
	})
	if strings.TrimSpace(getenv(EnvRedisURL)) != "" {
		switch f.storeDriver {
		case "":
			cfg.Store.Driver = DriverRedis
			col.set("store.driver", "env "+EnvRedisURL)
		case DriverBolt:
			col.warnAt("store.driver", "%s is set but the file chooses the bolt store, so Redis is not used", EnvRedisURL)
		}
	}
	applyTracingEnv(cfg, getenv, col)
	applyTeamsRegistrationsEnv(cfg, getenv, col)
}

// walkSettings calls fn for each setting of fs and of their sub-mappings,
// with its path, in table order. The keys of list items are not visited.
func walkSettings(fs []field, path string, fn func(path string, f field)) {
	for _, f := range fs {
		if f.refused != "" {
			continue
		}
		at := joinPath(path, f.key)
		fn(at, f)
		if f.items != nil && !f.isList() {
			walkSettings(f.items, at, fn)
		}
	}
}

// frontDoorFallback is used when neither the preset nor the file gives a
// front-door number, so the immediate-risk route still says where to go.
const frontDoorFallback = "your local children's services front door"

// validate checks the merged configuration, fills derived values and adds
// every problem to col. packaging is Options.Packaging.
func validate(cfg *Config, f *fileSettings, col *collector, packaging bool) {
	if !f.partnershipsSet {
		validateProtocol(cfg, col) // otherwise each partnership's (validatePartnerships)
	}
	validateMessages(cfg, col)
	validateCalendar(cfg, f, col)
	if f.partnershipsSet {
		validatePartnerships(cfg, f, col)
	} else {
		validateNeighbours(cfg, col)
		validateDirectory(cfg, f, col)
	}
	validateStore(cfg, col)
	validateProtection(cfg, col)
	if err := checkAddr(cfg.Addr); err != nil {
		col.errorAt("addr", "%v", err)
	}
	validateAdminAddr(cfg, col)
	if cfg.Drafts.TTL <= 0 {
		col.errorAt("drafts.ttl", "must be longer than zero, for example 72h")
	}
	validateSlack(cfg, col)
	validateTeams(cfg, col, packaging)
	validateEmail(cfg, col)
	validateWeb(cfg, col)
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, cfg.Log.Level) {
		col.errorAt("log.level", "unknown level %q; choose one of: debug, info, warn, error", cfg.Log.Level)
	}
	if !slices.Contains([]string{"auto", "text", "json"}, cfg.Log.Format) {
		col.errorAt("log.format", "unknown format %q; choose one of: auto, text, json", cfg.Log.Format)
	}
}

func validateProtocol(cfg *Config, col *collector) {
	p := &cfg.Protocol
	p.Key = cfg.Partnership
	if p.Routes.Emergency == "" {
		p.Routes.Emergency = "999"
	}
	if p.Routes.FrontDoor == "" {
		// The value comes from the preset, never the file: place it there.
		col.add(SeverityWarning, "protocol.routes.front_door",
			"the %s preset has no front-door number; set protocol.routes.front_door to your area's number (until then people are told: %q)",
			cfg.Partnership, frontDoorFallback)
		p.Routes.FrontDoor = frontDoorFallback
	}
	fields := p.Validate()
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		col.errorAt("protocol."+k, "%s", fields[k])
	}
	validateCategories(p.Categories, col)
}

// validateCategories checks that each category has a key, used once, and
// a name: cases keep the key, and people see the name.
func validateCategories(cats []conversation.Category, col *collector) {
	seen := map[string]bool{}
	for i, c := range cats {
		at := fmt.Sprintf("protocol.categories[%d]", i)
		switch {
		case strings.TrimSpace(c.Key) == "":
			col.errorAt(at+".key", "a category needs a key")
		case seen[c.Key]:
			col.errorAt(at+".key", "the key %s is used by two categories", c.Key)
		}
		seen[c.Key] = true
		if strings.TrimSpace(c.Name) == "" {
			col.errorAt(at+".name", "a category needs a name")
		}
	}
}

func validateCalendar(cfg *Config, f *fileSettings, col *collector) {
	c := &cfg.Calendar
	if c.Nation != NationEnglandAndWales {
		col.errorAt("calendar.nation", "unsupported nation %q; the supported one is %s", c.Nation, NationEnglandAndWales)
	}
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil || c.TimeZone == "" {
		col.errorAt("calendar.time_zone", "unknown time zone %q; use an IANA name such as Europe/London", c.TimeZone)
		loc = time.UTC
	}
	c.Location = loc
	c.ClosureDays = nil
	for _, d := range f.closureDays {
		c.ClosureDays = append(c.ClosureDays, time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc))
	}
	if c.WorkdayStart >= c.WorkdayEnd {
		col.errorAt("calendar.workday_end", "the working day must end after it starts (%s–%s)", clock(c.WorkdayStart), clock(c.WorkdayEnd))
	}
}

func validateDirectory(cfg *Config, f *fileSettings, col *collector) {
	if !f.directorySet {
		col.warnAt("directory", "no directory is configured, so the built-in example directory (fictional agencies and example.org contacts) is used; list your agencies under directory.agencies")
		cfg.AddDemoRoles()
		return
	}
	validateDirectoryAt(cfg, &cfg.Directory, &cfg.Protocol, "directory", col)
}

// validateDirectoryAt checks the directory dir of protocol p, found at
// path in the file.
func validateDirectoryAt(cfg *Config, dir *Directory, p *conversation.Protocol, path string, col *collector) {
	if len(dir.Agencies) == 0 {
		col.warnAt(path+".agencies", "no agencies are listed, so nobody can be found to escalate to at manager level and above")
	}
	validateDuplicates(*dir, path, col)
	for i, a := range dir.Agencies {
		validateReach(cfg, a, fmt.Sprintf("%s.agencies[%d].reach", path, i), col)
		if len(a.ReferenceFormats) == 0 && a.ReferenceExample == "" {
			continue
		}
		at := fmt.Sprintf("%s.agencies[%d]", path, i)
		if len(a.ReferenceFormats) == 0 {
			col.errorAt(at+".reference_example", "a reference_example needs reference_formats to be an example of (for example reference_formats: [\"CSC-\\\\d{6}\"])")
			continue
		}
		_, err := conversation.CompileReferenceFormat(a.ReferenceFormats, a.ReferenceExample)
		var fe *conversation.ReferenceFormatError
		switch {
		case errors.As(err, &fe) && fe.Pattern >= 0:
			col.errorAt(fmt.Sprintf("%s.reference_formats[%d]", at, fe.Pattern), "%s", fe.Msg)
		case err != nil:
			col.errorAt(at+".reference_example", "%s", err)
		}
	}
	if len(dir.PartnershipRoles) == 0 {
		col.warnAt(path+".partnership_roles", "no partnership roles are listed, so referrals to the partnership reach nobody; add at least the partnership manager")
	}
	if od := p.Observations; od != nil && len(dir.ConferenceChairs) == 0 {
		col.warnAt(path+".conference_chairs", "no conference chairs are listed, so nobody can log a difference seen in a conference or review for %s; list the %s's %ss", od.ReportTo, od.Service, od.Role)
	}
	if role := p.SeriousConcernRole(); role != "" && !slices.ContainsFunc(dir.PartnershipRoles, func(r PartnershipRole) bool {
		return (conversation.Actor{Roles: []string{r.Role}}).Holds(role)
	}) {
		col.warnAt(path+".partnership_roles", "no partnership role is %q, so serious concerns go to every partnership role and nobody can record the deep-dive decision; give that role to the person who holds it", role)
	}
}

// AddDemoRoles gives the built-in example directory an example holder of
// each role the protocol names (its serious-concern role), so the console
// shows the whole protocol out of the box. Load calls it; call it again
// after changing the protocol of a loaded configuration. It does nothing to
// a configured directory.
func (cfg *Config) AddDemoRoles() {
	if cfg.Directory.Demo && cfg.Protocol.Observations != nil && len(cfg.Directory.ConferenceChairs) == 0 {
		cfg.Directory.ConferenceChairs = []Contact{{Name: "Conference Chair (example)", Email: "conference.chair@example.org"}}
	}
	role := cfg.Protocol.SeriousConcernRole()
	if !cfg.Directory.Demo || role == "" || slices.ContainsFunc(cfg.Directory.PartnershipRoles, func(r PartnershipRole) bool { return r.Role == role }) {
		return
	}
	cfg.Directory.PartnershipRoles = append(cfg.Directory.PartnershipRoles,
		PartnershipRole{Name: "Serious Concern Chair (example)", Email: "serious.concern.chair@example.org", Role: role})
}

// ReachWays are the ways an agency's reach list may name.
var ReachWays = []string{"slack", "teams", "email"}

// validateReach checks an agency's reach list at path: known ways, each
// once, at least one; email without an email section is a warning.
func validateReach(cfg *Config, a Agency, path string, col *collector) {
	if a.Reach == nil {
		return
	}
	if len(a.Reach) == 0 {
		col.errorAt(path, "name at least one way to reach the agency's people (%s), or leave reach out", strings.Join(ReachWays, ", "))
		return
	}
	seen := map[string]bool{}
	for j, w := range a.Reach {
		at := fmt.Sprintf("%s[%d]", path, j)
		switch {
		case !slices.Contains(ReachWays, w):
			col.errorAt(at, "unknown way %q; use %s", w, strings.Join(ReachWays, ", "))
		case seen[w]:
			col.errorAt(at, "%s is listed twice", w)
		}
		seen[w] = true
	}
	if seen["email"] && !cfg.Email.Enabled {
		col.warnAt(path, "%s's people are to be reached by email, but there is no email section, so nobody is emailed; they are reached on Slack or Teams where they can be", a.Key)
	}
}

func validateStore(cfg *Config, col *collector) {
	s := &cfg.Store
	switch s.Driver {
	case DriverBolt:
		if s.Path == "" {
			col.errorAt("store.path", "the bolt store needs a file path")
		}
	case DriverRedis:
		if s.RedisURL == "" {
			col.errorAt("store.driver", "the redis store needs %s set in the environment", EnvRedisURL)
		} else if u, err := url.Parse(s.RedisURL); err != nil || !slices.Contains([]string{"redis", "rediss", "unix"}, u.Scheme) {
			// Never print the URL: it may carry a password.
			col.errorAt("store.redis_url", "%s is not a redis://, rediss:// or unix:// URL", EnvRedisURL)
		}
		if s.KeyPrefix == "" {
			col.errorAt("store.key_prefix", "the redis store needs a key prefix")
		}
	default:
		col.errorAt("store.driver", "unknown store driver %q; choose %s or %s", s.Driver, DriverBolt, DriverRedis)
	}
}

func checkAddr(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not a listen address such as :3978 or 127.0.0.1:3978", addr)
	}
	_ = host
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("%q does not end in a port number (0–65535)", addr)
	}
	return nil
}

// maxSlashCommand is the longest slash command Slack's app manifest
// schema accepts, "/" included.
const maxSlashCommand = 32

func validateSlack(cfg *Config, col *collector) {
	s := &cfg.Slack
	if !strings.HasPrefix(s.Command, "/") || len(s.Command) < 2 || strings.ContainsAny(s.Command, " \t") {
		col.errorAt("slack.command", "a slash command starts with / and has no spaces, for example /resolve; got %q", s.Command)
	} else if n := utf8.RuneCountInString(s.Command); n > maxSlashCommand {
		col.errorAt("slack.command", "a slash command is at most %d characters, / included (Slack's limit); %q is %d", maxSlashCommand, s.Command, n)
	}
	if s.APIURL != "" {
		u, err := url.Parse(s.APIURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			col.errorAt("slack.api_url", "%q is not an http(s) URL", s.APIURL)
		} else if !strings.HasSuffix(s.APIURL, "/") {
			s.APIURL += "/"
		}
	}
	switch {
	case s.BotToken != "" && s.SigningSecret == "" && s.AppToken == "":
		col.errorAt("slack.bot_token", "Slack has a bot token but neither %s (HTTP) nor %s (Socket Mode); requests could not be verified, so set one of them",
			EnvSlackSigningSecret, EnvSlackAppToken)
	case s.BotToken == "" && s.ClientID == "" && (s.SigningSecret != "" || s.AppToken != ""):
		col.warnAt("slack.bot_token", "Slack secrets are set but %s is not, so Slack stays off", EnvSlackBotToken)
	}
	validateSlackInstalls(cfg, col)
	if s.AppToken != "" && !strings.HasPrefix(s.AppToken, "xapp-") {
		col.warnAt("slack.app_token", "%s does not start with xapp-; Socket Mode needs an app-level token", EnvSlackAppToken)
	}
}

func validateTeams(cfg *Config, col *collector, packaging bool) {
	t := &cfg.Teams
	if t.AppType == "" {
		if t.TenantID != "" {
			t.AppType = TeamsSingleTenant
		} else if t.AppID != "" {
			t.AppType = TeamsMultiTenant
		}
	} else {
		valid := false
		for _, v := range []string{TeamsSingleTenant, TeamsMultiTenant, TeamsUserAssignedMSI} {
			if strings.EqualFold(t.AppType, v) {
				t.AppType, valid = v, true
			}
		}
		if !valid {
			col.errorAt("teams.app_type", "unknown app type %q; choose %s, %s or %s", t.AppType, TeamsSingleTenant, TeamsMultiTenant, TeamsUserAssignedMSI)
		}
	}
	if t.AppID != "" {
		if t.AppPassword == "" && len(t.AppCertificate) == 0 && t.AppType != TeamsUserAssignedMSI && !packaging {
			col.errorAt("teams.app_id", "Teams has an app id but no %s or %s", EnvTeamsAppPassword, EnvTeamsAppCertificate)
		}
		if t.AppPassword != "" && len(t.AppCertificate) > 0 {
			col.warnAt("teams.app_certificate", "both %s and %s are set; the certificate is used", EnvTeamsAppPassword, EnvTeamsAppCertificate)
		}
		if (t.AppType == TeamsSingleTenant || t.AppType == TeamsUserAssignedMSI) && t.TenantID == "" {
			col.errorAt("teams.app_type", "a %s bot needs %s", t.AppType, EnvTeamsTenantID)
		}
	} else if t.AppPassword != "" || len(t.AppCertificate) > 0 || t.TenantID != "" {
		col.warnAt("teams.app_id", "Teams secrets are set but %s is not, so Teams stays off", EnvTeamsAppID)
	}
	validateTeamsURLs(t, col)
	validateTeamsRegistrations(t, col, packaging)
	if t.InsecureNoAuth {
		col.warnAt("teams.insecure_no_auth", "Teams requests are NOT authenticated; use this only with the local emulator, never in production")
	}
}
