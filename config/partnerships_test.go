package config

import (
	"strings"
	"testing"
	"time"
)

// twoPartnerships is a deployment file hosting Wiltshire and Devon, with
// Swindon as a neighbour not on it.
const twoPartnerships = `calendar:
  closure_days: [2026-12-24]
partnerships:
  - id: wiltshire
    partnership: wiltshire
    protocol:
      routes:
        front_door: "0300 456 0108"
    calendar:
      closure_days: [2026-12-29]
    directory:
      agencies:
        - key: wilts-school
          name: Wiltshire School
        - key: wilts-csc
          name: Wiltshire Children's Social Care
      partnership_roles:
        - {name: Wil Manager, email: wil.manager@wiltshire.example.org, role: partnership manager}
        - {name: Both Chair, email: both.chair@example.org, role: QA&P chair}
  - id: devon
    partnership: devon
    protocol:
      routes:
        front_door: "0345 155 1071"
    directory:
      agencies:
        - key: devon-csc
          name: Devon Children's Social Care
      partnership_roles:
        - {name: Dev Manager, email: dev.manager@devon.example.org, role: partnership manager}
        - {name: Both Chair, email: both.chair@example.org, role: QA&P chair}
neighbours:
  - name: Swindon
    contact: partnership.team@swindon.example.org
`

// TestPartnershipsLoad: each hosted partnership keeps its own preset,
// timescales, closure days (added to the deployment's) and directory; the
// top level becomes a view of them; neighbours are listed.
func TestPartnershipsLoad(t *testing.T) {
	path := writeFile(t, twoPartnerships)
	var out strings.Builder
	if !Check(Options{Path: path, Getenv: env(nil)}, &out) || !strings.Contains(out.String(), "config ok ("+path+", partnerships wiltshire, devon)") {
		t.Errorf("config check says:\n%s", out.String())
	}
	cfg, probs := mustLoad(t, Options{Path: path})
	if probs.HasErrors() {
		t.Fatalf("problems: %s", probs)
	}
	if got := len(cfg.Hosted()); got != 2 {
		t.Fatalf("hosted %d partnerships, want 2", got)
	}
	wilts, _ := cfg.PartnershipOf("wiltshire")
	devon, _ := cfg.PartnershipOf("devon")
	if wilts.Protocol.Key != "wiltshire" || devon.Protocol.Key != "devon" || wilts.Protocol.Name == devon.Protocol.Name {
		t.Errorf("protocols: %q %q / %q %q", wilts.Protocol.Key, wilts.Protocol.Name, devon.Protocol.Key, devon.Protocol.Name)
	}
	days := func(p Partnership) string {
		var out []string
		for _, d := range p.Calendar.ClosureDays {
			out = append(out, d.Format(time.DateOnly))
		}
		return strings.Join(out, ",")
	}
	if got := days(wilts); got != "2026-12-24,2026-12-29" {
		t.Errorf("wiltshire closure days %s", got)
	}
	if got := days(devon); got != "2026-12-24" {
		t.Errorf("devon closure days %s", got)
	}
	if len(wilts.Directory.Agencies) != 2 || len(devon.Directory.Agencies) != 1 || len(cfg.Directory.Agencies) != 3 {
		t.Errorf("agencies: wiltshire %d, devon %d, all %d", len(wilts.Directory.Agencies), len(devon.Directory.Agencies), len(cfg.Directory.Agencies))
	}
	if cfg.Protocol.Key != "wiltshire" || cfg.Directory.Demo {
		t.Errorf("the top level is not the first partnership's view: %q demo %v", cfg.Protocol.Key, cfg.Directory.Demo)
	}
	if len(cfg.Neighbours) != 1 || cfg.Neighbours[0] != (Neighbour{Name: "Swindon", Contact: "partnership.team@swindon.example.org"}) {
		t.Errorf("neighbours: %+v", cfg.Neighbours)
	}
	if !strings.Contains(cfg.String(), "partnerships[1]: devon: devon protocol") {
		t.Errorf("--print does not show the partnerships:\n%s", cfg.String())
	}
}

// TestPartnershipsProblems: every mistake in the partnerships and
// neighbours lists is an error at its line and column, and the file is
// refused.
func TestPartnershipsProblems(t *testing.T) {
	for _, tc := range []struct {
		name, old, new, want string
	}{
		{"duplicate id", "- id: devon", "- id: wiltshire", "20:9 partnerships[1].id: the id \"wiltshire\" is already used by partnerships[0]"},
		{"bad id", "- id: wiltshire", "- id: Wilts Hire", "partnerships[0].id: the id \"Wilts Hire\" must be lowercase"},
		{"agency in two partnerships", "- key: devon-csc", "- key: wilts-csc",
			"partnerships[1].directory.agencies[0].key: the agency key \"wilts-csc\" is already listed in partnerships[0].directory.agencies[1]"},
		{"top-level protocol too", "calendar:", "protocol:\n  name: Ours\ncalendar:", "1:1 protocol: with partnerships: listed, give each partnership its own protocol:"},
		{"neighbour without contact", "    contact: partnership.team@swindon.example.org\n", "", "neighbours[0]: a neighbour needs a name and a contact"},
		{"a role twice in one partnership", "        - {name: Both Chair, email: both.chair@example.org, role: QA&P chair}\n  - id: devon",
			"        - {name: Both Chair, email: both.chair@example.org, role: QA&P chair}\n        - {name: Both Chair, email: both.chair@example.org, role: QA&P chair}\n  - id: devon",
			"partnerships[0].directory.partnership_roles[2].email: both.chair@example.org already holds the role QA&P chair"},
		{"unknown preset", "    partnership: devon", "    partnership: devonshire", "partnerships[1].partnership: unknown partnership \"devonshire\""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := strings.Replace(twoPartnerships, tc.old, tc.new, 1)
			_, probs, err := Load(Options{Path: writeFile(t, file), Getenv: env(nil)})
			if err == nil {
				t.Fatalf("the file was accepted; problems: %s", probs)
			}
			if !hasProblem(probs, SeverityError, tc.want) {
				t.Fatalf("no error %q in:\n%s", tc.want, probs)
			}
		})
	}
}

// TestOnePartnershipUnchanged: a file without partnerships hosts none, as
// before, and its top level is the one partnership.
func TestOnePartnershipUnchanged(t *testing.T) {
	cfg, _ := mustLoad(t, Options{Path: writeFile(t, "partnership: devon\n")})
	if len(cfg.Hosted()) != 0 || cfg.Protocol.Key != "devon" {
		t.Fatalf("hosted %d, protocol %q", len(cfg.Hosted()), cfg.Protocol.Key)
	}
}
