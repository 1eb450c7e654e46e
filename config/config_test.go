package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
)

// env returns a Getenv that reads only m, so tests never touch the process
// environment.
func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// writeFile writes body to resolvebot.yaml in a fresh temp dir and returns
// its path.
func writeFile(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "resolvebot.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func mustLoad(t *testing.T, opts Options) (*Config, Problems) {
	t.Helper()
	if opts.Getenv == nil {
		opts.Getenv = env(nil)
	}
	cfg, probs, err := Load(opts)
	if err != nil {
		t.Fatalf("Load: %v\n%s", err, probs)
	}
	return cfg, probs
}

func hasProblem(ps Problems, severity, substr string) bool {
	for _, p := range ps {
		if p.Severity == severity && strings.Contains(p.String(), substr) {
			return true
		}
	}
	return false
}

func TestDefaults(t *testing.T) {
	cfg, probs := mustLoad(t, Options{})
	if probs.HasErrors() {
		t.Fatalf("errors in defaults:\n%s", probs)
	}
	if err := cfg.Protocol.Validate(); err != nil {
		t.Fatalf("default protocol: %v", err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"file", cfg.File, ""},
		{"partnership", cfg.Partnership, "generic"},
		{"protocol key", cfg.Protocol.Key, "generic"},
		{"categories", len(cfg.Protocol.Categories), len(conversation.DefaultCategories())},
		{"addr", cfg.Addr, ":3978"},
		{"driver", cfg.Store.Driver, DriverBolt},
		{"path", cfg.Store.Path, "resolvebot.db"},
		{"prefix", cfg.Store.KeyPrefix, "resolvebot"},
		{"ttl", cfg.Drafts.TTL, 72 * time.Hour},
		{"command", cfg.Slack.Command, "/resolve"},
		{"nation", cfg.Calendar.Nation, NationEnglandAndWales},
		{"zone", cfg.Calendar.Location.String(), "Europe/London"},
		{"start", cfg.Calendar.WorkdayStart, 9 * time.Hour},
		{"end", cfg.Calendar.WorkdayEnd, 17 * time.Hour},
		{"demo", cfg.Directory.Demo, true},
		{"emergency", cfg.Protocol.Routes.Emergency, "999"},
		{"front door", cfg.Protocol.Routes.FrontDoor, frontDoorFallback},
		{"level", cfg.Log.Level, "info"},
		{"format", cfg.Log.Format, "auto"},
		{"slack", cfg.SlackEnabled(), false},
		{"teams", cfg.TeamsEnabled(), false},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if n := len(cfg.Directory.Agencies); n < 4 || n > 5 {
		t.Errorf("demo directory has %d agencies, want 4–5", n)
	}
	for _, a := range cfg.Directory.Agencies {
		for _, tier := range []string{conversation.TierManager, conversation.TierSeniorManager, conversation.TierLeader} {
			cs := a.Contacts.ForTier(tier)
			if len(cs) == 0 {
				t.Errorf("demo agency %s has no %s", a.Key, tier)
			}
			for _, c := range cs {
				if !strings.HasSuffix(c.Email, "@example.org") {
					t.Errorf("demo contact %s is not at example.org", c.Email)
				}
			}
		}
	}
	if len(cfg.Directory.PartnershipRoles) != 1 || cfg.Directory.PartnershipRoles[0].Role != "partnership manager" {
		t.Errorf("demo partnership roles = %+v", cfg.Directory.PartnershipRoles)
	}
	if !hasProblem(probs, SeverityWarning, "built-in example directory") {
		t.Errorf("no warning about the demo directory:\n%s", probs)
	}
	if !hasProblem(probs, SeverityWarning, "protocol.routes.front_door") {
		t.Errorf("no warning about the missing front door:\n%s", probs)
	}
}

func TestPresetKeys(t *testing.T) {
	want := []string{"devon", "generic", "plymouth", "rotherham", "wiltshire"}
	if got := PresetKeys(); !slices.Equal(got, want) {
		t.Fatalf("PresetKeys() = %v, want %v", got, want)
	}
	if _, err := Preset("nowhere"); err == nil {
		t.Error("Preset(nowhere) gave no error")
	}
	if _, err := Preset("../config"); err == nil {
		t.Error("Preset(../config) gave no error")
	}
}

func TestPresets(t *testing.T) {
	tests := []struct {
		key          string
		name         string
		partnership  string
		stages       []string
		body         string
		frontDoor    string // "" when the document has none
		contact      string
		dissent      string
		mediation    string
		categoryKeys []string
	}{
		{
			key: "generic", name: "Case Resolution Protocol", partnership: "Safeguarding Children Partnership",
			stages:       []string{"Professional to Professional", "Manager to Manager", "Senior Manager to Senior Manager", "Leader to Leader"},
			body:         "Safeguarding Children Partnership",
			categoryKeys: []string{"threshold", "roles", "communication", "services", "plans", "step", "meetings"},
		},
		{
			key: "wiltshire", name: "Case Resolution Protocol", partnership: "Wiltshire Safeguarding Children Board (WSCB)",
			stages:  []string{"Professional to Professional", "Manager to Manager", "Senior Manager to Senior Manager", "Leader to Leader"},
			body:    "WSCB QA&P Sub Group",
			contact: "lscb@wiltshire.gov.uk", dissent: "Dissent Procedure", mediation: "the Independent Chair or another partner organisation best suited to the issue",
			categoryKeys: []string{"threshold", "roles", "communication", "services", "plans", "step", "meetings"},
		},
		{
			key: "devon", name: "Conflict Resolution and Case Resolution Protocol", partnership: "Devon Safeguarding Children Partnership (Devon SCP)",
			stages: []string{"Stage 1: Practitioner to practitioner", "Stage 2: Manager to manager",
				"Stage 3: Senior manager to senior manager", "Stage 4: Leader to leader"},
			body: "Devon SCP Practice Development Group (PDG)", frontDoor: "0345 155 1071",
			contact: "Devon SCP Manager", mediation: "restorative facilitator",
			categoryKeys: []string{"threshold", "roles", "communication", "services", "plans", "step", "conferences"},
		},
		{
			key: "plymouth", name: "Case Resolution Protocol", partnership: "Plymouth Safeguarding Children Partnership",
			stages: []string{"Frontline practitioner to frontline practitioner", "Manager to manager",
				"Senior manager to senior manager", "Strategic manager to strategic manager"},
			body:         "Plymouth Safeguarding Children Partnership",
			categoryKeys: []string{"threshold", "roles", "communication", "services", "plans", "step", "meetings"},
		},
		{
			key: "rotherham", name: "Practice Resolution Protocol", partnership: "Rotherham Safeguarding Children Partnership",
			stages:       []string{"Practitioner to practitioner", "Manager to manager", "Senior manager to senior manager", "Leader to leader"},
			body:         "Rotherham Safeguarding Children Partnership",
			categoryKeys: []string{"referrals", "assessment", "services", "looked_after", "meetings"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			raw, err := Preset(tt.key)
			if err != nil {
				t.Fatal(err)
			}
			if raw.Routes.FrontDoor != tt.frontDoor {
				t.Errorf("preset front door = %q, want %q (never invent numbers)", raw.Routes.FrontDoor, tt.frontDoor)
			}
			cfg, probs := mustLoad(t, Options{Path: writeFile(t, "partnership: "+tt.key+"\n")})
			p := cfg.Protocol
			if err := p.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			if p.Key != tt.key || p.Name != tt.name || p.Partnership != tt.partnership || p.Referral.Body != tt.body {
				t.Errorf("got key %q name %q partnership %q body %q", p.Key, p.Name, p.Partnership, p.Referral.Body)
			}
			var names []string
			for i, s := range p.Stages {
				names = append(names, s.Name)
				if want := []string{"professional", "manager", "senior_manager", "leader"}[i]; s.Key != want || s.RaiserTier != want || s.RespondentTier != want {
					t.Errorf("stage %d: key %q tiers %q/%q, want %q", i, s.Key, s.RaiserTier, s.RespondentTier, want)
				}
				if s.Days != 5 || s.UrgentDays != 1 || s.AckDays != 1 {
					t.Errorf("stage %d: timescales %d/%d/%d, want 5/1/1", i, s.Days, s.UrgentDays, s.AckDays)
				}
				if s.Guidance == "" {
					t.Errorf("stage %d has no guidance", i)
				}
			}
			if !slices.Equal(names, tt.stages) {
				t.Errorf("stage names = %q, want %q", names, tt.stages)
			}
			if p.Referral.Days != 10 || p.Referral.AckDays != 2 || p.Referral.Guidance == "" || p.Referral.Role == "" {
				t.Errorf("referral = %+v", p.Referral)
			}
			if p.Routes.Emergency != "999" {
				t.Errorf("emergency = %q", p.Routes.Emergency)
			}
			warned := hasProblem(probs, SeverityWarning, "the "+tt.key+" preset has no front-door number")
			if tt.frontDoor == "" && (!warned || p.Routes.FrontDoor != frontDoorFallback) {
				t.Errorf("no front door: warned %v, front door %q", warned, p.Routes.FrontDoor)
			}
			if tt.frontDoor != "" && (warned || p.Routes.FrontDoor != tt.frontDoor) {
				t.Errorf("front door %q: warned %v, got %q", tt.frontDoor, warned, p.Routes.FrontDoor)
			}
			for _, c := range []struct{ got, want string }{
				{p.Routes.PartnershipContact, tt.contact}, {p.Routes.DissentProcedure, tt.dissent}, {p.Routes.Mediation, tt.mediation},
			} {
				if !strings.Contains(c.got, c.want) {
					t.Errorf("route %q does not mention %q", c.got, c.want)
				}
			}
			var keys []string
			for _, c := range p.Categories {
				keys = append(keys, c.Key)
			}
			if !slices.Equal(keys, tt.categoryKeys) {
				t.Errorf("categories = %v, want %v", keys, tt.categoryKeys)
			}
		})
	}
}

func TestPresetFilesSayTimescalesAreAssumed(t *testing.T) {
	for _, k := range PresetKeys() {
		b, err := presetFS.ReadFile("presets/" + k + ".yaml")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "# Timescales:") {
			t.Errorf("%s.yaml has no comment explaining its timescales", k)
		}
	}
}

// TestPartnershipShortName: a file naming its own partnership does not
// keep the preset's short name, which is another partnership's; it may
// give its own.
func TestPartnershipShortName(t *testing.T) {
	tests := []struct{ body, want string }{
		{"partnership: devon\n", "Devon SCP"},
		{"partnership: devon\nprotocol:\n  partnership: Torbay Safeguarding Children Partnership\n", ""},
		{"partnership: devon\nprotocol:\n  partnership: Torbay Safeguarding Children Partnership\n  partnership_short: Torbay SCP\n", "Torbay SCP"},
	}
	for _, tt := range tests {
		cfg, _ := mustLoad(t, Options{Path: writeFile(t, tt.body)})
		if got := cfg.Protocol.PartnershipShort; got != tt.want {
			t.Errorf("%q: short name %q, want %q", tt.body, got, tt.want)
		}
	}
}

func TestProtocolOverrides(t *testing.T) {
	cfg, probs := mustLoad(t, Options{Path: writeFile(t, `
partnership: wiltshire
protocol:
  name: Our Protocol
  referral:
    days: 15
  routes:
    front_door: 01225 000000
    police: ""
  categories:
    - {key: threshold, name: Threshold}
`)})
	p := cfg.Protocol
	if p.Name != "Our Protocol" || p.Partnership != "Wiltshire Safeguarding Children Board (WSCB)" || p.PartnershipShort != "WSCB" {
		t.Errorf("name/partnership/short = %q/%q/%q", p.Name, p.Partnership, p.PartnershipShort)
	}
	if p.Referral.Days != 15 || p.Referral.AckDays != 2 || p.Referral.Body != "WSCB QA&P Sub Group" {
		t.Errorf("referral not merged field-wise: %+v", p.Referral)
	}
	if p.Routes.FrontDoor != "01225 000000" || p.Routes.PartnershipContact != "lscb@wiltshire.gov.uk" {
		t.Errorf("routes not merged field-wise: %+v", p.Routes)
	}
	if len(p.Categories) != 1 || len(p.Stages) != 4 {
		t.Errorf("categories %d stages %d", len(p.Categories), len(p.Stages))
	}
	if hasProblem(probs, SeverityWarning, "front_door") {
		t.Errorf("front door warning despite override:\n%s", probs)
	}
}

func TestStagesReplace(t *testing.T) {
	cfg, _ := mustLoad(t, Options{Path: writeFile(t, `
protocol:
  stages:
    - {key: professional, name: One, raiser_tier: professional, days: 3, urgent_days: 1, ack_days: 1}
    - {key: manager, name: Two, raiser_tier: manager, respondent_tier: manager, days: 3, urgent_days: 1, ack_days: 1}
`)})
	s := cfg.Protocol.Stages
	if len(s) != 2 || s[0].Name != "One" || s[0].RespondentTier != "professional" || s[1].Days != 3 {
		t.Errorf("stages = %+v", s)
	}
}

func TestFullFile(t *testing.T) {
	cfg, probs := mustLoad(t, Options{Path: writeFile(t, `
partnership: devon
calendar:
  time_zone: Europe/London
  closure_days: [2025-12-24, "2025-12-31"]
  workday_start: "08:30"
  workday_end: "16:30"
directory:
  agencies:
    - key: csc
      name: Children's Social Care
      contacts:
        manager: [{name: Ann Manager, email: ann@council.example}]
        leader:
          - {name: Lee Leader, email: lee@council.example}
  partnership_roles:
    - {name: Pat, email: pat@scp.example, role: partnership manager}
store: {driver: bolt, path: /var/lib/resolvebot/cases.db}
drafts: {ttl: 24h}
slack: {command: /escalate, api_url: "http://127.0.0.1:9000/api"}
teams: {insecure_no_auth: true}
log: {level: debug, format: json}
`)})
	if cfg.Directory.Demo || len(cfg.Directory.Agencies) != 1 {
		t.Fatalf("directory = %+v", cfg.Directory)
	}
	a := cfg.Directory.Agencies[0]
	if a.Contacts.Manager[0].Email != "ann@council.example" || a.Contacts.Leader[0].Name != "Lee Leader" || a.Contacts.SeniorManager != nil {
		t.Errorf("contacts = %+v", a.Contacts)
	}
	loc, _ := time.LoadLocation("Europe/London")
	want := []time.Time{time.Date(2025, 12, 24, 0, 0, 0, 0, loc), time.Date(2025, 12, 31, 0, 0, 0, 0, loc)}
	if !slices.EqualFunc(cfg.Calendar.ClosureDays, want, time.Time.Equal) {
		t.Errorf("closure days = %v", cfg.Calendar.ClosureDays)
	}
	if cfg.Calendar.WorkdayStart != 8*time.Hour+30*time.Minute || cfg.Calendar.WorkdayEnd != 16*time.Hour+30*time.Minute {
		t.Errorf("workday = %v–%v", cfg.Calendar.WorkdayStart, cfg.Calendar.WorkdayEnd)
	}
	if cfg.Store.Path != "/var/lib/resolvebot/cases.db" || cfg.Drafts.TTL != 24*time.Hour {
		t.Errorf("store %+v ttl %v", cfg.Store, cfg.Drafts.TTL)
	}
	if cfg.Slack.Command != "/escalate" || cfg.Slack.APIURL != "http://127.0.0.1:9000/api/" {
		t.Errorf("slack = %+v", cfg.Slack)
	}
	if !cfg.Teams.InsecureNoAuth || !cfg.TeamsEnabled() || !hasProblem(probs, SeverityWarning, "NOT authenticated") {
		t.Errorf("insecure teams: %+v\n%s", cfg.Teams, probs)
	}
	if cfg.Log.Level != "debug" || cfg.Log.Format != "json" {
		t.Errorf("log = %+v", cfg.Log)
	}
	if hasProblem(probs, SeverityWarning, "example directory") {
		t.Errorf("demo warning with a real directory:\n%s", probs)
	}
}

func TestEnv(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		env   map[string]string
		check func(t *testing.T, c *Config, ps Problems)
	}{
		{"config path from env", "", map[string]string{EnvConfig: "FILE"}, func(t *testing.T, c *Config, _ Problems) {
			if c.Partnership != "rotherham" {
				t.Errorf("partnership = %q", c.Partnership)
			}
		}},
		{"addr and data", "", map[string]string{EnvAddr: "127.0.0.1:8080", EnvData: "/data/x.db"}, func(t *testing.T, c *Config, _ Problems) {
			if c.Addr != "127.0.0.1:8080" || c.Store.Path != "/data/x.db" {
				t.Errorf("addr %q path %q", c.Addr, c.Store.Path)
			}
		}},
		{"redis url implies redis", "", map[string]string{EnvRedisURL: "redis://:pw@localhost:6379/0", EnvEncryptionKeys: testKey}, func(t *testing.T, c *Config, _ Problems) {
			if c.Store.Driver != DriverRedis || c.Store.RedisURL != "redis://:pw@localhost:6379/0" {
				t.Errorf("store = %+v", c.Store)
			}
		}},
		{"explicit bolt wins over redis url", "store: {driver: bolt}\n", map[string]string{EnvRedisURL: "redis://localhost"}, func(t *testing.T, c *Config, ps Problems) {
			if c.Store.Driver != DriverBolt || !hasProblem(ps, SeverityWarning, "REDIS_URL is set") {
				t.Errorf("store = %+v\n%s", c.Store, ps)
			}
		}},
		{"slack http", "", map[string]string{EnvSlackBotToken: "xoxb-1", EnvSlackSigningSecret: "s3cret", EnvSlackAPIURL: "http://localhost:1/api/"}, func(t *testing.T, c *Config, _ Problems) {
			if !c.SlackEnabled() || c.Slack.SigningSecret != "s3cret" || c.Slack.APIURL != "http://localhost:1/api/" {
				t.Errorf("slack = %+v", c.Slack)
			}
		}},
		{"slack socket mode", "", map[string]string{EnvSlackBotToken: "xoxb-1", EnvSlackAppToken: "xapp-1"}, func(t *testing.T, c *Config, _ Problems) {
			if !c.SlackEnabled() || c.Slack.AppToken != "xapp-1" {
				t.Errorf("slack = %+v", c.Slack)
			}
		}},
		{"teams single tenant by default with a tenant", "", map[string]string{EnvTeamsAppID: "id", EnvTeamsAppPassword: "pw", EnvTeamsTenantID: "tenant"}, func(t *testing.T, c *Config, _ Problems) {
			if !c.TeamsEnabled() || c.Teams.AppType != TeamsSingleTenant || c.Teams.TenantID != "tenant" {
				t.Errorf("teams = %+v", c.Teams)
			}
		}},
		{"teams multi tenant", "", map[string]string{EnvTeamsAppID: "id", EnvTeamsAppPassword: "pw", EnvTeamsAppType: "multitenant"}, func(t *testing.T, c *Config, _ Problems) {
			if c.Teams.AppType != TeamsMultiTenant {
				t.Errorf("teams = %+v", c.Teams)
			}
		}},
		{"teams managed identity needs no password", "", map[string]string{EnvTeamsAppID: "id", EnvTeamsTenantID: "t", EnvTeamsAppType: "UserAssignedMSI"}, func(t *testing.T, c *Config, _ Problems) {
			if c.Teams.AppType != TeamsUserAssignedMSI {
				t.Errorf("teams = %+v", c.Teams)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := map[string]string{}
			for k, v := range tt.env {
				e[k] = v
			}
			opts := Options{Getenv: env(e)}
			if e[EnvConfig] == "FILE" {
				e[EnvConfig] = writeFile(t, "partnership: rotherham\n")
			} else if tt.file != "" {
				opts.Path = writeFile(t, tt.file)
			}
			cfg, probs := mustLoad(t, opts)
			tt.check(t, cfg, probs)
		})
	}
}

func TestPrecedence(t *testing.T) {
	file := writeFile(t, "addr: \":1001\"\nstore: {path: file.db}\n")
	both := map[string]string{EnvAddr: ":1002", EnvData: "env.db"}
	tests := []struct {
		name       string
		path       string
		env        map[string]string
		opts       Options
		addr, data string
	}{
		{"defaults", "", nil, Options{}, ":3978", "resolvebot.db"},
		{"file over defaults", file, nil, Options{}, ":1001", "file.db"},
		{"env over file", file, both, Options{}, ":1002", "env.db"},
		{"options over env", file, both, Options{Addr: ":1003", Data: "opt.db"}, ":1003", "opt.db"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := tt.opts
			opts.Path, opts.Getenv = tt.path, env(tt.env)
			cfg, _ := mustLoad(t, opts)
			if cfg.Addr != tt.addr || cfg.Store.Path != tt.data {
				t.Errorf("addr %q data %q, want %q %q", cfg.Addr, cfg.Store.Path, tt.addr, tt.data)
			}
		})
	}
}

// TestProblemPlaceFollowsLayer checks that a bad value is reported at the
// layer that set it last.
func TestProblemPlaceFollowsLayer(t *testing.T) {
	file := writeFile(t, "\naddr: nonsense\n")
	tests := []struct {
		name  string
		env   map[string]string
		opts  Options
		place string
	}{
		{"file", nil, Options{}, file + ":2:7 addr"},
		{"env", map[string]string{EnvAddr: "nonsense"}, Options{}, "env RESOLVEBOT_ADDR addr"},
		{"option", map[string]string{EnvAddr: ":1"}, Options{Addr: "nonsense"}, "Options.Addr addr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := tt.opts
			opts.Path, opts.Getenv = file, env(tt.env)
			_, probs, err := Load(opts)
			if err == nil || !hasProblem(probs, SeverityError, tt.place+": ") {
				t.Errorf("want an error at %q; got:\n%s", tt.place, probs)
			}
		})
	}
}

// TestFileProblems checks that each problem in the file is reported at the
// line it is on.
func TestFileProblems(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		place string // Place must contain this (file name is added in front)
		msg   string // Message must contain this
	}{
		{"syntax error", "partnership: devon\nprotocol:\n  name: [unclosed\n", ":3", "not valid YAML"},
		{"tab indentation", "partnership: devon\nlog:\n\tlevel: info\n", ":3", "not valid YAML"},
		{"unknown top-level key", "partnership: devon\npartnershp: x\n", ":2:1 partnershp", `did you mean "partnership"`},
		{"unknown nested key", "log:\n  level: info\n  colour: blue\n", ":3:3 log.colour", "unknown key"},
		{"unknown stage key", "protocol:\n  stages:\n    - key: professional\n      dayz: 5\n", ":4:7 protocol.stages[0].dayz", `did you mean "days"`},
		{"wrong type int", "protocol:\n  referral:\n    days: five\n", ":3:11 protocol.referral.days", "whole number"},
		{"wrong type mapping", "calendar: europe\n", ":1:11 calendar", "expected a mapping"},
		{"wrong type list", "calendar:\n  closure_days: 2025-12-24\n", ":2:17 calendar.closure_days", "expected a list"},
		{"wrong type bool", "teams:\n  insecure_no_auth: maybe\n", ":2:21 teams.insecure_no_auth", "true or false"},
		{"bad closure date", "calendar:\n  closure_days:\n    - 2025-12-24\n    - 2025-13-01\n", ":4:7 calendar.closure_days[1]", "YYYY-MM-DD"},
		{"bad email", "directory:\n  agencies:\n    - key: csc\n      name: CSC\n      contacts:\n        manager:\n          - name: Ann\n            email: ann.example.org\n", ":8:20 directory.agencies[0].contacts.manager[0].email", "not an email"},
		{"bad partnership role email", "directory:\n  partnership_roles:\n    - {name: Pat, email: \"Pat <pat@x.org>\", role: partnership manager}\n", ":3:26 directory.partnership_roles[0].email", "not an email"},
		{"duplicate agency", "directory:\n  agencies:\n    - {key: a, name: A}\n    - {key: a, name: B}\n", ":4:13 directory.agencies[1].key", "already used"},
		{"professional contacts", "directory:\n  agencies:\n    - key: a\n      name: A\n      contacts:\n        professional: []\n", ":6:9 directory.agencies[0].contacts.professional", "learned in chat"},
		{"slack secret", "slack:\n  command: /resolve\n  signing_secret: abc\n", ":3:3 slack.signing_secret", "secrets come from the environment: set SLACK_SIGNING_SECRET"},
		{"slack token", "slack:\n  bot_token: xoxb-123\n", ":2:3 slack.bot_token", "set SLACK_BOT_TOKEN"},
		{"teams password", "teams:\n  app_password: hunter2\n", ":2:3 teams.app_password", "set MICROSOFT_APP_PASSWORD"},
		{"redis url in file", "store:\n  driver: redis\n  redis_url: redis://x\n", ":3:3 store.redis_url", "set REDIS_URL"},
		{"unknown partnership", "partnership: cornwall\n", ":1:14 partnership", "devon, generic, plymouth, rotherham, wiltshire"},
		{"unsupported nation", "calendar:\n  nation: scotland\n", ":2:11 calendar.nation", "supported one is england-and-wales"},
		{"bad time zone", "calendar:\n  time_zone: Mars/Olympus\n", ":2:14 calendar.time_zone", "unknown time zone"},
		{"workday backwards", "calendar:\n  workday_start: \"17:00\"\n  workday_end: \"09:00\"\n", ":3:16 calendar.workday_end", "end after it starts"},
		{"bad clock", "calendar:\n  workday_start: 9am\n", ":2:18 calendar.workday_start", "HH:MM"},
		{"bad ttl", "drafts:\n  ttl: 3 days\n", ":2:8 drafts.ttl", "duration"},
		{"redis without url", "\nstore:\n  driver: redis\n", ":3:11 store.driver", "needs REDIS_URL"},
		{"bad driver", "store: {driver: sqlite}\n", ":1:17 store.driver", "unknown store driver"},
		{"bad log level", "log: {level: loud}\n", ":1:14 log.level", "debug, info, warn, error"},
		{"bad stage from validate", "protocol:\n  stages:\n    - key: professional\n      name: One\n      raiser_tier: professional\n      days: 0\n      urgent_days: 1\n      ack_days: 1\n", ":6:13 protocol.stages[0].days", "at least 1"},
		{"bad tier from validate", "protocol:\n  stages:\n    - {key: a, name: A, raiser_tier: boss, days: 1, urgent_days: 1, ack_days: 1}\n", ":3:7 protocol.stages[0].tier", `unknown tier "boss"`},
		{"duplicate key", "log:\n  level: info\n  level: debug\n", ":3:3 log.level", "given twice"},
		{"two documents", "log: {level: info}\n---\nlog: {level: debug}\n", ":2", "more than one YAML document"},
		{"not a mapping", "- a\n- b\n", ":1:1", "expected the file to be a mapping"},
		{"bad command", "slack: {command: resolve}\n", ":1:18 slack.command", "starts with /"},
		{"command too long for Slack", "slack: {command: /raise-a-professional-disagreement}\n", ":1:18 slack.command", "at most 32 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.body)
			cfg, probs, err := Load(Options{Path: path, Getenv: env(nil)})
			if err == nil || cfg != nil {
				t.Fatalf("Load gave no error; problems:\n%s", probs)
			}
			want := path + tt.place
			for _, p := range probs {
				if p.Severity == SeverityError && strings.HasPrefix(p.Place, want) && strings.Contains(p.Message, tt.msg) {
					return
				}
			}
			t.Errorf("no error at %q containing %q; got:\n%s", want, tt.msg, probs)
		})
	}
}

func TestSecretValueNeverRead(t *testing.T) {
	_, probs, _ := Load(Options{Path: writeFile(t, "slack:\n  signing_secret: TOPSECRETVALUE\n"), Getenv: env(nil)})
	if strings.Contains(probs.String(), "TOPSECRETVALUE") {
		t.Errorf("secret value leaked into problems:\n%s", probs)
	}
}

func TestUnusable(t *testing.T) {
	dir := t.TempDir()
	binary := filepath.Join(dir, "binary.yaml")
	if err := os.WriteFile(binary, []byte{0x00, 0xff, 0xfe, 0x01, 'a', ':', 0x00}, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, path, msg string }{
		{"missing file", filepath.Join(dir, "nope.yaml"), "cannot read"},
		{"directory", dir, "cannot read"},
		{"binary", binary, "not valid YAML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, probs, err := Load(Options{Path: tt.path, Getenv: env(nil)})
			if err == nil || cfg != nil || !hasProblem(probs, SeverityError, tt.msg) {
				t.Errorf("err %v, problems:\n%s", err, probs)
			}
		})
	}
}

func TestEmptyFile(t *testing.T) {
	for _, body := range []string{"", "# only a comment\n", "---\n"} {
		cfg, _ := mustLoad(t, Options{Path: writeFile(t, body)})
		if cfg.Partnership != "generic" {
			t.Errorf("%q: partnership %q", body, cfg.Partnership)
		}
	}
}

func TestEnvProblems(t *testing.T) {
	tests := []struct {
		name  string
		env   map[string]string
		place string
		msg   string
	}{
		{"slack token alone", map[string]string{EnvSlackBotToken: "xoxb-1"}, "env SLACK_BOT_TOKEN slack.bot_token", "could not be verified"},
		{"bad redis url", map[string]string{EnvRedisURL: "http://user:pw@x"}, "env REDIS_URL store.redis_url", "redis://"},
		{"teams without password", map[string]string{EnvTeamsAppID: "id", EnvTeamsTenantID: "t"}, "env MICROSOFT_APP_ID teams.app_id", "MICROSOFT_APP_PASSWORD"},
		{"bad teams type", map[string]string{EnvTeamsAppID: "id", EnvTeamsAppPassword: "p", EnvTeamsAppType: "Bogus"}, "env MICROSOFT_APP_TYPE teams.app_type", "SingleTenant"},
		{"single tenant without tenant", map[string]string{EnvTeamsAppID: "id", EnvTeamsAppPassword: "p", EnvTeamsAppType: "SingleTenant"}, "teams.app_type", "MICROSOFT_APP_TENANT_ID"},
		{"bad addr", map[string]string{EnvAddr: "3978"}, "env RESOLVEBOT_ADDR addr", "listen address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, probs, err := Load(Options{Getenv: env(tt.env)})
			if err == nil {
				t.Fatalf("no error:\n%s", probs)
			}
			for _, p := range probs {
				if p.Severity == SeverityError && strings.Contains(p.Place, tt.place) && strings.Contains(p.Message, tt.msg) {
					if strings.Contains(p.Message, "pw") {
						t.Errorf("secret in message: %s", p)
					}
					return
				}
			}
			t.Errorf("no error at %q with %q:\n%s", tt.place, tt.msg, probs)
		})
	}
}

func TestStringRedactsSecrets(t *testing.T) {
	cfg, _ := mustLoad(t, Options{Getenv: env(map[string]string{
		EnvSlackBotToken: "xoxb-SECRET1", EnvSlackSigningSecret: "SECRET2", EnvSlackAppToken: "xapp-SECRET3",
		EnvTeamsAppID: "app-id", EnvTeamsAppPassword: "SECRET4", EnvTeamsTenantID: "tenant",
		EnvRedisURL: "redis://user:SECRET5@localhost:6379/0", EnvEncryptionKeys: "k1:" + secretKey,
	})})
	s := cfg.String()
	for _, secret := range []string{"SECRET1", "SECRET2", "SECRET3", "SECRET4", "SECRET5", secretKey} {
		if strings.Contains(s, secret) {
			t.Errorf("String() prints %s:\n%s", secret, s)
		}
	}
	for _, want := range []string{"slack.enabled: true", "teams.enabled: true", "store.driver: redis", "redis://user:xxxxx@localhost:6379/0", "slack.signing_secret: (set)"} {
		if !strings.Contains(s, want) {
			t.Errorf("String() lacks %q:\n%s", want, s)
		}
	}
}

func TestProblemsPrint(t *testing.T) {
	ps := Problems{
		{Severity: SeverityError, Place: "resolvebot.yaml:14:7 protocol.stages[1].days", Message: "days, urgent_days and ack_days must each be at least 1"},
		{Severity: SeverityWarning, Place: "directory", Message: "the built-in example directory is used"},
		{Severity: SeverityError, Place: "", Message: "two\nlines"},
	}
	want := "error: resolvebot.yaml:14:7 protocol.stages[1].days: days, urgent_days and ack_days must each be at least 1\n" +
		"warning: directory: the built-in example directory is used\n" +
		"error: two lines\n"
	if got := ps.String(); got != want {
		t.Errorf("String() =\n%s\nwant\n%s", got, want)
	}
	var b strings.Builder
	if err := ps.Print(&b); err != nil || b.String() != want {
		t.Errorf("Print() = %q, %v", b.String(), err)
	}
	if !ps.HasErrors() || (Problems{{Severity: SeverityWarning}}).HasErrors() {
		t.Error("HasErrors wrong")
	}
	if got := ps.Summary(); got != "2 errors, 1 warning" {
		t.Errorf("Summary() = %q", got)
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		ok     bool
		lines  int // problem lines before the summary
		suffix string
	}{
		{"good", "partnership: devon\n", true, 1, "0 errors, 1 warning\n"},
		{"bad", "partnership: devon\nlog: {level: loud}\nslack: {app_token: x}\n", false, 3, "config is not usable: 2 errors, 1 warning\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			ok := Check(Options{Path: writeFile(t, tt.body), Getenv: env(nil)}, &b)
			out := b.String()
			if ok != tt.ok || !strings.HasSuffix(out, tt.suffix) {
				t.Errorf("ok %v, output:\n%s", ok, out)
			}
			if n := strings.Count(out, "\n"); n != tt.lines+1 {
				t.Errorf("%d lines, want %d:\n%s", n, tt.lines+1, out)
			}
		})
	}
}

func TestSyntaxErrorLines(t *testing.T) {
	tests := []struct {
		name string
		body string
		line string
	}{
		{"unclosed flow at end", "partnership: devon\nprotocol:\n  name: [unclosed\n", ":3"},
		{"bad indent deep in file", "partnership: devon\nlog:\n  level: info\n  format: text\n bad: indent\nslack:\n  command: /x\n", ":5"},
		{"stray mapping value", "partnership: devon\naddr: a: b\n", ":2"},
		{"unclosed quote", "partnership: devon\n\n\naddr: \"oops\n", ":4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.body)
			_, probs, err := Load(Options{Path: path, Getenv: env(nil)})
			if err == nil || len(probs) != 1 || probs[0].Place != path+tt.line {
				t.Errorf("want one problem at %s%s; got:\n%s", path, tt.line, probs)
			}
		})
	}
}

// TestPackagingNeedsOnlyTheAppID: serve refuses a Teams app id without a
// password or certificate; the commands that only write install artefacts
// do not need one.
func TestPackagingNeedsOnlyTheAppID(t *testing.T) {
	getenv := env(map[string]string{EnvTeamsAppID: "6f1c2a3b-4d5e-6f70-8192-a3b4c5d6e7f8"})
	if _, _, err := Load(Options{Getenv: getenv}); err == nil {
		t.Error("serve's configuration took an app id with no credential")
	}
	cfg, probs, err := Load(Options{Getenv: getenv, Packaging: true})
	if err != nil || cfg.Teams.AppID == "" {
		t.Errorf("packaging refused: %v\n%s", err, probs)
	}
}
