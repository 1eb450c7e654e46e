package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/resolvebot/resolvebot/conversation"
)

// fileSettings remembers what the file said explicitly, where a later layer
// needs to know whether a value is a default or a choice.
type fileSettings struct {
	storeDriver   string // "" when the file did not choose a driver
	directorySet  bool   // the file has a directory section
	closureDays   []time.Time
	closureOrigin []string // path of each closure day, for later problems
}

// nodeDecoder walks a parsed YAML file, reporting each problem at the line
// and column of the node that caused it.
type nodeDecoder struct {
	file string
	col  *collector
}

type entry struct{ key, val *yaml.Node }

var yamlLine = regexp.MustCompile(`line (\d+)`)

// decodeFile parses data as one YAML document and applies it on top of cfg.
// It returns an error only when data is not YAML at all; every other problem
// is added to col.
func decodeFile(path string, data []byte, cfg *Config, f *fileSettings, col *collector) error {
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	err := dec.Decode(&root)
	if errors.Is(err, io.EOF) {
		return nil // an empty file: defaults only
	}
	if err != nil {
		msg := yamlProblem(err)
		place := path
		if line := syntaxErrorLine(data, msg); line > 0 {
			place = fmt.Sprintf("%s:%d", path, line)
		} else if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			place = path + ":" + m[1]
		}
		col.add(SeverityError, place, "not valid YAML: %s", msg)
		return fmt.Errorf("yaml syntax: %w", err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		line := 0
		if err == nil {
			line = extra.Line
		} else if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		col.add(SeverityError, fmt.Sprintf("%s:%d", path, line), "the file holds more than one YAML document (---); keep the configuration in one")
		return errors.New("more than one yaml document")
	}
	d := &nodeDecoder{file: path, col: col}
	doc := &root
	if doc.Kind == yaml.DocumentNode {
		if len(doc.Content) == 0 {
			return nil
		}
		doc = doc.Content[0]
	}
	d.top(doc, cfg, f)
	return nil
}

// yamlProblem returns the problem text of a YAML error without its "yaml:"
// and "line N:" prefixes.
func yamlProblem(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = yamlLine.ReplaceAllString(msg, "")
	return strings.TrimLeft(msg, ": ")
}

// syntaxErrorLine finds the 1-based line of a YAML syntax error: the first
// line at which the file's beginning fails to parse with the same problem.
// The YAML library reports the line where the enclosing block began, and
// 0-based for parser errors, which would point people at the wrong line.
// It returns 0 when no prefix reproduces the problem.
func syntaxErrorLine(data []byte, problem string) int {
	lines := bytes.SplitAfter(data, []byte("\n"))
	end := 0
	for i, l := range lines {
		end += len(l)
		var n yaml.Node
		dec := yaml.NewDecoder(bytes.NewReader(data[:end]))
		if err := dec.Decode(&n); err != nil && !errors.Is(err, io.EOF) && yamlProblem(err) == problem {
			return i + 1
		}
	}
	return 0
}

func (d *nodeDecoder) at(n *yaml.Node) string {
	return fmt.Sprintf("%s:%d:%d", d.file, n.Line, n.Column)
}

func (d *nodeDecoder) errorf(n *yaml.Node, path, format string, args ...any) {
	d.col.add(SeverityError, d.at(n)+" "+path, format, args...)
}

func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n == nil || n.Kind == 0 || (n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null")
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!int", "!!float":
			return "the number " + n.Value
		case "!!bool":
			return "the boolean " + n.Value
		}
		return fmt.Sprintf("the value %q", n.Value)
	}
	return "something else"
}

// mapping returns the entries of a mapping node keyed by name. Unknown and
// repeated keys are errors; keys in refused are errors with the given
// message and their values are never read. A null node is an empty mapping.
// It returns nil when n is not a mapping.
func (d *nodeDecoder) mapping(n *yaml.Node, path string, known []string, refused map[string]string) map[string]entry {
	n = resolve(n)
	if isNull(n) {
		return map[string]entry{}
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, path, "expected a mapping of keys (%s), got %s", strings.Join(known, ", "), kindName(n))
		return nil
	}
	d.col.set(path, d.at(n))
	out := map[string]entry{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), n.Content[i+1]
		key := k.Value
		at := joinPath(path, key)
		if k.Kind != yaml.ScalarNode {
			d.errorf(k, path, "keys must be plain names, got %s", kindName(k))
			continue
		}
		if msg, ok := refused[key]; ok {
			d.errorf(k, at, "%s", msg)
			continue
		}
		if !slices.Contains(known, key) {
			msg := fmt.Sprintf("unknown key %q", key)
			if s := closest(key, known); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			d.errorf(k, at, "%s; the keys here are: %s", msg, strings.Join(known, ", "))
			continue
		}
		if prev, dup := out[key]; dup {
			d.errorf(k, at, "%q is given twice (first at line %d)", key, prev.key.Line)
			continue
		}
		out[key] = entry{key: k, val: resolve(v)}
	}
	return out
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// str sets *dst from a scalar. Numbers and booleans are taken as written;
// a null leaves *dst unchanged. It reports whether *dst was set.
func (d *nodeDecoder) str(e entry, path string, dst *string) bool {
	n := e.val
	if isNull(n) {
		return false
	}
	if n.Kind != yaml.ScalarNode {
		d.errorf(n, path, "expected a single value, got %s", kindName(n))
		return false
	}
	*dst = strings.TrimSpace(n.Value)
	d.col.set(path, d.at(n))
	return true
}

func (d *nodeDecoder) integer(e entry, path string, dst *int) {
	n := e.val
	if isNull(n) {
		return
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
		d.errorf(n, path, "expected a whole number, got %s", kindName(n))
		return
	}
	v, err := strconv.Atoi(n.Value)
	if err != nil {
		d.errorf(n, path, "expected a whole number, got %s", kindName(n))
		return
	}
	*dst = v
	d.col.set(path, d.at(n))
}

func (d *nodeDecoder) boolean(e entry, path string, dst *bool) {
	n := e.val
	if isNull(n) {
		return
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
		d.errorf(n, path, "expected true or false, got %s", kindName(n))
		return
	}
	var v bool
	if err := n.Decode(&v); err != nil {
		d.errorf(n, path, "expected true or false, got %s", kindName(n))
		return
	}
	*dst = v
	d.col.set(path, d.at(n))
}

func (d *nodeDecoder) duration(e entry, path string, dst *time.Duration) {
	var s string
	if !d.str(e, path, &s) {
		return
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		d.errorf(e.val, path, "expected a duration such as 72h or 30m, got %q", s)
		return
	}
	*dst = v
}

// clockTime parses "HH:MM" into an offset from midnight.
func (d *nodeDecoder) clockTime(e entry, path string, dst *time.Duration) {
	var s string
	if !d.str(e, path, &s) {
		return
	}
	v, ok := parseClock(s)
	if !ok {
		d.errorf(e.val, path, "expected a time of day as HH:MM, for example \"09:00\", got %q", s)
		return
	}
	*dst = v
}

func parseClock(s string) (time.Duration, bool) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) != 2 || len(m) != 2 {
		return 0, false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh > 24 || (hh == 24 && mm != 0) {
		return 0, false
	}
	return time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute, true
}

// list returns the items of a sequence node; a null is an empty list.
// field is one scalar setting of a section: its key and where its value
// goes, a *string, *bool, *int, *time.Duration or *[]string.
type field struct {
	key string
	dst any
}

// fields decodes, in order, each of fs that m holds, at section.key.
func (d *nodeDecoder) fields(m map[string]entry, section string, fs ...field) {
	for _, f := range fs {
		e, ok := m[f.key]
		if !ok {
			continue
		}
		at := section + "." + f.key
		switch dst := f.dst.(type) {
		case *string:
			d.str(e, at, dst)
		case *bool:
			d.boolean(e, at, dst)
		case *int:
			d.integer(e, at, dst)
		case *time.Duration:
			d.duration(e, at, dst)
		case *[]string:
			*dst = d.strList(e, at)
		default:
			panic(fmt.Sprintf("config: no decoder for %s of type %T", at, f.dst))
		}
	}
}

func (d *nodeDecoder) list(e entry, path string) ([]*yaml.Node, bool) {
	n := e.val
	if isNull(n) {
		d.col.set(path, d.at(e.key))
		return nil, true
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, path, "expected a list (lines starting with \"- \"), got %s", kindName(n))
		return nil, false
	}
	d.col.set(path, d.at(n))
	out := make([]*yaml.Node, len(n.Content))
	for i, c := range n.Content {
		out[i] = resolve(c)
	}
	return out, true
}

// strList returns the values of a list of single values, reporting each
// item that is not one; a null is an empty list.
func (d *nodeDecoder) strList(e entry, path string) []string {
	items, ok := d.list(e, path)
	if !ok {
		return nil
	}
	out := []string{}
	for i, it := range items {
		at := fmt.Sprintf("%s[%d]", path, i)
		var s string
		if !d.str(entry{val: it}, at, &s) || s == "" {
			d.errorf(it, at, "expected a single value")
			continue
		}
		out = append(out, s)
	}
	return out
}

func (d *nodeDecoder) email(e entry, path string, dst *string) {
	var s string
	if !d.str(e, path, &s) {
		return
	}
	if !validEmail(s) {
		d.errorf(e.val, path, "%q is not an email address (expected name@example.org)", s)
		return
	}
	*dst = s
}

func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	return at > 0 && strings.Contains(s[at+1:], ".") && !strings.HasSuffix(s, ".")
}

// secret returns the message for a secret found in the file.
func secret(env string) string {
	return "secrets come from the environment: set " + env + " there and remove this key from the file (its value was not read)"
}

func envOnly(env string) string {
	return "this comes from the environment only: set " + env + " there and remove this key from the file"
}

var topKeys = []string{"partnership", "protocol", "calendar", "directory", "store", "addr", "server", "drafts", "scheduler", "retention", "slack", "teams", "email", "log"}

func (d *nodeDecoder) top(n *yaml.Node, cfg *Config, f *fileSettings) {
	n = resolve(n)
	if n.Kind != yaml.MappingNode && !isNull(n) {
		d.errorf(n, "", "expected the file to be a mapping of settings (partnership:, protocol:, …), got %s", kindName(n))
		return
	}
	m := d.mapping(n, "", topKeys, nil)
	if e, ok := m["partnership"]; ok {
		var key string
		if d.str(e, "partnership", &key) {
			p, err := Preset(key)
			if err != nil {
				d.errorf(e.val, "partnership", "unknown partnership %q; choose one of: %s", key, strings.Join(PresetKeys(), ", "))
			} else {
				cfg.Partnership, cfg.Protocol = key, p
			}
		}
	}
	if e, ok := m["protocol"]; ok {
		d.protocol(e.val, &cfg.Protocol)
	}
	if e, ok := m["calendar"]; ok {
		d.calendar(e.val, &cfg.Calendar, f)
	}
	if e, ok := m["directory"]; ok {
		f.directorySet = true
		cfg.Directory = Directory{}
		d.directory(e.val, &cfg.Directory)
	}
	if e, ok := m["store"]; ok {
		sm := d.mapping(e.val, "store", []string{"driver", "path", "key_prefix", "allow_plaintext", "id"},
			map[string]string{"redis_url": secret(EnvRedisURL), "url": secret(EnvRedisURL),
				"encryption_keys": secret(EnvEncryptionKeys), "encryption_key": secret(EnvEncryptionKeys)})
		d.fields(sm, "store", field{"allow_plaintext", &cfg.Store.AllowPlaintext})
		if e, ok := sm["driver"]; ok && d.str(e, "store.driver", &cfg.Store.Driver) {
			f.storeDriver = cfg.Store.Driver
		}
		d.fields(sm, "store", field{"path", &cfg.Store.Path}, field{"key_prefix", &cfg.Store.KeyPrefix}, field{"id", &cfg.Store.ID})
	}
	if e, ok := m["addr"]; ok {
		d.str(e, "addr", &cfg.Addr)
	}
	if e, ok := m["server"]; ok {
		d.server(e.val, &cfg.Server)
	}
	if e, ok := m["drafts"]; ok {
		dm := d.mapping(e.val, "drafts", []string{"ttl"}, nil)
		d.fields(dm, "drafts", field{"ttl", &cfg.Drafts.TTL})
	}
	if e, ok := m["scheduler"]; ok {
		d.scheduler(e.val, &cfg.Scheduler)
	}
	if e, ok := m["retention"]; ok {
		d.retention(e.val, &cfg.Retention)
	}
	if e, ok := m["slack"]; ok {
		sm := d.mapping(e.val, "slack", []string{"command", "api_url", "pace"}, map[string]string{
			"bot_token":      secret(EnvSlackBotToken),
			"token":          secret(EnvSlackBotToken),
			"signing_secret": secret(EnvSlackSigningSecret),
			"app_token":      secret(EnvSlackAppToken),
		})
		d.fields(sm, "slack", field{"command", &cfg.Slack.Command}, field{"api_url", &cfg.Slack.APIURL}, field{"pace", &cfg.Slack.Pace})
	}
	if e, ok := m["teams"]; ok {
		tm := d.mapping(e.val, "teams", []string{"insecure_no_auth", "openid_metadata_url", "token_authority", "service_urls", "issuers"}, map[string]string{
			"app_id":          envOnly(EnvTeamsAppID),
			"app_password":    secret(EnvTeamsAppPassword),
			"password":        secret(EnvTeamsAppPassword),
			"app_certificate": secret(EnvTeamsAppCertificate),
			"certificate":     secret(EnvTeamsAppCertificate),
			"tenant_id":       envOnly(EnvTeamsTenantID),
			"app_type":        envOnly(EnvTeamsAppType),
		})
		d.fields(tm, "teams", field{"insecure_no_auth", &cfg.Teams.InsecureNoAuth},
			field{"openid_metadata_url", &cfg.Teams.OpenIDMetadataURL}, field{"token_authority", &cfg.Teams.TokenAuthority},
			field{"service_urls", &cfg.Teams.ServiceURLs}, field{"issuers", &cfg.Teams.Issuers})
	}
	if e, ok := m["email"]; ok {
		d.emailSection(e.val, &cfg.Email)
	}
	if e, ok := m["log"]; ok {
		lm := d.mapping(e.val, "log", []string{"level", "format"}, nil)
		d.fields(lm, "log", field{"level", &cfg.Log.Level}, field{"format", &cfg.Log.Format})
	}
}

var stageKeys = []string{"key", "name", "raiser_tier", "respondent_tier", "days", "urgent_days", "ack_days", "guidance"}

func (d *nodeDecoder) protocol(n *yaml.Node, p *conversation.Protocol) {
	m := d.mapping(n, "protocol", []string{"name", "partnership", "partnership_short", "annual_report_to", "stages", "referral", "routes", "categories", "conference",
		"guidance", "reflection"},
		map[string]string{"key": "the protocol key is the partnership preset: set the top-level partnership instead"})
	if _, ok := m["partnership"]; ok {
		p.PartnershipShort = "" // the preset's short name is of another partnership
		p.AnnualReportTo = ""   // and so is its executive
	}
	d.fields(m, "protocol", field{"name", &p.Name}, field{"partnership", &p.Partnership}, field{"partnership_short", &p.PartnershipShort},
		field{"annual_report_to", &p.AnnualReportTo}, field{"guidance", &p.Guidance})
	if e, ok := m["reflection"]; ok {
		if items, ok := d.list(e, "protocol.reflection"); ok {
			checks := make([]conversation.ReflectionCheck, 0, len(items))
			for i, it := range items {
				at := fmt.Sprintf("protocol.reflection[%d]", i)
				rm := d.mapping(it, at, []string{"key", "label"}, nil)
				var r conversation.ReflectionCheck
				d.fields(rm, at, field{"key", &r.Key}, field{"label", &r.Label})
				checks = append(checks, r)
			}
			p.Reflection = checks
		}
	}
	if e, ok := m["stages"]; ok {
		if items, ok := d.list(e, "protocol.stages"); ok {
			stages := make([]conversation.Stage, 0, len(items))
			for i, it := range items {
				at := fmt.Sprintf("protocol.stages[%d]", i)
				sm := d.mapping(it, at, stageKeys, map[string]string{
					"tier": "give raiser_tier and respondent_tier (usually the same)",
				})
				var s conversation.Stage
				d.fields(sm, at, field{"key", &s.Key}, field{"name", &s.Name}, field{"raiser_tier", &s.RaiserTier},
					field{"respondent_tier", &s.RespondentTier}, field{"guidance", &s.Guidance},
					field{"days", &s.Days}, field{"urgent_days", &s.UrgentDays}, field{"ack_days", &s.AckDays})
				// One tier given: the other side is at the same tier.
				if s.RespondentTier == "" {
					s.RespondentTier = s.RaiserTier
				}
				if s.RaiserTier == "" {
					s.RaiserTier = s.RespondentTier
				}
				stages = append(stages, s)
			}
			p.Stages = stages
		}
	}
	if e, ok := m["referral"]; ok {
		rm := d.mapping(e.val, "protocol.referral", []string{"name", "body", "role", "days", "ack_days", "guidance", "accept_guidance", "return_guidance"}, nil)
		d.fields(rm, "protocol.referral", field{"name", &p.Referral.Name}, field{"body", &p.Referral.Body},
			field{"role", &p.Referral.Role}, field{"guidance", &p.Referral.Guidance},
			field{"accept_guidance", &p.Referral.AcceptGuidance}, field{"return_guidance", &p.Referral.ReturnGuidance},
			field{"days", &p.Referral.Days}, field{"ack_days", &p.Referral.AckDays})
	}
	if e, ok := m["routes"]; ok {
		r := &p.Routes
		fields := []struct {
			key string
			dst *string
		}{{"front_door", &r.FrontDoor}, {"police", &r.Police}, {"emergency", &r.Emergency}, {"dissent_procedure", &r.DissentProcedure},
			{"whistleblowing", &r.Whistleblowing}, {"partnership_contact", &r.PartnershipContact}, {"mediation", &r.Mediation},
			{"request_for_support", &r.RequestForSupport}}
		known := make([]string, len(fields))
		for i, f := range fields {
			known[i] = f.key
		}
		rm := d.mapping(e.val, "protocol.routes", known, nil)
		for _, f := range fields {
			if e, ok := rm[f.key]; ok {
				var v string
				if d.str(e, "protocol.routes."+f.key, &v) && v != "" {
					*f.dst = v
				}
			}
		}
	}
	if e, ok := m["conference"]; ok {
		d.conference(e, p)
	}
	if e, ok := m["categories"]; ok {
		if items, ok := d.list(e, "protocol.categories"); ok {
			cats := make([]conversation.Category, 0, len(items))
			seen := map[string]int{}
			for i, it := range items {
				at := fmt.Sprintf("protocol.categories[%d]", i)
				cm := d.mapping(it, at, []string{"key", "name"}, nil)
				var c conversation.Category
				d.fields(cm, at, field{"key", &c.Key}, field{"name", &c.Name})
				if c.Key == "" || c.Name == "" {
					d.errorf(it, at, "a category needs a key and a name")
				} else if j, dup := seen[c.Key]; dup {
					d.errorf(it, at+".key", "the category key %q is already used by categories[%d]", c.Key, j)
				}
				seen[c.Key] = i
				cats = append(cats, c)
			}
			p.Categories = cats
		}
	}
}

// conference decodes protocol.conference: a null sends conference decisions
// out to the dissent procedure again; a mapping (category, guidance) keeps
// them inside the protocol, over the preset's choice.
func (d *nodeDecoder) conference(e entry, p *conversation.Protocol) {
	if isNull(e.val) {
		d.col.set("protocol.conference", d.at(e.key))
		p.Conference = nil
		return
	}
	cm := d.mapping(e.val, "protocol.conference", []string{"category", "guidance"}, nil)
	if cm == nil {
		return
	}
	var c conversation.Conference
	if p.Conference != nil {
		c = *p.Conference
	}
	d.fields(cm, "protocol.conference", field{"category", &c.Category}, field{"guidance", &c.Guidance})
	p.Conference = &c
}

func (d *nodeDecoder) calendar(n *yaml.Node, c *Calendar, f *fileSettings) {
	m := d.mapping(n, "calendar", []string{"nation", "time_zone", "closure_days", "workday_start", "workday_end"}, nil)
	d.fields(m, "calendar", field{"nation", &c.Nation}, field{"time_zone", &c.TimeZone})
	if e, ok := m["closure_days"]; ok {
		if items, ok := d.list(e, "calendar.closure_days"); ok {
			for i, it := range items {
				at := fmt.Sprintf("calendar.closure_days[%d]", i)
				var s string
				if !d.str(entry{val: it}, at, &s) {
					d.errorf(it, at, "expected a date as YYYY-MM-DD")
					continue
				}
				day, err := time.Parse(time.DateOnly, s)
				if err != nil {
					d.errorf(it, at, "%q is not a date as YYYY-MM-DD (for example 2025-12-24)", s)
					continue
				}
				f.closureDays = append(f.closureDays, day)
				f.closureOrigin = append(f.closureOrigin, at)
			}
		}
	}
	if e, ok := m["workday_start"]; ok {
		d.clockTime(e, "calendar.workday_start", &c.WorkdayStart)
	}
	if e, ok := m["workday_end"]; ok {
		d.clockTime(e, "calendar.workday_end", &c.WorkdayEnd)
	}
}

func (d *nodeDecoder) directory(n *yaml.Node, dir *Directory) {
	m := d.mapping(n, "directory", []string{"agencies", "partnership_roles"}, nil)
	if e, ok := m["agencies"]; ok {
		items, _ := d.list(e, "directory.agencies")
		seen := map[string]int{}
		for i, it := range items {
			at := fmt.Sprintf("directory.agencies[%d]", i)
			am := d.mapping(it, at, []string{"key", "name", "contacts", "safeguarding_leads", "reference_formats", "reference_example"}, nil)
			if am == nil {
				continue
			}
			var a Agency
			d.fields(am, at, field{"key", &a.Key}, field{"name", &a.Name},
				field{"reference_formats", &a.ReferenceFormats}, field{"reference_example", &a.ReferenceExample})
			switch j, dup := seen[a.Key]; {
			case a.Key == "" || a.Name == "":
				d.errorf(it, at, "an agency needs a key and a name")
			case dup:
				d.errorf(am["key"].val, at+".key", "the agency key %q is already used by agencies[%d]", a.Key, j)
			default:
				seen[a.Key] = i
			}
			if e, ok := am["contacts"]; ok {
				cm := d.mapping(e.val, at+".contacts",
					[]string{conversation.TierManager, conversation.TierSeniorManager, conversation.TierLeader},
					map[string]string{
						conversation.TierProfessional: "practitioners are not listed: they are learned in chat; list managers, senior managers and leaders",
						conversation.TierPartnership:  "partnership people go under directory.partnership_roles",
					})
				a.Contacts.Manager = d.contacts(cm, at+".contacts", conversation.TierManager)
				a.Contacts.SeniorManager = d.contacts(cm, at+".contacts", conversation.TierSeniorManager)
				a.Contacts.Leader = d.contacts(cm, at+".contacts", conversation.TierLeader)
			}
			a.SafeguardingLeads = d.contacts(am, at, "safeguarding_leads")
			dir.Agencies = append(dir.Agencies, a)
		}
	}
	if e, ok := m["partnership_roles"]; ok {
		items, _ := d.list(e, "directory.partnership_roles")
		for i, it := range items {
			at := fmt.Sprintf("directory.partnership_roles[%d]", i)
			rm := d.mapping(it, at, []string{"name", "email", "role"}, nil)
			if rm == nil {
				continue
			}
			var r PartnershipRole
			if e, ok := rm["name"]; ok {
				d.str(e, at+".name", &r.Name)
			}
			if e, ok := rm["email"]; ok {
				d.email(e, at+".email", &r.Email)
			}
			if e, ok := rm["role"]; ok {
				d.str(e, at+".role", &r.Role)
			}
			if r.Name == "" || r.Role == "" {
				d.errorf(it, at, "a partnership role needs a name, an email and a role (for example \"partnership manager\")")
			} else if _, ok := rm["email"]; !ok {
				d.errorf(it, at+".email", "%s needs an email address", r.Name)
			}
			dir.PartnershipRoles = append(dir.PartnershipRoles, r)
		}
	}
}

func (d *nodeDecoder) contacts(cm map[string]entry, path, tier string) []Contact {
	e, ok := cm[tier]
	if !ok {
		return nil
	}
	at := path + "." + tier
	items, _ := d.list(e, at)
	var out []Contact
	for i, it := range items {
		p := fmt.Sprintf("%s[%d]", at, i)
		m := d.mapping(it, p, []string{"name", "email"}, nil)
		if m == nil {
			continue
		}
		var c Contact
		if e, ok := m["name"]; ok {
			d.str(e, p+".name", &c.Name)
		}
		_, hasEmail := m["email"]
		if hasEmail {
			d.email(m["email"], p+".email", &c.Email)
		}
		if c.Name == "" || !hasEmail {
			d.errorf(it, p, "a contact needs a name and an email")
		}
		out = append(out, c)
	}
	return out
}

// closest returns the known key nearest to key when it is a likely typo.
func closest(key string, known []string) string {
	best, bestD := "", 3
	for _, k := range known {
		if dist := editDistance(key, k); dist < bestD {
			best, bestD = k, dist
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
