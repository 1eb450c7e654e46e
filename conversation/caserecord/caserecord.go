// Package caserecord writes a case's record for the child's file: the
// parties, each stage with its dates and deadlines, every event on the
// timeline, the outcome with its actions, and the access log (who viewed or
// exported the case, and refused attempts), as Markdown, JSON or a paginated
// PDF marked OFFICIAL-SENSITIVE. It holds case content and must only be
// produced for people entitled to the case.
package caserecord

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// Marking is the protective marking on every page and copy of a record.
const Marking = "OFFICIAL-SENSITIVE"

// Formats lists the formats Write accepts.
var Formats = []string{"pdf", "md", "json"}

// Namer turns person ids and agency keys into names for the record.
type Namer interface {
	PersonName(id string) string
	AgencyName(key string) string
}

// Record is a case laid out for reading, in the order the record presents it.
type Record struct {
	CaseID      string `json:"case_id"`
	Marking     string `json:"marking"`
	Partnership string `json:"partnership"`
	// PartnershipShort is the partnership's short name for running
	// headers, e.g. "Devon SCP"; empty when it has none.
	PartnershipShort string    `json:"partnership_short,omitempty"`
	Protocol         string    `json:"protocol"`
	ExportedAt       time.Time `json:"exported_at"`
	ExportedBy       string    `json:"exported_by"`
	Summary          []Line    `json:"summary"`
	Stages           []Stage   `json:"stages"`
	Timeline         []Entry   `json:"timeline"`
	Outcome          []Line    `json:"outcome,omitempty"`
	Access           []Access  `json:"access,omitempty"`

	// w is the wording of the record's fixed words: the protocol's
	// (Protocol.Wording), with its overrides.
	w *messages.Catalogue
}

// words is the record's wording, or the catalogue as it is for a Record
// not made by Build.
func (r *Record) words() *messages.Catalogue {
	if r.w == nil {
		return messages.English()
	}
	return r.w
}

// Access is one entry of the case's access log: a view, an export or a
// refused attempt, with how many times and the latest for merged ones.
type Access struct {
	When  string `json:"when"`
	What  string `json:"what"`
	Who   string `json:"who"`
	Times int    `json:"times"`
	Last  string `json:"last,omitempty"`
}

// Line is a labelled value.
type Line struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// Stage is one stage the case reached.
type Stage struct {
	Number         int    `json:"number"`
	Name           string `json:"name"`
	RaiserSide     string `json:"raiser_side"`
	RespondentSide string `json:"respondent_side"`
	Started        string `json:"started"`
	AckDeadline    string `json:"acknowledge_by"`
	Acknowledged   string `json:"acknowledged"`
	Deadline       string `json:"deadline"`
	Overdue        bool   `json:"overdue"`
}

// Entry is one event on the timeline.
type Entry struct {
	Seq   int    `json:"seq"`
	When  string `json:"when"`
	What  string `json:"what"`
	Who   string `json:"who"`
	Stage string `json:"stage"`
	Text  string `json:"text,omitempty"`
}

// Build lays the case out for reading, with its access log (see
// Engine.ExportAccessLog). Times are shown in loc, and fixed words in the
// protocol's wording (the catalogue's caserecord.* and label.* texts with
// its overrides).
func Build(c *conversation.Case, access []conversation.AuditRecord, p *conversation.Protocol, n Namer, loc *time.Location, exportedBy string, exportedAt time.Time) *Record {
	when := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(loc).Format("Mon 2 Jan 2006 15:04")
	}
	w := p.Wording()
	yes := func(b bool) string {
		if b {
			return w.Text("caserecord.yes", nil)
		}
		return w.Text("caserecord.no", nil)
	}
	names := func(ids []string) string {
		out := make([]string, 0, len(ids))
		for _, id := range ids {
			out = append(out, n.PersonName(id))
		}
		return strings.Join(out, ", ")
	}
	r := &Record{CaseID: c.ID, Marking: Marking, Partnership: p.Partnership, PartnershipShort: p.PartnershipShort, Protocol: p.Name,
		ExportedAt: exportedAt.In(loc), ExportedBy: n.PersonName(exportedBy), w: w}
	evidence := w.Text("caserecord.evidence", nil)
	if c.EvidenceKind == conversation.EvidenceGutFeeling {
		evidence = w.Text("caserecord.gut_feeling", nil)
	}
	party := func(id, agency string) string {
		return w.Text("caserecord.party", messages.Args{"person": n.PersonName(id), "agency": n.AgencyName(agency)})
	}
	r.Summary = []Line{
		{w.Text("caserecord.child_ref", nil), c.ChildRef},
		{w.Text("caserecord.status", nil), c.Status.LabelIn(w)},
		{w.Text("caserecord.raised", nil), when(c.CreatedAt)},
		{w.Text("caserecord.raised_by", nil), party(c.Raiser.PersonID, c.Raiser.Agency)},
		{w.Text("caserecord.about", nil), party(c.Respondent.PersonID, c.Respondent.Agency)},
		{w.Text("caserecord.category", nil), p.CategoryName(c.Category)},
		{w.Text("caserecord.decision", nil), c.Decision},
		{w.Text("caserecord.concern", nil), c.Concern},
		{evidence, c.Evidence},
		{w.Text("caserecord.outcome_sought", nil), c.OutcomeSought},
		{w.Text("caserecord.urgency", nil), c.Urgency.LabelIn(w)},
	}
	// The reflection checklist in the words the raiser answered: kept on
	// the case, or the protocol's for a case raised before they were.
	asked := c.ReflectionAsked
	if len(asked) == 0 {
		asked = p.ReflectionChecks()
	}
	for _, rc := range asked {
		r.Summary = append(r.Summary, Line{w.Text("caserecord.reflection", messages.Args{"check": rc.Label}), yes(c.Reflection.Checked(rc.Key))})
	}
	r.Summary = append(r.Summary, Line{w.Text("caserecord.family_informed", nil), yes(c.FamilyInformed)})
	if c.CrossBorder != "" {
		r.Summary = append(r.Summary, Line{p.CrossBorderLabel(), p.CrossBorderNote(c.CrossBorder)})
	}
	if c.SeriousConcern {
		r.Summary = append(r.Summary, Line{w.Text("caserecord.serious_concern", nil), p.SeriousConcernNote(c)})
	}
	for _, s := range c.Stages {
		ack := ""
		if s.Acknowledged() {
			ack = w.Text("caserecord.acknowledged_by", messages.Args{"when": when(s.AcknowledgedAt), "person": n.PersonName(s.AcknowledgedBy)})
		}
		r.Stages = append(r.Stages, Stage{Number: p.StageNumber(s.Key), Name: p.StageName(s.Key),
			RaiserSide: names(s.Raiser), RespondentSide: names(s.Respondent), Started: when(s.StartedAt),
			AckDeadline: when(s.AckDeadline), Acknowledged: ack, Deadline: when(s.Deadline), Overdue: s.Overdue})
	}
	for _, e := range c.Practice() {
		who := w.Text("caserecord.bot", nil)
		if e.Actor != "" {
			who = n.PersonName(e.Actor)
		}
		r.Timeline = append(r.Timeline, Entry{Seq: e.Seq, When: when(e.At), What: eventName(e, p), Who: who,
			Stage: p.StageName(e.Stage), Text: e.Text})
	}
	if res := c.Resolution; res != nil {
		r.Outcome = outcome(c, res, w, n, when, loc, exportedAt)
	}
	for _, a := range access {
		e := Access{When: when(a.At), What: accessName(a, w), Who: n.PersonName(a.Actor), Times: a.Times()}
		if a.Times() > 1 {
			e.Last = when(a.Last)
		}
		r.Access = append(r.Access, e)
	}
	return r
}

// outcome lays out a case's resolution: the way forward, who recorded it,
// whether it is agreed, and each action with where it stands.
func outcome(c *conversation.Case, res *conversation.Resolution, w *messages.Catalogue, n Namer, when func(time.Time) string, loc *time.Location, exportedAt time.Time) []Line {
	state := w.Text("caserecord.outcome.proposed", nil)
	if res.Confirmed {
		state = w.Text("caserecord.outcome.agreed", messages.Args{"when": when(res.ConfirmedAt), "person": n.PersonName(res.ConfirmedBy)})
	}
	out := []Line{{w.Text("caserecord.outcome.way_forward", nil), res.WayForward},
		{w.Text("caserecord.outcome.recorded_by", nil), w.Text("caserecord.outcome.recorded", messages.Args{"person": n.PersonName(res.ProposedBy), "when": when(res.ProposedAt)})},
		{w.Text("caserecord.outcome.state", nil), state}}
	for i, a := range res.Actions {
		v := w.Text("caserecord.action.owner", messages.Args{"action": a.Description, "owner": a.Owner})
		if !a.Due.IsZero() {
			v += w.Text("caserecord.action.due", messages.Args{"date": a.Due.In(loc).Format("Mon 2 Jan 2006")})
		}
		if res.Confirmed {
			v += ". " + actionState(c, i+1, a, w, loc, exportedAt)
		}
		out = append(out, Line{w.Text("caserecord.outcome.action", nil), v})
	}
	return out
}

// actionState says where agreed action n stands on the record at
// exportedAt: done on time or late (as recorded when it was marked done),
// overdue once its due day has ended, or open.
func actionState(c *conversation.Case, n int, a conversation.ResolutionAction, w *messages.Catalogue, loc *time.Location, exportedAt time.Time) string {
	if a.Done() {
		state := conversation.ActionDoneOnTime
		for _, e := range c.Events {
			if e.Kind == conversation.EventActionDone && e.Fields[conversation.FieldAction] == strconv.Itoa(n) {
				state = conversation.ActionState(e.Fields["state"])
			}
		}
		return state.LabelIn(w) + " (" + a.DoneAt.In(loc).Format("Mon 2 Jan 2006") + ")"
	}
	if !a.Due.IsZero() {
		d := a.Due.In(loc)
		if !exportedAt.Before(time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, loc)) {
			return conversation.ActionOverdue.LabelIn(w)
		}
	}
	return conversation.ActionOpen.LabelIn(w)
}

// accessName describes an access record.
func accessName(a conversation.AuditRecord, w *messages.Catalogue) string {
	switch a.Kind {
	case conversation.EventViewed:
		return w.Text("caserecord.access.viewed", nil)
	case conversation.EventExported:
		return w.Text("caserecord.access.exported", messages.Args{"format": formatName(a.Fields["format"])})
	case conversation.EventAccessRefused:
		if at := a.Fields["attempt"]; at != "" {
			return w.Text("caserecord.access.refused_tried", messages.Args{"attempt": strings.ReplaceAll(at, "_", " ")})
		}
		return w.Text("caserecord.access.refused", nil)
	}
	return a.Kind.LabelIn(w)
}

// formatName names an export format for people: "PDF", "Markdown", "JSON".
func formatName(f string) string {
	switch f {
	case "pdf", "json":
		return strings.ToUpper(f)
	case "md", "markdown":
		return "Markdown"
	}
	return f
}

// line describes an access entry in one line, in w's words.
func (a Access) line(w *messages.Catalogue) string {
	s := w.Text("caserecord.access.line", messages.Args{"when": a.When, "who": a.Who, "what": a.What})
	if a.Times > 1 {
		s += w.Text("caserecord.access.times", messages.Args{"count": a.Times, "last": a.Last})
	}
	return s
}

// eventName describes an event in plain English (the cards' words), with
// its detail where it has one.
func eventName(e conversation.Event, p *conversation.Protocol) string {
	w := p.Wording()
	s := e.Kind.LabelIn(w)
	switch e.Kind {
	case conversation.EventEscalated:
		s += w.Text("caserecord.event.to", messages.Args{"to": p.StageName(e.Fields["to"])})
	case conversation.EventReferralReturned:
		s += w.Text("caserecord.event.back_to", messages.Args{"stage": p.StageName(e.Fields["to"])})
	case conversation.EventMediationRequested:
		switch e.Fields[conversation.FieldSupervisionSought] {
		case "yes":
			s += w.Text("caserecord.event.supervision_sought", nil)
		case "no":
			s += w.Text("caserecord.event.supervision_not_sought", nil)
		}
	case conversation.EventDeepDiveDecided:
		s += ": " + strings.ToLower(p.DeepDiveLabel(e.Fields["decision"]))
	case conversation.EventNudged:
		if n := e.Fields["nudge"]; n != "" {
			s += " (" + conversation.NudgeKind(n).LabelIn(w) + ")"
		}
	case conversation.EventDeadlineExtended:
		if t, err := time.Parse(time.RFC3339, e.Fields["to"]); err == nil {
			s += w.Text("caserecord.event.to", messages.Args{"to": t.Format("2 Jan 2006 15:04")})
		}
	}
	return s
}

// Write renders the record in format: "pdf", "md" or "json". Returns an
// error for an unknown format or a PDF that cannot be produced.
func (r *Record) Write(format string) ([]byte, error) {
	switch format {
	case "md", "markdown":
		return []byte(r.Markdown()), nil
	case "json":
		b, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			return nil, fmt.Errorf("encode record: %w", err)
		}
		return append(b, '\n'), nil
	case "pdf":
		return r.PDF()
	}
	return nil, fmt.Errorf("unknown record format %q; choose one of %s", format, strings.Join(Formats, ", "))
}

// Markdown returns the record as Markdown.
func (r *Record) Markdown() string {
	var b strings.Builder
	w := r.words()
	fmt.Fprintf(&b, "**%s**\n\n# %s\n\n", r.Marking, r.Title())
	fmt.Fprintf(&b, "%s\n\n", r.exported())
	lines := func(ls []Line) {
		for _, l := range ls {
			fmt.Fprintf(&b, "- **%s:** %s\n", l.Label, oneLine(l.Value))
		}
	}
	fmt.Fprintf(&b, "## %s\n\n", w.Text("caserecord.heading.disagreement", nil))
	lines(r.Summary)
	fmt.Fprintf(&b, "\n## %s\n\n%s\n|---|---|---|---|---|---|---|---|---|\n", w.Text("caserecord.heading.stages", nil), w.Text("caserecord.stages.columns", nil))
	for _, s := range r.Stages {
		overdue := ""
		if s.Overdue {
			overdue = w.Text("caserecord.stages.overdue_yes", nil)
		}
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | %s | %s | %s | %s |\n", s.Number, cell(s.Name), cell(s.RaiserSide), cell(s.RespondentSide),
			s.Started, s.AckDeadline, cell(s.Acknowledged), s.Deadline, overdue)
	}
	fmt.Fprintf(&b, "\n## %s\n\n", w.Text("caserecord.heading.timeline", nil))
	for _, e := range r.Timeline {
		fmt.Fprintf(&b, "%d. %s\n", e.Seq, r.entryLine(e))
		if e.Text != "" {
			fmt.Fprintf(&b, "   > %s\n", oneLine(e.Text))
		}
	}
	if len(r.Outcome) > 0 {
		fmt.Fprintf(&b, "\n## %s\n\n", w.Text("caserecord.heading.outcome", nil))
		lines(r.Outcome)
	}
	if len(r.Access) > 0 {
		fmt.Fprintf(&b, "\n## %s\n\n%s\n\n", w.Text("caserecord.heading.access", nil), w.Text("caserecord.access.intro", nil))
		for _, a := range r.Access {
			fmt.Fprintf(&b, "- %s\n", oneLine(a.line(w)))
		}
	}
	fmt.Fprintf(&b, "\n**%s**\n", r.Marking)
	return b.String()
}

// Title names the record with the partnership and its protocol, e.g.
// "Devon Safeguarding Children Partnership (Devon SCP), Conflict Resolution
// and Case Resolution Protocol: case record CR-2026-0001". A part the
// configuration leaves empty is left out.
func (r *Record) Title() string {
	var parts []string
	for _, s := range []string{r.Partnership, r.Protocol} {
		if s = oneLine(s); s != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		return r.words().Text("caserecord.title", messages.Args{"case": r.CaseID})
	}
	return r.words().Text("caserecord.title.of", messages.Args{"protocol": strings.Join(parts, ", "), "case": r.CaseID})
}

// exported says when and by whom the record was exported, as a sentence.
func (r *Record) exported() string {
	return r.words().Text("caserecord.exported", messages.Args{"when": r.ExportedAt.Format("2 Jan 2006 15:04"), "person": r.ExportedBy})
}

// entryLine describes a timeline entry after its number: when, what, who
// and at which stage.
func (r *Record) entryLine(e Entry) string {
	return r.words().Text("caserecord.entry", messages.Args{"when": e.When, "what": e.What, "who": e.Who, "stage": e.Stage})
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func cell(s string) string { return strings.ReplaceAll(oneLine(s), "|", "/") }
