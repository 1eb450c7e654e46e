package caserecord

import (
	"bytes"
	"fmt"

	"codeberg.org/go-pdf/fpdf"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/internal/pdffont"
)

// PDF returns the record as an A4 PDF: titled with the partnership, its
// protocol and the case id, marked
// OFFICIAL-SENSITIVE at the top and bottom of every page, and numbered
// "page N of M". Returns an error if the PDF cannot be produced.
func (r *Record) PDF() ([]byte, error) {
	w := r.words()
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetTitle(r.Title(), true)
	pdf.SetSubject(r.Marking, true)
	pdf.SetCreator("resolvebot", true)
	pdf.AliasNbPages("{nb}")
	pdf.SetMargins(18, 22, 18)
	pdf.SetAutoPageBreak(true, 20)
	if err := pdffont.Register(pdf); err != nil {
		return nil, err
	}
	pdf.SetHeaderFunc(func() {
		pdf.SetY(8)
		pdf.SetFont(pdffont.Family, "B", 9)
		pdf.CellFormat(0, 5, r.Marking, "", 0, "C", false, 0, "")
		pdf.SetFont(pdffont.Family, "", 9)
		pdf.SetY(8)
		pdf.CellFormat(0, 5, r.runningHead(), "", 1, "R", false, 0, "")
		pdf.SetY(22)
	})
	pdf.SetFooterFunc(func() {
		pdf.SetY(-14)
		pdf.SetFont(pdffont.Family, "B", 9)
		pdf.CellFormat(0, 5, r.Marking, "", 0, "C", false, 0, "")
		pdf.SetFont(pdffont.Family, "", 9)
		pdf.SetY(-14)
		pdf.CellFormat(0, 5, w.Text("caserecord.page", messages.Args{"page": pdf.PageNo(), "pages": "{nb}"}), "", 0, "R", false, 0, "")
	})
	pdf.AddPage()
	if r.Partnership != "" {
		pdf.SetFont(pdffont.Family, "B", 12)
		pdf.MultiCell(0, 6, r.Partnership, "", "L", false)
	}
	pdf.SetFont(pdffont.Family, "B", 18)
	head := w.Text("caserecord.title", messages.Args{"case": r.CaseID})
	if r.Protocol != "" {
		head = w.Text("caserecord.title.of", messages.Args{"protocol": r.Protocol, "case": r.CaseID})
	}
	pdf.MultiCell(0, 8, head, "", "L", false)
	pdf.Ln(1)
	pdf.SetFont(pdffont.Family, "", 10)
	pdf.MultiCell(0, 5, r.exported(), "", "L", false)
	heading := func(s string) {
		pdf.Ln(4)
		pdf.SetFont(pdffont.Family, "B", 13)
		pdf.MultiCell(0, 7, s, "", "L", false)
		pdf.SetFont(pdffont.Family, "", 10)
	}
	line := func(label, value string) {
		pdf.SetFont(pdffont.Family, "B", 10)
		pdf.MultiCell(0, 5, label, "", "L", false)
		pdf.SetFont(pdffont.Family, "", 10)
		pdf.MultiCell(0, 5, value, "", "L", false)
		pdf.Ln(1)
	}
	heading(w.Text("caserecord.heading.disagreement", nil))
	for _, l := range r.Summary {
		line(l.Label, l.Value)
	}
	heading(w.Text("caserecord.heading.stages", nil))
	for _, s := range r.Stages {
		line(fmt.Sprintf("%d. %s", s.Number, s.Name), r.stageText(s))
	}
	heading(w.Text("caserecord.heading.timeline", nil))
	for _, e := range r.Timeline {
		pdf.SetFont(pdffont.Family, "B", 10)
		pdf.MultiCell(0, 5, fmt.Sprintf("%d. %s", e.Seq, r.entryLine(e)), "", "L", false)
		pdf.SetFont(pdffont.Family, "", 10)
		if e.Text != "" {
			pdf.SetX(24)
			pdf.MultiCell(0, 5, e.Text, "", "L", false)
		}
		pdf.Ln(1)
	}
	if len(r.Outcome) > 0 {
		heading(w.Text("caserecord.heading.outcome", nil))
		for _, l := range r.Outcome {
			line(l.Label, l.Value)
		}
	}
	if len(r.Access) > 0 {
		heading(w.Text("caserecord.heading.access", nil))
		pdf.MultiCell(0, 5, w.Text("caserecord.access.intro", nil), "", "L", false)
		pdf.Ln(1)
		for _, a := range r.Access {
			pdf.MultiCell(0, 5, "• "+a.line(w), "", "L", false)
		}
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("write pdf: %w", err)
	}
	return buf.Bytes(), nil
}

// runningHead is the short title at the top right of every page: the
// partnership's short name, where it has one, and the case id.
func (r *Record) runningHead() string {
	if r.PartnershipShort != "" {
		return r.words().Text("caserecord.running_head", messages.Args{"partnership": r.PartnershipShort, "case": r.CaseID})
	}
	return r.words().Text("caserecord.title", messages.Args{"case": r.CaseID})
}

// stageText describes a stage of the record in sentences: each side, when
// it started, its deadlines, and whether it ran over.
func (r *Record) stageText(s Stage) string {
	w := r.words()
	v := w.Text("caserecord.stage.sides", messages.Args{"raiser": s.RaiserSide, "respondent": s.RespondentSide, "started": s.Started, "ack_by": s.AckDeadline})
	if s.Acknowledged != "" {
		v += w.Text("caserecord.stage.acknowledged", messages.Args{"acknowledged": s.Acknowledged})
	}
	v += w.Text("caserecord.stage.deadline", messages.Args{"deadline": s.Deadline})
	if s.Overdue {
		v += w.Text("caserecord.stage.overdue", nil)
	}
	return v
}
