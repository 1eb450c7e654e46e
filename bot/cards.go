package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/resolvebot/resolvebot/conversation"
)

// Cards builds the neutral messages that show cases to people.
type Cards struct {
	Protocol *conversation.Protocol
	Calendar *conversation.Calendar
	People   *People
	Now      func() time.Time
}

// When formats a moment for people: "Tue 24 Nov, 17:00".
func (k *Cards) When(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(k.Calendar.Location()).Format("Mon 2 Jan, 15:04")
}

// Deadline formats a deadline with the working days left: "Tue 24 Nov, 17:00
// (2 working days left)".
func (k *Cards) Deadline(t time.Time) string {
	now := k.Now()
	if t.IsZero() {
		return "—"
	}
	if !t.After(now) {
		return k.When(t) + " (passed)"
	}
	n := k.Calendar.WorkingDaysUntil(now, t)
	switch n {
	case 0:
		return k.When(t) + " (today)"
	case 1:
		return k.When(t) + " (1 working day left)"
	}
	return fmt.Sprintf("%s (%d working days left)", k.When(t), n)
}

// Buttons returns a button for every step viewer may take on the case
// now: the steps they most likely take next first (see nextSteps), the rest
// marked Secondary for the card's overflow, in the engine's order. No step
// the engine allows is left out.
func (k *Cards) Buttons(ctx context.Context, c *conversation.Case, viewer string) []Button {
	partnership, _ := k.People.IsPartnership(ctx, viewer)
	roles, _ := k.People.Roles(ctx, viewer)
	a := conversation.Actor{ID: viewer, Partnership: partnership, Roles: roles}
	allowed := k.Protocol.AllowedVerbs(c, a)
	primary := primarySteps(c, viewer, partnership, k.Now(), allowed)
	out := make([]Button, 0, len(allowed))
	button := func(v conversation.Verb, secondary bool) Button {
		b := Button{Label: VerbLabel(v), Verb: v, CaseID: c.ID, Version: c.Version,
			Confirm: confirmTexts[v], Form: ActionForm(k.Protocol, v) != nil, Secondary: secondary}
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
	cur := c.Current()
	stage := k.Protocol.StageName(cur.Key)
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
	evidence := "Evidence"
	if c.EvidenceKind == conversation.EvidenceGutFeeling {
		evidence = "Gut feeling (owned as one)"
	}
	m.Fields = []Field{
		{"Agency case reference", c.ChildRef},
		{"Raised by", fmt.Sprintf("%s, %s", c.Raiser.Name, k.People.AgencyName(c.Raiser.Agency))},
		{"With", fmt.Sprintf("%s, %s", c.Respondent.Name, k.People.AgencyName(c.Respondent.Agency))},
		{"Category", k.Protocol.CategoryName(c.Category)},
		{"Decision challenged", c.Decision},
		{"Concern", c.Concern},
		{evidence, c.Evidence},
		{"Would resolve it", c.OutcomeSought},
		{"Urgency", c.Urgency.Label()},
		{"Status", c.Status.Label()},
		{"Stage", fmt.Sprintf("%d. %s — %s and %s", k.Protocol.StageNumber(cur.Key), stage,
			k.People.Names(ctx, cur.Raiser), k.People.Names(ctx, cur.Respondent))},
	}
	if c.Status.Active() {
		if cur.Acknowledged() {
			m.Fields = append(m.Fields, Field{"Acknowledged", fmt.Sprintf("by %s, %s", k.People.Name(ctx, cur.AcknowledgedBy), k.When(cur.AcknowledgedAt))})
		} else {
			m.Fields = append(m.Fields, Field{"Acknowledge by", k.Deadline(cur.AckDeadline)})
		}
		m.Fields = append(m.Fields, Field{"Stage deadline", k.Deadline(cur.Deadline)})
	}
	if c.CrossBorder != "" {
		m.Fields = append(m.Fields, Field{conversation.CrossBorderLabel, k.Protocol.CrossBorderNote(c.CrossBorder)})
	}
	if c.SeriousConcern {
		m.Fields = append(m.Fields, Field{"Serious concern", k.Protocol.SeriousConcernNote(c)})
	}
	if r := c.Resolution; r != nil {
		state := "proposed by " + k.People.Name(ctx, r.ProposedBy) + ", waiting for the other side"
		if r.Confirmed {
			state = "agreed " + k.When(r.ConfirmedAt)
		}
		m.Fields = append(m.Fields, Field{"Way forward (" + state + ")", r.WayForward})
		for i, a := range r.Actions {
			v := a.Description + " — " + a.Owner
			if !a.Due.IsZero() {
				v += ", by " + a.Due.In(k.Calendar.Location()).Format("Mon 2 Jan 2006")
			}
			label := "Action"
			if r.Confirmed {
				label = fmt.Sprintf("Action %d", i+1)
				v += ". " + k.actionState(a)
			}
			m.Fields = append(m.Fields, Field{label, v})
		}
	}
	if g := k.stageGuidance(cur.Key); g != "" && headline != "" && c.Status.Active() && c.SideOf(viewer) != "" {
		m.Fields = append(m.Fields, Field{"About this stage", g})
	}
	if g := strings.TrimSpace(k.Protocol.ConferenceGuidance(c.Category)); g != "" && headline != "" && c.Status.Active() && c.SideOf(viewer) != "" {
		m.Fields = append(m.Fields, Field{"Meeting and conference decisions", g})
	}
	if contact := k.topContact(c); contact != "" {
		m.Fields = append(m.Fields, Field{"Partnership contact", contact})
	}
	m.Buttons = k.Buttons(ctx, c, viewer)
	return m
}

// stageGuidance returns the protocol's guidance for a stage, shown to the
// people brought into it.
func (k *Cards) stageGuidance(key string) string {
	if key == conversation.ReferralStageKey {
		return strings.TrimSpace(k.Protocol.Referral.Guidance)
	}
	for _, s := range k.Protocol.Stages {
		if s.Key == key {
			return strings.TrimSpace(s.Guidance)
		}
	}
	return ""
}

// EventLine describes one event in a line: when, what, who, and where.
func (k *Cards) EventLine(ctx context.Context, e conversation.Event) string {
	label := e.Kind.Label()
	line := fmt.Sprintf("%s · %s", k.When(e.At), label)
	switch e.Kind {
	case conversation.EventAccessRefused:
		return line + " to " + k.People.Name(ctx, e.Actor) + " (not part of the case)"
	case conversation.EventExported:
		return line + " as " + e.Fields["format"] + " by " + k.People.Name(ctx, e.Actor)
	case conversation.EventViewed:
		return line + " by " + k.People.Name(ctx, e.Actor)
	}
	if e.Actor != "" {
		line += " by " + k.People.Name(ctx, e.Actor)
	}
	switch e.Kind {
	case conversation.EventMediationRequested:
		line += supervisionNote(e)
	case conversation.EventDeepDiveDecided:
		line += ": " + strings.ToLower(conversation.DeepDiveLabel(e.Fields["decision"]))
	case conversation.EventEscalated:
		line += " to " + k.Protocol.StageName(e.Fields["to"])
	case conversation.EventReferralReturned:
		line += " — back to " + k.Protocol.StageName(e.Fields["to"])
	case conversation.EventReassigned:
		line += fmt.Sprintf(": %s → %s", k.People.Name(ctx, e.Fields["from"]), k.People.Name(ctx, e.Fields["to"]))
	case conversation.EventDeadlineExtended:
		if t, err := time.Parse(time.RFC3339, e.Fields["to"]); err == nil {
			line += " to " + k.When(t)
		}
	case conversation.EventActionDone:
		line += ": action " + e.Fields[conversation.FieldAction]
		if e.Fields["state"] == string(conversation.ActionDoneLate) {
			line += ", after its due date"
		}
	case conversation.EventLearning:
		if e.Fields["kind"] == conversation.LearningPrevention {
			line += " (what would have prevented it)"
		} else {
			line += " (what they learned)"
		}
	default:
		line += " (" + k.Protocol.StageName(e.Stage) + ")"
	}
	return line
}

// Timeline returns the case's whole timeline for an entitled viewer: one
// list item per event, with the words written with it.
func (k *Cards) Timeline(ctx context.Context, c *conversation.Case) Message {
	items := make([]string, 0, len(c.Events))
	for _, e := range c.Practice() {
		line := k.EventLine(ctx, e)
		if e.Text != "" {
			line += ": “" + e.Text + "”"
		}
		items = append(items, line)
	}
	return Message{Kind: "timeline", CaseID: c.ID, Title: "Timeline of " + c.ID, List: items}
}

// List returns a short list of cases for viewer, marking those waiting on them.
func (k *Cards) List(ctx context.Context, cs []*conversation.Case, viewer string) Message {
	m := Message{Kind: "list", Title: "Your cases"}
	if len(cs) == 0 {
		m.Text = "You have no cases yet. Type \"raise\" to raise a disagreement."
		return m
	}
	for _, c := range cs {
		cur := c.Current()
		v := fmt.Sprintf("%s · %s · %s", k.Protocol.StageName(cur.Key), c.Status.Label(), k.People.AgencyName(c.Respondent.Agency))
		if conversation.WaitingOn(c, viewer) {
			v += " · waiting on you, due " + k.Deadline(cur.Deadline)
		} else if c.Status.Active() {
			v += " · due " + k.Deadline(cur.Deadline)
		}
		for _, n := range conversation.OpenActionsOf(c, viewer) {
			a := c.Resolution.Actions[n-1]
			v += fmt.Sprintf(" · your action %d: %s", n, strings.ToLower(k.actionState(a)))
			if !a.Due.IsZero() && a.State(k.Calendar, k.Now()) == conversation.ActionOpen {
				v += ", due " + k.Day(a.Due)
			}
		}
		m.Fields = append(m.Fields, Field{c.ID + " (" + c.ChildRef + ")", v})
	}
	return m
}

// Route returns the message for a way out of the ladder, with the
// configured numbers and procedures.
func (k *Cards) Route(r conversation.RouteKind) Message {
	rt := k.Protocol.Routes
	m := Message{Kind: "route", Tone: ToneDanger}
	switch r {
	case conversation.RouteImmediateRisk:
		m.Title = "Please act now — this is not the route for an emergency"
		frontDoor := "your local children's services front door"
		if rt.FrontDoor != "" {
			frontDoor = rt.FrontDoor
			if strings.ContainsAny(rt.FrontDoor, "0123456789") {
				frontDoor = "the children's services front door on " + rt.FrontDoor
			}
		}
		police := "the police"
		if rt.Police != "" {
			police += " on " + rt.Police
		}
		emergency := rt.Emergency
		if emergency == "" {
			emergency = "999"
		}
		m.Text = fmt.Sprintf("If a child is at immediate risk of significant harm, contact %s or %s now. In an emergency call %s. If you are not sure, contact them now all the same: they will help you judge the risk.",
			frontDoor, police, emergency)
		if support := strings.TrimSpace(rt.RequestForSupport); support != "" {
			m.Text += "\n\nIf you are worried about a child's safety or wellbeing but they are not at immediate risk, use " + support + "."
		}
		m.Text += "\n\nNo case has been opened. When the child is safe, you can raise the disagreement here."
	case conversation.RouteDissent:
		m.Tone = ToneInfo
		m.Title = "Child protection conference decisions have their own route"
		m.Text = "Disagreements with a decision made at a child protection conference go through the dissent procedure"
		if rt.DissentProcedure != "" {
			m.Text += ": " + rt.DissentProcedure
		}
		m.Text += ". No case has been opened here."
	case conversation.RouteWhistleblowing:
		m.Tone = ToneInfo
		m.Title = "Concerns about your own organisation"
		m.Text = "This process is for disagreements between agencies. For a concern about your own organisation, talk to your manager or safeguarding lead, or use the whistleblowing policy"
		if rt.Whistleblowing != "" {
			m.Text += ": " + rt.Whistleblowing
		}
		m.Text += ". No case has been opened here."
	}
	return m
}

// Help lists what a person can type.
func Help(command string) Message {
	if command != "" {
		command += " "
	}
	return Message{Kind: "help", Title: "What I can do",
		Text: "I help you raise and resolve a professional disagreement about a child, stage by stage, and keep the record. " +
			"This is not for emergencies: if a child is at immediate risk, call 999.\n\n" +
			"The buttons on each case card take the next step. You can also type:",
		List: []string{
			command + "raise — raise a disagreement",
			command + "list — your cases, and which are waiting on you",
			command + "status CR-2026-0001 — a case and its timeline",
			command + "done CR-2026-0001 1 — mark agreed action 1 on a case done (only its owner can)",
			command + "profile — your agency and line manager",
			command + "export CR-2026-0001 — the case record for the child's file (pdf, md or json)",
			command + "report — last month's partnership report; add 2026-10 for a month, or 2026 for the annual report (partnership team only)",
			command + "audit CR-2026-0001 — who has viewed or exported a case (partnership team only)",
		}}
}
