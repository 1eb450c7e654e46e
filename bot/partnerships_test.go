package bot_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/report"
)

// hostedFile is a deployment hosting Wiltshire and Devon (Devon on a
// shorter ladder of its own, Wiltshire with a closure day of its own),
// with Swindon as a neighbour not hosted here. One chair holds a role in
// both partnerships.
const hostedFile = `partnerships:
  - id: wiltshire
    partnership: wiltshire
    protocol: {routes: {front_door: "0300 456 0108"}}
    calendar: {closure_days: [2026-11-24]}
    directory:
      agencies:
        - {key: wilts-school, name: Wiltshire School}
        - {key: wilts-csc, name: Wiltshire Children's Social Care}
      partnership_roles:
        - {name: Wil Manager, email: wil.manager@wiltshire.example.org, role: partnership manager}
        - {name: Both Chair, email: both.chair@example.org, role: QA&P chair}
  - id: devon
    partnership: devon
    protocol:
      routes: {front_door: "0345 155 1071"}
      referral: {role: "Devon SCP business manager"}
      stages:
        - {key: professional, name: Practitioner to practitioner, raiser_tier: professional, respondent_tier: professional, days: 3, urgent_days: 1, ack_days: 1}
        - {key: manager, name: Manager to manager, raiser_tier: manager, respondent_tier: manager, days: 3, urgent_days: 1, ack_days: 1}
    directory:
      agencies:
        - {key: devon-school, name: Devon School}
        - {key: devon-csc, name: Devon Children's Social Care}
      partnership_roles:
        - {name: Dev Manager, email: dev.manager@devon.example.org, role: partnership manager}
        - {name: Both Chair, email: both.chair@example.org, role: QA&P chair}
neighbours:
  - {name: Swindon, contact: partnership.team@swindon.example.org}
`

const (
	wilManager = "wil.manager@wiltshire.example.org"
	devManager = "dev.manager@devon.example.org"
	bothChair  = "both.chair@example.org"
)

// hosted is a bot hosting two partnerships, with a practitioner at each
// agency.
type hosted struct {
	*bottest.Env
	wilSchool, wilCSC, devSchool, devCSC string
}

func newHosted(t *testing.T) *hosted {
	t.Helper()
	env := bottest.New(t, bottest.Options{File: hostedFile})
	env.Dispatcher.Fallback = env.Inbox // configured people have no handle: see what they would get
	return &hosted{Env: env,
		wilSchool: env.Person(t, "ann.lee@wilts-school.example.org", "Ann Lee", "wilts-school", "head@wilts-school.example.org"),
		wilCSC:    env.Person(t, "bob.ray@wilts-csc.example.org", "Bob Ray", "wilts-csc", "lead@wilts-csc.example.org"),
		devSchool: env.Person(t, "cat.fox@devon-school.example.org", "Cat Fox", "devon-school", "head@devon-school.example.org"),
		devCSC:    env.Person(t, "dan.oak@devon-csc.example.org", "Dan Oak", "devon-csc", "lead@devon-csc.example.org"),
	}
}

// raise opens a case through the engine, raiser at raiserAgency against
// respondent at respondentAgency.
func (h *hosted) raise(t *testing.T, raiser, raiserAgency, respondent, respondentAgency string) *conversation.Case {
	t.Helper()
	res, err := h.Engine.Raise(context.Background(), raiser, bottest.Intake(respondent, raiserAgency, respondentAgency))
	if err != nil {
		t.Fatalf("raise %s → %s: %v", raiserAgency, respondentAgency, err)
	}
	return res.Case
}

// TestPartnershipRolesSeeTheirOwnCases: a partnership role lists, reads and
// acts on its own partnership's cases only; a cross-border case is read by
// the other partnership's role too (who cannot act on it) and acted on by
// the raising partnership's; a person with roles in both sees all.
func TestPartnershipRolesSeeTheirOwnCases(t *testing.T) {
	ctx := context.Background()
	h := newHosted(t)
	wilts := h.raise(t, h.wilSchool, "wilts-school", h.wilCSC, "wilts-csc")
	devon := h.raise(t, h.devSchool, "devon-school", h.devCSC, "devon-csc")
	cross := h.raise(t, h.wilSchool, "wilts-school", h.devCSC, "devon-csc")
	if wilts.Partnership != "wiltshire" || devon.Partnership != "devon" || cross.Partnership != "wiltshire" {
		t.Fatalf("partnerships: %q %q %q", wilts.Partnership, devon.Partnership, cross.Partnership)
	}
	if wilts.CrossBorderPartnership != "" || devon.CrossBorderPartnership != "" || cross.CrossBorderPartnership != "devon" {
		t.Fatalf("cross-border: %q %q %q", wilts.CrossBorderPartnership, devon.CrossBorderPartnership, cross.CrossBorderPartnership)
	}
	for _, tc := range []struct {
		viewer string
		lists  []string
		acts   map[string]string // case id → the code of adding a note ("" when it is added)
	}{
		{wilManager, []string{wilts.ID, cross.ID}, map[string]string{wilts.ID: "", cross.ID: "", devon.ID: conversation.ENOTFOUND}},
		{devManager, []string{devon.ID, cross.ID}, map[string]string{devon.ID: "", cross.ID: conversation.EFORBIDDEN, wilts.ID: conversation.ENOTFOUND}},
		{bothChair, []string{wilts.ID, devon.ID, cross.ID}, map[string]string{wilts.ID: "", devon.ID: "", cross.ID: ""}},
	} {
		t.Run(tc.viewer, func(t *testing.T) {
			cs, err := h.Engine.List(ctx, tc.viewer)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range cs {
				got = append(got, c.ID)
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(tc.lists))
			if !slices.Equal(got, want) {
				t.Errorf("lists %v, want %v", got, want)
			}
			for id, code := range tc.acts {
				_, err := h.Engine.AddNote(ctx, conversation.Cmd{Actor: tc.viewer, CaseID: id}, "Partnership note.")
				if conversation.ErrorCode(err) != code {
					t.Errorf("a note on %s: %v, want code %q", id, err, code)
				}
				_, seeErr := h.Engine.Get(ctx, tc.viewer, id)
				if sees := seeErr == nil; sees != (code != conversation.ENOTFOUND) {
					t.Errorf("sees %s: %v (err %v)", id, sees, seeErr)
				}
			}
		})
	}
	_, err := h.Engine.AddNote(ctx, conversation.Cmd{Actor: devManager, CaseID: cross.ID}, "Partnership note.")
	if msg := conversation.ErrorMessage(messages.English(), err); !strings.Contains(msg, "crosses into your partnership's area") {
		t.Errorf("the other partnership's refusal says %q", msg)
	}
	// An agency no partnership lists raises under the first partnership,
	// so its roles see the case.
	if c := h.raise(t, h.wilSchool, "unlisted-agency", h.devCSC, "devon-csc"); c.Partnership != "wiltshire" || c.CrossBorderPartnership != "devon" {
		t.Errorf("a case from an unlisted agency is of %q crossing into %q", c.Partnership, c.CrossBorderPartnership)
	}
}

// TestEachCaseUsesItsPartnershipsTimescales: a case's first deadline counts
// its own partnership's stage days on its own partnership's calendar:
// Wiltshire's five days skip its closure day, Devon's ladder gives three.
func TestEachCaseUsesItsPartnershipsTimescales(t *testing.T) {
	h := newHosted(t)
	start := h.Clock.Now() // Mon 23 Nov 2026 10:00
	plain := conversation.NewCalendar(bottest.London, nil, 9*time.Hour, 17*time.Hour)
	for _, tc := range []struct {
		name       string
		c          *conversation.Case
		deadline   time.Time
		secondName string
	}{
		{"wiltshire", h.raise(t, h.wilSchool, "wilts-school", h.wilCSC, "wilts-csc"), plain.AddWorkingDays(start, 6), "Manager"},
		{"devon", h.raise(t, h.devSchool, "devon-school", h.devCSC, "devon-csc"), plain.AddWorkingDays(start, 3), "Manager to manager"},
		{"cross-border follows the raiser's", h.raise(t, h.wilSchool, "wilts-school", h.devCSC, "devon-csc"), plain.AddWorkingDays(start, 6), "Manager"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.c.Current().Deadline; !got.Equal(tc.deadline) {
				t.Errorf("deadline %s, want %s", got.In(bottest.London).Format(time.DateTime), tc.deadline.In(bottest.London).Format(time.DateTime))
			}
			p := h.Engine.ProtocolOf(tc.c)
			if got := p.Stages[1].Name; !strings.HasPrefix(got, tc.secondName) {
				t.Errorf("its ladder's second stage is %q, want %q…", got, tc.secondName)
			}
		})
	}
}

// TestCrossBorderCaseTellsBothPartnerships: a case raised in chat at a
// Wiltshire agency against a Devon one says on its card that it follows
// Wiltshire's protocol and both teams see it; referred, both partnerships'
// managers are told, and a case within Devon tells Wiltshire nothing. A
// case naming a neighbour not hosted here gives the raiser its contact.
func TestCrossBorderCaseTellsBothPartnerships(t *testing.T) {
	ctx := context.Background()
	h := newHosted(t)
	values := intakeValues("Dan Oak")
	values["raiser_agency"], values["respondent_agency"] = "wilts-school", "devon-csc"
	r := bottest.Raise(ctx, h.Router, bot.Inbound{Actor: h.wilSchool, FormKey: bot.FormIntake, Values: values})
	if r.Step == nil {
		t.Fatalf("no case was opened: %s", messageText(r.Messages...))
	}
	cross := r.Step
	card := messageText(h.Router.Cards.Card(ctx, cross, h.wilSchool, ""))
	for _, want := range []string{"Devon Safeguarding Children Partnership (Devon SCP). The case follows the Wiltshire Safeguarding Children Board (WSCB) protocol", "both partnerships' teams"} {
		if !strings.Contains(card, want) {
			t.Errorf("the card lacks %q:\n%s", want, card)
		}
	}
	h.Deliver(t)
	refer := func(c *conversation.Case, by string) map[string][]bot.Message {
		t.Helper()
		h.Router.Handle(ctx, bot.Inbound{Actor: by, Verb: conversation.VerbRefer, CaseID: c.ID, Version: c.Version})
		reply := h.Router.Handle(ctx, bot.Inbound{Actor: by, FormKey: bot.ActionFormPrefix + string(conversation.VerbRefer), CaseID: c.ID, Version: c.Version,
			Values: map[string]string{"reason": "We could not agree at any stage."}})
		if reply.Step == nil || reply.Step.Status != conversation.StatusReferred {
			t.Fatalf("not referred: %s", messageText(reply.Messages...))
		}
		return h.Deliver(t)
	}
	told := refer(cross, h.wilSchool)
	for _, who := range []string{wilManager, devManager, bothChair} {
		if !strings.Contains(messageText(told[who]...), cross.ID) {
			t.Errorf("%s was not told of the cross-border referral; told: %v", who, slices.Sorted(mapsKeys(told)))
		}
	}
	devon := h.raise(t, h.devSchool, "devon-school", h.devCSC, "devon-csc")
	told = refer(devon, h.devSchool)
	if len(told[wilManager]) > 0 {
		t.Errorf("Wiltshire's manager was told of a case within Devon: %s", messageText(told[wilManager]...))
	}
	if !strings.Contains(messageText(told[devManager]...), devon.ID) {
		t.Errorf("Devon's manager was not told of its own referral")
	}

	values = intakeValues("Bob Ray")
	values["raiser_agency"], values["respondent_agency"], values["cross_border"] = "wilts-school", "wilts-csc", "Swindon SCP"
	r = bottest.Raise(ctx, h.Router, bot.Inbound{Actor: h.wilSchool, FormKey: bot.FormIntake, Values: values})
	if r.Step == nil {
		t.Fatalf("no case was opened: %s", messageText(r.Messages...))
	}
	if got := messageText(r.Messages...); !strings.Contains(got, "Swindon is not on this service: contact its partnership team at partnership.team@swindon.example.org") {
		t.Errorf("the raiser was not given Swindon's contact:\n%s", got)
	}
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// TestEachPartnershipsReportCountsItsCases: each partnership's report
// counts its own cases and the cross-border case once, marked
// cross-border, and never the other partnership's own cases; the report of
// every case counts each once. A partnership role asking in chat gets its
// own partnership's.
func TestEachPartnershipsReportCountsItsCases(t *testing.T) {
	ctx := context.Background()
	h := newHosted(t)
	h.raise(t, h.wilSchool, "wilts-school", h.wilCSC, "wilts-csc")
	h.raise(t, h.devSchool, "devon-school", h.devCSC, "devon-csc")
	h.raise(t, h.devSchool, "devon-school", h.devCSC, "devon-csc")
	h.raise(t, h.wilSchool, "wilts-school", h.devCSC, "devon-csc")
	period := report.Month(h.Clock.Now())
	for _, tc := range []struct {
		id                  string
		raised, crossBorder int
		name                string
	}{
		{"wiltshire", 2, 1, "Wiltshire"},
		{"devon", 3, 1, "Devon"},
		{"", 4, 1, "Wiltshire"},
	} {
		t.Run(tc.id, func(t *testing.T) {
			rep, err := bot.BuildPartnershipReport(ctx, h.Store, h.Engine, h.People, tc.id, period)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Totals.Raised != tc.raised || rep.Totals.CrossBorder != tc.crossBorder || !strings.HasPrefix(rep.Partnership, tc.name) {
				t.Errorf("%s: raised %d, cross-border %d, want %d and %d", rep.Partnership, rep.Totals.Raised, rep.Totals.CrossBorder, tc.raised, tc.crossBorder)
			}
			md, err := rep.Render("md")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(md), "| Cross-border cases raised (with another partnership on this service) | 1 |") {
				t.Errorf("the report does not mark the cross-border case:\n%s", md)
			}
		})
	}
	rep, err := h.Router.Report(ctx, devManager, period)
	if err != nil || rep.Totals.Raised != 3 {
		t.Fatalf("Devon's manager's report: %v, %+v", err, rep)
	}
}

// TestActionFormsFollowTheCasesPartnership: the form a step opens is in
// the wording of the case's own partnership's protocol: referring a Devon
// case names Devon's referral role, a Wiltshire case the default one, and
// the form rebuilt for a submission is the same.
func TestActionFormsFollowTheCasesPartnership(t *testing.T) {
	ctx := context.Background()
	h := newHosted(t)
	for _, tc := range []struct {
		name      string
		c         *conversation.Case
		by        string
		want, not string
	}{
		{"devon", h.raise(t, h.devSchool, "devon-school", h.devCSC, "devon-csc"), h.devSchool, "Devon SCP business manager", "QA&P chair"},
		{"wiltshire", h.raise(t, h.wilSchool, "wilts-school", h.wilCSC, "wilts-csc"), h.wilSchool, "The QA&P chair", "Devon SCP"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reply := h.Router.Handle(ctx, bot.Inbound{Actor: tc.by, Verb: conversation.VerbRefer, CaseID: tc.c.ID, Version: tc.c.Version})
			if len(reply.Messages) != 1 || reply.Messages[0].Form == nil {
				t.Fatalf("no form opened: %s", messageText(reply.Messages...))
			}
			for _, intro := range []string{reply.Messages[0].Form.Intro, h.Router.ActionFormOn(ctx, tc.c.ID, conversation.VerbRefer).Intro} {
				if !strings.Contains(intro, tc.want) || strings.Contains(intro, tc.not) {
					t.Errorf("the referral form says %q, want %q and not %q", intro, tc.want, tc.not)
				}
			}
		})
	}
}

// TestIntakeOffersTheRaisersPartnershipsCategories: the intake form offers
// the categories of the partnership of the raiser's agency (Devon's own
// list to a Devon practitioner, the default list to a Wiltshire one);
// someone whose agency is not yet known is offered every partnership's,
// each once; and a category the raiser's own partnership does not use is
// refused with a message.
func TestIntakeOffersTheRaisersPartnershipsCategories(t *testing.T) {
	ctx := context.Background()
	file := strings.Replace(hostedFile, "      referral: {role: \"Devon SCP business manager\"}\n",
		"      categories: [{key: threshold, name: \"Threshold of need (Devon)\"}, {key: health, name: \"Health assessments\"}, {key: conferences, name: \"Conferences and reviews\"}]\n", 1)
	env := bottest.New(t, bottest.Options{File: file})
	devon := env.Person(t, "cat.fox@devon-school.example.org", "Cat Fox", "devon-school", "head@devon-school.example.org")
	wilts := env.Person(t, "ann.lee@wilts-school.example.org", "Ann Lee", "wilts-school", "head@wilts-school.example.org")
	env.Person(t, "bob.ray@wilts-csc.example.org", "Bob Ray", "wilts-csc", "lead@wilts-csc.example.org")
	labels := func(person string) []string {
		var out []string
		for _, o := range env.Router.IntakeForm(ctx, person).Field(conversation.FieldCategory).Options {
			out = append(out, o.Label)
		}
		return out
	}
	var wiltshire, union []string
	for _, c := range env.Engine.RulesFor("wiltshire").Protocol.Categories {
		wiltshire = append(wiltshire, c.Name)
	}
	union = append(slices.Clone(wiltshire), "Health assessments")
	if !slices.ContainsFunc(env.Engine.RulesFor("wiltshire").Protocol.Categories, func(c conversation.Category) bool { return c.Key == "conferences" }) {
		union = append(union, "Conferences and reviews")
	}
	for _, tc := range []struct {
		name   string
		person string
		want   []string
	}{
		{"devon", devon, []string{"Threshold of need (Devon)", "Health assessments", "Conferences and reviews"}},
		{"wiltshire", wilts, wiltshire},
		{"agency not known", "new.person@example.org", union},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := labels(tc.person); !slices.Equal(got, tc.want) {
				t.Errorf("categories offered %q, want %q", got, tc.want)
			}
		})
	}
	in := bottest.Intake("bob.ray@wilts-csc.example.org", "wilts-school", "wilts-csc")
	in.Category = "health"
	_, err := env.Engine.Raise(ctx, wilts, in)
	if msg := env.Router.Cards.ErrorFields(err)[conversation.FieldCategory]; !strings.Contains(msg, "Please choose one of the categories") {
		t.Errorf("a Devon category raised at a Wiltshire agency: %q", msg)
	}
}

// TestReportInChatGivesEachOfTheirPartnerships: "report" gives someone
// holding roles in two partnerships both partnerships' reports, each
// titled with its partnership; "report devon 2026-11" gives Devon's only;
// someone naming a partnership they hold no role in is refused and told
// why; a one-partnership role still gets its own.
func TestReportInChatGivesEachOfTheirPartnerships(t *testing.T) {
	ctx := context.Background()
	h := newHosted(t)
	h.raise(t, h.devSchool, "devon-school", h.devCSC, "devon-csc")
	titles := func(r bot.Reply) []string {
		var out []string
		for _, m := range r.Messages {
			out = append(out, m.Title)
		}
		return out
	}
	for _, tc := range []struct {
		who, text string
		want      []string // each report's title starts so
		refusal   string
	}{
		{bothChair, "report 2026-11", []string{"Wiltshire", "Devon"}, ""},
		{bothChair, "report Devon 2026-11", []string{"Devon"}, ""},
		{devManager, "report 2026-11", []string{"Devon"}, ""},
		{devManager, "report wiltshire", nil, "You hold no partnership role in wiltshire"},
	} {
		t.Run(tc.who+" "+tc.text, func(t *testing.T) {
			r := h.Router.Handle(ctx, bot.Inbound{Actor: tc.who, Text: tc.text})
			got := titles(r)
			if tc.refusal != "" {
				if !strings.Contains(messageText(r.Messages...), tc.refusal) {
					t.Errorf("not refused: %q", messageText(r.Messages...))
				}
				return
			}
			if len(got) != len(tc.want) {
				t.Fatalf("reports titled %q, want ones starting %q", got, tc.want)
			}
			for i, w := range tc.want {
				if !strings.HasPrefix(got[i], w) || !strings.Contains(got[i], "November 2026") {
					t.Errorf("report %d titled %q, want %q… November 2026", i, got[i], w)
				}
				if raised := r.Messages[i].Report.Totals.Raised; raised != map[string]int{"Wiltshire": 0, "Devon": 1}[w] {
					t.Errorf("%s's report counts %d raised", w, raised)
				}
			}
		})
	}
}

// TestObservationsCountInTheirChairsPartnership: a difference logged by a
// conference chair listed in Devon's directory records Devon and counts
// in Devon's report only; one by Wiltshire's chair in Wiltshire's; one
// stored before partnerships were recorded counts in the first
// partnership's (Wiltshire's); the report of every case counts them all.
func TestObservationsCountInTheirChairsPartnership(t *testing.T) {
	ctx := context.Background()
	both := "        - {name: Both Chair, email: both.chair@example.org, role: QA&P chair}\n"
	parts := strings.SplitN(hostedFile, both, 3) // before Wiltshire's chair line, before Devon's, after
	chairs := func(name, email string) string {
		return both + "      conference_chairs:\n        - {name: " + name + ", email: " + email + "}\n"
	}
	file := parts[0] + chairs("Wil Chair", "wil.chair@wiltshire.example.org") + parts[1] + chairs("Dev Chair", "dev.chair@devon.example.org") + parts[2]
	env := bottest.New(t, bottest.Options{File: file})
	in := conversation.ObservationInput{AgencyA: "devon-school", AgencyB: "devon-csc", Meeting: conversation.MeetingConference,
		Category: "threshold", Description: "The agencies read the threshold differently at the conference."}
	for _, chair := range []string{"dev.chair@devon.example.org", "dev.chair@devon.example.org", "wil.chair@wiltshire.example.org"} {
		o, err := env.Engine.LogObservation(ctx, chair, in)
		if err != nil {
			t.Fatalf("%s logs: %v", chair, err)
		}
		if want := map[bool]string{true: "devon", false: "wiltshire"}[strings.HasPrefix(chair, "dev.")]; o.Partnership != want {
			t.Errorf("%s's observation records %q, want %q", chair, o.Partnership, want)
		}
	}
	old := &conversation.Observation{At: env.Clock.Now(), By: "old.chair@example.org", AgencyA: "wilts-school", AgencyB: "wilts-csc",
		Meeting: conversation.MeetingReview, Category: "threshold", Description: "Logged before partnerships were recorded."}
	if err := env.Store.(conversation.ObservationStore).AddObservation(ctx, old); err != nil {
		t.Fatal(err)
	}
	period := report.Month(env.Clock.Now())
	for id, want := range map[string]int{"devon": 2, "wiltshire": 2, "": 4} {
		rep, err := bot.BuildPartnershipReport(ctx, env.Store, env.Engine, env.People, id, period)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Observed == nil || rep.Observed.Total != want {
			t.Errorf("%q's report counts %+v observations, want %d", id, rep.Observed, want)
		}
	}
}

// TestHelpGivesTheirPartnershipsContact: "help" gives each person their
// own partnership's contact, by the agency in their profile: Devon's to a
// Devon practitioner, Wiltshire's to a Wiltshire one.
func TestHelpGivesTheirPartnershipsContact(t *testing.T) {
	ctx := context.Background()
	file := strings.Replace(hostedFile, `      routes: {front_door: "0345 155 1071"}`,
		`      routes: {front_door: "0345 155 1071", partnership_contact: scp.team@devon.example.org}`, 1)
	env := bottest.New(t, bottest.Options{File: file})
	devon := env.Person(t, "cat.fox@devon-school.example.org", "Cat Fox", "devon-school", "head@devon-school.example.org")
	wilts := env.Person(t, "ann.lee@wilts-school.example.org", "Ann Lee", "wilts-school", "head@wilts-school.example.org")
	for _, tc := range []struct{ name, person, want, not string }{
		{"devon", devon, "scp.team@devon.example.org", "lscb@wiltshire.gov.uk"},
		{"wiltshire", wilts, "lscb@wiltshire.gov.uk", "scp.team@devon.example.org"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reply := env.Router.Handle(ctx, bot.Inbound{Actor: tc.person, Text: "help"})
			if len(reply.Messages) != 1 {
				t.Fatalf("help gave %d messages", len(reply.Messages))
			}
			text := reply.Messages[0].Text
			if !strings.Contains(text, tc.want) || strings.Contains(text, tc.not) {
				t.Errorf("help says %q; want %s and not %s", text, tc.want, tc.not)
			}
		})
	}
}

// TestAlreadyDoneNamesTheCasesOwnStage: a stale Escalate pressed on a
// Devon case after it moved up says which stage it went to in Devon's
// words ("Manager to manager"), not the first partnership's.
func TestAlreadyDoneNamesTheCasesOwnStage(t *testing.T) {
	ctx := context.Background()
	h := newHosted(t)
	c := h.raise(t, h.devSchool, "devon-school", h.devCSC, "devon-csc")
	if _, err := h.Engine.Acknowledge(ctx, conversation.Cmd{Actor: h.devCSC, CaseID: c.ID}); err != nil {
		t.Fatal(err)
	}
	before, err := h.Engine.Get(ctx, h.devSchool, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Engine.Escalate(ctx, conversation.Cmd{Actor: h.devSchool, CaseID: c.ID}, conversation.EscalateInput{Reason: "Not resolved at this stage."}); err != nil {
		t.Fatal(err)
	}
	reply := h.Router.Handle(ctx, bot.Inbound{Actor: h.devSchool, Verb: conversation.VerbEscalate, CaseID: c.ID, Version: before.Version})
	if len(reply.Messages) == 0 {
		t.Fatal("a stale Escalate got no answer")
	}
	if text := reply.Messages[0].Text; !strings.Contains(text, "Manager to manager") {
		t.Errorf("the stale Escalate says %q; want Devon's stage name, Manager to manager", text)
	}
}

// TestListNamesEachCasesOwnStage: a partnership role of both partnerships
// lists a Devon case and a Wiltshire case, each with its own
// partnership's name for its first stage.
func TestListNamesEachCasesOwnStage(t *testing.T) {
	ctx := context.Background()
	h := newHosted(t)
	dev := h.raise(t, h.devSchool, "devon-school", h.devCSC, "devon-csc")
	wil := h.raise(t, h.wilSchool, "wilts-school", h.wilCSC, "wilts-csc")
	m := h.Router.Cards.List(ctx, []*conversation.Case{dev, wil}, bothChair)
	want := map[string]string{dev.ID: "Practitioner to practitioner", wil.ID: h.Engine.ProtocolOf(wil).Stages[0].Name}
	for _, f := range m.Fields {
		for id, stage := range want {
			if strings.HasPrefix(f.Label, id+" ") && !strings.HasPrefix(f.Value, stage+" ") {
				t.Errorf("%s is listed as %q; want its first stage, %s", id, f.Value, stage)
			}
		}
	}
	if len(m.Fields) != 2 {
		t.Fatalf("listed %d cases, want 2", len(m.Fields))
	}
}
