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
// Engine.ExportAccessLog). Times are shown in loc.
func Build(c *conversation.Case, access []conversation.AuditRecord, p *conversation.Protocol, n Namer, loc *time.Location, exportedBy string, exportedAt time.Time) *Record {
	when := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(loc).Format("Mon 2 Jan 2006 15:04")
	}
	yes := func(b bool) string {
		if b {
			return "Yes"
		}
		return "No"
	}
	names := func(ids []string) string {
		out := make([]string, 0, len(ids))
		for _, id := range ids {
			out = append(out, n.PersonName(id))
		}
		return strings.Join(out, ", ")
	}
	r := &Record{CaseID: c.ID, Marking: Marking, Partnership: p.Partnership, PartnershipShort: p.PartnershipShort, Protocol: p.Name,
		ExportedAt: exportedAt.In(loc), ExportedBy: n.PersonName(exportedBy)}
	evidence := "Evidence"
	if c.EvidenceKind == conversation.EvidenceGutFeeling {
		evidence = "Gut feeling (owned as one)"
	}
	r.Summary = []Line{
		{"Agency case reference", c.ChildRef},
		{"Status", c.Status.Label()},
		{"Raised", when(c.CreatedAt)},
		{"Raised by", n.PersonName(c.Raiser.PersonID) + ", " + n.AgencyName(c.Raiser.Agency)},
		{"About a decision of", n.PersonName(c.Respondent.PersonID) + ", " + n.AgencyName(c.Respondent.Agency)},
		{"Category", p.CategoryName(c.Category)},
		{"Decision challenged", c.Decision},
		{"Concern", c.Concern},
		{evidence, c.Evidence},
		{"What would resolve it", c.OutcomeSought},
		{"Urgency", c.Urgency.Label()},
	}
	// The reflection checklist in the words the raiser answered: kept on
	// the case, or the protocol's for a case raised before they were.
	asked := c.ReflectionAsked
	if len(asked) == 0 {
		asked = p.ReflectionChecks()
	}
	for _, rc := range asked {
		r.Summary = append(r.Summary, Line{"Before raising it, I have " + rc.Label, yes(c.Reflection.Checked(rc.Key))})
	}
	r.Summary = append(r.Summary, Line{"Family told of the disagreement", yes(c.FamilyInformed)})
	if c.CrossBorder != "" {
		r.Summary = append(r.Summary, Line{conversation.CrossBorderLabel, p.CrossBorderNote(c.CrossBorder)})
	}
	if c.SeriousConcern {
		r.Summary = append(r.Summary, Line{"Serious concern", p.SeriousConcernNote(c)})
	}
	for _, s := range c.Stages {
		ack := ""
		if s.Acknowledged() {
			ack = when(s.AcknowledgedAt) + " by " + n.PersonName(s.AcknowledgedBy)
		}
		r.Stages = append(r.Stages, Stage{Number: p.StageNumber(s.Key), Name: p.StageName(s.Key),
			RaiserSide: names(s.Raiser), RespondentSide: names(s.Respondent), Started: when(s.StartedAt),
			AckDeadline: when(s.AckDeadline), Acknowledged: ack, Deadline: when(s.Deadline), Overdue: s.Overdue})
	}
	for _, e := range c.Practice() {
		who := "resolvebot"
		if e.Actor != "" {
			who = n.PersonName(e.Actor)
		}
		r.Timeline = append(r.Timeline, Entry{Seq: e.Seq, When: when(e.At), What: eventName(e, p), Who: who,
			Stage: p.StageName(e.Stage), Text: e.Text})
	}
	if res := c.Resolution; res != nil {
		state := "proposed, not yet confirmed"
		if res.Confirmed {
			state = "agreed " + when(res.ConfirmedAt) + " (confirmed by " + n.PersonName(res.ConfirmedBy) + ")"
		}
		r.Outcome = append(r.Outcome, Line{"Agreed way forward", res.WayForward},
			Line{"Recorded by", n.PersonName(res.ProposedBy) + ", " + when(res.ProposedAt)}, Line{"State", state})
		for i, a := range res.Actions {
			v := a.Description + " — owner: " + a.Owner
			if !a.Due.IsZero() {
				v += ", due " + a.Due.In(loc).Format("Mon 2 Jan 2006")
			}
			if res.Confirmed {
				v += ". " + actionState(c, i+1, a, loc, exportedAt)
			}
			r.Outcome = append(r.Outcome, Line{"Action", v})
		}
	}
	for _, a := range access {
		e := Access{When: when(a.At), What: accessName(a), Who: n.PersonName(a.Actor), Times: a.Times()}
		if a.Times() > 1 {
			e.Last = when(a.Last)
		}
		r.Access = append(r.Access, e)
	}
	return r
}

// actionState says where agreed action n stands on the record at
// exportedAt: done on time or late (as recorded when it was marked done),
// overdue once its due day has ended, or open.
func actionState(c *conversation.Case, n int, a conversation.ResolutionAction, loc *time.Location, exportedAt time.Time) string {
	if a.Done() {
		state := conversation.ActionDoneOnTime
		for _, e := range c.Events {
			if e.Kind == conversation.EventActionDone && e.Fields[conversation.FieldAction] == strconv.Itoa(n) {
				state = conversation.ActionState(e.Fields["state"])
			}
		}
		return state.Label() + " (" + a.DoneAt.In(loc).Format("Mon 2 Jan 2006") + ")"
	}
	if !a.Due.IsZero() {
		d := a.Due.In(loc)
		if !exportedAt.Before(time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, loc)) {
			return conversation.ActionOverdue.Label()
		}
	}
	return conversation.ActionOpen.Label()
}

// accessName describes an access record.
func accessName(a conversation.AuditRecord) string {
	switch a.Kind {
	case conversation.EventViewed:
		return "viewed"
	case conversation.EventExported:
		return "exported as " + formatName(a.Fields["format"])
	case conversation.EventAccessRefused:
		s := "refused, not part of the case"
		if at := a.Fields["attempt"]; at != "" {
			s += " (tried: " + strings.ReplaceAll(at, "_", " ") + ")"
		}
		return s
	}
	return a.Kind.Label()
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

// String describes an access entry in one line.
func (a Access) String() string {
	s := fmt.Sprintf("%s — %s — %s", a.When, a.Who, a.What)
	if a.Times > 1 {
		s += fmt.Sprintf("; %d times, the last %s", a.Times, a.Last)
	}
	return s
}

// eventName describes an event in plain English (the cards' words), with
// its detail where it has one.
func eventName(e conversation.Event, p *conversation.Protocol) string {
	s := e.Kind.Label()
	switch e.Kind {
	case conversation.EventEscalated:
		s += " to " + p.StageName(e.Fields["to"])
	case conversation.EventReferralReturned:
		s += ", back to " + p.StageName(e.Fields["to"])
	case conversation.EventMediationRequested:
		switch e.Fields[conversation.FieldSupervisionSought] {
		case "yes":
			s += " (supervision sought)"
		case "no":
			s += " (supervision not yet sought)"
		}
	case conversation.EventDeepDiveDecided:
		s += ": " + strings.ToLower(conversation.DeepDiveLabel(e.Fields["decision"]))
	case conversation.EventNudged:
		if n := e.Fields["nudge"]; n != "" {
			s += " (" + conversation.NudgeKind(n).Label() + ")"
		}
	case conversation.EventDeadlineExtended:
		if t, err := time.Parse(time.RFC3339, e.Fields["to"]); err == nil {
			s += " to " + t.Format("2 Jan 2006 15:04")
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
	fmt.Fprintf(&b, "**%s**\n\n# %s\n\n", r.Marking, r.Title())
	fmt.Fprintf(&b, "Exported %s by %s.\n\n", r.ExportedAt.Format("2 Jan 2006 15:04"), r.ExportedBy)
	lines := func(ls []Line) {
		for _, l := range ls {
			fmt.Fprintf(&b, "- **%s:** %s\n", l.Label, oneLine(l.Value))
		}
	}
	b.WriteString("## The disagreement\n\n")
	lines(r.Summary)
	b.WriteString("\n## Stages\n\n| # | stage | raiser's side | respondent's side | started | acknowledge by | acknowledged | deadline | overdue |\n|---|---|---|---|---|---|---|---|---|\n")
	for _, s := range r.Stages {
		overdue := ""
		if s.Overdue {
			overdue = "yes"
		}
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | %s | %s | %s | %s |\n", s.Number, cell(s.Name), cell(s.RaiserSide), cell(s.RespondentSide),
			s.Started, s.AckDeadline, cell(s.Acknowledged), s.Deadline, overdue)
	}
	b.WriteString("\n## Timeline\n\n")
	for _, e := range r.Timeline {
		fmt.Fprintf(&b, "%d. %s — %s by %s (%s)\n", e.Seq, e.When, e.What, e.Who, e.Stage)
		if e.Text != "" {
			fmt.Fprintf(&b, "   > %s\n", oneLine(e.Text))
		}
	}
	if len(r.Outcome) > 0 {
		b.WriteString("\n## Outcome\n\n")
		lines(r.Outcome)
	}
	if len(r.Access) > 0 {
		b.WriteString("\n## Access log\n\nWho viewed or exported this case, and attempts by people outside it.\n\n")
		for _, a := range r.Access {
			fmt.Fprintf(&b, "- %s\n", oneLine(a.String()))
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
		return "Case record " + r.CaseID
	}
	return strings.Join(parts, ", ") + ": case record " + r.CaseID
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func cell(s string) string { return strings.ReplaceAll(oneLine(s), "|", "/") }
