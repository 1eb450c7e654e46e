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
	// topLevel holds the file's top-level keys as given.
	topLevel map[string]entry
	// partnershipsSet is true when the file lists partnerships; each
	// one's decoded extras are in partnerships, in the same order.
	partnershipsSet bool
	partnerships    []*partnershipSettings
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
	v, err := ParseClock(s)
	if err != nil {
		d.errorf(e.val, path, "%s", err)
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

// field is one key of a mapping in the file: where its value goes, what it
// means, and how the environment sets it. Every section's keys are a table
// of fields (see settings.go); the decoder, the environment layer and the
// configuration reference all read the same tables.
type field struct {
	key string
	// dst is where a plain value goes: a *string, *bool, *int,
	// *time.Duration or *[]string. It also gives the default shown in the
	// reference, as the tables are built on the defaults.
	dst any
	// parse decodes the value instead, when it needs more than dst's type
	// (a time of day, a cron schedule, a list of mappings, a sub-mapping).
	parse func(d *nodeDecoder, e entry, at string)
	doc   string  // what the setting means, for the reference
	typ   string  // the type shown in the reference, when dst does not say
	def   string  // the default shown in the reference, when dst cannot say
	shown any     // the value shown as the default when parse writes elsewhere than dst
	items []field // the keys of a sub-mapping, or of each item of a list
	// env is the environment variable that overrides the value, or with
	// envOnly the only way to set it: the file's key is then refused.
	env     string
	envOnly bool
	// setEnv sets the value from the environment, when it is not a *string
	// dst.
	setEnv func(v string, col *collector)
	secret bool // never printed; a file key is refused without being read
	// refused, when set, makes this key an error in the file with this
	// message (an old or mistaken name); it is not a setting.
	refused string
}

// known returns the keys of fs that the file may hold, and the refused ones
// with the message for each.
func known(fs []field) (keys []string, refused map[string]string) {
	refused = map[string]string{}
	for _, f := range fs {
		switch {
		case f.refused != "":
			refused[f.key] = f.refused
		case f.envOnly && f.secret:
			refused[f.key] = secret(f.env)
		case f.envOnly:
			refused[f.key] = envOnly(f.env)
		default:
			keys = append(keys, f.key)
		}
	}
	return keys, refused
}

// section decodes e as a mapping of the keys fs, at path.
func (d *nodeDecoder) section(e entry, path string, fs []field) {
	keys, refused := known(fs)
	m := d.mapping(e.val, path, keys, refused)
	d.fields(m, path, fs...)
}

// fields decodes, in order, each of fs that m holds, at section.key.
func (d *nodeDecoder) fields(m map[string]entry, section string, fs ...field) {
	for _, f := range fs {
		e, ok := m[f.key]
		if !ok || f.refused != "" || f.envOnly {
			continue
		}
		at := joinPath(section, f.key)
		if f.parse != nil {
			f.parse(d, e, at)
			continue
		}
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

// list returns the items of a sequence node; a null is an empty list.
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

func (d *nodeDecoder) top(n *yaml.Node, cfg *Config, f *fileSettings) {
	n = resolve(n)
	if n.Kind != yaml.MappingNode && !isNull(n) {
		d.errorf(n, "", "expected the file to be a mapping of settings (partnership:, protocol:, …), got %s", kindName(n))
		return
	}
	keys := fileKeys(cfg, f)
	names, refused := known(keys)
	m := d.mapping(n, "", names, refused)
	f.topLevel = m
	d.fields(m, "", keys...)
}

// partnership chooses the preset the protocol starts from.
func (d *nodeDecoder) partnership(e entry, at string, cfg *Config) {
	var key string
	if d.str(e, at, &key) {
		p, err := Preset(key)
		if err != nil {
			d.errorf(e.val, at, "unknown partnership %q; choose one of: %s", key, strings.Join(PresetKeys(), ", "))
		} else {
			cfg.Partnership, cfg.Protocol = key, p
		}
	}
}

// sections decodes a list of mappings at path, each item by the keys that
// keys gives for a fresh value. It reports false, with the problem placed,
// when the value is not a list.
func sections[T any](d *nodeDecoder, e entry, path string, keys func(*T) []field) ([]T, bool) {
	items, ok := d.list(e, path)
	if !ok {
		return nil, false
	}
	out := make([]T, 0, len(items))
	for i, it := range items {
		var v T
		d.section(entry{val: it}, fmt.Sprintf("%s[%d]", path, i), keys(&v))
		out = append(out, v)
	}
	return out, true
}

// reflection decodes protocol.reflection, replacing the preset's checklist.
func (d *nodeDecoder) reflection(e entry, at string, p *conversation.Protocol) {
	if checks, ok := sections(d, e, at, reflectionKeys); ok {
		p.Reflection = checks
	}
}

// stages decodes protocol.stages, replacing the preset's ladder.
func (d *nodeDecoder) stages(e entry, at string, p *conversation.Protocol) {
	stages, ok := sections(d, e, at, stageKeys)
	if !ok {
		return
	}
	for i := range stages {
		// One tier given: the other side is at the same tier.
		s := &stages[i]
		if s.RespondentTier == "" {
			s.RespondentTier = s.RaiserTier
		}
		if s.RaiserTier == "" {
			s.RaiserTier = s.RespondentTier
		}
	}
	p.Stages = stages
}

// categories decodes protocol.categories, replacing the preset's.
func (d *nodeDecoder) categories(e entry, path string, p *conversation.Protocol) {
	items, ok := d.list(e, path)
	if !ok {
		return
	}
	cats := make([]conversation.Category, 0, len(items))
	seen := map[string]int{}
	for i, it := range items {
		at := fmt.Sprintf("%s[%d]", path, i)
		var c conversation.Category
		d.section(entry{val: it}, at, categoryKeys(&c))
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

// optionalSection decodes a protocol section that a null turns off. It
// starts from the preset's value (cur, nil when the preset has none),
// decodes the mapping's keys over a copy, and returns what the section now
// is: nil for a null, cur unchanged when the mapping was refused (the
// decoder has recorded why), else the decoded copy with decoded set.
func optionalSection[T any](d *nodeDecoder, e entry, path string, cur *T, keysOf func(*T) []field) (out *T, decoded bool) {
	if isNull(e.val) {
		d.col.set(path, d.at(e.key))
		return nil, false
	}
	var v T
	if cur != nil {
		v = *cur
	}
	keys, refused := known(keysOf(&v))
	m := d.mapping(e.val, path, keys, refused)
	if m == nil {
		return cur, false
	}
	d.fields(m, path, keysOf(&v)...)
	return &v, true
}

// conference decodes protocol.conference: a null sends conference decisions
// out to the dissent procedure again; a mapping (category, guidance) keeps
// them inside the protocol, over the preset's choice.
func (d *nodeDecoder) conference(e entry, path string, p *conversation.Protocol) {
	p.Conference, _ = optionalSection(d, e, path, p.Conference, conferenceKeys)
}

// seriousConcern decodes protocol.serious_concern: a null logs serious
// concerns with every partnership role; a mapping (role, guidance) names
// the role they go to, over the preset's choice.
func (d *nodeDecoder) seriousConcern(e entry, path string, p *conversation.Protocol) {
	c, decoded := optionalSection(d, e, path, p.SeriousConcern, seriousConcernKeys)
	if decoded && strings.TrimSpace(c.Role) == "" {
		d.errorf(e.val, path+".role", "name the partnership role serious concerns are logged with, or set serious_concern to null")
	}
	p.SeriousConcern = c
}

// observations decodes protocol.observations: a null turns the log of
// observed differences off; a mapping (service, role, report_to) sets who
// reports them and to whom, over the preset's choice.
func (d *nodeDecoder) observations(e entry, path string, p *conversation.Protocol) {
	o, decoded := optionalSection(d, e, path, p.Observations, observationKeys)
	if decoded && (strings.TrimSpace(o.Service) == "" || strings.TrimSpace(o.Role) == "" || strings.TrimSpace(o.ReportTo) == "") {
		d.errorf(e.val, path, "give the service, the role and who they report to (report_to), or set observations to null")
	}
	p.Observations = o
}

// closureDays decodes calendar.closure_days into f, for validation to place.
func (d *nodeDecoder) closureDays(e entry, path string, f *fileSettings) {
	items, ok := d.list(e, path)
	if !ok {
		return
	}
	for i, it := range items {
		at := fmt.Sprintf("%s[%d]", path, i)
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

// agencies decodes directory.agencies.
func (d *nodeDecoder) agencies(e entry, path string, dir *Directory) {
	items, _ := d.list(e, path)
	seen := map[string]int{}
	for i, it := range items {
		at := fmt.Sprintf("%s[%d]", path, i)
		var a Agency
		keys, refused := known(agencyKeys(&a))
		am := d.mapping(it, at, keys, refused)
		if am == nil {
			continue
		}
		d.fields(am, at, agencyKeys(&a)...)
		switch j, dup := seen[a.Key]; {
		case a.Key == "" || a.Name == "":
			d.errorf(it, at, "an agency needs a key and a name")
		case dup:
			d.errorf(am["key"].val, at+".key", "the agency key %q is already used by agencies[%d]", a.Key, j)
		default:
			seen[a.Key] = i
		}
		dir.Agencies = append(dir.Agencies, a)
	}
}

// partnershipRoles decodes directory.partnership_roles.
func (d *nodeDecoder) partnershipRoles(e entry, path string, dir *Directory) {
	items, _ := d.list(e, path)
	for i, it := range items {
		at := fmt.Sprintf("%s[%d]", path, i)
		var r PartnershipRole
		keys, refused := known(partnershipRoleKeys(&r))
		rm := d.mapping(it, at, keys, refused)
		if rm == nil {
			continue
		}
		d.fields(rm, at, partnershipRoleKeys(&r)...)
		if r.Name == "" || r.Role == "" {
			d.errorf(it, at, "a partnership role needs a name, an email and a role (for example \"partnership manager\")")
		} else if _, ok := rm["email"]; !ok {
			d.errorf(it, at+".email", "%s needs an email address", r.Name)
		}
		dir.PartnershipRoles = append(dir.PartnershipRoles, r)
	}
}

// contacts decodes a list of named people with email addresses.
func (d *nodeDecoder) contacts(e entry, at string) []Contact {
	items, _ := d.list(e, at)
	var out []Contact
	for i, it := range items {
		p := fmt.Sprintf("%s[%d]", at, i)
		var c Contact
		keys, refused := known(contactKeys(&c))
		m := d.mapping(it, p, keys, refused)
		if m == nil {
			continue
		}
		d.fields(m, p, contactKeys(&c)...)
		if _, hasEmail := m["email"]; c.Name == "" || !hasEmail {
			d.errorf(it, p, "a contact needs a name and an email")
		}
		out = append(out, c)
	}
	return out
}

// emails decodes a list of email addresses into dst, replacing it.
func (d *nodeDecoder) emails(e entry, at string, dst *[]string) {
	items, ok := d.list(e, at)
	if !ok {
		return
	}
	*dst = nil
	for i, it := range items {
		var addr string
		d.email(entry{key: e.key, val: it}, at+"["+strconv.Itoa(i)+"]", &addr)
		if addr != "" {
			*dst = append(*dst, addr)
		}
	}
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
