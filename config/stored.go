package config

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/resolvebot/resolvebot/conversation"
)

// This file is the part of the configuration a partnership changes at run
// time, on the web page: the protocol (stages, timescales, routes,
// categories), the calendar (closure days), the directory (agencies,
// contacts, roles) and the nudge policy (reminders, quiet hours). They are
// kept in the store as one YAML document in the file's own format, so the
// file's decoder and validation check every change with the same messages
// as `resolvebot config check`.

// StoredSections are the top-level keys of the file that the stored
// settings hold: once the settings are stored, these sections of the file
// only seed them, and the stored values win.
var StoredSections = []string{"partnership", "protocol", "calendar", "directory", "scheduler"}

// storedSchedulerKeys are the keys of the scheduler section the stored
// settings hold: the nudge policy and quiet hours. The cron schedules and
// summary_to stay with the file.
var storedSchedulerKeys = []string{"reminder_days_before", "max_overdue_reminders", "quiet_hours"}

// ParseClock reads a time of day written as HH:MM, as the file's quiet
// hours and working day are. Its error is config check's message for a
// time that is not one.
func ParseClock(s string) (time.Duration, error) {
	if v, ok := parseClock(s); ok {
		return v, nil
	}
	return 0, fmt.Errorf("expected a time of day as HH:MM, for example \"09:00\", got %q", s)
}

// ExportSettings writes cfg's stored sections (StoredSections) as a YAML
// document in the file's format, which Load and WithSettings read back to
// the same settings. A built-in example directory is left out, so it stays
// the example. Returns an error only if YAML encoding fails.
func ExportSettings(cfg *Config) ([]byte, error) {
	doc := &yaml.Node{Kind: yaml.MappingNode}
	add := func(key string, v *yaml.Node) { doc.Content = append(doc.Content, scalar(key), v) }
	add("partnership", scalar(cfg.Partnership))
	p, err := protocolNode(cfg.Protocol)
	if err != nil {
		return nil, err
	}
	add("protocol", p)
	add("calendar", calendarNode(cfg.Calendar))
	if !cfg.Directory.Demo {
		d, err := toNode(directoryOut(cfg.Directory))
		if err != nil {
			return nil, err
		}
		add("directory", d)
	}
	sc := cfg.Scheduler
	add("scheduler", mappingNode(
		"reminder_days_before", intNode(sc.ReminderDaysBefore),
		"max_overdue_reminders", intNode(sc.MaxOverdueReminders),
		"quiet_hours", mappingNode("start", scalar(clock(sc.QuietStart)), "end", scalar(clock(sc.QuietEnd)))))
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("encode settings: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode settings: %w", err)
	}
	return b.Bytes(), nil
}

// WithSettings returns a copy of cfg whose stored sections (StoredSections)
// come from doc, a YAML document as ExportSettings writes, in place of the
// file's; everything else (store, platforms, the file's messages) is cfg's.
// doc is decoded and validated by the same rules as the file, and each
// problem is placed as "source:line:column path". The *Config is nil and
// the error non-nil when doc is not YAML or any problem is an error.
func (cfg *Config) WithSettings(source string, doc []byte) (*Config, Problems, error) {
	out := *cfg
	base := defaults()
	out.Partnership, out.Protocol, out.Calendar, out.Directory = base.Partnership, base.Protocol, base.Calendar, base.Directory
	out.Scheduler.ReminderDaysBefore, out.Scheduler.MaxOverdueReminders = base.Scheduler.ReminderDaysBefore, base.Scheduler.MaxOverdueReminders
	out.Scheduler.QuietStart, out.Scheduler.QuietEnd = base.Scheduler.QuietStart, base.Scheduler.QuietEnd
	col := newCollector()
	var f fileSettings
	if err := decodeSettings(source, doc, &out, &f, col); err != nil {
		return nil, col.probs, fmt.Errorf("parse settings: %w", err)
	}
	out.Protocol.Messages = maps.Clone(cfg.Protocol.Messages)
	validateProtocol(&out, col)
	validateCalendar(&out, &f, col)
	validateDirectory(&out, &f, col)
	if col.probs.HasErrors() {
		return nil, col.probs, fmt.Errorf("settings have %s", col.probs.Summary())
	}
	return &out, col.probs, nil
}

// decodeSettings decodes doc over cfg as decodeFile does, accepting only
// the stored sections.
func decodeSettings(source string, doc []byte, cfg *Config, f *fileSettings, col *collector) error {
	var root yaml.Node
	if err := yaml.Unmarshal(doc, &root); err != nil {
		col.add(SeverityError, source, "not valid YAML: %s", yamlProblem(err))
		return fmt.Errorf("yaml syntax: %w", err)
	}
	if len(root.Content) == 0 {
		return nil
	}
	d := &nodeDecoder{file: source, col: col}
	n := resolve(root.Content[0])
	if n.Kind != yaml.MappingNode && !isNull(n) {
		d.errorf(n, "", "expected a mapping of settings (partnership:, protocol:, …), got %s", kindName(n))
		return nil
	}
	keys := storedKeys(cfg, f)
	names, refused := known(keys)
	d.fields(d.mapping(n, "", names, refused), "", keys...)
	return nil
}

// storedKeys is fileKeys narrowed to the stored sections, with the
// scheduler narrowed to the nudge policy.
func storedKeys(cfg *Config, f *fileSettings) []field {
	var out []field
	for _, fl := range fileKeys(cfg, f) {
		if !slices.Contains(StoredSections, fl.key) {
			continue
		}
		if fl.key == "scheduler" {
			var items []field
			for _, it := range schedulerKeys(&cfg.Scheduler) {
				if slices.Contains(storedSchedulerKeys, it.key) {
					items = append(items, it)
				}
			}
			fl.items = items
			fl.parse = func(d *nodeDecoder, e entry, at string) { d.section(e, at, items) }
		}
		out = append(out, fl)
	}
	return out
}

// MergeSettings returns file, a configuration file's YAML, with its stored
// sections replaced by those of settings (as ExportSettings writes) and
// every other section and comment kept (settings holding a partnerships
// list, as ExportPartnerships writes, replace the file's list only); an
// empty file gives settings alone.
// Returns an error when either is not a YAML mapping.
func MergeSettings(file, settings []byte) ([]byte, error) {
	var s yaml.Node
	if err := yaml.Unmarshal(settings, &s); err != nil || len(s.Content) == 0 || s.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("the settings are not a YAML mapping")
	}
	var f yaml.Node
	if err := yaml.Unmarshal(file, &f); err != nil {
		return nil, fmt.Errorf("the file is not YAML: %w", err)
	}
	if len(f.Content) == 0 {
		return settings, nil
	}
	m := f.Content[0]
	if m.Kind != yaml.MappingNode {
		return nil, errors.New("the file is not a YAML mapping")
	}
	// The stored sections of the file go; the settings' come in their place.
	// A partnerships list (ExportPartnerships) replaces the file's list only.
	replaced := StoredSections
	if findKey(s.Content[0], "partnerships") != nil {
		replaced = []string{"partnerships"}
	}
	kept := []*yaml.Node{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if !slices.Contains(replaced, m.Content[i].Value) {
			kept = append(kept, m.Content[i], m.Content[i+1])
		}
	}
	sc := s.Content[0].Content
	for i := 0; i+1 < len(sc); i += 2 {
		if sc[i].Value == "scheduler" {
			sc[i+1] = mergeScheduler(findKey(m, "scheduler"), sc[i+1])
		}
	}
	m.Content = append(slices.Clone(sc), kept...)
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&f); err != nil {
		return nil, fmt.Errorf("encode file: %w", err)
	}
	_ = enc.Close()
	return b.Bytes(), nil
}

// mergeScheduler keeps the file's scheduler keys that are not stored (the
// cron schedules, summary_to) beside the stored ones.
func mergeScheduler(file, stored *yaml.Node) *yaml.Node {
	if file == nil || file.Kind != yaml.MappingNode {
		return stored
	}
	out := &yaml.Node{Kind: yaml.MappingNode, Content: slices.Clone(stored.Content)}
	for i := 0; i+1 < len(file.Content); i += 2 {
		if !slices.Contains(storedSchedulerKeys, file.Content[i].Value) {
			out.Content = append(out.Content, file.Content[i], file.Content[i+1])
		}
	}
	return out
}

func findKey(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return resolve(m.Content[i+1])
		}
	}
	return nil
}

// protocolNode writes the protocol in the file's keys: without its key
// (the partnership) and messages (a top-level section), with the optional
// sections written as null when off, and action_reminder_days as the file
// says it.
func protocolNode(p conversation.Protocol) (*yaml.Node, error) {
	p.Key, p.Messages = "", nil
	reminder := p.ActionReminderDays
	p.ActionReminderDays = 0
	if p.Routes.FrontDoor == frontDoorFallback {
		p.Routes.FrontDoor = "" // keeps the warning that asks for the number
	}
	n, err := toNode(p)
	if err != nil {
		return nil, err
	}
	var out []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value != "key" {
			out = append(out, n.Content[i], n.Content[i+1])
		}
	}
	null := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	for _, k := range []struct {
		key string
		off bool
	}{{"conference", p.Conference == nil}, {"serious_concern", p.SeriousConcern == nil}, {"observations", p.Observations == nil}} {
		if k.off {
			out = append(out, scalar(k.key), null)
		}
	}
	switch {
	case reminder < 0:
		out = append(out, scalar("action_reminder_days"), intNode(0))
	case reminder > 0:
		out = append(out, scalar("action_reminder_days"), intNode(reminder))
	}
	n.Content = out
	return n, nil
}

func calendarNode(c Calendar) *yaml.Node {
	days := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, d := range c.ClosureDays {
		days.Content = append(days.Content, scalar(d.Format(time.DateOnly)))
	}
	return mappingNode("nation", scalar(c.Nation), "time_zone", scalar(c.TimeZone), "closure_days", days,
		"workday_start", scalar(clock(c.WorkdayStart)), "workday_end", scalar(clock(c.WorkdayEnd)))
}

// The directory as the file writes it.
type (
	contactOut struct {
		Name  string `yaml:"name"`
		Email string `yaml:"email"`
	}
	contactsOut struct {
		Manager       []contactOut `yaml:"manager,omitempty"`
		SeniorManager []contactOut `yaml:"senior_manager,omitempty"`
		Leader        []contactOut `yaml:"leader,omitempty"`
	}
	agencyOut struct {
		Key               string       `yaml:"key"`
		Name              string       `yaml:"name"`
		Contacts          contactsOut  `yaml:"contacts"`
		SafeguardingLeads []contactOut `yaml:"safeguarding_leads,omitempty"`
		ReferenceFormats  []string     `yaml:"reference_formats,omitempty,flow"`
		ReferenceExample  string       `yaml:"reference_example,omitempty"`
		Reach             []string     `yaml:"reach,omitempty,flow"`
	}
	roleOut struct {
		Name  string `yaml:"name"`
		Email string `yaml:"email"`
		Role  string `yaml:"role"`
	}
	directoryFile struct {
		Agencies         []agencyOut  `yaml:"agencies"`
		PartnershipRoles []roleOut    `yaml:"partnership_roles"`
		ConferenceChairs []contactOut `yaml:"conference_chairs,omitempty"`
	}
)

func contactsOf(cs []Contact) []contactOut {
	out := make([]contactOut, 0, len(cs))
	for _, c := range cs {
		out = append(out, contactOut(c))
	}
	return out
}

func directoryOut(d Directory) directoryFile {
	out := directoryFile{Agencies: []agencyOut{}, PartnershipRoles: []roleOut{}, ConferenceChairs: contactsOf(d.ConferenceChairs)}
	for _, a := range d.Agencies {
		out.Agencies = append(out.Agencies, agencyOut{Key: a.Key, Name: a.Name,
			Contacts:          contactsOut{contactsOf(a.Contacts.Manager), contactsOf(a.Contacts.SeniorManager), contactsOf(a.Contacts.Leader)},
			SafeguardingLeads: contactsOf(a.SafeguardingLeads), ReferenceFormats: a.ReferenceFormats, ReferenceExample: a.ReferenceExample, Reach: a.Reach})
	}
	for _, r := range d.PartnershipRoles {
		out.PartnershipRoles = append(out.PartnershipRoles, roleOut(r))
	}
	return out
}

func toNode(v any) (*yaml.Node, error) {
	var n yaml.Node
	if err := n.Encode(v); err != nil {
		return nil, fmt.Errorf("encode settings: %w", err)
	}
	return &n, nil
}

func scalar(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

func intNode(n int) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: fmt.Sprint(n)}
}

func mappingNode(kv ...any) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	for i := 0; i+1 < len(kv); i += 2 {
		n.Content = append(n.Content, scalar(kv[i].(string)), kv[i+1].(*yaml.Node))
	}
	return n
}
