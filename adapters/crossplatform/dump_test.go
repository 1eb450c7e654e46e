package crossplatform_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// dumpDir is where TestDumpCards writes every card for the card check in
// tools/cardcheck: go test ./adapters/crossplatform -run TestDumpCards -args -dump DIR
var dumpDir = flag.String("dump", "", "write every golden card and every card a whole-bot tour sends to this directory, for tools/cardcheck")

// dumped is one distinct card and every place it was seen.
type dumped struct {
	File string   `json:"file"`
	Kind string   `json:"kind"`
	Seen []string `json:"seen"`
}

// TestDumpCards walks whole cases through every state on Slack and on
// Teams, with every kind of person (raiser, respondent, managers, senior
// managers and leaders on both sides, the partnership manager, a
// newcomer), and checks that each of them received cards. With -dump DIR
// it writes every distinct payload the fake Slack Web API and the fake Bot
// Connector received, and every golden card of both adapters, to
// DIR/slack and DIR/teams, with DIR/index.json saying where each was seen.
func TestDumpCards(t *testing.T) {
	var all []payload
	for _, newTour := range []func(*testing.T) *tour{newSlackTour, newTeamsTour} {
		tr := newTour(t)
		tr.run()
		got := tr.p.payloads()
		for _, who := range tourPeople {
			if !slices.ContainsFunc(got, func(p payload) bool { return strings.Contains(p.Name, "--"+who.role+"--") }) {
				t.Errorf("%s: the %s received nothing", tr.p.name(), who.role)
			}
		}
		// Every step of the tour sent someone something (the nudge days
		// send only on some days; Slack shows a form's errors in the open
		// modal with response_action "errors", which is no card).
		for _, step := range tr.steps {
			quiet := strings.HasPrefix(step, "nudges-day-") || tr.p.name() == "slack" && strings.HasSuffix(step, "-errors")
			if !quiet && !slices.ContainsFunc(got, func(p payload) bool { return strings.HasPrefix(p.Name, step+"--") }) {
				t.Errorf("%s: step %s sent nothing", tr.p.name(), step)
			}
		}
		for _, p := range got {
			if strings.Contains(p.Name, "----") {
				t.Errorf("%s: a payload for nobody the tour knows: %s", tr.p.name(), p.Name)
			}
		}
		all = append(all, got...)
	}
	checkWording(t, all)
	goldens := goldenCards(t)
	if len(goldens) == 0 {
		t.Fatal("no golden cards found")
	}
	all = append(goldens, all...)
	cards := distinct(t, all)
	counts := map[string]int{}
	for _, c := range cards {
		counts[c.Kind]++
	}
	t.Logf("%d payloads, %d distinct: %d Adaptive Cards, %d Block Kit", len(all), len(cards), counts["teams"], counts["slack"])
	if counts["teams"] < 20 || counts["slack"] < 20 {
		t.Errorf("too few distinct cards for a tour of every state: %v", counts)
	}
	if *dumpDir == "" {
		return
	}
	if err := writeCards(*dumpDir, cards); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %d cards to %s", len(cards), *dumpDir)
}

// goldenCards reads the adapters' golden Adaptive Cards and Block Kit
// payloads: every JSON file in their testdata that is a card (an
// AdaptiveCard; a message with blocks, a modal or a home view). Other JSON
// there, such as the vendored Slack manifest schema, is left out.
func goldenCards(t *testing.T) []payload {
	var out []payload
	for kind, dir := range map[string]string{"teams": "../teams/testdata", "slack": "../slack/testdata"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.json"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if !isCard(kind, b) {
				t.Logf("%s is not a card; left out", f)
				continue
			}
			out = append(out, payload{Name: "golden--" + strings.TrimSuffix(filepath.Base(f), ".json"), Kind: kind, JSON: b})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// isCard reports whether b is a card of the platform kind: an Adaptive
// Card for Teams; a Block Kit message, modal or home view for Slack.
func isCard(kind string, b []byte) bool {
	var v struct {
		Type   string          `json:"type"`
		Blocks json.RawMessage `json:"blocks"`
	}
	if json.Unmarshal(b, &v) != nil {
		return false
	}
	if kind == "teams" {
		return v.Type == "AdaptiveCard"
	}
	return v.Blocks != nil && (v.Type == "" || v.Type == "modal" || v.Type == "home")
}

type distinctCard struct {
	dumped
	body []byte
}

// distinct folds payloads with the same JSON (keys in any order) into one,
// keeping every name it was seen under.
func distinct(t *testing.T, all []payload) []distinctCard {
	var out []distinctCard
	index := map[string]int{}
	for _, p := range all {
		var v any
		if err := json.Unmarshal(p.JSON, &v); err != nil {
			t.Fatalf("%s: not JSON: %v", p.Name, err)
		}
		canon, _ := json.Marshal(v)
		key := p.Kind + "\x00" + string(canon)
		if i, ok := index[key]; ok {
			out[i].Seen = append(out[i].Seen, p.Name)
			continue
		}
		var pretty bytes.Buffer
		if err := json.Indent(&pretty, canon, "", "  "); err != nil {
			t.Fatal(err)
		}
		index[key] = len(out)
		out = append(out, distinctCard{dumped: dumped{Kind: p.Kind, Seen: []string{p.Name}}, body: pretty.Bytes()})
	}
	return out
}

var unsafeName = regexp.MustCompile(`[^a-z0-9-]+`)

// writeCards writes each card as DIR/<kind>/<nnn>-<where first seen>.json
// and DIR/index.json.
func writeCards(dir string, cards []distinctCard) error {
	for _, kind := range []string{"slack", "teams"} {
		if err := os.RemoveAll(filepath.Join(dir, kind)); err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(dir, kind), 0o755); err != nil {
			return err
		}
	}
	n := map[string]int{}
	var index []dumped
	for _, c := range cards {
		n[c.Kind]++
		name := unsafeName.ReplaceAllString(strings.ToLower(c.Seen[0]), "-")
		c.File = filepath.ToSlash(filepath.Join(c.Kind, fmt.Sprintf("%03d-%s.json", n[c.Kind], name)))
		if err := os.WriteFile(filepath.Join(dir, c.File), append(c.body, '\n'), 0o644); err != nil {
			return err
		}
		index = append(index, c.dumped)
	}
	b, err := json.MarshalIndent(index, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "index.json"), append(b, '\n'), 0o644)
}
