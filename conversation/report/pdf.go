package report

import (
	"bytes"
	"fmt"
	"unicode"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/internal/pdffont"
)

// capital gives s with its first letter in capitals: a column heading.
func capital(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// PDF returns the report as an A4 document: the headline table, the
// sections of the Markdown report as lists, and the chart. It holds counts
// only. Returns an error if the document or its chart cannot be made.
func (r *Report) PDF() ([]byte, error) {
	chart, err := r.PNG()
	if err != nil {
		return nil, err
	}
	title, w := r.Title(), r.words()
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetTitle(title, true)
	pdf.SetCreator("resolvebot", true)
	pdf.AliasNbPages("{nb}")
	pdf.SetMargins(18, 18, 18)
	pdf.SetAutoPageBreak(true, 18)
	if err := pdffont.Register(pdf); err != nil {
		return nil, err
	}
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		pdf.SetFont(pdffont.Family, "", 9)
		pdf.CellFormat(0, 5, w.Text("reportdoc.page", messages.Args{"page": pdf.PageNo(), "pages": "{nb}"}), "", 0, "R", false, 0, "")
	})
	pdf.AddPage()
	pdf.SetFont(pdffont.Family, "B", 16)
	pdf.MultiCell(0, 8, title, "", "L", false)
	pdf.SetFont(pdffont.Family, "", 10)
	if r.Partnership != "" {
		pdf.MultiCell(0, 5, r.Partnership, "", "L", false)
	}
	if p := r.Purpose(); p != "" {
		pdf.Ln(2)
		pdf.MultiCell(0, 5, p, "", "L", false)
	}
	pdf.Ln(3)
	widths := []float64{72, 34, 38, 30}
	now, before := r.columns()
	header := []string{"", capital(now), capital(before), capital(w.Text("reportdoc.column.change", nil))}
	pdf.SetFont(pdffont.Family, "B", 10)
	for i, h := range header {
		pdf.CellFormat(widths[i], 6, h, "B", 0, "L", false, 0, "")
	}
	pdf.Ln(-1)
	pdf.SetFont(pdffont.Family, "", 10)
	for _, row := range r.totalRows() {
		cells := []string{row.label, fmt.Sprint(row.now), fmt.Sprint(row.then), delta(w, row.now, row.then)}
		for i, c := range cells {
			pdf.CellFormat(widths[i], 6, c, "", 0, "L", false, 0, "")
		}
		pdf.Ln(-1)
	}
	section := func(title string, lines []string) {
		if len(lines) == 0 {
			return
		}
		pdf.Ln(3)
		pdf.SetFont(pdffont.Family, "B", 12)
		pdf.MultiCell(0, 7, title, "", "L", false)
		pdf.SetFont(pdffont.Family, "", 10)
		for _, l := range lines {
			pdf.MultiCell(0, 5, "• "+l, "", "L", false)
		}
	}
	counts := func(cs []Count) []string {
		out := make([]string, 0, len(cs))
		for _, c := range cs {
			out = append(out, fmt.Sprintf("%s: %d", c.Label, c.N))
		}
		return out
	}
	if rd := r.ResolutionDays; rd.Cases > 0 {
		section(w.Text("reportdoc.resolution_days", nil), []string{w.Text("reportdoc.pdf.resolution_days", messages.Args{"median": num(rd.Median), "p90": num(rd.P90), "cases": r.cases(rd.Cases)})})
	}
	section(w.Text("reportdoc.by_category", nil), counts(r.ByCategory))
	section(w.Text("reportdoc.highest_stage", nil), counts(r.HighestStage))
	section(w.Text("reportdoc.outcomes", nil), counts(r.Outcomes))
	section(w.Text("reportdoc.missed_by_stage", nil), counts(r.MissedByStage))
	var pairs []string
	for _, p := range r.AgencyPairs {
		pairs = append(pairs, fmt.Sprintf("%s: %d", r.about(p), p.N))
	}
	section(w.Text("reportdoc.pairs", nil), pairs)
	if a := r.Actions; a.Any() {
		section(w.Text("reportdoc.actions", nil), a.lines(w))
	}
	section(w.Text("reportdoc.learning", nil), r.learningLines())
	if ob := r.Observed; ob != nil {
		section(ob.title(w), r.observedLines())
	}
	if len(r.NoChallengeFrom) > 0 {
		section(w.Text("reportdoc.low_challenge", nil), []string{w.Text("reportdoc.low_challenge.text", messages.Args{"agencies": r.noChallenge()})})
	}
	pdf.AddPage()
	pdf.RegisterImageOptionsReader("chart", fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(chart))
	pdf.ImageOptions("chart", 18, 20, 174, 0, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("write report pdf: %w", err)
	}
	return buf.Bytes(), nil
}
