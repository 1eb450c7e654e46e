package caserecord_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/caserecord"
)

// scriptNames are people's names in the scripts the PDF font covers.
var scriptNames = map[string]string{
	"Polish":     "Łukasz Wiśniewski",
	"Romanian":   "Ștefan Țăranu",
	"Turkish":    "Şükrü Gündoğdu İlhan",
	"Greek":      "Γιώργος Παπαδόπουλος",
	"Cyrillic":   "Олена Шевченко",
	"Lithuanian": "Žydrūnė Čiurlionytė",
	"Vietnamese": "Nguyễn Thị Thảo",
	"Armenian":   "Արամ Խաչատրյան",
	"Georgian":   "ნინო ბერიძე",
}

// TestNamesInAnyScript: people named in Polish, Romanian, Turkish, Greek,
// Cyrillic, Lithuanian, Vietnamese, Armenian and Georgian come back from the PDF exactly as
// written (the core fonts turned "Łukasz Wiśniewski" into ".ukasz
// Wi.niewski"). With RECORD_PDF_OUT set, the PDF is written there to look at.
func TestNamesInAnyScript(t *testing.T) {
	ctx := context.Background()
	env := bottest.New(t, bottest.Options{})
	raiser := env.Person(t, "lukasz@school.example.org", scriptNames["Polish"], "school", "school.manager@example.org")
	other := env.Person(t, "stefan@csc.example.org", scriptNames["Romanian"], "csc", "csc.manager@example.org")
	res, err := env.Engine.Raise(ctx, raiser, bottest.Intake(other, "school", "csc"))
	if err != nil {
		t.Fatal(err)
	}
	for _, script := range []string{"Turkish", "Greek", "Cyrillic", "Lithuanian", "Vietnamese", "Armenian", "Georgian"} {
		res, err = env.Engine.AddNote(ctx, conversation.Cmd{Actor: raiser, CaseID: res.Case.ID}, "Spoke with "+scriptNames[script]+".")
		if err != nil {
			t.Fatal(err)
		}
	}
	c, err := env.Engine.RecordExport(ctx, "stefan@csc.example.org", res.Case.ID, "pdf")
	if err != nil {
		t.Fatal(err)
	}
	access, err := env.Engine.ExportAccessLog(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	r := caserecord.Build(c, access, env.Engine.Protocol(), namer{env}, bottest.London, "stefan@csc.example.org", env.Clock.Now())
	b, err := r.Write("pdf")
	if err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("RECORD_PDF_OUT"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, "record-scripts.pdf"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	text := pdfText(t, r)
	for script, name := range scriptNames {
		if !strings.Contains(text, name) {
			t.Errorf("%s name %q did not come back from the PDF", script, name)
		}
	}
	for _, want := range []string{"Raised by " + scriptNames["Polish"], "About a decision of " + scriptNames["Romanian"], "by " + scriptNames["Romanian"] + ".",
		"Access log", scriptNames["Romanian"] + " — exported as PDF"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF lacks %q", want)
		}
	}
}
