package report_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/config"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/report"
	"github.com/resolvebot/resolvebot/internal/pdftext"
)

var london = func() *time.Location {
	l, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic(err)
	}
	return l
}()

func at(m time.Month, d, h int) time.Time { return time.Date(2026, m, d, h, 0, 0, 0, london) }

// resolvedOn maps a raising day and a number of working days to the day the
// resolution was confirmed, worked out by hand from a 2026 calendar: the
// second group spans the Spring bank holiday, Monday 25 May.
var resolvedOn = map[int]map[int]time.Time{
	11: {1: at(5, 12, 15), 2: at(5, 13, 15), 3: at(5, 14, 15), 6: at(5, 19, 15), 7: at(5, 20, 15), 8: at(5, 21, 15)},
	22: {1: at(5, 26, 15), 2: at(5, 27, 15), 3: at(5, 28, 15), 6: at(6, 2, 15), 7: at(6, 3, 15), 8: at(6, 4, 15)},
}

// fixture returns 40 cases raised in May 2026 and 6 raised and resolved in
// March and April, built so every figure below can be worked out by hand:
//
//	case i raised by: school (0–15), health visiting (16–27), police (28–35), social care (36–39)
//	about: social care, except social care's own four, which are about the school
//	category: the i%7-th of the seven default categories
//	highest stage: professional, manager, senior manager, leader for i%4 = 0..3,
//	  and the partnership for i = 9, 19, 29, 39 (referred)
//	outcome: resolved when i%5 is 0, 1 or 2, after 1+i%10 working days;
//	  withdrawn when i%5 is 4 (unless referred); otherwise open
//	a deadline missed at the first stage when i%3 == 0; mediation asked for when i%8 == 7
//	a serious concern logged when i%13 == 0 (0, 13, 26, 39); in the previous
//	  period one March case is flagged with no event on its timeline
func fixture(proto *conversation.Protocol) []*conversation.Case {
	var cases []*conversation.Case
	agencyOf := func(i int) string {
		switch {
		case i < 16:
			return "school"
		case i < 28:
			return "health-visiting"
		case i < 36:
			return "police"
		}
		return "csc"
	}
	for i := range 40 {
		day := 11
		if i >= 20 {
			day = 22 // a Friday: the bank holiday falls inside the resolution period
		}
		created := at(5, day, 10)
		c := &conversation.Case{ID: fmt.Sprintf("CR-2026-%04d", i+1), ChildRef: "CANARY-REF", Concern: "CANARY concern",
			Raiser: conversation.Party{PersonID: "r", Agency: agencyOf(i)}, Respondent: conversation.Party{PersonID: "s", Agency: "csc"},
			Category: proto.Categories[i%7].Key, CreatedAt: created, Status: conversation.StatusOpen}
		if agencyOf(i) == "csc" {
			c.Respondent.Agency = "school"
		}
		ev := func(kind conversation.EventKind, t time.Time, stage string) {
			c.Events = append(c.Events, conversation.Event{Seq: len(c.Events) + 1, Kind: kind, At: t, Stage: stage, Text: "CANARY text"})
		}
		ev(conversation.EventRaised, created, "professional")
		if i%13 == 0 {
			c.SeriousConcern = true
			ev(conversation.EventSeriousConcern, created, "professional")
		}
		top := i % 4
		for s := 0; s <= top; s++ {
			c.Stages = append(c.Stages, conversation.StageRecord{Key: proto.Stages[s].Key, StartedAt: created.Add(time.Duration(s) * time.Hour)})
			if s > 0 {
				ev(conversation.EventEscalated, created.Add(time.Duration(s)*time.Hour), proto.Stages[s].Key)
			}
		}
		if i%3 == 0 {
			ev(conversation.EventDeadlineMissed, created.Add(5*time.Hour), "professional")
		}
		if i%8 == 7 {
			ev(conversation.EventMediationRequested, created.Add(6*time.Hour), c.Stages[len(c.Stages)-1].Key)
		}
		switch {
		case i%10 == 9:
			c.Stages = append(c.Stages, conversation.StageRecord{Key: conversation.ReferralStageKey, StartedAt: created.Add(7 * time.Hour)})
			ev(conversation.EventReferred, created.Add(7*time.Hour), conversation.ReferralStageKey)
			c.Status = conversation.StatusReferred
		case i%5 <= 2:
			ev(conversation.EventResolutionConfirmed, resolvedOn[day][1+i%10], c.Stages[len(c.Stages)-1].Key)
			c.Status = conversation.StatusResolved
		case i%5 == 4:
			ev(conversation.EventWithdrawn, created.Add(8*time.Hour), c.Stages[len(c.Stages)-1].Key)
			c.Status = conversation.StatusWithdrawn
		}
		cases = append(cases, c)
	}
	for i := range 6 { // the previous period: two in March, four in April, all resolved in it
		m := time.March
		if i >= 2 {
			m = time.April
		}
		created := at(m, 9+i, 10)
		c := &conversation.Case{ID: fmt.Sprintf("CR-2026-%04d", 100+i), CreatedAt: created, Category: "roles", Status: conversation.StatusResolved,
			Raiser: conversation.Party{Agency: "school"}, Respondent: conversation.Party{Agency: "csc"},
			Stages: []conversation.StageRecord{{Key: "professional", StartedAt: created}}}
		c.Events = []conversation.Event{{Seq: 1, Kind: conversation.EventRaised, At: created},
			{Seq: 2, Kind: conversation.EventResolutionConfirmed, At: created.AddDate(0, 0, 2)}}
		c.SeriousConcern = i == 0
		cases = append(cases, c)
	}
	return cases
}

func build(t *testing.T) *report.Report {
	t.Helper()
	proto, err := config.Preset("generic")
	if err != nil {
		t.Fatal(err)
	}
	cal := conversation.NewCalendar(london, nil, 0, 0)
	agencies := []report.Agency{{"csc", "Children's Social Care"}, {"school", "Riverside Primary"}, {"health-visiting", "Health Visiting"},
		{"police", "Police"}, {"youth-justice", "Youth Justice Service"}}
	period := report.Period{From: at(5, 1, 0), To: at(7, 1, 0)}
	return report.Build(fixture(&proto), &proto, cal, agencies, period)
}

func counts(cs []report.Count) map[string]int {
	m := map[string]int{}
	for _, c := range cs {
		m[c.Key] = c.N
	}
	return m
}

func equal(t *testing.T, what string, got, want map[string]int) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// TestFiguresMatchTheHandComputedFixture checks every figure against the
// fixture's hand-worked answers.
func TestFiguresMatchTheHandComputedFixture(t *testing.T) {
	r := build(t)
	// 24 resolved (i%5 in 0..2), 4 withdrawn (4, 14, 24, 34), 4 referred, 8 open.
	wantTotals := report.Totals{Raised: 40, Resolved: 24, Withdrawn: 4, Open: 12, DeadlinesMissed: 14, Mediation: 5, Referrals: 4, SeriousConcerns: 4}
	if r.Totals != wantTotals {
		t.Errorf("totals = %+v, want %+v", r.Totals, wantTotals)
	}
	// March and April: six raised and resolved, none open at the end of April.
	if want := (report.Totals{Raised: 6, Resolved: 6, SeriousConcerns: 1}); r.Previous != want {
		t.Errorf("previous = %+v, want %+v", r.Previous, want)
	}
	equal(t, "by category", counts(r.ByCategory), map[string]int{"threshold": 6, "roles": 6, "communication": 6, "services": 6, "plans": 6, "step": 5, "meetings": 5})
	pairs := map[string]int{}
	for _, p := range r.AgencyPairs {
		pairs[p.Raiser+">"+p.Respondent] = p.N
	}
	equal(t, "agency pairs", pairs, map[string]int{"school>csc": 16, "health-visiting>csc": 12, "police>csc": 8, "csc>school": 4})
	equal(t, "highest stage", counts(r.HighestStage), map[string]int{"professional": 10, "manager": 8, "senior_manager": 10, "leader": 8, "partnership": 4})
	equal(t, "outcomes", counts(r.Outcomes), map[string]int{"resolved": 24, "open": 8, "referred": 4, "withdrawn": 4})
	equal(t, "missed by stage", counts(r.MissedByStage), map[string]int{"professional": 14, "manager": 0, "senior_manager": 0, "leader": 0})
	// Durations 1,2,3,6,7,8 working days, four of each: the median sits
	// between the 12th (3) and 13th (6) values; the 90th percentile is the
	// 22nd value (8). Counting the bank holiday would shift the May 22 group.
	if want := (report.Duration{Cases: 24, Median: 4.5, P90: 8}); r.ResolutionDays != want {
		t.Errorf("resolution days = %+v, want %+v", r.ResolutionDays, want)
	}
	if len(r.NoChallengeFrom) != 1 || r.NoChallengeFrom[0].Key != "youth-justice" {
		t.Errorf("low challenge = %+v, want youth justice only", r.NoChallengeFrom)
	}
	if len(r.ByMonth) != 2 || r.ByMonth[0].Month != "2026-05" || r.ByMonth[1].Month != "2026-06" {
		t.Fatalf("months = %+v", r.ByMonth)
	}
	equal(t, "May by highest stage", counts(r.ByMonth[0].Stages), map[string]int{"professional": 10, "manager": 8, "senior_manager": 10, "leader": 8, "partnership": 4})
}

// TestFormatsCarryNoCaseText renders every format and checks none holds a
// child reference, a case id or free text.
func TestFormatsCarryNoCaseText(t *testing.T) {
	r := build(t)
	for _, f := range report.Formats {
		t.Run(f, func(t *testing.T) {
			out, err := r.Render(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, secret := range []string{"CANARY", "CR-2026-"} {
				if bytes.Contains(out, []byte(secret)) {
					t.Errorf("%s output contains %q", f, secret)
				}
			}
			switch f {
			case "md":
				for _, want := range []string{"| Raised | 40 | 6 | +34 |", "| Serious concerns logged | 4 | 1 | +3 |", "Working days to resolution (24 cases)", "median 4.5, 90th percentile 8", "**Low challenge:** Youth Justice Service", "| Riverside Primary | Children's Social Care | 16 |"} {
					if !strings.Contains(string(out), want) {
						t.Errorf("markdown lacks %q:\n%s", want, out)
					}
				}
			case "csv":
				rows, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				found := map[string]bool{}
				for _, row := range rows {
					found[strings.Join(row, ",")] = true
				}
				for _, want := range []string{"agency_pair,school>csc,Riverside Primary → Children's Social Care,16", "totals,serious_concerns,,4", "previous,serious_concerns,,1"} {
					if !found[want] {
						t.Errorf("csv lacks the row %s", want)
					}
				}
			case "json":
				var back report.Report
				if err := json.Unmarshal(out, &back); err != nil || back.Totals.Raised != 40 || back.Totals.SeriousConcerns != 4 {
					t.Errorf("json round trip: %v, raised %d, serious concerns %d", err, back.Totals.Raised, back.Totals.SeriousConcerns)
				}
				if !bytes.Contains(out, []byte(`"serious_concerns": 4`)) {
					t.Errorf("json lacks serious_concerns")
				}
			case "pdf":
				text, err := pdftext.Text(out)
				if err != nil {
					t.Fatalf("the PDF does not open: %v", err)
				}
				for _, want := range []string{"Case resolution report", "Raised", "Median 4.5, 90th percentile 8, over 24 cases", "Serious concerns logged", "Youth Justice Service raised no disagreements"} {
					if !strings.Contains(text, want) {
						t.Errorf("PDF text lacks %q", want)
					}
				}
				if strings.Contains(text, "CANARY") {
					t.Error("PDF text holds case text")
				}
			case "png":
				img, err := png.Decode(bytes.NewReader(out))
				if err != nil {
					t.Fatalf("not a PNG: %v", err)
				}
				if b := img.Bounds(); b.Dx() < 400 || b.Dy() < 200 {
					t.Errorf("chart is %v, too small to read", b)
				}
			}
		})
	}
	if _, err := r.Render("docx"); err == nil {
		t.Error("an unknown format was accepted")
	}
}

func TestPreviousPeriod(t *testing.T) {
	may := report.Month(at(5, 17, 12))
	if !may.From.Equal(at(5, 1, 0)) || !may.To.Equal(at(6, 1, 0)) {
		t.Errorf("month = %+v", may)
	}
	if prev := may.Previous(); !prev.From.Equal(at(4, 1, 0)) || !prev.To.Equal(at(5, 1, 0)) {
		t.Errorf("previous month = %+v", prev)
	}
}

// TestChatText is short, plain and free of case text.
func TestChatText(t *testing.T) {
	text := build(t).Text()
	for _, want := range []string{"• Raised: 40 (6)", "• Serious concerns logged: 4 (1)", "• Working days to resolution: median 4.5, 90th percentile 8 (24 cases)",
		"• Most disagreements: Riverside Primary about Children's Social Care 16", "Low challenge: Youth Justice Service"} {
		if !strings.Contains(text, want) {
			t.Errorf("chat text lacks %q:\n%s", want, text)
		}
	}
	for _, bad := range []string{"|", "#", "**", "CANARY"} {
		if strings.Contains(text, bad) {
			t.Errorf("chat text holds %q:\n%s", bad, text)
		}
	}
}

// TestPDFNamesInAnyScript: the partnership's and agencies' names come back
// from the report PDF as written, in Welsh, Polish, Romanian, Turkish, Greek
// and Cyrillic (the core fonts lost every letter outside cp1252).
func TestPDFNamesInAnyScript(t *testing.T) {
	proto, err := config.Preset("generic")
	if err != nil {
		t.Fatal(err)
	}
	proto.Partnership = "Partneriaeth Diogelu Plant Llŷn a Gŵyr"
	names := []report.Agency{{"csc", "Gwasanaethau Cymdeithasol Plant"}, {"school", "Szkoła Podstawowa im. Łukasza Wiśniewskiego"},
		{"health-visiting", "Școala Gimnazială Ștefan cel Mare"}, {"police", "Gündoğdu İlkokulu"}, {"youth-justice", "Υπηρεσία Νέων Αθηνών"},
		{"nursery", "Детский сад Ромашка"}}
	cal := conversation.NewCalendar(london, nil, 0, 0)
	r := report.Build(fixture(&proto), &proto, cal, names, report.Period{From: at(5, 1, 0), To: at(7, 1, 0)})
	out, err := r.Render("pdf")
	if err != nil {
		t.Fatal(err)
	}
	text, err := pdftext.Text(out)
	if err != nil {
		t.Fatal(err)
	}
	text = strings.Join(strings.Fields(text), " ")
	for _, want := range append([]string{proto.Partnership}, func() []string {
		var out []string
		for _, a := range names {
			out = append(out, a.Name)
		}
		return out
	}()...) {
		if !strings.Contains(text, want) {
			t.Errorf("the report PDF lacks %q", want)
		}
	}
}

// TestNoPluralSlips: a report over one resolved case says "1 case" in the
// chat text, the Markdown and the PDF ("over 1 cases" before), and two say
// "2 cases".
func TestNoPluralSlips(t *testing.T) {
	for _, tt := range []struct {
		cases int
		want  []string
	}{
		{1, []string{"(1 case)", "over 1 case"}},
		{2, []string{"(2 cases)", "over 2 cases"}},
	} {
		r := &report.Report{Period: report.Month(at(5, 1, 0)), ResolutionDays: report.Duration{Cases: tt.cases, Median: 3, P90: 3},
			ByMonth: []report.MonthStages{{Month: "2026-05", Stages: []report.Count{{Key: "professional", Label: "Professional", N: tt.cases}}}}}
		out, err := r.Render("pdf")
		if err != nil {
			t.Fatal(err)
		}
		pdfText, err := pdftext.Text(out)
		if err != nil {
			t.Fatal(err)
		}
		all := r.Text() + "\n" + r.Markdown() + "\n" + pdfText
		for _, bad := range []string{"1 cases", "(1 cases)"} {
			if strings.Contains(all, bad) {
				t.Errorf("%d case(s): the report says %q:\n%s", tt.cases, bad, all)
			}
		}
		for _, want := range tt.want {
			if !strings.Contains(all, want) {
				t.Errorf("%d case(s): the report lacks %q:\n%s", tt.cases, want, all)
			}
		}
	}
}

// TestAnnualReport: a calendar year is the annual report, titled as such,
// saying who it is tabled with where the protocol names them, compared with
// the year before, and charted month by month.
func TestAnnualReport(t *testing.T) {
	tests := []struct {
		preset, tabled string
	}{{"devon", "To be tabled with the Partnership Executive Group."}, {"wiltshire", "To be tabled with the Executive."}, {"generic", ""}}
	for _, tt := range tests {
		t.Run(tt.preset, func(t *testing.T) {
			proto, err := config.Preset(tt.preset)
			if err != nil {
				t.Fatal(err)
			}
			generic, err := config.Preset("generic")
			if err != nil {
				t.Fatal(err)
			}
			cases := fixture(&generic) // the fixture needs seven categories
			cal := conversation.NewCalendar(london, nil, 0, 0)
			year := report.Year(at(5, 17, 12))
			if !year.IsYear() || report.Month(at(5, 1, 0)).IsYear() {
				t.Fatal("IsYear is wrong")
			}
			r := report.Build(cases, &proto, cal, nil, year)
			if want := time.Date(2025, 1, 1, 0, 0, 0, 0, london); !r.PreviousPeriod.From.Equal(want) {
				t.Errorf("previous period starts %v, want %v", r.PreviousPeriod.From, want)
			}
			if len(r.ByMonth) != 12 || r.ByMonth[11].Month != "2026-12" {
				t.Errorf("months = %d, the last %s", len(r.ByMonth), r.ByMonth[len(r.ByMonth)-1].Month)
			}
			if r.Totals.Raised != 46 || r.Totals.SeriousConcerns != 5 {
				t.Errorf("raised %d, serious concerns %d; want all 46 cases of 2026 and 5 concerns", r.Totals.Raised, r.Totals.SeriousConcerns)
			}
			title := "Annual report 2026: " + proto.Name
			if r.Title() != title {
				t.Errorf("title %q, want %q", r.Title(), title)
			}
			md := r.Markdown()
			pdfOut, err := r.Render("pdf")
			if err != nil {
				t.Fatal(err)
			}
			pdfText, err := pdftext.Text(pdfOut)
			if err != nil {
				t.Fatal(err)
			}
			pdfText = strings.Join(strings.Fields(pdfText), " ")
			for name, text := range map[string]string{"markdown": md, "chat": r.Text(), "pdf": pdfText} {
				for _, want := range []string{title, "from 1 January 2026 to 31 December 2026", tt.tabled} {
					if !strings.Contains(text, want) {
						t.Errorf("%s lacks %q:\n%s", name, want, text)
					}
				}
				if tt.tabled == "" && strings.Contains(text, "tabled") {
					t.Errorf("%s names a body the %s protocol does not:\n%s", name, tt.preset, text)
				}
			}
			if !strings.Contains(md, "| | 2026 | 2025 | change |") || !strings.Contains(pdfText, "2026 2025 Change") {
				t.Errorf("the table's columns are not the two years:\n%s\n%s", md, pdfText)
			}
			if !strings.Contains(r.Text(), "2025 in brackets") {
				t.Errorf("chat text does not say the brackets are 2025:\n%s", r.Text())
			}
		})
	}
}
