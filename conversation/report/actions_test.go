package report_test

import (
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/config"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/report"
	"github.com/resolvebot/resolvebot/internal/pdftext"
)

// followThroughCases are two cases resolved in November 2026 with agreed
// actions and learning: one action done on time, one done late, one
// overdue at the end of November, one not yet due; learning in two
// categories, some of it safe to quote and some not.
func followThroughCases() []*conversation.Case {
	day := func(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, london) }
	learn := func(seq int, kind, text string) conversation.Event {
		return conversation.Event{Seq: seq, Kind: conversation.EventLearning, At: day(20).Add(10 * time.Hour), Text: text,
			Fields: map[string]string{"kind": kind}}
	}
	a := &conversation.Case{ID: "CR-2026-0001", ChildRef: "SCH-2291", Category: "threshold", Status: conversation.StatusResolved,
		Raiser:     conversation.Party{PersonID: "sam@example.org", Name: "Sam Patel"},
		Respondent: conversation.Party{PersonID: "priya@example.org", Name: "Priya Shah"},
		CreatedAt:  day(2),
		Resolution: &conversation.Resolution{Confirmed: true, ConfirmedAt: day(10).Add(11 * time.Hour), Actions: []conversation.ResolutionAction{
			{Description: "Book the visit", OwnerID: "priya@example.org", Due: day(13), DoneAt: day(12).Add(15 * time.Hour)},
			{Description: "Share the notes", OwnerID: "priya@example.org", Due: day(16), DoneAt: day(18).Add(9 * time.Hour)},
			{Description: "Send the plan", OwnerID: "sam@example.org", Due: day(24)},
			{Description: "Review in January", OwnerID: "sam@example.org", Due: time.Date(2027, 1, 12, 0, 0, 0, 0, london)},
		}},
		Events: []conversation.Event{
			learn(1, conversation.LearningLearned, "Talking on the phone early saves weeks of emails."),
			learn(2, conversation.LearningPrevention, "A joint visit before the strategy discussion."),
			learn(3, conversation.LearningLearned, "Jayden's mum was not asked."),           // a name: counted only
			learn(4, conversation.LearningPrevention, "Checking SCH-2291 with the school."), // the reference: counted only
		}}
	b := &conversation.Case{ID: "CR-2026-0002", ChildRef: "CSC-1001", Category: "communication", Status: conversation.StatusResolved,
		Raiser:     conversation.Party{PersonID: "olu@example.org", Name: "Olu Ade"},
		Respondent: conversation.Party{PersonID: "priya@example.org", Name: "Priya Shah"},
		CreatedAt:  day(3),
		Resolution: &conversation.Resolution{Confirmed: true, ConfirmedAt: day(11).Add(11 * time.Hour)},
		Events: []conversation.Event{
			learn(1, conversation.LearningPrevention, "Born 12/03/2015 so the health visitor should have known."), // a date of birth
			learn(2, conversation.LearningLearned, "Clearer consent wording in referrals."),
		}}
	return []*conversation.Case{a, b}
}

// TestReportCountsActionsAndLearning: the November report counts four
// actions agreed, one done on time, one done late, one overdue; lists the
// learning by category with the words that name nobody, and counts the
// rest without quoting them, in every format.
func TestReportCountsActionsAndLearning(t *testing.T) {
	proto, err := config.Preset("generic")
	if err != nil {
		t.Fatal(err)
	}
	cal := conversation.NewCalendar(london, nil, 0, 0)
	period := report.Month(time.Date(2026, 11, 1, 0, 0, 0, 0, london))
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, london)
	r := report.BuildAsOf(followThroughCases(), &proto, cal, nil, period, now)
	if want := (report.Actions{Agreed: 4, DoneOnTime: 1, DoneLate: 1, Overdue: 1}); r.Actions != want {
		t.Errorf("actions = %+v, want %+v", r.Actions, want)
	}
	// Made on 20 November, the send-the-plan action is not yet overdue.
	mid := report.BuildAsOf(followThroughCases(), &proto, cal, nil, period, time.Date(2026, 11, 20, 12, 0, 0, 0, london))
	if want := (report.Actions{Agreed: 4, DoneOnTime: 1, DoneLate: 1}); mid.Actions != want {
		t.Errorf("mid-month actions = %+v, want %+v", mid.Actions, want)
	}
	if len(r.Learning) != 2 || r.Learning[0].Category != "threshold" || r.Learning[0].Learned != 2 || r.Learning[0].Prevention != 2 ||
		r.Learning[0].Withheld != 2 || len(r.Learning[0].Quotes) != 2 || r.Learning[1].Withheld != 1 || len(r.Learning[1].Quotes) != 1 {
		t.Fatalf("learning = %+v", r.Learning)
	}
	wants := []string{"Talking on the phone early saves weeks of emails.", "A joint visit before the strategy discussion.",
		"Clearer consent wording in referrals."}
	secrets := []string{"Jayden", "SCH-2291", "12/03/2015", "CR-2026", "Book the visit", "Priya"}
	for _, f := range []string{"text", "md", "csv", "json", "pdf"} {
		var out string
		switch f {
		case "text":
			out = r.Text()
		case "pdf":
			b, err := r.PDF()
			if err != nil {
				t.Fatal(err)
			}
			if out, err = pdftext.Text(b); err != nil {
				t.Fatal(err)
			}
		default:
			b, err := r.Render(f)
			if err != nil {
				t.Fatal(err)
			}
			out = string(b)
		}
		flat := strings.Join(strings.Fields(out), " ")
		for _, w := range wants {
			if !strings.Contains(flat, w) {
				t.Errorf("%s lacks the theme %q", f, w)
			}
		}
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("%s quotes %q", f, s)
			}
		}
		switch f {
		case "text":
			if !strings.Contains(out, "• Agreed actions: 4 agreed, 1 done on time, 1 done late, 1 overdue") {
				t.Errorf("text lacks the action counts:\n%s", out)
			}
		case "md", "pdf":
			if !strings.Contains(flat, "Overdue at the end: 1") || !strings.Contains(flat, "Done late: 1") {
				t.Errorf("%s lacks the action counts:\n%s", f, out)
			}
		}
	}
}

// TestThemeWords: words that could identify a child or family are counted
// only; when in doubt they are left out.
func TestThemeWords(t *testing.T) {
	c := &conversation.Case{ChildRef: "SCH-2291", Raiser: conversation.Party{Name: "Sam Patel"}, Respondent: conversation.Party{Name: "Priya Shah"}}
	for _, tc := range []struct {
		text string
		ok   bool
	}{
		{"Talking to the GP sooner would have helped.", true},
		{"Earlier CAMHS involvement.", true},
		{"Jayden Smith was not seen.", false},            // a name first
		{"We should have listened to Mrs Jones.", false}, // a name later
		{"NHS number 943 476 5919 was wrong.", false},
		{"They live at 12 Acacia Road.", false},
		{"DOB 12/03/2015 was missed.", false},
		{"Checking SCH-2291 first.", false},
		{"Reference 2291 was wrong.", false},
		{"talk to sam before escalating", false}, // a person on the case
		{"Postcode PL1 2AB was wrong.", false},
		{strings.Repeat("clear thresholds ", 12), false}, // too long to quote
		{"", false},
	} {
		if _, ok := conversation.ThemeWords(tc.text, c); ok != tc.ok {
			t.Errorf("ThemeWords(%q) ok = %v, want %v", tc.text, ok, tc.ok)
		}
	}
}
