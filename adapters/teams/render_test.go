package teams

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"image/png"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
)

var update = flag.Bool("update", false, "rewrite the golden Adaptive Card files in testdata")

// golden compares card with testdata/name.json, rewriting it with -update.
func golden(t *testing.T, name string, card map[string]any) {
	t.Helper()
	got, err := json.MarshalIndent(card, "", "  ")
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
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test -update and review the diff):\n%s", path, got)
	}
}

func TestGoldenCards(t *testing.T) {
	env := bottest.New(t, bottest.Options{})
	ctx := context.Background()
	raiser := env.Person(t, "sam.teacher@example.org", "Sam Teacher", "school", "school.manager@example.org")
	respondent := env.Person(t, "alex.worker@example.org", "Alex <b>Worker</b>", "csc", "")
	in := bottest.Intake(respondent, "school", "csc")
	in.Concern = "**Urgent**: see [this](http://evil.example.org) <at>everyone</at> {{DATE(2026-01-01T00:00:00Z)}}\n1. not a list\n# not a heading\n- nor this"
	res, err := env.Engine.Raise(ctx, raiser, in)
	if err != nil {
		t.Fatal(err)
	}
	c := res.Case
	// Person fields list the directory for clients without typeahead.
	ad := &Adapter{people: env.People, log: slog.New(slog.DiscardHandler)}
	intake := ad.peopleForm(ctx, env.Router.IntakeForm(ctx, raiser))
	escalate := ad.peopleForm(ctx, bot.ActionForm(env.Engine.Protocol(), conversation.VerbEscalate))
	profile := ad.peopleForm(ctx, env.Router.ProfileForm(ctx, raiser))
	// Check your answers: markdown typed in an answer shows as typed, and
	// a list answer keeps its lines.
	checked := env.Router.Handle(ctx, bot.Inbound{Actor: raiser, FormKey: bot.FormIntake, Values: map[string]string{
		"immediate_risk": "no", "about": conversation.AboutOtherAgency, "child_ref": "SCH-2291", "raiser_agency": "school",
		"respondent": respondent, "respondent_agency": "social care", "category": "threshold", "decision": in.Decision,
		"concern": in.Concern, "evidence_kind": "evidence", "evidence": in.Evidence, "outcome_sought": in.OutcomeSought,
		"urgency": "urgent", "reflection": "discussed_with_lead,child_best_interest", "family_informed": "yes", "serious_concern": "no"}})
	check := bot.CheckOf(checked.Messages)
	if check == nil {
		t.Fatalf("no answers to check: %+v", checked.Messages)
	}
	envS, cs, chairCard := bottest.SeriousConcern(t)
	deepDive := bot.ActionForm(envS.Engine.Protocol(), conversation.VerbDeepDive)
	observe := envS.Router.ObservationForm()
	logged := envS.Router.Handle(ctx, bot.Inbound{Actor: "conference.chair@example.org", FormKey: conversation.FormObservation, Values: map[string]string{
		conversation.FieldObservedAgencyA: "police", conversation.FieldObservedAgencyB: "csc", conversation.FieldObservedMeeting: conversation.MeetingConference,
		conversation.FieldCategory: "threshold", conversation.FieldObservedText: "Apart on whether the threshold for a plan was met."}})
	tests := []struct {
		name string
		msg  bot.Message
		vals map[string]string
	}{
		{"case_card_respondent", env.Router.Cards.Card(ctx, c, respondent, "Sam Teacher has raised a disagreement with you."), nil},
		{"case_card_raiser", env.Router.Cards.Card(ctx, c, raiser, ""), nil},
		{"intake_form", bot.Message{Kind: "form", Title: intake.Title, Text: intake.Intro, Form: intake}, nil},
		{"escalate_form_with_errors", bot.Message{Kind: "form", Title: escalate.Title, Form: escalate, FormCase: c.ID, FormVersion: c.Version,
			Errors: map[string]string{"reason": "Please answer this question."}}, map[string]string{"raiser_side": "school.manager@example.org"}},
		{"profile_form", bot.Message{Kind: "form", Title: profile.Title, Text: profile.Intro, Form: profile}, nil},
		{"check_your_answers", *check, nil},
		{"route_immediate_risk", env.Router.Cards.Route(conversation.RouteImmediateRisk), nil},
		{"serious_concern_chair", chairCard, nil},
		{"observation_form", bot.Message{Kind: "form", Title: observe.Title, Text: observe.Intro, Form: observe}, nil},
		{"observation_logged", logged.Messages[0], nil},
		{"deep_dive_form", bot.Message{Kind: "form", Title: deepDive.Title, Text: deepDive.Intro, Form: deepDive, FormCase: cs.ID, FormVersion: cs.Version}, nil},
		{"unreached", UnreachedNotice("Jo Nobody"), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			card := renderCard(nil, tc.msg, tc.vals)
			if tc.msg.Kind == "form" {
				card = formCard(nil, tc.msg)
				if tc.vals != nil {
					card = renderCard(nil, tc.msg, tc.vals)
				}
			}
			golden(t, tc.name, card)
		})
	}
}

func TestEscapeMarkdown(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain words, with (brackets) and CR-2026-0001.", "plain words, with (brackets) and CR-2026-0001."},
		{"**bold** _it_ `code` ~~x~~", `\*\*bold\*\* \_it\_ \` + "`" + `code\` + "`" + ` \~\~x\~\~`},
		{"[link](http://x) ![img](http://y)", `\[link\](http://x) !\[img\](http://y)`},
		{"<at>everyone</at>", `\<at\>everyone\</at\>`},
		{"{{DATE(2026-01-01T00:00:00Z)}}", `\{\{DATE(2026-01-01T00:00:00Z)\}\}`},
		{"1. one\n 2) two\n# h\n- l\n+ l\n> q\nok - fine # 3.", "1\\. one\n 2\\) two\n\\# h\n\\- l\n\\+ l\n\\> q\nok - fine # 3."},
		{"a\x00b\x1bc\rd\te", "abc d e"},
		{`back\slash`, `back\\slash`},
	}
	for _, tc := range tests {
		if got := escapeMarkdown(tc.in); got != tc.want {
			t.Errorf("escapeMarkdown(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestPackage(t *testing.T) {
	var buf bytes.Buffer
	err := WritePackage(&buf, PackageOptions{AppID: testAppID, ValidDomains: []string{"bot.example.org"}})
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	var m struct {
		Schema          string `json:"$schema"`
		ManifestVersion string
		ID              string
		Icons           map[string]string
		Bots            []struct {
			BotID        string
			Scopes       []string
			CommandLists []struct {
				Scopes   []string
				Commands []struct{ Title, Description string }
			}
		}
		ValidDomains []string
	}
	if err := json.Unmarshal(files["manifest.json"], &m); err != nil {
		t.Fatalf("manifest: %v", err)
	}
	if m.ManifestVersion != ManifestVersion || !strings.Contains(m.Schema, "v"+ManifestVersion) || m.ID != testAppID {
		t.Errorf("manifest header: %+v", m)
	}
	if len(m.Bots) != 1 || m.Bots[0].BotID != testAppID || strings.Join(m.Bots[0].Scopes, ",") != "personal,team" {
		t.Fatalf("bots: %+v", m.Bots)
	}
	var titles []string
	for _, c := range m.Bots[0].CommandLists[0].Commands {
		titles = append(titles, c.Title)
		if len(c.Title) > 32 || len(c.Description) > 128 {
			t.Errorf("command %q too long", c.Title)
		}
	}
	if got := strings.Join(titles, ","); got != "raise,list,status,profile,report,help" {
		t.Errorf("commands %s", got)
	}
	if strings.Join(m.ValidDomains, ",") != "bot.example.org" {
		t.Errorf("valid domains %v", m.ValidDomains)
	}
	for name, size := range map[string]int{"color.png": 192, "outline.png": 32} {
		img, err := png.Decode(bytes.NewReader(files[m.Icons[strings.TrimSuffix(name, ".png")]]))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if b := img.Bounds(); b.Dx() != size || b.Dy() != size {
			t.Errorf("%s is %v", name, b)
		}
		var transparent, white, other int
		for y := 0; y < size; y++ {
			for x := 0; x < size; x++ {
				r, g, b, a := img.At(x, y).RGBA()
				switch {
				case a == 0:
					transparent++
				case r == 0xffff && g == 0xffff && b == 0xffff && a == 0xffff:
					white++
				default:
					other++
				}
			}
		}
		if name == "outline.png" && (other != 0 || transparent == 0 || white == 0) {
			t.Errorf("outline icon must be white on transparent: %d transparent, %d white, %d other", transparent, white, other)
		}
		if name == "color.png" && (transparent != 0 || white == 0 || other == 0) {
			t.Errorf("colour icon must be opaque with a mark: %d transparent, %d white, %d other", transparent, white, other)
		}
	}
	if _, err := Manifest(PackageOptions{}); err == nil {
		t.Errorf("a manifest without an app id was written")
	}
	for _, id := range []string{"app-id", "6f1c2a3b4d5e6f708192a3b4c5d6e7f8", "{6f1c2a3b-4d5e-6f70-8192-a3b4c5d6e7f8}",
		"6f1c2a3b-4d5e-6f70-8192-a3b4c5d6e7fz", "6f1c2a3b-4d5e-6f70-8192a-3b4c5d6e7f8"} {
		if _, err := Manifest(PackageOptions{AppID: id}); err == nil || !strings.Contains(err.Error(), "not a GUID") {
			t.Errorf("app id %q: err %v, want not a GUID", id, err)
		}
	}
	if !ValidAppID("6F1C2A3B-4D5E-6F70-8192-A3B4C5D6E7F8") {
		t.Error("an upper-case GUID was refused")
	}
}

// TestJSONBound: the bound fitCard trusts is never under the encoded
// length, whatever the text escapes to, and says when it cannot tell.
func TestJSONBound(t *testing.T) {
	tests := []struct {
		name string
		v    any
		ok   bool
	}{
		{"plain", map[string]any{"type": "TextBlock", "text": "Use help", "wrap": true}, true},
		{"escaped", map[string]any{"text": "<a href=\"x\">&</a>\u2028\x01\\ \n\t"}, true},
		{"numbers", []any{0, int64(-1 << 62), 1.2345678901234567e-300, nil, false, "é"}, true},
		{"strings", map[string]any{"choices": []string{"\"", "<", "plain"}}, true},
		{"nested", map[string]any{"body": []any{map[string]any{"facts": []any{map[string]any{"title": "Case", "value": "QZX-447193"}}}}}, true},
		{"unknown type", map[string]any{"n": int32(1)}, false},
		{"unknown nested", []any{map[string]any{"x": []map[string]any{{}}}}, false},
	}
	for _, tc := range tests {
		b, err := json.Marshal(tc.v)
		if err != nil {
			t.Fatal(err)
		}
		bound, ok := jsonBound(tc.v)
		if ok != tc.ok || (ok && bound < len(b)) {
			t.Errorf("%s: jsonBound = %d, %v; encoded %d bytes, want ok %v and a bound at least that", tc.name, bound, ok, len(b), tc.ok)
		}
	}
}
