package report

import (
	"strconv"

	"codeberg.org/go-pdf/fpdf"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/internal/pdffont"
)

// BoardPackTitle names the board pack of the report.
func (r *Report) BoardPackTitle() string {
	return r.words().Text("reportdoc.boardpack.title", messages.Args{"title": r.Title()})
}

// BoardPack returns the pack for a partnership meeting as one A4 PDF: the
// report (as PDF gives it), then the trend's charts with their figures in
// a table, then the themes (the learning recorded at resolution, by
// category). It holds counts and quotable themes only. Returns an error
// if the document or a chart cannot be made.
func (r *Report) BoardPack(t Trend) ([]byte, error) {
	pdf, err := r.startPDF(r.BoardPackTitle())
	if err != nil {
		return nil, err
	}
	if err := r.writePDF(pdf); err != nil {
		return nil, err
	}
	heading := func(text string) {
		pdf.SetFont(pdffont.Family, "B", 14)
		pdf.MultiCell(0, 8, text, "", "L", false)
		pdf.SetFont(pdffont.Family, "", 10)
	}
	pdf.AddPage()
	w := r.words()
	heading(w.Text("reportdoc.boardpack.trends", messages.Args{"count": len(t.Months)}))
	for i, s := range t.Series(w) {
		if i == 2 {
			pdf.AddPage()
		}
		pdf.Ln(2)
		pdf.SetFont(pdffont.Family, "B", 11)
		pdf.MultiCell(0, 6, s.Title, "", "L", false)
		drawTrendPDF(pdf, t, s)
	}
	pdf.AddPage()
	heading(w.Text("reportdoc.boardpack.figures", nil))
	series := t.Series(w)
	widths := []float64{34, 35, 35, 35, 35}
	pdf.SetFont(pdffont.Family, "B", 9)
	for i, h := range []string{w.Text("reportdoc.boardpack.month", nil), w.Text("reportdoc.boardpack.raised", nil),
		w.Text("reportdoc.boardpack.resolved", nil), w.Text("reportdoc.boardpack.open", nil), w.Text("reportdoc.boardpack.deadlines_missed", nil)} {
		pdf.CellFormat(widths[i], 5, h, "B", 0, "L", false, 0, "")
	}
	pdf.Ln(-1)
	pdf.SetFont(pdffont.Family, "", 9)
	for mi, m := range t.Months {
		pdf.CellFormat(widths[0], 5, MonthName(m.Month), "", 0, "L", false, 0, "")
		for si, s := range series {
			pdf.CellFormat(widths[si+1], 5, strconv.Itoa(s.Values[mi]), "", 0, "L", false, 0, "")
		}
		pdf.Ln(-1)
	}
	pdf.AddPage()
	heading(w.Text("reportdoc.boardpack.themes", nil))
	lines := r.learningLines()
	if len(lines) == 0 {
		lines = []string{w.Text("reportdoc.boardpack.no_learning", nil)}
	}
	for _, l := range lines {
		pdf.MultiCell(0, 5, l, "", "L", false)
	}
	return outputPDF(pdf)
}

// drawTrendPDF draws s as the web page's chart does, at the current line,
// the full width between the margins.
func drawTrendPDF(pdf *fpdf.Fpdf, t Trend, s Series) {
	left, top := 18.0, pdf.GetY()
	k := 174 / trendW // millimetres per chart unit
	bars, ticks, max := layoutBars(t.months(), s.Values)
	plotH := trendH - trendTop - trendBottom
	pdf.SetFont(pdffont.Family, "", 7)
	pdf.SetDrawColor(0xb1, 0xb4, 0xb6)
	for _, tk := range ticks {
		y := top + k*(trendTop+plotH-plotH*float64(tk)/max)
		pdf.Line(left+k*trendLeft, y, left+k*(trendW-trendRight), y)
		pdf.SetXY(left, y-2)
		pdf.CellFormat(k*trendLeft-2, 4, strconv.Itoa(tk), "", 0, "R", false, 0, "")
	}
	pdf.SetFillColor(0x1d, 0x70, 0xb8)
	for _, b := range bars {
		if b.h > 0 {
			pdf.Rect(left+k*b.x, top+k*b.y, k*b.w, k*b.h, "F")
		}
		if b.label != "" {
			pdf.SetXY(left+k*(b.x+b.w/2)-10, top+k*(trendH-trendBottom)+1)
			pdf.CellFormat(20, 4, b.label, "", 0, "C", false, 0, "")
		}
	}
	pdf.SetY(top + k*trendH + 2)
	pdf.SetFont(pdffont.Family, "", 10)
}
