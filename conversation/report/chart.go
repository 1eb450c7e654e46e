package report

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"strconv"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// stageColours are distinguishable colours for stacked stages, lowest first.
var stageColours = []color.Color{
	color.RGBA{0x4e, 0x79, 0xa7, 0xff}, color.RGBA{0xf2, 0x8e, 0x2b, 0xff}, color.RGBA{0x59, 0xa1, 0x4f, 0xff},
	color.RGBA{0xe1, 0x57, 0x59, 0xff}, color.RGBA{0x76, 0xb7, 0xb2, 0xff}, color.RGBA{0xb0, 0x7a, 0xa1, 0xff},
}

// The chart's size and spacing.
const (
	chartWidth  = 8 * vg.Inch
	chartHeight = 5 * vg.Inch
	chartPad    = 8  // points around the chart and between legend entries
	swatch      = 10 // points: the side of a legend entry's colour square
	barShare    = 0.7
	maxBarWidth = 60 // points
)

// sans is Liberation Sans from gonum's font cache, metric-compatible with
// Arial.
func sans(size vg.Length) font.Font {
	return font.From(font.Font{Typeface: "Liberation", Variant: "Sans"}, size)
}

// PNG draws the cases raised each month, stacked by the highest stage they
// reached, with the legend below the plot. Returns an error if the chart
// cannot be drawn.
func (r *Report) PNG() ([]byte, error) {
	c := vgimg.PngCanvas{Canvas: vgimg.New(chartWidth, chartHeight)}
	if _, err := r.drawChart(c); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("draw chart: %w", err)
	}
	return buf.Bytes(), nil
}

// svg draws the same chart as SVG, whose text tests can read.
func (r *Report) svg() ([]byte, *chartLayout, error) {
	c := vgsvg.New(chartWidth, chartHeight)
	l, err := r.drawChart(c)
	if err != nil {
		return nil, nil, err
	}
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, nil, fmt.Errorf("draw chart: %w", err)
	}
	return buf.Bytes(), l, nil
}

// chartLayout is where drawChart put things, in the canvas's points.
type chartLayout struct {
	canvas  vg.Rectangle
	bars    []vg.Rectangle // one per month and stage with cases
	legend  []vg.Rectangle // one per legend entry: swatch and label
	ticks   []vg.Rectangle // one per labelled month: the label's width (X only)
	labels  []string       // the labelled months' labels, oldest first
	newest  vg.Rectangle   // the newest month's bar slot
	monthsN int
}

// monthLabel names a month for the axis: "Mar", or "Mar 2027" withYear.
func monthLabel(key string, withYear bool) string {
	t, err := time.Parse("2006-01", key)
	if err != nil {
		return key
	}
	if withYear {
		return t.Format("Jan 2006")
	}
	return t.Format("Jan")
}

// monthNames labels every step-th month counted back from the newest,
// leaving the others blank. The first label, and the first of each year,
// carries the year.
func monthNames(months []MonthStages, step int) []string {
	n := len(months)
	names := make([]string, n)
	year := ""
	for i := (n - 1) % step; i < n; i += step {
		m := months[i].Month
		y := m[:min(4, len(m))]
		names[i] = monthLabel(m, y != year)
		year = y
	}
	return names
}

// labelsFit reports whether the labels, centred slot apart, leave a gap
// between each pair of neighbours.
func labelsFit(names []string, sty text.Style, slot vg.Length) bool {
	last, lastX := "", vg.Length(0)
	for i, name := range names {
		if name == "" {
			continue
		}
		x := vg.Length(i) * slot
		if last != "" && x-lastX < (sty.Width(last)+sty.Width(name))/2+chartPad {
			return false
		}
		last, lastX = name, x
	}
	return true
}

// drawChart draws the chart on c and says where it put each part.
func (r *Report) drawChart(c vg.CanvasSizer) (*chartLayout, error) {
	if len(r.ByMonth) == 0 {
		return nil, fmt.Errorf("draw chart: the period has no months")
	}
	w, h := c.Size()
	dc := draw.New(c)
	n := len(r.ByMonth)
	l := &chartLayout{canvas: dc.Rectangle, monthsN: n}

	p := plot.New()
	p.Title.Text = r.words().Text("reportdoc.chart.title", nil)
	p.Title.TextStyle.Font = sans(13)
	p.Title.Padding = chartPad
	p.Y.Label.Text = r.words().Text("reportdoc.chart.y", nil)
	p.Y.Label.TextStyle.Font = sans(11)
	p.Y.Tick.Label.Font = sans(10)
	p.X.Tick.Label.Font = sans(10)
	p.Y.Tick.Marker = wholeTicks{}

	// The legend goes below the plot, in as many rows as its entries need,
	// so it never covers a bar.
	legendStyle := p.Legend.TextStyle
	legendStyle.Font = sans(10)
	var entries []legendEntry
	for si, s := range r.ByMonth[0].Stages {
		entries = append(entries, legendEntry{label: s.Label, colour: stageColours[si%len(stageColours)]})
	}
	rows := layoutLegend(entries, legendStyle, w-2*chartPad)
	rowHeight := legendStyle.Rectangle("Ag").Size().Y + chartPad
	legendHeight := vg.Length(rows)*rowHeight + 2*chartPad
	plotCanvas := draw.Crop(dc, chartPad, -chartPad, legendHeight, -chartPad)

	// Bars are sized from the space each month gets, so one month and two
	// years both read well; gonum pads the axis by half a bar at each end,
	// so the newest month is drawn whole.
	var stacks []*plotter.BarChart
	for si := range r.ByMonth[0].Stages {
		vals := make(plotter.Values, n)
		for mi, m := range r.ByMonth {
			vals[mi] = float64(m.Stages[si].N)
		}
		bars, err := plotter.NewBarChart(vals, 1)
		if err != nil {
			return nil, fmt.Errorf("draw chart: %w", err)
		}
		bars.Color = stageColours[si%len(stageColours)]
		bars.LineStyle.Width = 0
		if len(stacks) > 0 {
			bars.StackOn(stacks[len(stacks)-1])
		}
		stacks = append(stacks, bars)
		p.Add(bars)
	}
	// Room above the tallest bar, up to the next tick.
	tallest := 0
	for _, m := range r.ByMonth {
		sum := 0
		for _, c := range m.Stages {
			sum += c.N
		}
		tallest = max(tallest, sum)
	}
	p.Y.Min, p.Y.Max = 0, wholeTicks{}.top(float64(tallest))
	slot := p.DataCanvas(plotCanvas).Size().X / vg.Length(n)
	width := min(slot*barShare, maxBarWidth)
	for _, b := range stacks {
		b.Width = width
	}

	// Month labels: every month when they fit side by side, otherwise every
	// second, third… month counted back from the newest, which is always
	// labelled. The first label shown, and every January, carries the year.
	tickStyle := p.X.Tick.Label
	slot = p.DataCanvas(plotCanvas).Size().X / vg.Length(n)
	var names []string
	for step := 1; step <= n; step++ {
		names = monthNames(r.ByMonth, step)
		if labelsFit(names, tickStyle, slot) {
			break
		}
	}
	p.NominalX(names...)
	p.X.Tick.Label.Font = sans(10)

	p.Draw(plotCanvas)

	// Where everything went, for tests.
	data := p.DataCanvas(plotCanvas)
	trX, trY := p.Transforms(&data)
	for mi := range r.ByMonth {
		x := trX(float64(mi))
		base := 0.0
		for si := range r.ByMonth[mi].Stages {
			v := float64(r.ByMonth[mi].Stages[si].N)
			if v > 0 {
				l.bars = append(l.bars, vg.Rectangle{Min: vg.Point{X: x - width/2, Y: trY(base)}, Max: vg.Point{X: x + width/2, Y: trY(base + v)}})
			}
			base += v
		}
		if mi == n-1 {
			l.newest = vg.Rectangle{Min: vg.Point{X: x - width/2, Y: data.Min.Y}, Max: vg.Point{X: x + width/2, Y: data.Max.Y}}
		}
		if names[mi] != "" {
			tw := tickStyle.Width(names[mi])
			l.ticks = append(l.ticks, vg.Rectangle{Min: vg.Point{X: x - tw/2, Y: 0}, Max: vg.Point{X: x + tw/2, Y: 1}})
			l.labels = append(l.labels, names[mi])
		}
	}

	legendCanvas := draw.Crop(dc, chartPad, -chartPad, chartPad, -(h - legendHeight + chartPad))
	l.legend = drawLegend(legendCanvas, entries, legendStyle, rowHeight)
	return l, nil
}

// legendEntry is one stage in the legend.
type legendEntry struct {
	label  string
	colour color.Color
	row    int
	x      vg.Length // from the left of its row
}

// entryWidth is the width of a legend entry: swatch, gap, label, gap.
func entryWidth(e legendEntry, sty text.Style) vg.Length {
	return swatch + 4 + sty.Width(e.label) + 2*chartPad
}

// layoutLegend places the entries left to right, starting a new row when
// the next would pass width, and returns how many rows they take.
func layoutLegend(entries []legendEntry, sty text.Style, width vg.Length) int {
	row, x := 0, vg.Length(0)
	for i := range entries {
		ew := entryWidth(entries[i], sty)
		if x > 0 && x+ew > width {
			row, x = row+1, 0
		}
		entries[i].row, entries[i].x = row, x
		x += ew
	}
	return row + 1
}

// drawLegend draws the laid-out entries from the top of c and returns each
// entry's rectangle.
func drawLegend(c draw.Canvas, entries []legendEntry, sty text.Style, rowHeight vg.Length) []vg.Rectangle {
	var out []vg.Rectangle
	textHeight := sty.Rectangle("Ag").Size().Y
	for _, e := range entries {
		top := c.Max.Y - vg.Length(e.row)*rowHeight
		x := c.Min.X + e.x
		mid := top - textHeight/2
		box := vg.Rectangle{Min: vg.Point{X: x, Y: mid - swatch/2}, Max: vg.Point{X: x + swatch, Y: mid + swatch/2}}
		c.FillPolygon(e.colour, []vg.Point{box.Min, {X: box.Max.X, Y: box.Min.Y}, box.Max, {X: box.Min.X, Y: box.Max.Y}})
		ts := sty
		ts.YAlign = draw.YCenter
		c.FillText(ts, vg.Point{X: x + swatch + 4, Y: mid}, e.label)
		out = append(out, vg.Rectangle{Min: vg.Point{X: x, Y: top - textHeight}, Max: vg.Point{X: x + swatch + 4 + sty.Width(e.label), Y: top}})
	}
	return out
}

// wholeTicks marks the count axis at whole numbers only: a case cannot be
// split.
type wholeTicks struct{}

// step is the distance between ticks for counts up to hi: 1, 2 or 5 times
// a power of ten, so there are about five.
func (wholeTicks) step(hi float64) float64 {
	raw := math.Max(1, hi/5)
	pow := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*pow >= raw {
			return m * pow
		}
	}
	return 10 * pow
}

// top is the first tick above the tallest bar, so no bar touches the top.
func (t wholeTicks) top(tallest float64) float64 {
	s := t.step(tallest)
	return (math.Floor(tallest/s) + 1) * s
}

// Ticks returns whole, evenly spaced counts from lo to hi.
func (t wholeTicks) Ticks(lo, hi float64) []plot.Tick {
	s := t.step(hi)
	var ts []plot.Tick
	for v := math.Ceil(lo/s) * s; v <= hi; v += s {
		ts = append(ts, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', -1, 64)})
	}
	return ts
}
