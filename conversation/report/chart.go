package report

import (
	"bytes"
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// stageColours are distinguishable colours for stacked stages, lowest first.
var stageColours = []color.Color{
	color.RGBA{0x4e, 0x79, 0xa7, 0xff}, color.RGBA{0xf2, 0x8e, 0x2b, 0xff}, color.RGBA{0x59, 0xa1, 0x4f, 0xff},
	color.RGBA{0xe1, 0x57, 0x59, 0xff}, color.RGBA{0x76, 0xb7, 0xb2, 0xff}, color.RGBA{0xb0, 0x7a, 0xa1, 0xff},
}

// PNG draws the cases raised each month, stacked by the highest stage they
// reached. Returns an error if the chart cannot be drawn.
func (r *Report) PNG() ([]byte, error) {
	p := plot.New()
	p.Title.Text = "Disagreements raised by month, by highest stage reached"
	p.Y.Label.Text = "cases"
	names := make([]string, len(r.ByMonth))
	for i, m := range r.ByMonth {
		names[i] = m.Month
	}
	if len(r.ByMonth) == 0 {
		return nil, fmt.Errorf("draw chart: the period has no months")
	}
	width := vg.Points(max(8, 40/float64(len(r.ByMonth))*4))
	var below *plotter.BarChart
	for si := range r.ByMonth[0].Stages {
		vals := make(plotter.Values, len(r.ByMonth))
		for mi, m := range r.ByMonth {
			vals[mi] = float64(m.Stages[si].N)
		}
		bars, err := plotter.NewBarChart(vals, width)
		if err != nil {
			return nil, fmt.Errorf("draw chart: %w", err)
		}
		bars.Color = stageColours[si%len(stageColours)]
		bars.LineStyle.Width = 0
		if below != nil {
			bars.StackOn(below)
		}
		below = bars
		p.Add(bars)
		p.Legend.Add(r.ByMonth[0].Stages[si].Label, bars)
	}
	p.Legend.Top = true
	p.NominalX(names...)
	var buf bytes.Buffer
	wt, err := p.WriterTo(8*vg.Inch, 5*vg.Inch, "png")
	if err != nil {
		return nil, fmt.Errorf("draw chart: %w", err)
	}
	if _, err := wt.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("draw chart: %w", err)
	}
	return buf.Bytes(), nil
}
