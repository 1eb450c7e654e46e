package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/conversation"
)

// seed returns the text of a source document from the shared seeds folder
// beside the repository, with its whitespace run together, or "" when the
// folder is not there (a clean clone): the quotes in the tests then stand
// on their own.
func seed(t *testing.T, prefix string) string {
	t.Helper()
	matches, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "seeds", prefix+"_*.txt"))
	if len(matches) == 0 {
		return ""
	}
	b, err := os.ReadFile(matches[0])
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(string(b)), " ")
}

// quoted checks that a quote from a source document is in the document
// (when the documents are at hand), so the tests cannot drift from it.
func quoted(t *testing.T, doc, quote string) string {
	t.Helper()
	if doc != "" && !strings.Contains(doc, quote) {
		t.Fatalf("the source document does not say %q", quote)
	}
	return quote
}

// Rotherham (004): "It can be used in any relevant practice area that
// relates to: ... Decisions made at Multi Agency Meetings, including Child
// Protection Conferences and Core Groups – see Section 4, Challenging
// Practice Issues that Arise in Child Protection Conferences."
func TestRotherhamKeepsConferenceDecisionsInside(t *testing.T) {
	doc := seed(t, "004")
	quoted(t, doc, "Decisions made at Multi Agency Meetings, including Child Protection Conferences and Core Groups – see Section 4, Challenging Practice Issues that Arise in Child Protection Conferences")
	name := quoted(t, doc, "Practice Resolution Protocol")
	p, err := Preset("rotherham")
	if err != nil {
		t.Fatal(err)
	}
	if p.Conference == nil || p.CategoryName(p.Conference.Category) != "Decisions at multi-agency meetings, including child protection conferences and core groups" {
		t.Fatalf("conference decisions are not kept in Rotherham's meetings category: %+v", p.Conference)
	}
	if !strings.Contains(p.Conference.Guidance, "Section 4") || !strings.Contains(p.Conference.Guidance, "Challenging Practice Issues that Arise in Child Protection Conferences") {
		t.Errorf("the conference guidance does not point to Section 4: %q", p.Conference.Guidance)
	}
	if p.Routes.DissentProcedure != "" {
		t.Errorf("Rotherham's document names no dissent procedure to send people to: %q", p.Routes.DissentProcedure)
	}
	// Every text of the preset that names the protocol names it as the
	// document does.
	for _, text := range []string{p.Name, p.Referral.Guidance, p.Conference.Guidance, p.Routes.PartnershipContact} {
		if strings.Contains(text, "Resolution Protocol") && !strings.Contains(text, name) {
			t.Errorf("a text names another protocol: %q", text)
		}
	}
	if p.Name != name {
		t.Errorf("protocol name %q, want %q", p.Name, name)
	}
}

// Wiltshire (001): mediation "can be provided either by the Independent
// Chair or another partner organisation best suited to the issue"; the
// conference route is "follow the Dissent Procedure", with no mention of
// speaking to the conference chair first.
func TestWiltshireSaysWhatItsDocumentSays(t *testing.T) {
	doc := seed(t, "001")
	who := quoted(t, doc, "the Independent Chair or another partner organisation best suited to the issue")
	quoted(t, doc, "follow the Dissent Procedure")
	if doc != "" && strings.Contains(strings.ToLower(doc), "conference chair first") {
		t.Fatal("the document does speak of the conference chair first")
	}
	p, err := Preset("wiltshire")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p.Routes.Mediation, who) {
		t.Errorf("mediation = %q, want the document's %q", p.Routes.Mediation, who)
	}
	for _, text := range []string{p.Routes.Mediation, p.Referral.Guidance, p.Routes.DissentProcedure} {
		if strings.Contains(strings.ToLower(text), "restorative") {
			t.Errorf("Wiltshire's texts use Devon's restorative wording: %q", text)
		}
	}
	if p.Conference != nil {
		t.Errorf("Wiltshire sends conference decisions to its Dissent Procedure, not into the ladder: %+v", p.Conference)
	}
	if !strings.Contains(p.Routes.DissentProcedure, "Dissent Procedure") {
		t.Errorf("dissent procedure = %q", p.Routes.DissentProcedure)
	}
}

// TestConferenceOverride: a file can take conference decisions inside the
// protocol, or send them out again, and a category the protocol lacks is an
// error at its place.
func TestConferenceOverride(t *testing.T) {
	cfg, _ := mustLoad(t, Options{Path: writeFile(t, "partnership: wiltshire\nprotocol:\n  conference:\n    category: meetings\n    guidance: Raise it here.\n")})
	if c := cfg.Protocol.Conference; c == nil || c.Category != "meetings" || c.Guidance != "Raise it here." {
		t.Errorf("conference = %+v", c)
	}
	cfg, _ = mustLoad(t, Options{Path: writeFile(t, "partnership: rotherham\nprotocol:\n  conference: null\n  routes:\n    dissent_procedure: the area's Dissent Procedure\n")})
	if cfg.Protocol.Conference != nil {
		t.Errorf("conference: null left %+v", cfg.Protocol.Conference)
	}
	// Sending conference decisions out needs somewhere named to send them.
	_, probs, err := Load(Options{Path: writeFile(t, "partnership: devon\nprotocol:\n  conference: null\n")})
	if err == nil || !hasProblem(probs, SeverityError, "protocol.routes.dissent_procedure: conference decisions lead out to the dissent procedure, which is not named") {
		t.Errorf("err %v, problems:\n%s", err, probs)
	}
	_, probs, err = Load(Options{Path: writeFile(t, "partnership: rotherham\nprotocol:\n  conference:\n    category: nowhere\n")})
	if err == nil || !hasProblem(probs, SeverityError, "protocol.conference.category: the conference category \"nowhere\" is not one of the categories") {
		t.Errorf("err %v, problems:\n%s", err, probs)
	}
}

// plymouthQuestion is Plymouth's own opening question (000).
const plymouthQuestion = "Can you help me understand why that decision was made?"

// Plymouth (000): its tips page frames the protocol around neglect and gives
// its own tips and opening question; they are Plymouth's guidance before
// intake. Every other preset shows its own document's guidance instead.
func TestPlymouthGuidanceIsPlymouths(t *testing.T) {
	doc := seed(t, "000")
	question := quoted(t, doc, plymouthQuestion)
	quoted(t, doc, "Working with neglect often raises debate about the level of need")
	quoted(t, doc, "The Importance of Confident Humility")
	quoted(t, doc, "Emotions Propel Action")
	quoted(t, doc, "Be Evidenced Based")
	quoted(t, doc, "what can you or your agency do to be part of the solution")
	p, err := Preset("plymouth")
	if err != nil {
		t.Fatal(err)
	}
	intro := conversation.IntakeForm(&p, nil).Intro
	for _, want := range []string{question, "neglect", "Confident humility", "Emotions propel action",
		"Be evidence based", "Be collaborative", "what you or your agency can do to be part of the solution"} {
		if !strings.Contains(intro, want) {
			t.Errorf("Plymouth's guidance before intake lacks %q:\n%s", want, intro)
		}
	}
	for _, key := range PresetKeys() {
		if key == "plymouth" {
			continue
		}
		q, err := Preset(key)
		if err != nil {
			t.Fatal(err)
		}
		intro := conversation.IntakeForm(&q, nil).Intro
		if intro == "" {
			t.Errorf("%s shows no guidance before intake", key)
		}
		for _, plymouths := range []string{"help me understand", "help me see", "confident and humble", "Confident humility", "neglect"} {
			if strings.Contains(intro, plymouths) {
				t.Errorf("%s shows Plymouth's guidance (%q):\n%s", key, plymouths, intro)
			}
		}
	}
}

// TestGuidanceAndReflectionOverride: a file words its own guidance and
// reflection checklist, and an unknown checklist key is an error at its
// place.
func TestGuidanceAndReflectionOverride(t *testing.T) {
	cfg, _ := mustLoad(t, Options{Path: writeFile(t, "partnership: generic\nprotocol:\n  guidance: Talk first.\n  reflection:\n    - {key: child_best_interest, label: kept the child first}\n")})
	f := conversation.IntakeForm(&cfg.Protocol, nil)
	if f.Intro != "Talk first." {
		t.Errorf("intro = %q", f.Intro)
	}
	var labels []string
	for _, fd := range f.Fields {
		if fd.Key == conversation.FieldReflection {
			for _, o := range fd.Options {
				labels = append(labels, o.Value+"="+o.Label)
			}
		}
	}
	if strings.Join(labels, ";") != "child_best_interest=kept the child first" {
		t.Errorf("reflection checklist = %q", labels)
	}
	_, probs, err := Load(Options{Path: writeFile(t, "partnership: generic\nprotocol:\n  reflection:\n    - {key: mood, label: felt fine}\n")})
	if err == nil || !hasProblem(probs, SeverityError, "unknown reflection key \"mood\"") {
		t.Errorf("err %v, problems:\n%s", err, probs)
	}
}

// Devon (002, 003): difference is raised within the restorative principles,
// with restorative reflective circles and restorative supervision or group
// case discussion to help, and the reflection checklist asks about "personal
// distress, impact, overidentification, trauma and unconscious motivation".
func TestDevonGuidanceIsRestorative(t *testing.T) {
	for _, src := range []string{"002", "003"} {
		doc := seed(t, src)
		quoted(t, doc, "Relational, Responsible, Resilient, Reflective, Respectful balance and clarity")
		quoted(t, doc, "restorative reflective circles")
		quoted(t, doc, "personal distress, impact, overidentification, trauma and unconscious motivation")
	}
	quoted(t, seed(t, "003"), "A Restorative Supervision or Group case discussion would help")
	p, err := Preset("devon")
	if err != nil {
		t.Fatal(err)
	}
	f := conversation.IntakeForm(&p, nil)
	intro := strings.ToLower(f.Intro)
	for _, want := range []string{"relational, responsible, resilient, reflective and respectful", "restorative reflective circles",
		"restorative supervision or group case discussion", "professional curiosity"} {
		if !strings.Contains(intro, want) {
			t.Errorf("Devon's guidance lacks %q:\n%s", want, f.Intro)
		}
	}
	var checklist string
	for _, fd := range f.Fields {
		if fd.Key == conversation.FieldReflection {
			for _, o := range fd.Options {
				checklist += o.Label + "\n"
			}
		}
	}
	if !strings.Contains(strings.ReplaceAll(checklist, "over-identification", "overidentification"),
		"personal distress, impact, overidentification, trauma and unconscious motivation") {
		t.Errorf("Devon's reflection checklist:\n%s", checklist)
	}
}
