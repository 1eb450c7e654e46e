package caserecord

import (
	"bytes"
	"fmt"

	"codeberg.org/go-pdf/fpdf"

	"github.com/resolvebot/resolvebot/internal/pdffont"
)

// PDF returns the record as an A4 PDF: titled with the partnership, its
// protocol and the case id, marked
// OFFICIAL-SENSITIVE at the top and bottom of every page, and numbered
// "page N of M". Returns an error if the PDF cannot be produced.
func (r *Record) PDF() ([]byte, error) {
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
		pdf.CellFormat(0, 5, fmt.Sprintf("Page %d of {nb}", pdf.PageNo()), "", 0, "R", false, 0, "")
	})
	pdf.AddPage()
	if r.Partnership != "" {
		pdf.SetFont(pdffont.Family, "B", 12)
		pdf.MultiCell(0, 6, r.Partnership, "", "L", false)
	}
	pdf.SetFont(pdffont.Family, "B", 18)
	head := "Case record " + r.CaseID
	if r.Protocol != "" {
		head = r.Protocol + ": case record " + r.CaseID
	}
	pdf.MultiCell(0, 8, head, "", "L", false)
	pdf.Ln(1)
	pdf.SetFont(pdffont.Family, "", 10)
	pdf.MultiCell(0, 5, fmt.Sprintf("Exported %s by %s.", r.ExportedAt.Format("2 Jan 2006 15:04"), r.ExportedBy), "", "L", false)
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
	heading("The disagreement")
	for _, l := range r.Summary {
		line(l.Label, l.Value)
	}
	heading("Stages")
	for _, s := range r.Stages {
		v := fmt.Sprintf("Raiser's side: %s. Respondent's side: %s.\nStarted %s. Acknowledge by %s.", s.RaiserSide, s.RespondentSide, s.Started, s.AckDeadline)
		if s.Acknowledged != "" {
			v += " Acknowledged " + s.Acknowledged + "."
		}
		v += " Deadline " + s.Deadline + "."
		if s.Overdue {
			v += " Overdue."
		}
		line(fmt.Sprintf("%d. %s", s.Number, s.Name), v)
	}
	heading("Timeline")
	for _, e := range r.Timeline {
		pdf.SetFont(pdffont.Family, "B", 10)
		pdf.MultiCell(0, 5, fmt.Sprintf("%d. %s — %s by %s (%s)", e.Seq, e.When, e.What, e.Who, e.Stage), "", "L", false)
		pdf.SetFont(pdffont.Family, "", 10)
		if e.Text != "" {
			pdf.SetX(24)
			pdf.MultiCell(0, 5, e.Text, "", "L", false)
		}
		pdf.Ln(1)
	}
	if len(r.Outcome) > 0 {
		heading("Outcome")
		for _, l := range r.Outcome {
			line(l.Label, l.Value)
		}
	}
	if len(r.Access) > 0 {
		heading("Access log")
		pdf.MultiCell(0, 5, "Who viewed or exported this case, and attempts by people outside it.", "", "L", false)
		pdf.Ln(1)
		for _, a := range r.Access {
			pdf.MultiCell(0, 5, "• "+a.String(), "", "L", false)
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
		return r.PartnershipShort + " · case record " + r.CaseID
	}
	return "Case record " + r.CaseID
}
