package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/conversation"
)

// TestCheckYourAnswers: complete answers open no case but come back in
// words to be checked, kept as a draft; Change gives the form back with
// every answer in place; a Send of answers that changed since they were
// shown shows them again; Send of the answers as shown opens the case with
// them; once sent, nothing is left to send.
func TestCheckYourAnswers(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	cases := func() int {
		cs, _ := f.Store.ListCases(ctx, conversation.CaseFilter{})
		return len(cs)
	}
	values := intakeValues("Priya Shah")
	values[conversation.FieldRespondentAgency] = "social care" // typed as people say it
	r := f.Router.Handle(ctx, bot.Inbound{Actor: f.sam, FormKey: bot.FormIntake, Values: values})
	check := bot.CheckOf(r.Messages)
	if check == nil || r.Step != nil || cases() != 0 {
		t.Fatalf("complete answers did not come back to be checked: %+v", r)
	}
	words := map[string]string{}
	for _, a := range check.Check.Answers {
		words[a.Key] = a.Answer
	}
	for key, want := range map[string]string{
		conversation.FieldImmediateRisk:    "No",
		conversation.FieldAbout:            "A decision or action by another professional or agency",
		conversation.FieldChildRef:         "SCH-2291",
		conversation.FieldRespondent:       "Priya Shah (priya.shah@csc.example.org)",
		conversation.FieldRespondentAgency: "Children's Social Care (example)",
		conversation.FieldCategory:         "Threshold, level of need or risk",
		conversation.FieldEvidenceKind:     "Evidence I can share",
		conversation.FieldUrgency:          "Within the usual timescale",
		conversation.FieldCrossBorder:      "Not answered",
		conversation.FieldSeriousConcern:   "No",
	} {
		if words[key] != want {
			t.Errorf("answer to %s shown as %q, want %q", key, words[key], want)
		}
	}
	if len(check.Check.Answers) != len(f.Router.IntakeForm(ctx, f.sam).Fields) {
		t.Errorf("%d answers shown, want every question", len(check.Check.Answers))
	}
	if d, err := f.Router.Draft(ctx, f.sam); err != nil || d.Values[conversation.FieldConcern] != values[conversation.FieldConcern] {
		t.Fatalf("the answers are not kept as a draft: %v", err)
	}

	// Change: the form again, every answer in place, the question marked.
	r = f.Router.Handle(ctx, bot.ChangeChecked(f.sam, conversation.FieldChildRef))
	if len(r.Messages) != 1 || r.Messages[0].Form == nil || r.Messages[0].Focus != conversation.FieldChildRef {
		t.Fatalf("Change gave %+v", r.Messages)
	}
	form := r.Messages[0].Form
	if form.Field(conversation.FieldConcern).Default != values[conversation.FieldConcern] || form.Field(conversation.FieldChildRef).Default != "SCH-2291" ||
		form.Field(conversation.FieldRespondentAgency).Default != "csc" {
		t.Errorf("the form came back without the answers: %+v", form.Fields)
	}
	if !strings.Contains(r.Messages[0].Text, "Agency case reference") {
		t.Errorf("the form does not say which answer to change: %q", r.Messages[0].Text)
	}

	// Changed and continued: checked again, with the new answer.
	values[conversation.FieldChildRef] = "SCH-2291/B"
	r = f.Router.Handle(ctx, bot.Inbound{Actor: f.sam, FormKey: bot.FormIntake, Values: values})
	changed := bot.CheckOf(r.Messages)
	if changed == nil || changed.Check.Digest == check.Check.Digest {
		t.Fatalf("changed answers: %+v", r.Messages)
	}

	// Send of the answers first shown: they are not what is kept now.
	r = f.Router.Handle(ctx, bot.SendChecked(f.sam, check.Check))
	again := bot.CheckOf(r.Messages)
	if again == nil || !strings.Contains(again.Text, "changed after they were shown") || cases() != 0 {
		t.Fatalf("a Send of answers since changed: %+v", r.Messages)
	}

	r = f.Router.Handle(ctx, bot.SendChecked(f.sam, again.Check))
	if r.Step == nil || r.Step.ChildRef != "SCH-2291/B" || r.Step.Respondent.Agency != "csc" {
		t.Fatalf("Send did not open the case as checked: %+v", r)
	}
	if _, err := f.Router.Draft(ctx, f.sam); conversation.ErrorCode(err) != conversation.ENOTFOUND {
		t.Errorf("the draft outlived the case: %v", err)
	}
	r = f.Router.Handle(ctx, bot.SendChecked(f.sam, again.Check))
	if r.Step != nil || len(r.Messages) != 1 || !strings.Contains(r.Messages[0].Text, "no longer saved") || cases() != 1 {
		t.Errorf("a second Send: %+v", r)
	}
}

// TestCheckRefusesWhatSendWould: answers the engine would refuse (hidden
// characters that reorder the text) are refused before they are shown to
// be checked, so Send never fails on what the person saw.
func TestCheckRefusesWhatSendWould(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	values := intakeValues("Priya Shah")
	values[conversation.FieldCrossBorder] = "Devon\u202e SCP"
	r := f.Router.Handle(ctx, bot.Inbound{Actor: f.sam, FormKey: bot.FormIntake, Values: values})
	if bot.CheckOf(r.Messages) != nil || r.Errors[conversation.FieldCrossBorder] == "" {
		t.Fatalf("answers the engine refuses were shown to be checked: %+v", r)
	}
	if d, err := f.Router.Draft(ctx, f.sam); err != nil || d.Values[conversation.FieldDecision] != values[conversation.FieldDecision] {
		t.Errorf("the answers were not kept: %v", err)
	}
}

// TestRaiseCarriesOnTheDraft: raise after answers were kept (Cancel on the
// check) gives the form with every answer in place, and says so; Cancel
// itself says the answers are kept.
func TestRaiseCarriesOnTheDraft(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	values := intakeValues("Priya Shah")
	if r := f.Router.Handle(ctx, bot.Inbound{Actor: f.sam, FormKey: bot.FormIntake, Values: values}); bot.CheckOf(r.Messages) == nil {
		t.Fatalf("no check: %+v", r.Messages)
	}
	r := f.Router.Handle(ctx, bot.Inbound{Actor: f.sam, Text: "cancel"})
	if len(r.Messages) != 1 || !strings.Contains(r.Messages[0].Text, "kept as a draft for 3 days") {
		t.Errorf("cancel said %+v", r.Messages)
	}
	r = f.Router.Handle(ctx, bot.Inbound{Actor: f.sam, Text: "raise"})
	if len(r.Messages) != 1 || r.Messages[0].Form == nil {
		t.Fatalf("raise gave %+v", r.Messages)
	}
	m := r.Messages[0]
	if !strings.HasPrefix(m.Text, f.Router.Cards.DraftResumed()) || m.Form.Field(conversation.FieldOutcomeSought).Default != values[conversation.FieldOutcomeSought] {
		t.Errorf("raise did not carry on the draft: %q %+v", m.Text, m.Form.Fields)
	}
}

// TestChoose: a typed answer to a choice question finds the option whose
// label holds its words, asks which when several fit, and lists the
// options when none does.
func TestChoose(t *testing.T) {
	f := newFixture(t)
	agencies := &conversation.Field{Key: "agency", Type: conversation.FieldAgency, Options: f.People.Agencies()}
	care := &conversation.Field{Key: "agency", Type: conversation.FieldAgency, Options: []conversation.Option{
		{Value: "csc", Label: "Children's Social Care"}, {Value: "asc", Label: "Adult Social Care"}, {Value: "cc", Label: "Careers Centre"}}}
	tests := []struct {
		name    string
		field   *conversation.Field
		typed   string
		want    string
		problem string // a part of the message, when no option is chosen
	}{
		{"the value", agencies, "csc", "csc", ""},
		{"words of the label", agencies, "social care", "csc", ""},
		{"capitals", agencies, "Social Care", "csc", ""},
		{"health visiting", agencies, "health visiting", "health-visiting", ""},
		{"police", agencies, "police", "police", ""},
		{"filler words", agencies, "the police team", "police", ""},
		{"apostrophe left out", agencies, "childrens social care", "csc", ""},
		{"the start of a word", agencies, "health", "health-visiting", ""},
		{"a slip of typing", agencies, "polcie", "police", ""},
		{"without the decoration", agencies, "Riverside Primary School", "school", ""},
		{"several fit", care, "social care", "", "Did you mean Children's Social Care or Adult Social Care?"},
		{"the exact word beats its start", care, "care", "", "Did you mean Children's Social Care or Adult Social Care?"},
		{"one of several fits all the words", care, "adult care", "asc", ""},
		{"none fits", agencies, "housing", "", "Please choose one of: Children's Social Care (example); Riverside Primary School (example); Health Visiting (example); Police Public Protection (example)."},
		{"two letters are not a word", agencies, "po", "", "Please choose one of"},
		{"blank", agencies, "  ", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, said := (&bot.Cards{}).Choose(tt.field, tt.typed)
			problem := (&bot.Cards{}).Words(said)
			if got != tt.want {
				t.Errorf("Choose(%q) = %q (%s), want %q", tt.typed, got, problem, tt.want)
			}
			if tt.problem == "" && problem != "" || !strings.Contains(problem, tt.problem) {
				t.Errorf("Choose(%q) said %q, want %q", tt.typed, problem, tt.problem)
			}
		})
	}
}

// TestAgencyTypedInAnswers: an intake and a profile whose agencies are
// typed in words are read as the agencies meant; words that fit two get
// the question back, and nothing is stored.
func TestAgencyTypedInAnswers(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	values := intakeValues("Priya Shah")
	values[conversation.FieldRaiserAgency] = "Riverside school"
	values[conversation.FieldRespondentAgency] = "Police"
	r := f.Router.Handle(ctx, bot.Inbound{Actor: f.sam, FormKey: bot.FormIntake, Values: values})
	if check := bot.CheckOf(r.Messages); check == nil || !strings.Contains(check.Check.Answers[5].Answer, "Police Public Protection") {
		t.Fatalf("typed agencies: %+v", r.Messages)
	}
	values[conversation.FieldRespondentAgency] = "space agency"
	r = f.Router.Handle(ctx, bot.Inbound{Actor: f.sam, FormKey: bot.FormIntake, Values: values})
	if !strings.Contains(r.Errors[conversation.FieldRespondentAgency], "Please choose one of") {
		t.Errorf("an agency nobody has: %v", r.Errors)
	}
	r = f.Router.Handle(ctx, bot.Inbound{Actor: f.olu, FormKey: bot.FormProfile, Values: map[string]string{"name": "Olu Ade", "agency": "health visiting"}})
	if per, _ := f.Store.GetPerson(ctx, f.olu); per.Agency != "health-visiting" {
		t.Errorf("profile agency typed in words: %q, %+v", per.Agency, r.Messages)
	}
}

// TestCommandsTypedAsAnswers: a command typed as the whole of an answer
// ("cancel", "status CR-2026-0001") is refused on its question and never
// stored, in the intake's draft or on a case; an answer that only starts
// with such a word is an answer.
func TestCommandsTypedAsAnswers(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	c := f.raise(t)
	tests := []struct {
		name, typed, want string // want: a part of the message, "" for an answer
	}{
		{"cancel", "cancel", "reads as a way to stop"},
		{"stop", "Stop", "reads as a way to stop"},
		{"help", "help", "asking for help"},
		{"status of a case", "status CR-2026-0001", "reads as a command"},
		{"a step on a case", "escalate cr-2026-0001", "reads as a command"},
		{"list", "list", "reads as a command"},
		{"an answer starting with a command word", "Help with attendance was refused.", ""},
		{"a sentence with a case id", "As in CR-2026-0001, the plan was dropped.", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := bot.MidFormCommand(tt.typed) != ""; got != (tt.want != "") {
				t.Errorf("MidFormCommand(%q) = %v", tt.typed, got)
			}
			values := intakeValues("Priya Shah")
			values[conversation.FieldDecision] = tt.typed
			r := f.Router.Handle(ctx, bot.Inbound{Actor: f.sam, FormKey: bot.FormIntake, Values: values})
			msg := r.Errors[conversation.FieldDecision]
			if tt.want == "" {
				if bot.CheckOf(r.Messages) == nil {
					t.Errorf("the answer %q was refused: %v", tt.typed, r.Errors)
				}
				return
			}
			if !strings.Contains(msg, tt.want) {
				t.Errorf("intake answer %q: error %q, want %q", tt.typed, msg, tt.want)
			}
			if d, err := f.Router.Draft(ctx, f.sam); err != nil || d.Values[conversation.FieldDecision] != "" || d.Values[conversation.FieldConcern] == "" {
				t.Errorf("draft after %q: %+v %v; the command must not be kept, the answers must", tt.typed, d, err)
			}
			before, _ := f.Store.GetCase(ctx, c.ID)
			r = f.Router.Handle(ctx, bot.Inbound{Actor: f.sam, FormKey: bot.ActionFormPrefix + string(conversation.VerbNote), CaseID: c.ID,
				Values: map[string]string{"text": tt.typed}})
			if !strings.Contains(r.Errors["text"], tt.want) || r.Step != nil {
				t.Errorf("note %q: %+v", tt.typed, r)
			}
			if after, _ := f.Store.GetCase(ctx, c.ID); after.Version != before.Version {
				t.Errorf("note %q changed the case", tt.typed)
			}
		})
	}
}
