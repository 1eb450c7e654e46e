package report

import (
	"codeberg.org/go-pdf/fpdf"

	"github.com/resolvebot/resolvebot/internal/pdffont"
)

// ListTable is one titled table of a list document: its column headings,
// its rows, and what to say when it has none.
type ListTable struct {
	Title  string
	Header []string
	Rows   [][]string
	Empty  string
}

// ListPDF returns lists (of the cases behind a figure, or needing
// attention now) as one A4 landscape document headed title, with note
// under it, in the report's font and page numbering. It writes only what
// the tables hold: the caller keeps child references and case text out of
// them. Returns an error if the document cannot be made.
func (r *Report) ListPDF(title, note string, tables []ListTable) ([]byte, error) {
	pdf, err := r.startPDF(title)
	if err != nil {
		return nil, err
	}
	pdf.AddPageFormat("L", pdf.GetPageSizeStr("A4"))
	pdf.SetFont(pdffont.Family, "B", 16)
	pdf.MultiCell(0, 8, title, "", "L", false)
	pdf.SetFont(pdffont.Family, "", 10)
	if r.Partnership != "" {
		pdf.MultiCell(0, 5, r.Partnership, "", "L", false)
	}
	if note != "" {
		pdf.Ln(2)
		pdf.MultiCell(0, 5, note, "", "L", false)
	}
	for _, t := range tables {
		writeListTable(pdf, t)
	}
	return outputPDF(pdf)
}

// writeListTable adds t to pdf: its title, then its rows under the
// column headings, the first column narrow and the rest sharing the page's
// width, each cell wrapping onto as many lines as it needs.
func writeListTable(pdf *fpdf.Fpdf, t ListTable) {
	pdf.Ln(4)
	pdf.SetFont(pdffont.Family, "B", 12)
	pdf.MultiCell(0, 7, t.Title, "", "L", false)
	if len(t.Rows) == 0 {
		pdf.SetFont(pdffont.Family, "", 10)
		pdf.MultiCell(0, 5, t.Empty, "", "L", false)
		return
	}
	page, _ := pdf.GetPageSize()
	left, _, right, _ := pdf.GetMargins()
	widths := columnWidths(page-left-right, len(t.Header))
	pdf.SetFont(pdffont.Family, "B", 9)
	writeListRow(pdf, widths, t.Header, "B")
	pdf.SetFont(pdffont.Family, "", 9)
	for _, row := range t.Rows {
		writeListRow(pdf, widths, row, "")
	}
}

// columnWidths shares width between n columns, the first (a case id) a
// fixed 28 mm.
func columnWidths(width float64, n int) []float64 {
	if n == 0 {
		return nil
	}
	out := make([]float64, n)
	out[0] = 28
	for i := 1; i < n; i++ {
		out[i] = (width - out[0]) / float64(n-1)
	}
	return out
}

// writeListRow writes one row of cells side by side, wrapping each, and
// moves below the tallest; a row that would not fit starts a new page.
func writeListRow(pdf *fpdf.Fpdf, widths []float64, cells []string, border string) {
	const line = 4.5
	lines := 1
	for i, c := range cells {
		if i < len(widths) {
			lines = max(lines, len(pdf.SplitText(c, widths[i]-2)))
		}
	}
	h := float64(lines) * line
	_, pageH := pdf.GetPageSize()
	_, _, _, bottom := pdf.GetMargins()
	if pdf.GetY()+h > pageH-bottom {
		pdf.AddPageFormat("L", pdf.GetPageSizeStr("A4"))
	}
	x, y := pdf.GetXY()
	for i, c := range cells {
		if i >= len(widths) {
			break
		}
		pdf.SetXY(x, y)
		pdf.MultiCell(widths[i], line, c, "", "L", false)
		x += widths[i]
	}
	left, _, _, _ := pdf.GetMargins()
	if border != "" {
		pdf.Line(left, y+h, x, y+h)
	}
	pdf.SetXY(left, y+h+1)
}
