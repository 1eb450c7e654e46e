package caserecord_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/caserecord"
	"github.com/resolvebot/resolvebot/internal/pdftext"
)

var update = flag.Bool("update", false, "rewrite golden files")

type namer struct{ env *bottest.Env }

func (n namer) PersonName(id string) string  { return n.env.People.Name(context.Background(), id) }
func (n namer) AgencyName(key string) string { return n.env.People.AgencyName(key) }

// record walks a case through two stages with many notes, so the PDF runs
// to several pages, and lays it out.
func record(t *testing.T) *caserecord.Record {
	t.Helper()
	ctx := context.Background()
	env := bottest.New(t, bottest.Options{})
	sam := env.Person(t, "sam.patel@school.example.org", "Sam Patel", "school", "school.manager@example.org")
	priya := env.Person(t, "priya.shah@csc.example.org", "Priya Shah", "csc", "csc.manager@example.org")
	res, err := env.Engine.Raise(ctx, sam, bottest.Intake(priya, "school", "csc"))
	if err != nil {
		t.Fatal(err)
	}
	id := res.Case.ID
	step := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		env.Clock.Advance(3 * time.Hour)
	}
	_, err = env.Engine.Acknowledge(ctx, conversation.Cmd{Actor: priya, CaseID: id})
	step(err)
	for i := range 30 {
		_, err = env.Engine.AddNote(ctx, conversation.Cmd{Actor: sam, CaseID: id}, fmt.Sprintf("Timeline note %02d: phoned the duty desk and left a message asking for the strategy discussion to be reconsidered.", i+1))
		step(err)
	}
	_, err = env.Engine.Escalate(ctx, conversation.Cmd{Actor: sam, CaseID: id}, conversation.EscalateInput{Reason: "No agreement after two calls."})
	step(err)
	_, err = env.Engine.ProposeResolution(ctx, conversation.Cmd{Actor: "csc.manager@example.org", CaseID: id}, "Joint visit and an early help assessment → reviewed in four weeks.",
		[]conversation.ResolutionAction{{Description: "Joint visit", Owner: "Social care", Due: time.Date(2026, 12, 4, 0, 0, 0, 0, bottest.London)}})
	step(err)
	res, err = env.Engine.ConfirmResolution(ctx, conversation.Cmd{Actor: "school.manager@example.org", CaseID: id})
	step(err)
	// Looks at the case go to its access log, not its timeline; an
	// outsider's three tries are one entry.
	_, err = env.Engine.View(ctx, priya, id)
	step(err)
	olu := env.Person(t, "olu.ade@police.example.org", "Olu Ade", "police", "")
	for range 3 {
		if _, err := env.Engine.Acknowledge(ctx, conversation.Cmd{Actor: olu, CaseID: id}); conversation.ErrorCode(err) == "" {
			t.Fatal("an outsider acknowledged the case")
		}
		env.Clock.Advance(time.Minute)
	}
	c, err := env.Engine.RecordExport(ctx, "partnership.manager@example.org", id, "md")
	if err != nil {
		t.Fatal(err)
	}
	access, err := env.Engine.ExportAccessLog(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	return caserecord.Build(c, access, env.Engine.Protocol(), namer{env}, bottest.London, "partnership.manager@example.org", env.Clock.Now())
}

func TestMarkdownGolden(t *testing.T) {
	got := []byte(record(t).Markdown())
	path := filepath.Join("testdata", "record.md")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run with -update): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("record.md differs from the golden file; run with -update after checking:\n%s", got)
	}
}

func TestPDFIsLegibleAndMarked(t *testing.T) {
	r := record(t)
	b, err := r.Write("pdf")
	if err != nil {
		t.Fatal(err)
	}
	pages, err := pdftext.Pages(b)
	if err != nil {
		t.Fatalf("the PDF does not open: %v", err)
	}
	if len(pages) < 2 {
		t.Errorf("%d page(s); 30 notes should run onto a second page", len(pages))
	}
	for i, text := range pages {
		if !strings.Contains(text, caserecord.Marking) {
			t.Errorf("page %d is not marked %s", i+1, caserecord.Marking)
		}
		if !strings.Contains(text, fmt.Sprintf("Page %d of %d", i+1, len(pages))) {
			t.Errorf("page %d lacks its page number", i+1)
		}
	}
	text := strings.Join(strings.Fields(strings.Join(pages, "\n")), " ") // lines wrap
	for _, want := range []string{"Safeguarding Children Partnership", "Case Resolution Protocol: case record CR-2026-0001", "CSC-204913",
		"Timeline note 01", "Timeline note 30", "Escalated to Manager to Manager", "Resolution confirmed", "Joint visit — owner: Social care",
		"early help assessment → reviewed"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
}

func TestJSONAndFormats(t *testing.T) {
	r := record(t)
	b, err := r.Write("json")
	if err != nil {
		t.Fatal(err)
	}
	var back caserecord.Record
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.CaseID != "CR-2026-0001" || back.Marking != caserecord.Marking || len(back.Stages) != 2 || len(back.Timeline) != len(r.Timeline) {
		t.Errorf("json record = %+v", back)
	}
	if _, err := r.Write("docx"); err == nil {
		t.Error("an unknown format was accepted")
	}
}

// TestPlainEnglishValues: the record says where the case stands and how
// urgent it is in the cards' words, not the stored values ("resolved",
// "urgent", "referred").
func TestPlainEnglishValues(t *testing.T) {
	r := record(t)
	got := map[string]string{}
	for _, l := range r.Summary {
		got[l.Label] = l.Value
	}
	for label, want := range map[string]string{"Status": "Resolved", "Urgency": "Standard", "Family told of the disagreement": "No"} {
		if got[label] != want {
			t.Errorf("%s = %q, want %q", label, got[label], want)
		}
	}
	whats := map[string]bool{}
	for _, e := range r.Timeline {
		whats[e.What] = true
	}
	for _, want := range []string{"Raised", "Acknowledged", "Note", "Escalated to Manager to Manager", "Resolution proposed", "Resolution confirmed"} {
		if !whats[want] {
			t.Errorf("the timeline has no %q: %v", want, whats)
		}
	}
	for what := range whats {
		if strings.Contains(what, "_") || what != "" && strings.ToUpper(what[:1]) != what[:1] {
			t.Errorf("timeline entry %q reads as a stored value", what)
		}
	}
}

// TestTitleNamesPartnershipAndProtocol: the title carries the partnership's
// and the protocol's names, and the PDF's running head the short name.
func TestTitleNamesPartnershipAndProtocol(t *testing.T) {
	tests := []struct {
		partnership, short, protocol string
		want                         string
	}{
		{"Devon Safeguarding Children Partnership (Devon SCP)", "Devon SCP", "Conflict Resolution and Case Resolution Protocol",
			"Devon Safeguarding Children Partnership (Devon SCP), Conflict Resolution and Case Resolution Protocol: case record CR-2026-0007"},
		{"Rotherham Safeguarding Children Partnership", "Rotherham SCP", "Practice Resolution Protocol",
			"Rotherham Safeguarding Children Partnership, Practice Resolution Protocol: case record CR-2026-0007"},
		{"", "", "", "Case record CR-2026-0007"},
	}
	for _, tt := range tests {
		r := &caserecord.Record{CaseID: "CR-2026-0007", Marking: caserecord.Marking, Partnership: tt.partnership, PartnershipShort: tt.short, Protocol: tt.protocol}
		if got := r.Title(); got != tt.want {
			t.Errorf("Title() = %q, want %q", got, tt.want)
		}
		if md := r.Markdown(); !strings.Contains(md, "# "+tt.want+"\n") {
			t.Errorf("markdown heading is not the title:\n%s", md)
		}
		text := pdfText(t, r)
		for _, want := range []string{tt.partnership, tt.protocol, tt.short} {
			if !strings.Contains(text, want) {
				t.Errorf("PDF lacks %q:\n%s", want, text)
			}
		}
	}
}

// pdfText renders r as a PDF and returns its text, page after page, with
// the lines run together (a long title wraps).
func pdfText(t *testing.T, r *caserecord.Record) string {
	t.Helper()
	b, err := r.Write("pdf")
	if err != nil {
		t.Fatal(err)
	}
	text, err := pdftext.Text(b)
	if err != nil {
		t.Fatalf("the PDF does not open: %v", err)
	}
	return strings.Join(strings.Fields(text), " ")
}

// TestActionStates: the record says where each agreed action stands when
// it is exported: done on time or late as recorded, overdue once its due
// day has ended, open before.
func TestActionStates(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 12, d, 0, 0, 0, 0, bottest.London) }
	c := &conversation.Case{ID: "CR-2026-0009", Status: conversation.StatusResolved,
		Stages: []conversation.StageRecord{{Key: "professional"}},
		Resolution: &conversation.Resolution{WayForward: "A joint visit.", Confirmed: true, ConfirmedAt: day(1), Actions: []conversation.ResolutionAction{
			{Description: "Book the visit", Owner: "Priya Shah", Due: day(3), DoneAt: day(4).Add(10 * time.Hour)},
			{Description: "Share the notes", Owner: "Priya Shah", Due: day(7)},
			{Description: "Review the plan", Owner: "Sam Patel", Due: day(21)},
		}},
		Events: []conversation.Event{{Seq: 1, Kind: conversation.EventActionDone, At: day(4).Add(10 * time.Hour),
			Fields: map[string]string{"action": "1", "state": string(conversation.ActionDoneLate)}}}}
	env := bottest.New(t, bottest.Options{})
	r := caserecord.Build(c, nil, env.Engine.Protocol(), namer{env}, bottest.London, "partnership.manager@example.org", day(8).Add(9*time.Hour))
	var got []string
	for _, l := range r.Outcome {
		if l.Label == "Action" {
			got = append(got, l.Value)
		}
	}
	want := []string{
		"Book the visit — owner: Priya Shah, due Thu 3 Dec 2026. Done late (Fri 4 Dec 2026)",
		"Share the notes — owner: Priya Shah, due Mon 7 Dec 2026. Overdue",
		"Review the plan — owner: Sam Patel, due Mon 21 Dec 2026. Open",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("actions on the record:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestReflectionInTheProtocolsWords: the record shows the reflection
// checklist in the words of the case's protocol, the ones the raiser
// answered, with each answer; a checklist reworded since does not change
// what the record says they were asked.
func TestReflectionInTheProtocolsWords(t *testing.T) {
	tests := []struct {
		preset string
		want   []string // "label: answer", as the record's summary shows them
	}{
		{"devon", []string{
			"Before raising it, I have discussed and reflected on it with my safeguarding lead or manager: Yes",
			"Before raising it, I have checked that only the child's best interest drives this: No",
			"Before raising it, I have reflected on any personal distress, impact, over-identification, trauma and unconscious motivation that might be affecting my practice: Yes",
		}},
		{"wiltshire", []string{
			"Before raising it, I have thought it through with my safeguarding lead: Yes",
			"Before raising it, I have checked that only the child's best interest drives this: No",
			"Before raising it, I have considered any personal motivation, and any over-identification with one family member at the expense of another: Yes",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.preset, func(t *testing.T) {
			ctx := context.Background()
			env := bottest.New(t, bottest.Options{Preset: tt.preset})
			sam := env.Person(t, "sam.patel@school.example.org", "Sam Patel", "school", "")
			priya := env.Person(t, "priya.shah@csc.example.org", "Priya Shah", "csc", "")
			in := bottest.Intake(priya, "school", "csc")
			in.Reflection = conversation.Reflection{DiscussedWithLead: true, MotivationConsidered: true}
			res, err := env.Engine.Raise(ctx, sam, in)
			if err != nil {
				t.Fatal(err)
			}
			// The partnership rewords its checklist after the case was raised.
			p := *env.Engine.Protocol()
			p.Reflection = []conversation.ReflectionCheck{{Key: conversation.ReflectionDiscussedWithLead, Label: "reworded later"}}
			r := caserecord.Build(res.Case, nil, &p, namer{env}, bottest.London, sam, env.Clock.Now())
			var got []string
			for _, l := range r.Summary {
				if strings.HasPrefix(l.Label, "Before raising it") {
					got = append(got, l.Label+": "+l.Value)
				}
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("reflection lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			text := pdfText(t, r)
			md := r.Markdown()
			for _, w := range tt.want {
				label, _, _ := strings.Cut(w, ": ")
				if !strings.Contains(text, label) || !strings.Contains(md, label) {
					t.Errorf("the PDF or Markdown lacks %q", label)
				}
			}
			if strings.Contains(md, "Motivation and over-identification considered") {
				t.Error("the record still shows the fixed wording")
			}
		})
	}
}
