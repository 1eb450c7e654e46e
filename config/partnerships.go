package config

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
)

// Partnership is one of several partnerships hosted on one deployment
// (the file's partnerships list): its own protocol, closure days and
// directory. Nation, time zone and working hours stay the deployment's.
type Partnership struct {
	// ID is the partnership's stable id, such as wiltshire: cases,
	// settings and reports are kept under it. Lowercase letters, digits
	// and hyphens.
	ID string
	// Preset is the protocol preset it starts from (its partnership key).
	Preset string
	// Protocol is the preset with the partnership's overrides applied; it
	// passes Protocol.Validate.
	Protocol conversation.Protocol
	// Calendar is the deployment's calendar with the partnership's own
	// closure days added.
	Calendar Calendar
	// Directory is the partnership's agencies and roles. An agency key
	// belongs to one partnership only.
	Directory Directory
}

// Neighbour is a partnership that is not on this deployment, named so a
// person raising a case that crosses into its area is given its contact.
type Neighbour struct {
	Name    string
	Contact string // how to reach its partnership team, as people see it
}

// Hosted returns the partnerships on this deployment: the file's
// partnerships list, or none on a deployment of one partnership (the
// top-level partnership, protocol, calendar and directory).
func (c *Config) Hosted() []Partnership { return c.Partnerships }

// PartnershipOf returns the hosted partnership with id, or false.
func (c *Config) PartnershipOf(id string) (Partnership, bool) {
	for _, p := range c.Partnerships {
		if p.ID == id {
			return p, true
		}
	}
	return Partnership{}, false
}

// partnershipSettings is what the decoder remembers of each partnership.
type partnershipSettings struct {
	closureDays   []time.Time
	closureOrigin []string
	directorySet  bool
	presetSet     bool
}

// partnershipKeys returns the keys of one item of the partnerships list.
func partnershipKeys(p *Partnership, ps *partnershipSettings) []field {
	return []field{
		{key: "id", dst: &p.ID, doc: "the partnership's stable id, such as wiltshire (lowercase letters, digits, hyphens): its cases, settings and report are kept under it"},
		{key: "partnership", typ: "string", def: DefaultPartnership,
			doc: "the protocol preset this partnership starts from: " + strings.Join(PresetKeys(), ", "),
			parse: func(d *nodeDecoder, e entry, at string) {
				ps.presetSet = d.preset(e, at, &p.Preset, &p.Protocol)
			}},
		{key: "protocol", doc: "overrides on this partnership's preset, as the top-level protocol", items: protocolKeys(&p.Protocol),
			parse: func(d *nodeDecoder, e entry, at string) { d.section(e, at, protocolKeys(&p.Protocol)) }},
		{key: "calendar", doc: "this partnership's own closure days, added to the deployment's", items: partnershipCalendarKeys(ps),
			parse: func(d *nodeDecoder, e entry, at string) { d.section(e, at, partnershipCalendarKeys(ps)) }},
		{key: "directory", doc: "this partnership's agencies and roles, as the top-level directory; an agency key belongs to one partnership",
			items: directoryKeys(&Directory{}),
			parse: func(d *nodeDecoder, e entry, at string) {
				ps.directorySet = true
				d.section(e, at, directoryKeys(&p.Directory))
			}},
	}
}

func partnershipCalendarKeys(ps *partnershipSettings) []field {
	return []field{
		{key: "closure_days", typ: "list of dates (YYYY-MM-DD)", def: "(none)",
			doc: "extra days that are not working days in this partnership",
			parse: func(d *nodeDecoder, e entry, at string) {
				f := &fileSettings{}
				d.closureDays(e, at, f)
				ps.closureDays, ps.closureOrigin = f.closureDays, f.closureOrigin
			}},
	}
}

func neighbourKeys(n *Neighbour) []field {
	return []field{
		{key: "name", dst: &n.Name, doc: "the neighbouring partnership's name, as people name it"},
		{key: "contact", dst: &n.Contact, doc: "how to reach its partnership team, such as an email address or a telephone number"},
	}
}

// partnershipsSection decodes the partnerships list into cfg and f.
func (d *nodeDecoder) partnershipsSection(e entry, path string, cfg *Config, f *fileSettings) {
	items, ok := d.list(e, path)
	if !ok {
		return
	}
	f.partnershipsSet = true
	for i, it := range items {
		at := fmt.Sprintf("%s[%d]", path, i)
		p := Partnership{Preset: DefaultPartnership}
		p.Protocol, _ = Preset(DefaultPartnership)
		ps := &partnershipSettings{}
		d.section(entry{val: it}, at, partnershipKeys(&p, ps))
		cfg.Partnerships = append(cfg.Partnerships, p)
		f.partnerships = append(f.partnerships, ps)
	}
}

// preset sets *key and *proto from the preset a partnership key names. It
// reports whether the value was a known preset.
func (d *nodeDecoder) preset(e entry, at string, key *string, proto *conversation.Protocol) bool {
	var k string
	if !d.str(e, at, &k) {
		return false
	}
	p, err := Preset(k)
	if err != nil {
		d.errorf(e.val, at, "unknown partnership %q; choose one of: %s", k, strings.Join(PresetKeys(), ", "))
		return false
	}
	*key, *proto = k, p
	return true
}

// neighboursSection decodes the neighbours list.
func (d *nodeDecoder) neighboursSection(e entry, path string, cfg *Config) {
	if ns, ok := sections(d, e, path, neighbourKeys); ok {
		cfg.Neighbours = ns
	}
}

var partnershipID = regexp.MustCompile(`^[a-z][a-z0-9-]{0,39}$`)

// validatePartnerships checks the partnerships and neighbours lists and,
// when partnerships are listed, makes the top level a view of them: the
// first one's preset and protocol, and every partnership's agencies and
// roles in one directory.
func validatePartnerships(cfg *Config, f *fileSettings, col *collector) {
	validateNeighbours(cfg, col)
	if !f.partnershipsSet {
		return
	}
	if len(cfg.Partnerships) == 0 {
		col.errorAt("partnerships", "list at least one partnership, or remove partnerships: to host one from the top-level settings")
		return
	}
	for _, key := range []string{"partnership", "protocol", "directory"} {
		if e, set := f.topLevel[key]; set {
			col.add(SeverityError, fmt.Sprintf("%s:%d:%d %s", cfg.File, e.key.Line, e.key.Column, key),
				"with partnerships: listed, give each partnership its own %s: and remove the top-level one", key)
		}
	}
	ids := map[string]int{}
	agencies := map[string]string{} // agency key → where it was first listed
	for i := range cfg.Partnerships {
		p := &cfg.Partnerships[i]
		ps := f.partnerships[i]
		at := fmt.Sprintf("partnerships[%d]", i)
		switch j, dup := ids[p.ID]; {
		case p.ID == "":
			col.errorAt(at, "a partnership needs an id, such as wiltshire")
		case !partnershipID.MatchString(p.ID):
			col.errorAt(at+".id", "the id %q must be lowercase letters, digits and hyphens, starting with a letter, such as north-somerset", p.ID)
		case dup:
			col.errorAt(at+".id", "the id %q is already used by partnerships[%d]", p.ID, j)
		default:
			ids[p.ID] = i
		}
		if !ps.presetSet {
			col.warnAt(at, "no partnership preset is given, so the %s protocol is used; set partnership: to one of: %s", DefaultPartnership, strings.Join(PresetKeys(), ", "))
		}
		validatePartnershipProtocol(p, at, col)
		p.Protocol.Messages = maps.Clone(p.Protocol.Messages) // never the preset's own map
		for k, v := range cfg.Protocol.Messages {             // the file's messages: apply to every partnership
			if _, inFile := col.origin["messages."+k]; inFile {
				if p.Protocol.Messages == nil {
					p.Protocol.Messages = map[string]string{}
				}
				p.Protocol.Messages[k] = v
			}
		}
		p.Calendar = cfg.Calendar
		p.Calendar.ClosureDays = slices.Clone(cfg.Calendar.ClosureDays)
		for _, d := range ps.closureDays {
			p.Calendar.ClosureDays = append(p.Calendar.ClosureDays, time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, cfg.Calendar.Location))
		}
		if !ps.directorySet {
			col.errorAt(at, "partnership %q needs a directory of its agencies and partnership roles", p.ID)
			continue
		}
		for k, a := range p.Directory.Agencies {
			where := fmt.Sprintf("%s.directory.agencies[%d]", at, k)
			if first, dup := agencies[a.Key]; dup && !strings.HasPrefix(first, at+".") {
				col.errorAt(where+".key", "the agency key %q is already listed in %s; an agency belongs to one partnership, so list an agency that serves two under a key in each (such as %s-%s)", a.Key, first, a.Key, p.ID)
				continue
			}
			agencies[a.Key] = where
		}
		validateDirectoryAt(cfg, &p.Directory, &p.Protocol, at+".directory", col)
	}
	first := cfg.Partnerships[0]
	cfg.Partnership, cfg.Protocol = first.Preset, first.Protocol
	cfg.Directory = Directory{}
	for _, p := range cfg.Partnerships {
		cfg.Directory.Agencies = append(cfg.Directory.Agencies, p.Directory.Agencies...)
		cfg.Directory.PartnershipRoles = append(cfg.Directory.PartnershipRoles, p.Directory.PartnershipRoles...)
		cfg.Directory.ConferenceChairs = append(cfg.Directory.ConferenceChairs, p.Directory.ConferenceChairs...)
	}
	for _, n := range cfg.Neighbours {
		if _, hosted := ids[strings.ToLower(n.Name)]; hosted {
			col.warnAt("neighbours", "the neighbour %q is also a partnership on this deployment; cross-border cases with it are handled here", n.Name)
		}
	}
}

// validatePartnershipProtocol checks one partnership's protocol as
// validateProtocol checks the top level's, placing problems under at.
func validatePartnershipProtocol(p *Partnership, at string, col *collector) {
	pr := &p.Protocol
	pr.Key = p.Preset
	if pr.Routes.Emergency == "" {
		pr.Routes.Emergency = "999"
	}
	if pr.Routes.FrontDoor == "" {
		col.add(SeverityWarning, at+".protocol.routes.front_door",
			"the %s preset has no front-door number; set %s.protocol.routes.front_door to the area's number (until then people are told: %q)",
			p.Preset, at, frontDoorFallback)
		pr.Routes.FrontDoor = frontDoorFallback
	}
	fields := pr.Validate()
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		col.errorAt(at+".protocol."+k, "%s", fields[k])
	}
}

// validateNeighbours checks the neighbours list: each needs a name and a
// contact, and names are unique.
func validateNeighbours(cfg *Config, col *collector) {
	seen := map[string]int{}
	for i, n := range cfg.Neighbours {
		at := fmt.Sprintf("neighbours[%d]", i)
		key := strings.ToLower(strings.TrimSpace(n.Name))
		switch j, dup := seen[key]; {
		case key == "" || strings.TrimSpace(n.Contact) == "":
			col.errorAt(at, "a neighbour needs a name and a contact, such as the partnership team's email address")
		case dup:
			col.errorAt(at+".name", "the neighbour %q is already listed as neighbours[%d]", n.Name, j)
		default:
			seen[key] = i
		}
	}
}
