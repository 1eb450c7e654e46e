package bot

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
	"github.com/resolvebot/resolvebot/conversation/caserecord"
	"github.com/resolvebot/resolvebot/conversation/report"
)

// Attachment is a file sent with a message: a case record or a report.
type Attachment struct {
	Name        string // file name, e.g. CR-2026-0001.pdf
	ContentType string // e.g. application/pdf
	Data        []byte
}

var contentTypes = map[string]string{
	"pdf": "application/pdf", "md": "text/markdown; charset=utf-8", "json": "application/json",
	"csv": "text/csv; charset=utf-8", "png": "image/png",
}

// namer gives the case record people's and agencies' names.
type namer struct {
	ctx    context.Context
	people *People
}

func (n namer) PersonName(id string) string  { return n.people.Name(n.ctx, id) }
func (n namer) AgencyName(key string) string { return n.people.AgencyName(key) }

// CaseRecord builds the record of a case for actor in format ("pdf", "md"
// or "json") and records the export in the case's access log; the record
// carries that log. Only the case's
// parties, the people at its stages and partnership roles may have it.
// Returns ENOTFOUND, EFORBIDDEN (recorded as a refused attempt), or EINVALID
// for an unknown format.
func (r *Router) CaseRecord(ctx context.Context, actor, caseID, format string) (*Attachment, *conversation.Case, error) {
	if !slices.Contains(caserecord.Formats, format) {
		return nil, nil, conversation.Invalid("record.formats", nil)
	}
	// Recording the export also checks the actor may have it: the case's
	// parties and partnership roles only (a safeguarding lead may see a case
	// but not export it). A refusal is recorded too.
	c, err := r.Engine.RecordExport(ctx, actor, caseID, format)
	if err != nil {
		return nil, nil, err
	}
	access, err := r.Engine.ExportAccessLog(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	rec := caserecord.Build(c, access, r.Engine.ProtocolOf(c), namer{ctx, r.People}, r.Engine.Calendar().Location(), actor, r.now())
	data, err := rec.Write(format)
	if err != nil {
		return nil, nil, conversation.Internal("write case record", err)
	}
	return &Attachment{Name: c.ID + "." + format, ContentType: contentTypes[format], Data: data}, c, nil
}

// exportCommand answers "export CR-… [pdf|md|json]".
func (r *Router) exportCommand(ctx context.Context, actor, rest string) (Reply, error) {
	fields := strings.Fields(rest)
	if len(fields) == 0 {
		return Reply{}, conversation.Invalid("record.which_case", nil)
	}
	format := "pdf"
	if len(fields) > 1 {
		format = strings.ToLower(fields[1])
	}
	att, c, err := r.CaseRecord(ctx, actor, fields[0], format)
	if err != nil {
		return Reply{}, err
	}
	r.Log.Info("case exported", "case", c.ID, "format", format)
	return Reply{Messages: []Message{{Kind: "file", CaseID: c.ID, Title: r.Cards.Say("record.title", messages.Args{"case": c.ID}),
		Text:        r.Cards.Say("record.here", messages.Args{"case": c.ID}),
		Attachments: []Attachment{*att}}}}, nil
}

// Report builds the partnership report for period: on a deployment of
// one partnership from every case, on one of several for the first
// partnership whose role actor holds (its own cases and the cross-border
// ones that reach it). Only partnership roles may have it. Returns
// EFORBIDDEN for anyone else.
func (r *Router) Report(ctx context.Context, actor string, period report.Period) (*report.Report, error) {
	reps, err := r.Reports(ctx, actor, "", period)
	if err != nil {
		return nil, err
	}
	return reps[0], nil
}

// BuildReport builds the partnership report for period from every stored
// case and every difference logged from conferences and reviews, with the
// directory's agencies. Returns EINTERNAL on store failure.
func BuildReport(ctx context.Context, store conversation.Store, e *conversation.Engine, people *People, period report.Period) (*report.Report, error) {
	return BuildPartnershipReport(ctx, store, e, people, "", period)
}

// BuildPartnershipReport builds the report of partnership id for period,
// under its protocol: its own cases and the cross-border cases that reach
// it from another partnership on the deployment (each counted once, and
// counted as cross-border), and every difference logged from conferences
// and reviews. An id of "" reports every case under the engine's protocol,
// as BuildReport. Returns EINTERNAL on store failure.
func BuildPartnershipReport(ctx context.Context, store conversation.Store, e *conversation.Engine, people *People, id string, period report.Period) (*report.Report, error) {
	cases, err := store.ListCases(ctx, conversation.CaseFilter{})
	if err != nil {
		return nil, conversation.Internal("list cases", err)
	}
	cases = report.ForPartnership(cases, id)
	var agencies, others []report.Agency
	for _, a := range people.Agencies() {
		if id == "" || people.AgencyPartnership(a.Value) == id {
			agencies = append(agencies, report.Agency{Key: a.Value, Name: a.Label})
		} else {
			others = append(others, report.Agency{Key: a.Value, Name: a.Label})
		}
	}
	now := time.Now()
	if e.Now != nil {
		now = e.Now()
	}
	ru := e.Rules()
	if id != "" {
		ru = e.RulesFor(id)
	}
	rep := report.BuildAsOf(cases, ru.Protocol, ru.Calendar, agencies, period, now)
	rep.NameAgencies(others)
	obs, err := e.ObservationsOf(ctx, id, period.From, period.To)
	if err != nil {
		return nil, err
	}
	rep.AddObservations(obs, ru.Protocol)
	return rep, nil
}

// reportCommand answers "report" (last month), "report YYYY" (the annual
// report for that calendar year) or a month as ParseMonth reads it
// ("report 2026-10", "report november", "report nov 2026"). On a
// deployment of several partnerships it gives the report of each
// partnership the person holds a role in, or of the one they name first
// ("report devon", "report devon 2026-10").
func (r *Router) reportCommand(ctx context.Context, actor, rest string) (Reply, error) {
	loc := r.Engine.Calendar().Location()
	period := report.Month(r.now().In(loc)).Previous()
	named, rest := r.namedPartnership(rest)
	if rest = strings.TrimSpace(rest); rest != "" {
		if y, err := time.ParseInLocation("2006", rest, loc); err == nil && len(rest) == 4 {
			period = report.Year(y)
		} else if m, err := ParseMonth(rest, r.now(), loc); err == nil {
			period = report.Month(m)
		} else {
			return Reply{}, conversation.Fail("report.bad_month", conversation.ErrorCode(err), nil)
		}
	}
	reps, err := r.Reports(ctx, actor, named, period)
	if err != nil {
		return Reply{}, err
	}
	out := make([]Message, 0, len(reps))
	for _, rep := range reps {
		m := r.Cards.ReportMessage(rep, "report", r.Log)
		if len(r.Engine.Partnerships()) > 0 {
			m.Title = r.Cards.Say("partnerships.report.title", messages.Args{"partnership": rep.Partnership, "title": m.Title})
		}
		out = append(out, m)
	}
	return Reply{Messages: out}, nil
}

// ReportMessage puts a report in a chat message, titled in the
// partnership's words: plain lines people can read in any chat, with the
// chart, the CSV and the PDF attached. A file that cannot be made is left
// out and logged.
func (k *Cards) ReportMessage(rep *report.Report, kind string, log interface {
	Warn(msg string, args ...any)
}) Message {
	month := rep.Period.From.Format("2006-01")
	title := k.Say("report.title.month", messages.Args{"month": rep.Period.From.Format("January 2006")})
	if rep.Period.IsYear() {
		month, title = rep.Period.From.Format("2006"), rep.Title()
	}
	m := Message{Kind: kind, Title: title, Text: rep.Text(), Report: rep}
	for _, f := range []struct{ format, name string }{
		{"png", "cases-by-month-" + month + ".png"}, {"csv", "case-resolution-report-" + month + ".csv"}, {"pdf", "case-resolution-report-" + month + ".pdf"},
	} {
		data, err := rep.Render(f.format)
		if err != nil {
			log.Warn("report file not made", "format", f.format, "err", err)
			continue
		}
		m.Attachments = append(m.Attachments, Attachment{Name: f.name, ContentType: contentTypes[f.format], Data: data})
	}
	return m
}
