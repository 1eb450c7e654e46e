package crossplatform_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/bottest"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/scheduler"
)

// A tour walks whole cases through every state on one platform, with
// every kind of person the protocol involves, and keeps every payload the
// platform's fake API received: the cards the bot really sends, for the
// card check (see dump_test.go).

// person is someone on a tour.
type person struct {
	role    string // the part they play, used in payload names
	name    string
	email   string
	agency  string // "" for people the directory knows
	manager string // the line manager's email, for practitioners
	slackID string
}

var (
	tourRaiser     = person{role: "raiser", name: "Sam Patel", email: "sam.patel@school.example.org", agency: "school", manager: "school.manager@example.org", slackID: "U01SAM"}
	tourRespondent = person{role: "respondent", name: "Alex Worker", email: "alex.worker@example.org", agency: "csc", slackID: "U02ALEX"}
	tourNewcomer   = person{role: "newcomer", name: "Jo Newby", email: "jo.newby@health.example.org", slackID: "U03JO"}
	tourPeople     = []person{
		tourRaiser, tourRespondent, tourNewcomer,
		{role: "raiser-manager", name: "School Manager (example)", email: "school.manager@example.org", slackID: "U04SMGR"},
		{role: "respondent-manager", name: "Social Care Manager (example)", email: "csc.manager@example.org", slackID: "U05CMGR"},
		{role: "raiser-senior-manager", name: "School Senior Manager (example)", email: "school.senior-manager@example.org", slackID: "U06SSM"},
		{role: "respondent-senior-manager", name: "Social Care Senior Manager (example)", email: "csc.senior-manager@example.org", slackID: "U07CSM"},
		{role: "raiser-leader", name: "School Leader (example)", email: "school.leader@example.org", slackID: "U08SLD"},
		{role: "respondent-leader", name: "Social Care Leader (example)", email: "csc.leader@example.org", slackID: "U09CLD"},
		{role: "partnership-manager", name: "Partnership Manager (example)", email: "partnership.manager@example.org", slackID: "U10PM"},
	}
)

func tourPerson(role string) person {
	for _, p := range tourPeople {
		if p.role == role {
			return p
		}
	}
	panic("no tour person " + role)
}

// personRef marks an answer that names a person: each platform answers
// with its own form of it (the option the people search offers).
func personRef(role string) string { return "@person:" + role }

// payload is one thing the platform received, as sent.
type payload struct {
	Name string // step--recipient--how
	Kind string // "teams" for an Adaptive Card; "slack" for a Block Kit message, modal or home
	JSON json.RawMessage
}

// platform drives one platform's adapter as its users would, through the
// fake API and the adapter's own HTTP handler.
type platform interface {
	name() string
	// join makes the person known to the bot as the platform does when
	// they first open it: installing the app, or opening its Home tab.
	join(p person)
	// say types a command.
	say(p person, text string)
	// press presses the button (or overflow option) for verb on the
	// person's latest card of the case. Where no card shows the step it
	// fails the test, as every step a person may take must be on their
	// card, and types "verb case" to carry on.
	press(p person, caseID string, verb conversation.Verb)
	// submit answers the form last shown to the person; it reports
	// whether the form was accepted.
	submit(p person, answers map[string]string) bool
	// step names what follows, for the payloads it causes.
	step(label string)
	// payloads returns everything received so far.
	payloads() []payload
}

// tour is one platform's run over a whole bot.
type tour struct {
	t     *testing.T
	env   *bottest.Env
	p     platform
	sched *scheduler.Scheduler
	steps []string // the steps run, in order
}

// step names what follows on the platform and remembers it.
func (tr *tour) step(label string) {
	tr.steps = append(tr.steps, label)
	tr.p.step(label)
}

func (tr *tour) latestCase() string {
	tr.t.Helper()
	cs, err := tr.env.Store.ListCases(context.Background(), conversation.CaseFilter{})
	if err != nil || len(cs) == 0 {
		tr.t.Fatalf("no case: %v", err)
	}
	best := cs[0]
	for _, c := range cs {
		if c.CreatedAt.After(best.CreatedAt) || c.CreatedAt.Equal(best.CreatedAt) && c.ID > best.ID {
			best = c
		}
	}
	return best.ID
}

func (tr *tour) caseState(id string) *conversation.Case {
	tr.t.Helper()
	c, err := tr.env.Store.GetCase(context.Background(), id)
	if err != nil {
		tr.t.Fatalf("case %s: %v", id, err)
	}
	return c
}

// wantStage fails the tour when the case is not at the stage key with status.
func (tr *tour) want(id, stage string, status conversation.Status) {
	tr.t.Helper()
	c := tr.caseState(id)
	if c.Current().Key != stage || c.Status != status {
		tr.t.Fatalf("%s: case %s is at %s, %s; want %s, %s", tr.p.name(), id, c.Current().Key, c.Status, stage, status)
	}
}

func (tr *tour) mustSubmit(p person, answers map[string]string) {
	tr.t.Helper()
	if !tr.p.submit(p, answers) {
		tr.t.Fatalf("%s: %s's form was refused", tr.p.name(), p.role)
	}
}

func intakeAnswers(urgency conversation.Urgency) map[string]string {
	return map[string]string{
		conversation.FieldImmediateRisk: "no", conversation.FieldAbout: conversation.AboutOtherAgency,
		conversation.FieldChildRef: "CSC-204913", conversation.FieldRaiserAgency: "school",
		conversation.FieldRespondent: personRef("respondent"), conversation.FieldRespondentAgency: "csc",
		conversation.FieldCategory: "threshold", conversation.FieldDecision: "The referral was closed with no further action.",
		conversation.FieldConcern:       "Attendance has fallen and the child arrives hungry most days.",
		conversation.FieldEvidenceKind:  string(conversation.EvidenceDocumented),
		conversation.FieldEvidence:      "Attendance records for six weeks.",
		conversation.FieldOutcomeSought: "A strategy discussion.", conversation.FieldUrgency: string(urgency),
		conversation.FieldReflection:     "discussed_with_lead,child_best_interest,motivation_considered",
		conversation.FieldFamilyInformed: "no", conversation.FieldSeriousConcern: "no",
	}
}

// run walks three cases through every state: one resolved between
// managers, one climbing to the partnership and back, one that stalls,
// goes to mediation and is withdrawn; and the commands around them.
func (tr *tour) run() {
	t, p := tr.t, tr.p
	raiser, respondent := tourRaiser, tourRespondent
	rm, pm := tourPerson("raiser-manager"), tourPerson("respondent-manager")
	rsm, psm := tourPerson("raiser-senior-manager"), tourPerson("respondent-senior-manager")
	rl, pl := tourPerson("raiser-leader"), tourPerson("respondent-leader")
	partnership := tourPerson("partnership-manager")
	stages := tr.env.Config.Protocol.Stages
	if len(stages) < 4 {
		t.Fatalf("the tour needs four stages, the protocol has %d", len(stages))
	}

	tr.step("welcome")
	for _, who := range tourPeople {
		p.join(who)
	}
	tr.step("help")
	p.say(raiser, "help")
	tr.step("unknown-command")
	p.say(raiser, "what now")
	tr.step("list-empty")
	p.say(raiser, "list")

	// A newcomer is asked for their profile before raising.
	tr.step("profile-first")
	p.say(tourNewcomer, "raise")
	tr.step("profile-saved")
	tr.mustSubmit(tourNewcomer, map[string]string{"name": tourNewcomer.name, "agency": "health-visiting"})

	// Intake: errors, a way out of the ladder, then a case.
	tr.step("intake")
	p.say(raiser, "raise")
	tr.step("intake-errors")
	if p.submit(raiser, map[string]string{conversation.FieldImmediateRisk: "no"}) {
		t.Fatalf("%s: an empty intake was accepted", p.name())
	}
	tr.step("intake-immediate-risk")
	p.say(raiser, "raise")
	p.submit(raiser, map[string]string{conversation.FieldImmediateRisk: "yes"})
	tr.step("raised")
	p.say(raiser, "raise")
	tr.mustSubmit(raiser, intakeAnswers(conversation.UrgencyStandard))
	one := tr.latestCase()
	tr.want(one, stages[0].Key, conversation.StatusOpen)

	// Case one: acknowledged, answered, escalated, resolved by managers.
	tr.step("acknowledged")
	p.press(respondent, one, conversation.VerbAcknowledge)
	tr.step("respond-form")
	p.press(respondent, one, conversation.VerbRespond)
	tr.step("respond-errors")
	if p.submit(respondent, map[string]string{"text": ""}) {
		t.Fatalf("%s: an empty response was accepted", p.name())
	}
	tr.step("responded")
	tr.mustSubmit(respondent, map[string]string{"text": "We applied the threshold document; I can share our reasons."})
	tr.step("note-identifier-warning")
	p.press(raiser, one, conversation.VerbNote)
	note := map[string]string{"text": "The family moved to PL1 2AB last month."}
	if p.submit(raiser, note) {
		t.Fatalf("%s: a note with a postcode was saved without asking", p.name())
	}
	tr.step("note")
	note[bot.FieldConfirmIdentifiers] = "yes"
	tr.mustSubmit(raiser, note)
	tr.step("escalated-to-managers")
	p.press(raiser, one, conversation.VerbEscalate)
	tr.mustSubmit(raiser, map[string]string{"reason": "We still disagree about the threshold."})
	tr.want(one, stages[1].Key, conversation.StatusOpen)
	tr.step("managers-acknowledge")
	p.press(pm, one, conversation.VerbAcknowledge)
	tr.step("deadline-extended")
	p.press(rm, one, conversation.VerbExtend)
	tr.mustSubmit(rm, map[string]string{"days": "2", "reason": "The social worker is on leave until Wednesday."})
	tr.step("proposed")
	p.press(pm, one, conversation.VerbPropose)
	tr.mustSubmit(pm, map[string]string{"way_forward": "A strategy discussion on Friday with school present.",
		"actions": "Convene the strategy discussion | " + pm.email + " | 5\nShare attendance records | " + rm.email + " | 5"})
	tr.step("disputed")
	p.press(rm, one, conversation.VerbDispute)
	tr.mustSubmit(rm, map[string]string{"reason": "It leaves out who reviews the plan afterwards."})
	tr.step("proposed-again")
	p.press(pm, one, conversation.VerbPropose)
	tr.mustSubmit(pm, map[string]string{"way_forward": "A strategy discussion on Friday; both managers review it a week later.",
		"actions": "Convene the strategy discussion | " + pm.email + " | 3\nShare attendance records | " + rm.email + " | 2"})
	tr.step("resolved")
	p.press(rm, one, conversation.VerbConfirm)
	tr.want(one, stages[1].Key, conversation.StatusResolved)
	tr.step("status-resolved")
	p.say(raiser, "status "+one)

	// The agreed actions are followed up: reminders with Mark done, one
	// action marked done from its reminder, the other shown overdue to
	// its owner, the raiser and the owner's line manager; then learning.
	ctx := context.Background()
	duePass := func(label string) {
		tr.env.Clock.Advance(24 * time.Hour)
		tr.step(label)
		if _, err := tr.sched.DuePass(ctx); err != nil {
			t.Fatalf("due pass: %v", err)
		}
	}
	duePass("nudges-day-actions-1")
	tr.step("action-reminded")
	p.say(raiser, "list")
	duePass("nudges-day-actions-2")
	tr.step("action-done")
	p.press(pm, one, conversation.VerbActionDone)
	if a := tr.caseState(one).Resolution.Actions[0]; !a.Done() {
		t.Fatalf("%s: Mark done left the action %+v", p.name(), a)
	}
	duePass("nudges-day-actions-3")
	tr.step("action-overdue")
	p.say(raiser, "status "+one)
	for _, role := range []string{"raiser", "raiser-manager"} {
		if !slices.ContainsFunc(p.payloads(), func(x payload) bool {
			return strings.Contains(x.Name, "--"+role+"--") && strings.Contains(string(x.JSON), "Share attendance records") && strings.Contains(string(x.JSON), "is not marked done")
		}) {
			t.Errorf("%s: the %s was not shown the overdue action", p.name(), role)
		}
	}
	tr.step("learning")
	p.press(raiser, one, conversation.VerbLearning)
	tr.mustSubmit(raiser, map[string]string{conversation.FieldLearned: "Talking on the phone early saves days.",
		conversation.FieldPrevention: "A joint visit before the strategy discussion."})
	tr.env.Clock.Advance(4 * 24 * time.Hour) // a week on from the resolution, so what follows falls on the same weekdays

	// Case two: urgent, climbs every stage to the partnership, which
	// returns it with advice, offers mediation, accepts it and closes it.
	tr.env.Clock.Advance(time.Hour)
	tr.step("raised-urgent")
	p.say(raiser, "raise")
	tr.mustSubmit(raiser, intakeAnswers(conversation.UrgencyUrgent))
	two := tr.latestCase()
	p.press(respondent, two, conversation.VerbAcknowledge)
	tr.step("urgent-escalated-to-managers")
	p.press(raiser, two, conversation.VerbEscalate)
	tr.mustSubmit(raiser, map[string]string{"reason": "The child is still going without meals."})
	tr.step("handed-over")
	p.press(pm, two, conversation.VerbReassign)
	tr.mustSubmit(pm, map[string]string{"to": personRef("respondent-senior-manager"), "reason": "I am away; my senior manager will take it."})
	tr.step("escalated-to-senior-managers")
	p.press(rm, two, conversation.VerbEscalate)
	tr.mustSubmit(rm, map[string]string{"reason": "Managers could not agree."})
	tr.want(two, stages[2].Key, conversation.StatusOpen)
	tr.step("senior-managers-acknowledge")
	p.press(psm, two, conversation.VerbAcknowledge)
	tr.step("escalated-to-leaders")
	p.press(rsm, two, conversation.VerbEscalate)
	tr.mustSubmit(rsm, map[string]string{"reason": "Senior managers could not agree."})
	tr.want(two, stages[3].Key, conversation.StatusOpen)
	tr.step("leaders-acknowledge")
	p.press(pl, two, conversation.VerbAcknowledge)
	tr.step("referred")
	p.press(rl, two, conversation.VerbRefer)
	tr.mustSubmit(rl, map[string]string{"reason": "Leaders could not agree; we need the partnership's view."})
	tr.want(two, conversation.ReferralStageKey, conversation.StatusReferred)
	tr.step("referral-returned")
	p.press(partnership, two, conversation.VerbReturnReferral)
	tr.mustSubmit(partnership, map[string]string{"stage": stages[3].Key, "text": "Please meet in person first; the protocol asks leaders to meet."})
	tr.want(two, stages[3].Key, conversation.StatusOpen)
	tr.step("referred-again")
	p.press(rl, two, conversation.VerbRefer)
	tr.mustSubmit(rl, map[string]string{"reason": "We met and still disagree."})
	tr.step("mediation-offered")
	p.press(partnership, two, conversation.VerbOfferMediation)
	tr.mustSubmit(partnership, map[string]string{"text": "A restorative facilitator from the partnership team can meet you both."})
	tr.step("referral-accepted")
	p.press(partnership, two, conversation.VerbAcceptReferral)
	tr.mustSubmit(partnership, map[string]string{"text": "It will go to the next QA&P meeting."})
	tr.step("closed")
	p.press(partnership, two, conversation.VerbClose)
	tr.mustSubmit(partnership, map[string]string{"reason": "Decided at the QA&P meeting; actions agreed with both agencies."})
	tr.want(two, conversation.ReferralStageKey, conversation.StatusClosed)
	tr.step("status-closed")
	p.say(partnership, "status "+two)

	// Case three: nobody answers. The scheduler nudges, marks the stage
	// overdue, tells the partnership it is stuck; mediation is asked for
	// and the raiser withdraws.
	tr.env.Clock.Advance(time.Hour)
	tr.step("raised-stalls")
	p.say(raiser, "raise")
	tr.mustSubmit(raiser, intakeAnswers(conversation.UrgencyStandard))
	three := tr.latestCase()
	nudges := func(from, to int) {
		for day := from; day <= to; day++ {
			tr.env.Clock.Advance(24 * time.Hour)
			tr.step(fmt.Sprintf("nudges-day-%02d", day))
			if _, err := tr.sched.DuePass(ctx); err != nil {
				t.Fatalf("due pass: %v", err)
			}
		}
	}
	nudges(1, 6)
	tr.step("stalled-escalated")
	p.press(raiser, three, conversation.VerbEscalate)
	tr.mustSubmit(raiser, map[string]string{"reason": "Nobody has answered for a week."})
	tr.want(three, stages[1].Key, conversation.StatusOpen)
	nudges(7, 16)
	tr.step("digest")
	if _, err := tr.sched.Digest(ctx); err != nil {
		t.Fatalf("digest: %v", err)
	}
	tr.step("list-waiting")
	p.say(pm, "list")
	tr.step("mediation-asked")
	p.press(rm, three, conversation.VerbMediation)
	tr.mustSubmit(rm, map[string]string{"reason": "We keep talking past each other.", conversation.FieldSupervisionSought: "yes"})
	tr.step("withdrawn")
	p.press(raiser, three, conversation.VerbWithdraw)
	tr.mustSubmit(raiser, map[string]string{"reason": "The family moved out of the area."})
	tr.want(three, stages[1].Key, conversation.StatusWithdrawn)
	tr.step("refused")
	p.say(tourNewcomer, "status "+one)
	tr.step("report")
	p.say(partnership, "report "+tr.env.Clock.Now().Format("2006-01"))
	tr.step("summary")
	if _, err := tr.sched.Summary(ctx); err != nil {
		t.Fatalf("summary: %v", err)
	}
	tr.step("list-partnership")
	p.say(partnership, "list")
}

// resolveAnswers replaces person references with what the platform's form
// takes for that person.
func resolveAnswers(answers map[string]string, personValue func(person) string) map[string]string {
	out := map[string]string{}
	for k, v := range answers {
		if role, ok := strings.CutPrefix(v, "@person:"); ok {
			v = personValue(tourPerson(role))
		}
		out[k] = v
	}
	return out
}

// sawLatest reports whether role was just sent the latest card because
// the one they pressed was out of date.
func sawLatest(got []payload, role string) bool {
	for _, p := range got {
		if strings.Contains(p.Name, "--"+role+"--") && strings.Contains(string(p.JSON), "changed since that card was sent") {
			return true
		}
	}
	return false
}
