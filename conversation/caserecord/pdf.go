package caserecord

import (
	"bytes"
	"fmt"
	"strings"

	"codeberg.org/go-pdf/fpdf"
)

// PDF returns the record as an A4 PDF: titled with the case id, marked
// OFFICIAL-SENSITIVE at the top and bottom of every page, and numbered
// "page N of M". Returns an error if the PDF cannot be produced.
func (r *Record) PDF() ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetTitle("Case record "+r.CaseID, true)
	pdf.SetSubject(r.Marking, true)
	pdf.SetCreator("resolvebot", true)
	pdf.AliasNbPages("{nb}")
	pdf.SetMargins(18, 22, 18)
	pdf.SetAutoPageBreak(true, 20)
	tr := pdf.UnicodeTranslatorFromDescriptor("") // UTF-8 to the core fonts' cp1252
	text := func(s string) string { return tr(plain(s)) }
	pdf.SetHeaderFunc(func() {
		pdf.SetY(8)
		pdf.SetFont("Helvetica", "B", 9)
		pdf.CellFormat(0, 5, r.Marking, "", 0, "C", false, 0, "")
		pdf.SetFont("Helvetica", "", 9)
		pdf.SetY(8)
		pdf.CellFormat(0, 5, text("Case record "+r.CaseID), "", 1, "R", false, 0, "")
		pdf.SetY(22)
	})
	pdf.SetFooterFunc(func() {
		pdf.SetY(-14)
		pdf.SetFont("Helvetica", "B", 9)
		pdf.CellFormat(0, 5, r.Marking, "", 0, "C", false, 0, "")
		pdf.SetFont("Helvetica", "", 9)
		pdf.SetY(-14)
		pdf.CellFormat(0, 5, fmt.Sprintf("Page %d of {nb}", pdf.PageNo()), "", 0, "R", false, 0, "")
	})
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 18)
	pdf.MultiCell(0, 9, text("Case record "+r.CaseID), "", "L", false)
	pdf.SetFont("Helvetica", "", 10)
	pdf.MultiCell(0, 5, text(fmt.Sprintf("%s - %s. Exported %s by %s.", r.Partnership, r.Protocol,
		r.ExportedAt.Format("2 Jan 2006 15:04"), r.ExportedBy)), "", "L", false)
	heading := func(s string) {
		pdf.Ln(4)
		pdf.SetFont("Helvetica", "B", 13)
		pdf.MultiCell(0, 7, text(s), "", "L", false)
		pdf.SetFont("Helvetica", "", 10)
	}
	line := func(label, value string) {
		pdf.SetFont("Helvetica", "B", 10)
		pdf.MultiCell(0, 5, text(label), "", "L", false)
		pdf.SetFont("Helvetica", "", 10)
		pdf.MultiCell(0, 5, text(value), "", "L", false)
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
		pdf.SetFont("Helvetica", "B", 10)
		pdf.MultiCell(0, 5, text(fmt.Sprintf("%d. %s - %s by %s (%s)", e.Seq, e.When, e.What, e.Who, e.Stage)), "", "L", false)
		pdf.SetFont("Helvetica", "", 10)
		if e.Text != "" {
			pdf.SetX(24)
			pdf.MultiCell(0, 5, text(e.Text), "", "L", false)
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
		pdf.MultiCell(0, 5, text("Who viewed or exported this case, and attempts by people outside it."), "", "L", false)
		pdf.Ln(1)
		for _, a := range r.Access {
			pdf.MultiCell(0, 5, text(a.String()), "", "L", false)
		}
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("write pdf: %w", err)
	}
	return buf.Bytes(), nil
}

// plain replaces characters the PDF core fonts cannot show with close equivalents.
func plain(s string) string {
	return strings.NewReplacer("→", "->", "—", "-", "–", "-", "…", "...", "•", "-").Replace(s)
}
