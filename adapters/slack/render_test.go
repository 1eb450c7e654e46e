package slack

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
)

var update = flag.Bool("update", false, "rewrite the golden Block Kit files in testdata/")

// goldenCase builds a bot with one case raised by Sam against Jo, and
// acknowledged, on the test clock.
func goldenCase(t *testing.T, in conversation.RaiseInput) (*bottest.Env, *conversation.Case, string, string) {
	t.Helper()
	env := bottest.New(t, bottest.Options{})
	ctx := context.Background()
	samID := env.Person(t, "sam.patel@school.example.org", "Sam Patel", "school", "school.manager@example.org")
	joID := env.Person(t, "jo.reed@csc.example.org", "Jo Reed", "csc", "")
	in.RespondentID = joID
	res, err := env.Engine.Raise(ctx, samID, in)
	if err != nil {
		t.Fatal(err)
	}
	return env, res.Case, samID, joID
}

// goldenDocs returns every kind of message and view the adapter sends, by name.
func goldenDocs(t *testing.T) map[string]any {
	t.Helper()
	ctx := context.Background()
	env, c, samID, joID := goldenCase(t, bottest.Intake("", "school", "csc"))
	k := env.Router.Cards
	msg := func(m bot.Message) any {
		blocks, fallback := renderMessage(nil, m, MaxMessageBlocks)
		return map[string]any{"text": fallback, "blocks": blocks}
	}
	docs := map[string]any{
		"card":     msg(k.Card(ctx, c, joID, "Sam Patel (Riverside Primary School (example)) has raised a disagreement with you.")),
		"timeline": msg(k.Timeline(ctx, c)),
		"list":     msg(k.List(ctx, []*conversation.Case{c}, joID)),
		"help":     msg(bot.Help("/resolve")),
		"route":    msg(k.Route(conversation.RouteImmediateRisk)),
	}
	ack := env.Router.Handle(ctx, bot.Inbound{Actor: joID, Verb: conversation.VerbAcknowledge, CaseID: c.ID, Version: c.Version})
	docs["notice"] = msg(ack.Messages[0])
	refused := env.Router.Handle(ctx, bot.Inbound{Actor: samID, Verb: conversation.VerbAcknowledge, CaseID: c.ID})
	docs["error"] = msg(refused.Messages[0])
	c, _ = env.Store.GetCase(ctx, c.ID)

	// A case whose text is far too long for a message: cut, with "View full case".
	long := bottest.Intake("", "school", "csc")
	// Escaping makes this far longer than a section holds.
	long.Concern = strings.Repeat("<<&>> ", 416)
	long.Evidence = strings.Repeat("Records show it. ", 160)[:conversation.MaxLongText]
	envL, cl, _, joL := goldenCase(t, long)
	for i := range 70 { // more timeline than 50 blocks of 3,000 characters hold
		if _, err := envL.Engine.AddNote(ctx, conversation.Cmd{Actor: joL, CaseID: cl.ID}, strings.Repeat("note ", 499)+string(rune('a'+i%26))); err != nil {
			t.Fatal(err)
		}
	}
	cl, _ = envL.Store.GetCase(ctx, cl.ID)
	docs["card_long"] = msg(envL.Router.Cards.Card(ctx, cl, joL, ""))
	docs["timeline_long"] = msg(envL.Router.Cards.Timeline(ctx, cl))

	none := func(string) string { return "" }
	intake := env.Router.IntakeForm(ctx, samID)
	docs["modal_intake"] = renderForm(nil, bot.Message{Kind: "form", Form: intake, Text: intake.Intro}, formMeta{Form: intake.Key, Concern: "About this message: https://example.slack.com/archives/C1/p1"}, none)
	profile := env.Router.ProfileForm(ctx, samID)
	docs["modal_profile"] = renderForm(nil, bot.Message{Kind: "form", Form: profile, Text: profile.Intro}, formMeta{Form: profile.Key, Then: bot.FormIntake}, none)
	// Sam's profile again: the line manager the bot knows is the person
	// field's chosen option, read from the directory.
	docs["modal_profile_known"] = renderForm(nil, bot.Message{Kind: "form", Form: profile, Text: profile.Intro}, formMeta{Form: profile.Key},
		(&Adapter{people: env.People}).personLabels(ctx))
	// What a person field offers when "manager" is typed in it.
	docs["options_manager"] = (&Adapter{people: env.People, log: slog.New(slog.DiscardHandler)}).suggest(ctx, slack.InteractionCallback{Type: slack.InteractionTypeBlockSuggestion, Value: "manager"}).body
	// Someone on Slack with an email address orders the ways to reach them.
	kim, err := env.People.Identify(ctx, conversation.Handle{Platform: "slack", Team: "T0TEAM", User: "U0KIM"}, "Kim Lee", "kim.lee@school.example.org")
	if err != nil {
		t.Fatal(err)
	}
	reach := env.Router.ProfileForm(ctx, kim.ID)
	docs["modal_profile_reach"] = renderForm(nil, bot.Message{Kind: "form", Form: reach, Text: reach.Intro}, formMeta{Form: reach.Key}, none)
	for _, v := range []conversation.Verb{conversation.VerbRespond, conversation.VerbEscalate, conversation.VerbPropose, conversation.VerbReturnReferral} {
		f := bot.ActionForm(env.Engine.Protocol, v)
		docs["modal_"+string(v)] = renderForm(nil, bot.Message{Kind: "form", Form: f, Text: f.Intro, FormCase: c.ID, FormVersion: c.Version},
			formMeta{Form: f.Key, Case: c.ID, Version: c.Version}, none)
	}
	// A response held back by an identifier warning: the answer kept, the
	// warning under it and the confirmation question added.
	warned := env.Router.Handle(ctx, bot.Inbound{Actor: joID, FormKey: bot.ActionFormPrefix + string(conversation.VerbRespond), CaseID: c.ID,
		Version: c.Version, Values: map[string]string{"text": "Seen at home; NHS number 943 476 5919."}})
	ad := &Adapter{router: env.Router}
	docs["modal_identifiers"] = renderForm(nil, *ad.identifierForm(ctx, joID, formMeta{Form: bot.ActionFormPrefix + string(conversation.VerbRespond), Case: c.ID, Version: c.Version},
		map[string]string{"text": "Seen at home; NHS number 943 476 5919."}, warned, true), formMeta{Form: bot.ActionFormPrefix + string(conversation.VerbRespond), Case: c.ID, Version: c.Version}, none)
	// Check your answers, with a long answer and a list.
	in := bottest.Intake(joID, "school", "csc")
	checked := env.Router.Handle(ctx, bot.Inbound{Actor: samID, FormKey: bot.FormIntake, Values: map[string]string{
		"immediate_risk": "no", "about": conversation.AboutOtherAgency, "child_ref": "SCH-2291", "raiser_agency": "school",
		"respondent": joID, "respondent_agency": "social care", "category": "threshold", "decision": in.Decision,
		"concern": strings.Repeat("The child arrives hungry & tired <again>. ", 55), "evidence_kind": "evidence", "evidence": in.Evidence,
		"outcome_sought": in.OutcomeSought, "urgency": "urgent", "reflection": "discussed_with_lead,child_best_interest",
		"family_informed": "yes", "serious_concern": "no"}})
	cm := bot.CheckOf(checked.Messages)
	if cm == nil {
		t.Fatalf("no answers to check: %+v", checked.Messages)
	}
	docs["modal_check"] = renderCheck(nil, *cm, formMeta{})
	docs["modal_route"] = renderInfoModal(nil, "Raise a disagreement", k.Route(conversation.RouteImmediateRisk))
	docs["modal_case"] = renderInfoModal(nil, c.ID, fullCase(k.Card(ctx, c, joID, "")), k.Timeline(ctx, c))
	docs["modal_case_long"] = renderInfoModal(nil, cl.ID, fullCase(envL.Router.Cards.Card(ctx, cl, joL, "")), envL.Router.Cards.Timeline(ctx, cl))
	// The Chair of the WSCB QA&P Sub Group's card for a serious concern,
	// and the deep-dive decision form.
	envS, cs, chairCard := bottest.SeriousConcern(t)
	docs["card_serious_concern_chair"] = msg(chairCard)
	dd := bot.ActionForm(envS.Engine.Protocol, conversation.VerbDeepDive)
	docs["modal_deep_dive"] = renderForm(nil, bot.Message{Kind: "form", Form: dd, Text: dd.Intro, FormCase: cs.ID, FormVersion: cs.Version},
		formMeta{Form: dd.Key, Case: cs.ID, Version: cs.Version}, none)
	// A conference chair's form for a difference seen in a conference or
	// review, and what logging one says.
	ob := envS.Router.ObservationForm()
	docs["modal_observation"] = renderForm(nil, bot.Message{Kind: "form", Form: ob, Text: ob.Intro}, formMeta{Form: ob.Key}, none)
	logged := envS.Router.Handle(ctx, bot.Inbound{Actor: "conference.chair@example.org", FormKey: conversation.FormObservation, Values: map[string]string{
		conversation.FieldObservedAgencyA: "police", conversation.FieldObservedAgencyB: "csc", conversation.FieldObservedMeeting: conversation.MeetingConference,
		conversation.FieldCategory: "threshold", conversation.FieldObservedText: "Apart on whether the threshold for a plan was met."}})
	docs["observation_logged"] = msg(logged.Messages[0])
	docs["home"] = renderHome(nil,
		[]homeCase{{c.ID, "Professional to professional · Riverside Primary School (example) and Children's Social Care (example) · ref CSC-204913\nDue Mon 30 Nov, 17:00 (5 working days left)"}},
		nil, []homeCase{{"CR-2026-0002", "resolved · ref CSC-1 · Tue 24 Nov, 10:00"}}, "/resolve")
	return docs
}

func TestGoldenBlockKit(t *testing.T) {
	for name, doc := range goldenDocs(t) {
		t.Run(name, func(t *testing.T) {
			got, err := json.MarshalIndent(doc, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", name+".json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if string(got) != string(want) {
				t.Errorf("%s differs from the golden file; run go test -update and review the diff\ngot:\n%s", path, got)
			}
		})
	}
}

// TestGoldenFilesWithinLimits checks every golden file against Slack's
// Block Kit limits.
func TestGoldenFilesWithinLimits(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	if len(files) < 10 {
		t.Fatalf("only %d golden files", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, p := range limitProblems(doc) {
			t.Errorf("%s: %s", f, p)
		}
	}
}

func TestLongTextIsCutWithViewFullCase(t *testing.T) {
	docs := goldenDocs(t)
	for _, name := range []string{"card_long", "timeline_long"} {
		b, _ := json.Marshal(docs[name])
		if !strings.Contains(string(b), `"action_id":"rb_view"`) || !strings.Contains(string(b), "…") {
			t.Errorf("%s: long text not cut with an ellipsis and a View full case button", name)
		}
	}
}

// limitProblems lists the Block Kit limits a message or view breaks.
func limitProblems(doc map[string]any) []string {
	var out []string
	bad := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	textOf := func(v any) string {
		if m, ok := v.(map[string]any); ok {
			s, _ := m["text"].(string)
			return s
		}
		return ""
	}
	atMost := func(what, s string, max int) {
		if slen(s) > max {
			bad("%s is %d long, over %d", what, slen(s), max)
		}
	}
	blocks, _ := doc["blocks"].([]any)
	maxBlocks := MaxMessageBlocks
	switch doc["type"] {
	case "modal":
		maxBlocks = MaxModalBlocks
		atMost("modal title", textOf(doc["title"]), MaxModalTitle)
		atMost("submit", textOf(doc["submit"]), MaxModalButton)
		atMost("close", textOf(doc["close"]), MaxModalButton)
		pm, _ := doc["private_metadata"].(string)
		atMost("private_metadata", pm, MaxPrivateMetadata)
	case "home":
		maxBlocks = MaxModalBlocks
	}
	if len(blocks) > maxBlocks {
		bad("%d blocks, over %d", len(blocks), maxBlocks)
	}
	ids := map[string]bool{}
	var element func(el map[string]any)
	option := func(o any) {
		m := o.(map[string]any)
		atMost("option text", textOf(m["text"]), MaxOptionText)
		atMost("option description", textOf(m["description"]), MaxOptionText)
		v, _ := m["value"].(string)
		atMost("option value", v, MaxOptionValue)
	}
	element = func(el map[string]any) {
		switch el["type"] {
		case "button":
			atMost("button text", textOf(el["text"]), MaxButtonText)
			v, _ := el["value"].(string)
			atMost("button value", v, MaxButtonValue)
			if c, ok := el["confirm"].(map[string]any); ok {
				atMost("confirm title", textOf(c["title"]), MaxConfirmTitle)
				atMost("confirm text", textOf(c["text"]), MaxConfirmText)
				atMost("confirm button", textOf(c["confirm"]), MaxConfirmButton)
				atMost("deny button", textOf(c["deny"]), MaxConfirmButton)
			}
		case "static_select":
			opts, _ := el["options"].([]any)
			if len(opts) > MaxSelectOptions {
				bad("%d select options", len(opts))
			}
			for _, o := range opts {
				option(o)
			}
		case "checkboxes", "radio_buttons":
			opts, _ := el["options"].([]any)
			if len(opts) > MaxCheckboxOptions {
				bad("%d %s options", len(opts), el["type"])
			}
			for _, o := range opts {
				option(o)
			}
		case "plain_text_input":
			if n, _ := el["max_length"].(float64); n > MaxInputLength {
				bad("max_length %v", n)
			}
			iv, _ := el["initial_value"].(string)
			atMost("initial value", iv, MaxInputLength)
		}
		atMost("placeholder", textOf(el["placeholder"]), MaxPlaceholder)
	}
	for _, b := range blocks {
		bm := b.(map[string]any)
		if id, _ := bm["block_id"].(string); id != "" {
			if ids[id] {
				bad("block id %q used twice", id)
			}
			ids[id] = true
		}
		switch bm["type"] {
		case "section":
			atMost("section text", textOf(bm["text"]), MaxSectionText)
			fields, _ := bm["fields"].([]any)
			if len(fields) > MaxSectionFields {
				bad("%d section fields", len(fields))
			}
			for _, f := range fields {
				atMost("section field", textOf(f), MaxSectionField)
			}
			if acc, ok := bm["accessory"].(map[string]any); ok {
				element(acc)
			}
			if bm["text"] == nil && len(fields) == 0 {
				bad("empty section")
			}
		case "header":
			atMost("header", textOf(bm["text"]), MaxHeaderText)
		case "actions":
			els, _ := bm["elements"].([]any)
			if len(els) > MaxActionElements {
				bad("%d action elements", len(els))
			}
			seen := map[string]bool{}
			for _, e := range els {
				em := e.(map[string]any)
				if id, _ := em["action_id"].(string); seen[id] {
					bad("action id %q used twice", id)
				} else {
					seen[id] = true
				}
				element(em)
			}
		case "context":
			els, _ := bm["elements"].([]any)
			if len(els) > MaxContextElements {
				bad("%d context elements", len(els))
			}
			for _, e := range els {
				atMost("context text", textOf(e), MaxSectionText)
			}
		case "input":
			atMost("input label", textOf(bm["label"]), MaxInputLabel)
			atMost("input hint", textOf(bm["hint"]), MaxInputHint)
			element(bm["element"].(map[string]any))
		case "divider":
		default:
			bad("unexpected block type %v", bm["type"])
		}
	}
	return out
}

// evil is text a person might type to ping everyone or forge markup.
const evil = "<!channel> hi <@U123> & <https://evil.example|click> &amp; >"

var entity = regexp.MustCompile(`&(amp|lt|gt);`)

// TestUserTextEscapedEverywhere puts markup into every field of a message
// and of a case, and finds it escaped in every block.
func TestUserTextEscapedEverywhere(t *testing.T) {
	in := bottest.Intake("", "school", "csc")
	in.Decision, in.Concern, in.Evidence, in.OutcomeSought, in.CrossBorder = evil, evil, evil, evil, evil
	env, c, samID, joID := goldenCase(t, in)
	ctx := context.Background()
	if _, err := env.People.SaveProfile(ctx, samID, evil, "school", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Engine.AddNote(ctx, conversation.Cmd{Actor: joID, CaseID: c.ID}, evil); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Engine.ProposeResolution(ctx, conversation.Cmd{Actor: joID, CaseID: c.ID}, evil,
		[]conversation.ResolutionAction{{Description: evil, Owner: evil}}); err != nil {
		t.Fatal(err)
	}
	c, _ = env.Store.GetCase(ctx, c.ID)
	k := env.Router.Cards
	m := bot.Message{Kind: "notice", CaseID: c.ID, Title: evil, Text: evil, Tone: bot.ToneWarning,
		Fields:  []bot.Field{{Label: evil, Value: evil}, {Label: evil, Value: strings.Repeat(evil, 40)}},
		Buttons: []bot.Button{{Label: evil, Verb: conversation.VerbRespond, CaseID: c.ID, Confirm: evil}},
		Errors:  map[string]string{"text": evil}}
	form := &conversation.Form{Key: "action:respond", Title: evil, Intro: evil, Fields: []conversation.Field{
		{Key: "a", Label: evil, Help: evil, Placeholder: evil, Type: conversation.FieldTextarea},
		{Key: "b", Label: evil, Type: conversation.FieldSelect, Options: []conversation.Option{{Value: "x", Label: evil}}},
		{Key: "c", Label: evil, Type: conversation.FieldCheckboxes, Options: []conversation.Option{{Value: "x", Label: evil + evil}}},
	}}
	docs := map[string]any{}
	for name, msg := range map[string]bot.Message{
		"message": m, "card": k.Card(ctx, c, joID, evil), "timeline": k.Timeline(ctx, c), "list": k.List(ctx, []*conversation.Case{c}, joID),
	} {
		blocks, fallback := renderMessage(nil, msg, MaxMessageBlocks)
		docs[name] = map[string]any{"text": fallback, "blocks": blocks}
	}
	docs["form"] = renderForm(nil, bot.Message{Kind: "form", Form: form, Text: evil}, formMeta{Form: form.Key, Case: c.ID}, nil)
	docs["info"] = renderInfoModal(nil, evil, fullCase(k.Card(ctx, c, joID, evil)))
	docs["home"] = renderHome(nil, []homeCase{{c.ID, evil}}, nil, nil, "/resolve")
	for name, doc := range docs {
		b, _ := json.Marshal(doc)
		var v any
		json.Unmarshal(b, &v)
		seen := 0
		walkText(v, "", func(key, s string) {
			if strings.ContainsAny(s, "<>") || strings.Count(s, "&") != len(entity.FindAllString(s, -1)) {
				t.Errorf("%s: %s not escaped: %q", name, key, s)
			}
			if strings.Contains(s, "&lt;!channel&gt;") {
				seen++
			}
		})
		if seen == 0 && name != "list" { // a list shows no free text
			t.Errorf("%s: the escaped text was not shown at all", name)
		}
	}
}

// walkText calls fn with every string that Slack shows as text; ids,
// values and URLs are not shown.
func walkText(v any, key string, fn func(key, s string)) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			switch k {
			case "value", "action_id", "block_id", "callback_id", "private_metadata", "url", "type", "style", "initial_value":
				continue
			}
			walkText(e, k, fn)
		}
	case []any:
		for _, e := range x {
			walkText(e, key, fn)
		}
	case string:
		fn(key, x)
	}
}
