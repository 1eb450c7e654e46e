package config

import (
	"bytes"
	"fmt"
	"slices"
	"time"

	"go.yaml.in/yaml/v3"
)

// PartnershipSettings returns hosted partnership id as a configuration of
// one partnership: c with the partnership's preset, protocol, calendar
// (the deployment's with its own closure days) and directory at the top
// level and no partnerships list, so ExportSettings and WithSettings keep
// its stored settings as they keep a single partnership's. False when c
// hosts no partnership id.
func (c *Config) PartnershipSettings(id string) (*Config, bool) {
	p, ok := c.PartnershipOf(id)
	if !ok {
		return nil, false
	}
	out := *c
	out.Partnerships = nil
	out.Partnership, out.Protocol, out.Calendar, out.Directory = p.Preset, p.Protocol, p.Calendar, p.Directory
	return &out, true
}

// WithPartnershipSettings returns a copy of c whose hosted partnership id
// takes its preset, protocol, closure days and directory from one, a
// configuration of that partnership alone (see PartnershipSettings), and
// whose top-level directory is again every partnership's. c is unchanged;
// an id c does not host leaves the copy as c.
func (c *Config) WithPartnershipSettings(id string, one *Config) *Config {
	out := *c
	out.Partnerships = slices.Clone(c.Partnerships)
	out.Directory = Directory{}
	for i := range out.Partnerships {
		p := &out.Partnerships[i]
		if p.ID == id {
			p.Preset, p.Protocol, p.Calendar, p.Directory = one.Partnership, one.Protocol, one.Calendar, one.Directory
		}
		out.Directory.Agencies = append(out.Directory.Agencies, p.Directory.Agencies...)
		out.Directory.PartnershipRoles = append(out.Directory.PartnershipRoles, p.Directory.PartnershipRoles...)
		out.Directory.ConferenceChairs = append(out.Directory.ConferenceChairs, p.Directory.ConferenceChairs...)
	}
	if len(out.Partnerships) > 0 {
		out.Partnership, out.Protocol = out.Partnerships[0].Preset, out.Partnerships[0].Protocol
	}
	return &out
}

// ExportPartnerships writes c's hosted partnerships as the file's
// partnerships list (id, preset, protocol, own closure days, directory) in
// a YAML document with that one key, which MergeSettings puts in place of
// a file's stored sections and partnerships list. Returns an error only if
// YAML encoding fails.
func ExportPartnerships(c *Config) ([]byte, error) {
	list := &yaml.Node{Kind: yaml.SequenceNode}
	for _, p := range c.Partnerships {
		proto, err := protocolNode(p.Protocol)
		if err != nil {
			return nil, err
		}
		dir, err := toNode(directoryOut(p.Directory))
		if err != nil {
			return nil, err
		}
		days := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, d := range p.Calendar.ClosureDays {
			if !slices.ContainsFunc(c.Calendar.ClosureDays, d.Equal) {
				days.Content = append(days.Content, scalar(d.Format(time.DateOnly)))
			}
		}
		list.Content = append(list.Content, mappingNode("id", scalar(p.ID), "partnership", scalar(p.Preset),
			"protocol", proto, "calendar", mappingNode("closure_days", days), "directory", dir))
	}
	doc := mappingNode("partnerships", list)
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
