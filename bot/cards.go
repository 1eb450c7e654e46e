package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// Cards builds the neutral messages that show cases to people.
type Cards struct {
	People *People
	Now    func() time.Time
	// engine, when set, gives the protocol and calendar now (they change
	// when the partnership's settings do); otherwise proto and cal do.
	engine *conversation.Engine
	proto  *conversation.Protocol
	cal    *conversation.Calendar
	// of, when set, pins the protocol and calendar to one case's
	// partnership's (see For).
	of *conversation.Rules
}

// CardsFor returns cards in the wording of protocol p, with its overrides,
// for texts that need no calendar or people.
func CardsFor(p *conversation.Protocol) *Cards { return &Cards{proto: p} }

// Protocol returns the protocol the cards speak for now: the engine's
// (see conversation.Engine.Use) or the one given to CardsFor.
func (k *Cards) Protocol() *conversation.Protocol {
	if k.of != nil {
		return k.of.Protocol
	}
	if k.engine != nil {
		return k.engine.Protocol()
	}
	return k.proto
}

// Calendar returns the calendar of working days now, as Protocol does.
func (k *Cards) Calendar() *conversation.Calendar {
	if k.of != nil {
		return k.of.Calendar
	}
	if k.engine != nil {
		return k.engine.Calendar()
	}
	return k.cal
}

// For returns the cards of case c: in its partnership's protocol, wording
// and calendar, on a deployment of several partnerships (see
// conversation.Engine.UseFor); k itself otherwise, or when c is nil.
func (k *Cards) For(c *conversation.Case) *Cards {
	if k.engine == nil || c == nil || len(k.engine.Partnerships()) == 0 {
		return k
	}
	r := k.engine.RulesOf(c)
	return &Cards{People: k.People, Now: k.Now, engine: k.engine, of: &r}
}

// When formats a moment for people: "Tue 24 Nov, 17:00".
func (k *Cards) When(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(k.Calendar().Location()).Format("Mon 2 Jan, 15:04")
}

// Deadline formats a deadline with the working days left: "Tue 24 Nov, 17:00
// (2 working days left)".
func (k *Cards) Deadline(t time.Time) string {
	now := k.Now()
	if t.IsZero() {
		return "—"
	}
	if !t.After(now) {
		return k.Say("card.deadline.passed", messages.Args{"when": k.When(t)})
	}
	n := k.Calendar().WorkingDaysUntil(now, t)
	if n == 0 {
		return k.Say("card.deadline.today", messages.Args{"when": k.When(t)})
	}
	return k.Say("card.deadline.left", messages.Args{"when": k.When(t), "count": n})
}

// Buttons returns a button for every step viewer may take on the case
// now: the steps they most likely take next first (see nextSteps), the rest
// marked Secondary for the card's overflow, in the engine's order. No step
// the engine allows is left out.
func (k *Cards) Buttons(ctx context.Context, c *conversation.Case, viewer string) []Button {
	partnership, _ := k.People.IsPartnership(ctx, viewer)
	roles, _ := k.People.Roles(ctx, viewer)
	a := conversation.Actor{ID: viewer, Partnership: partnership, Roles: roles}
	if k.engine != nil {
		// The engine's actor knows which partnerships' roles they hold.
		if ea, err := k.engine.Actor(ctx, viewer); err == nil {
			a = ea
		}
	}
	k = k.For(c)
	allowed := k.Protocol().AllowedVerbs(c, a)
	primary := primarySteps(c, viewer, partnership, k.Now(), allowed)
	out := make([]Button, 0, len(allowed))
	button := func(v conversation.Verb, secondary bool) Button {
		b := Button{Label: k.VerbLabel(v), Verb: v, CaseID: c.ID, Version: c.Version,
			Confirm: k.confirmText(v), Form: ActionForm(k.Protocol(), v) != nil, Secondary: secondary}
		switch v {
		case conversation.VerbAcknowledge, conversation.VerbConfirm, conversation.VerbAcceptReferral:
			b.Style = "primary"
		case conversation.VerbWithdraw, conversation.VerbClose:
			b.Style = "danger"
		}
		if b.Confirm != "" && !b.Form {
			b.Secondary = false // an overflow menu cannot ask "are you sure"
		}
		return b
	}
	for _, v := range primary {
		out = append(out, button(v, false))
	}
	for _, v := range allowed {
		if !slices.Contains(primary, v) {
			out = append(out, button(v, true))
		}
	}
	return out
}

// Card returns the case card for viewer, with headline on top and the
// buttons viewer may press. Only call it for people entitled to the case.
func (k *Cards) Card(ctx context.Context, c *conversation.Case, viewer, headline string) Message {
	k = k.For(c)
	cur := c.Current()
	stage := k.Protocol().StageName(cur.Key)
	m := Message{
		Kind:   "card",
		CaseID: c.ID,
		Title:  fmt.Sprintf("%s · %s", c.ID, stage),
		Text:   headline,
		Tone:   ToneInfo,
	}
	if c.Urgency == conversation.UrgencyUrgent {
		m.Tone = ToneWarning
	}
	evidence := k.Say("card.field.evidence", nil)
	if c.EvidenceKind == conversation.EvidenceGutFeeling {
		evidence = k.Say("card.field.gut_feeling", nil)
	}
	m.Fields = []Field{
		{k.Say("card.field.child_ref", nil), c.ChildRef},
		{k.Say("card.field.raised_by", nil), fmt.Sprintf("%s, %s", c.Raiser.Name, k.People.AgencyName(c.Raiser.Agency))},
		{k.Say("card.field.with", nil), fmt.Sprintf("%s, %s", c.Respondent.Name, k.People.AgencyName(c.Respondent.Agency))},
		{k.Say("card.field.category", nil), k.Protocol().CategoryName(c.Category)},
		{k.Say("card.field.decision", nil), c.Decision},
		{k.Say("card.field.concern", nil), c.Concern},
		{evidence, c.Evidence},
		{k.Say("card.field.outcome", nil), c.OutcomeSought},
		{k.Say("card.field.urgency", nil), c.Urgency.LabelIn(k.catalogue())},
		{k.Say("card.field.status", nil), c.Status.LabelIn(k.catalogue())},
		{k.Say("card.field.stage", nil), k.Say("card.stage", messages.Args{"number": k.Protocol().StageNumber(cur.Key),
			"stage": stage, "raising": k.People.Names(ctx, cur.Raiser), "answering": k.People.Names(ctx, cur.Respondent)})},
	}
	if c.Status.Active() {
		if cur.Acknowledged() {
			m.Fields = append(m.Fields, Field{k.Say("card.field.acknowledged", nil),
				k.Say("card.acknowledged", messages.Args{"person": k.People.Name(ctx, cur.AcknowledgedBy), "when": k.When(cur.AcknowledgedAt)})})
		} else {
			m.Fields = append(m.Fields, Field{k.Say("card.field.ack_by", nil), k.Deadline(cur.AckDeadline)})
		}
		m.Fields = append(m.Fields, Field{k.Say("card.field.stage_deadline", nil), k.Deadline(cur.Deadline)})
	}
	if note := k.crossBorderNote(c); note != "" {
		m.Fields = append(m.Fields, Field{k.Protocol().CrossBorderLabel(), note})
	}
	if c.SeriousConcern {
		m.Fields = append(m.Fields, Field{k.Say("card.field.serious_concern", nil), k.Protocol().SeriousConcernNote(c)})
	}
	if r := c.Resolution; r != nil {
		state := k.Say("card.resolution.proposed", messages.Args{"person": k.People.Name(ctx, r.ProposedBy)})
		if r.Confirmed {
			state = k.Say("card.resolution.agreed", messages.Args{"when": k.When(r.ConfirmedAt)})
		}
		m.Fields = append(m.Fields, Field{k.Say("card.field.way_forward", messages.Args{"state": state}), r.WayForward})
		for i, a := range r.Actions {
			v := a.Description + " — " + a.Owner
			if !a.Due.IsZero() {
				v += k.Say("card.action.due", messages.Args{"due": a.Due.In(k.Calendar().Location()).Format("Mon 2 Jan 2006")})
			}
			label := k.Say("card.field.action", nil)
			if r.Confirmed {
				label = k.Say("card.field.action_n", messages.Args{"number": i + 1})
				v += ". " + k.actionState(a)
			}
			m.Fields = append(m.Fields, Field{label, v})
		}
	}
	if g := k.stageGuidance(cur.Key); g != "" && headline != "" && c.Status.Active() && c.SideOf(viewer) != "" {
		m.Fields = append(m.Fields, Field{k.Say("card.field.about_stage", nil), g})
	}
	if g := strings.TrimSpace(k.Protocol().ConferenceGuidance(c.Category)); g != "" && headline != "" && c.Status.Active() && c.SideOf(viewer) != "" {
		m.Fields = append(m.Fields, Field{k.Say("card.field.conference", nil), g})
	}
	if contact := k.topContact(c); contact != "" {
		m.Fields = append(m.Fields, Field{k.Say("card.field.contact", nil), contact})
	}
	m.Buttons = k.Buttons(ctx, c, viewer)
	return m
}

// stageGuidance returns the protocol's guidance for a stage, shown to the
// people brought into it.
func (k *Cards) stageGuidance(key string) string {
	if key == conversation.ReferralStageKey {
		return strings.TrimSpace(k.Protocol().Referral.Guidance)
	}
	for _, s := range k.Protocol().Stages {
		if s.Key == key {
			return strings.TrimSpace(s.Guidance)
		}
	}
	return ""
}

// EventLine describes one event in a line: when, what, who, and where.
func (k *Cards) EventLine(ctx context.Context, e conversation.Event) string {
	label := e.Kind.LabelIn(k.catalogue())
	line := fmt.Sprintf("%s · %s", k.When(e.At), label)
	switch e.Kind {
	case conversation.EventAccessRefused:
		return line + k.Say("event.refused", messages.Args{"person": k.People.Name(ctx, e.Actor)})
	case conversation.EventExported:
		return line + k.Say("event.exported", messages.Args{"format": e.Fields["format"], "person": k.People.Name(ctx, e.Actor)})
	case conversation.EventViewed:
		return line + k.Say("event.by", messages.Args{"person": k.People.Name(ctx, e.Actor)})
	}
	if e.Actor != "" {
		line += k.Say("event.by", messages.Args{"person": k.People.Name(ctx, e.Actor)})
	}
	switch e.Kind {
	case conversation.EventMediationRequested:
		line += k.supervisionNote(e)
	case conversation.EventDeepDiveDecided:
		line += ": " + strings.ToLower(k.Protocol().DeepDiveLabel(e.Fields["decision"]))
	case conversation.EventEscalated:
		line += k.Say("event.escalated", messages.Args{"stage": k.Protocol().StageName(e.Fields["to"])})
	case conversation.EventReferralReturned:
		line += k.Say("event.returned", messages.Args{"stage": k.Protocol().StageName(e.Fields["to"])})
	case conversation.EventReassigned:
		line += k.Say("event.reassigned", messages.Args{"from": k.People.Name(ctx, e.Fields["from"]), "to": k.People.Name(ctx, e.Fields["to"])})
	case conversation.EventDeadlineExtended:
		if t, err := time.Parse(time.RFC3339, e.Fields["to"]); err == nil {
			line += k.Say("event.extended", messages.Args{"when": k.When(t)})
		}
	case conversation.EventActionDone:
		line += k.Say("event.action", messages.Args{"number": e.Fields[conversation.FieldAction]})
		if e.Fields["state"] == string(conversation.ActionDoneLate) {
			line += k.Say("event.action_late", nil)
		}
	case conversation.EventLearning:
		if e.Fields["kind"] == conversation.LearningPrevention {
			line += k.Say("event.learning.prevention", nil)
		} else {
			line += k.Say("event.learning.learned", nil)
		}
	default:
		line += " (" + k.Protocol().StageName(e.Stage) + ")"
	}
	return line
}

// Timeline returns the case's whole timeline for an entitled viewer: one
// list item per event, with the words written with it.
func (k *Cards) Timeline(ctx context.Context, c *conversation.Case) Message {
	k = k.For(c)
	items := make([]string, 0, len(c.Events))
	for _, e := range c.Practice() {
		line := k.EventLine(ctx, e)
		if e.Text != "" {
			line += ": “" + e.Text + "”"
		}
		items = append(items, line)
	}
	return Message{Kind: "timeline", CaseID: c.ID, Title: k.Say("timeline.title", messages.Args{"case": c.ID}), List: items}
}

// List returns a short list of cases for viewer, marking those waiting on them.
func (k *Cards) List(ctx context.Context, cs []*conversation.Case, viewer string) Message {
	m := Message{Kind: "list", Title: k.Say("cases.title", nil)}
	if len(cs) == 0 {
		m.Text = k.Say("cases.empty", nil)
		return m
	}
	for _, c := range cs {
		cur := c.Current()
		kc := k.For(c) // each case in its own partnership's stage names and calendar
		v := fmt.Sprintf("%s · %s · %s", kc.Protocol().StageName(cur.Key), c.Status.LabelIn(k.catalogue()), k.People.AgencyName(c.Respondent.Agency))
		if conversation.WaitingOn(c, viewer) {
			v += k.Say("cases.waiting", messages.Args{"deadline": k.Deadline(cur.Deadline)})
		} else if c.Status.Active() {
			v += k.Say("cases.due", messages.Args{"deadline": k.Deadline(cur.Deadline)})
		}
		for _, n := range conversation.OpenActionsOf(c, viewer) {
			a := c.Resolution.Actions[n-1]
			v += k.Say("cases.action", messages.Args{"number": n, "state": strings.ToLower(k.actionState(a))})
			if !a.Due.IsZero() && a.State(kc.Calendar(), k.Now()) == conversation.ActionOpen {
				v += k.Say("cases.action_due", messages.Args{"day": k.Day(a.Due)})
			}
		}
		m.Fields = append(m.Fields, Field{c.ID + " (" + c.ChildRef + ")", v})
	}
	return m
}

// Route returns the message for a way out of the ladder, with the
// configured numbers and procedures.
func (k *Cards) Route(r conversation.RouteKind) Message {
	rt := k.Protocol().Routes
	m := Message{Kind: "route", Tone: ToneDanger}
	switch r {
	case conversation.RouteImmediateRisk:
		m.Title = k.Say("route.emergency.title", nil)
		frontDoor := k.Say("route.emergency.front_door", nil)
		if rt.FrontDoor != "" {
			frontDoor = rt.FrontDoor
			if strings.ContainsAny(rt.FrontDoor, "0123456789") {
				frontDoor = k.Say("route.emergency.front_door_number", messages.Args{"number": rt.FrontDoor})
			}
		}
		police := k.Say("route.emergency.police", nil)
		if rt.Police != "" {
			police = k.Say("route.emergency.police_number", messages.Args{"number": rt.Police})
		}
		emergency := rt.Emergency
		if emergency == "" {
			emergency = "999"
		}
		m.Text = k.Say("route.emergency.text", messages.Args{"front_door": frontDoor, "police": police, "emergency": emergency})
		if support := strings.TrimSpace(rt.RequestForSupport); support != "" {
			m.Text += "\n\n" + k.Say("route.emergency.support", messages.Args{"support": support})
		}
		m.Text += "\n\n" + k.Say("route.emergency.no_case", nil)
	case conversation.RouteDissent:
		m.Tone = ToneInfo
		m.Title = k.Say("route.dissent.title", nil)
		m.Text = k.Say("route.dissent.text", nil)
		if rt.DissentProcedure != "" {
			m.Text = k.Say("route.dissent.text_with", messages.Args{"procedure": rt.DissentProcedure})
		}
		m.Text += " " + k.Say("route.no_case", nil)
	case conversation.RouteWhistleblowing:
		m.Tone = ToneInfo
		m.Title = k.Say("route.whistleblowing.title", nil)
		m.Text = k.Say("route.whistleblowing.text", nil)
		if rt.Whistleblowing != "" {
			m.Text = k.Say("route.whistleblowing.text_with", messages.Args{"procedure": rt.Whistleblowing})
		}
		m.Text += " " + k.Say("route.no_case", nil)
	}
	return m
}

// Help lists what a person can type, in the catalogue's English wording
// (without a partnership's overrides; Cards.Help has them).
func Help(command string) Message {
	return (*Cards)(nil).Help(command)
}

// Help lists what a person can type, as the partnership words it; command
// is the slash command people type before a word ("" where they type the
// word alone). k may be nil: the catalogue's English wording is used.
func (k *Cards) Help(command string) Message {
	if command != "" {
		command += " "
	}
	return Message{Kind: "help", Title: k.Say("help.title", nil),
		Text: k.Say("help.text", nil),
		List: []string{
			k.Say("help.raise", messages.Args{"command": command + "raise"}),
			k.Say("help.list", messages.Args{"command": command + "list"}),
			k.Say("help.status", messages.Args{"command": command + "status CR-2026-0001"}),
			k.Say("help.done", messages.Args{"command": command + "done CR-2026-0001 1"}),
			k.Say("help.profile", messages.Args{"command": command + "profile"}),
			k.Say("help.export", messages.Args{"command": command + "export CR-2026-0001"}),
			k.Say("help.report", messages.Args{"command": command + "report"}),
			k.Say("help.audit", messages.Args{"command": command + "audit CR-2026-0001"}),
		}}
}

// crossBorderNote says what case c's crossing of a border means, or ""
// for a case within one partnership: for another partnership hosted here,
// that both partnerships' teams are told and see it; for a neighbour not
// hosted here, its partnership team's contact; otherwise the protocol's
// note on the partnership the raiser named.
func (k *Cards) crossBorderNote(c *conversation.Case) string {
	if other := c.CrossBorderPartnership; other != "" && k.engine != nil {
		return k.Say("partnerships.cross_border.hosted", messages.Args{
			"other": k.engine.PartnershipName(other), "partnership": k.engine.PartnershipName(c.Partnership)})
	}
	if c.CrossBorder == "" {
		return ""
	}
	note := k.Protocol().CrossBorderNote(c.CrossBorder)
	if n, ok := k.People.Neighbour(c.CrossBorder); ok {
		note += " " + k.Say("partnerships.cross_border.neighbour", messages.Args{"other": n.Name, "contact": n.Contact})
	}
	return note
}
