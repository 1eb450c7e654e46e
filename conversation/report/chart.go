package report

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"strconv"
	"sync"
	"time"

	"codeberg.org/go-fonts/liberation/liberationsansregular"
	"golang.org/x/image/font/opentype"
	"gonum.org/v1/plot/font"
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

// sansFace is Liberation Sans, metric-compatible with Arial. It is read
// from the embedded font when the first chart is drawn, not when the
// program starts: gonum's plot package reads all twelve Liberation faces
// as the program starts (half a megabyte of heap and two of the binary's
// pages kept resident by every serve), so the chart is drawn without it.
var sansFace = font.Font{Typeface: "Liberation", Variant: "Sans"}

// sansFonts holds sansFace alone, read on first use; the error says the
// embedded font cannot be read (a broken build).
var sansFonts = sync.OnceValues(func() (*font.Cache, error) {
	f, err := opentype.Parse(liberationsansregular.TTF)
	if err != nil {
		return nil, fmt.Errorf("read the chart's font: %w", err)
	}
	return font.NewCache(font.Collection{{Font: sansFace, Face: f}}), nil
})

// sans is the chart's text style: black Liberation Sans of size points,
// from fonts.
func sans(fonts *font.Cache, size vg.Length) text.Style {
	return text.Style{Color: color.Black, Font: font.From(sansFace, size), Handler: text.Plain{Fonts: fonts}}
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

// axisStyle draws the axes and their tick marks.
var axisStyle = draw.LineStyle{Color: color.Black, Width: vg.Points(0.5)}

// tickLength is the length of a tick mark, in points.
const tickLength = 4

// drawChart draws the chart on c and says where it put each part: the
// title at the top, the count axis on the left with its label turned on
// its side, the months along the bottom, and the legend below them.
func (r *Report) drawChart(c vg.CanvasSizer) (*chartLayout, error) {
	if len(r.ByMonth) == 0 {
		return nil, fmt.Errorf("draw chart: the period has no months")
	}
	fonts, err := sansFonts()
	if err != nil {
		return nil, fmt.Errorf("draw chart: %w", err)
	}
	w, h := c.Size()
	dc := draw.New(c)
	n := len(r.ByMonth)
	l := &chartLayout{canvas: dc.Rectangle, monthsN: n}
	titleStyle, yLabelStyle, tickStyle, legendStyle := sans(fonts, 13), sans(fonts, 11), sans(fonts, 10), sans(fonts, 10)

	// The legend goes below the plot, in as many rows as its entries need,
	// so it never covers a bar.
	var entries []legendEntry
	for si, s := range r.ByMonth[0].Stages {
		entries = append(entries, legendEntry{label: s.Label, colour: stageColours[si%len(stageColours)]})
	}
	rows := layoutLegend(entries, legendStyle, w-2*chartPad)
	rowHeight := legendStyle.Rectangle("Ag").Size().Y + chartPad
	legendHeight := vg.Length(rows)*rowHeight + 2*chartPad
	plotCanvas := draw.Crop(dc, chartPad, -chartPad, legendHeight, -chartPad)

	title := r.words().Text("reportdoc.chart.title", nil)
	titleStyle.XAlign, titleStyle.YAlign = draw.XCenter, draw.YTop
	plotCanvas.FillText(titleStyle, vg.Point{X: (plotCanvas.Min.X + plotCanvas.Max.X) / 2, Y: plotCanvas.Max.Y}, title)

	// Room above the tallest bar, up to the next tick.
	tallest := 0
	for _, m := range r.ByMonth {
		sum := 0
		for _, c := range m.Stages {
			sum += c.N
		}
		tallest = max(tallest, sum)
	}
	yMax := wholeTicks{}.top(float64(tallest))
	yTicks := wholeTicks{}.Ticks(0, yMax)
	tickWidth := vg.Length(0)
	for _, t := range yTicks {
		tickWidth = max(tickWidth, tickStyle.Width(t.Label))
	}
	yLabel := r.words().Text("reportdoc.chart.y", nil)
	area := vg.Rectangle{
		Min: vg.Point{
			X: plotCanvas.Min.X + yLabelStyle.Height(yLabel) + chartPad + tickWidth + tickLength + 2,
			Y: plotCanvas.Min.Y + tickStyle.Height("Ag") + tickLength + 2,
		},
		Max: vg.Point{X: plotCanvas.Max.X, Y: plotCanvas.Max.Y - titleStyle.Height(title) - chartPad},
	}
	y := func(v float64) vg.Length { return area.Min.Y + (area.Max.Y-area.Min.Y)*vg.Length(v/yMax) }

	// Month labels: every month when they fit side by side, otherwise every
	// second, third… month counted back from the newest, which is always
	// labelled. The first label shown, and every January, carries the year.
	// The newest label is centred on its bar, so the plot stops short of the
	// edge when that label is wider than the bar's slot.
	var names []string
	slot := (area.Max.X - area.Min.X) / vg.Length(n)
	for step := 1; step <= n; step++ {
		names = monthNames(r.ByMonth, step)
		over := tickStyle.Width(names[n-1])/2 - slot/2
		slot = (area.Max.X - area.Min.X - max(0, over)) / vg.Length(n)
		if labelsFit(names, tickStyle, slot) {
			break
		}
	}
	area.Max.X = area.Min.X + slot*vg.Length(n)
	width := min(slot*barShare, maxBarWidth)
	x := func(mi int) vg.Length { return area.Min.X + slot*(vg.Length(mi)+0.5) }

	drawAxes(plotCanvas, area, yLabel, yLabelStyle, tickStyle, yTicks, y)
	tickStyle.XAlign, tickStyle.YAlign = draw.XCenter, draw.YTop
	for mi := range r.ByMonth {
		mx := x(mi)
		base := 0.0
		for si, s := range r.ByMonth[mi].Stages {
			v := float64(s.N)
			if v > 0 {
				bar := vg.Rectangle{Min: vg.Point{X: mx - width/2, Y: y(base)}, Max: vg.Point{X: mx + width/2, Y: y(base + v)}}
				plotCanvas.FillPolygon(stageColours[si%len(stageColours)], corners(bar))
				l.bars = append(l.bars, bar)
			}
			base += v
		}
		if mi == n-1 {
			l.newest = vg.Rectangle{Min: vg.Point{X: mx - width/2, Y: area.Min.Y}, Max: vg.Point{X: mx + width/2, Y: area.Max.Y}}
		}
		if names[mi] == "" {
			continue
		}
		plotCanvas.StrokeLine2(axisStyle, mx, area.Min.Y, mx, area.Min.Y-tickLength)
		plotCanvas.FillText(tickStyle, vg.Point{X: mx, Y: area.Min.Y - tickLength - 2}, names[mi])
		tw := tickStyle.Width(names[mi])
		l.ticks = append(l.ticks, vg.Rectangle{Min: vg.Point{X: mx - tw/2, Y: 0}, Max: vg.Point{X: mx + tw/2, Y: 1}})
		l.labels = append(l.labels, names[mi])
	}

	legendCanvas := draw.Crop(dc, chartPad, -chartPad, chartPad, -(h - legendHeight + chartPad))
	l.legend = drawLegend(legendCanvas, entries, legendStyle, rowHeight)
	return l, nil
}

// drawAxes draws the two axis lines around area, and the count axis's
// ticks, their numbers and its label, turned on its side, at the left of c.
func drawAxes(c draw.Canvas, area vg.Rectangle, label string, labelStyle, tickStyle text.Style, ticks []tick, y func(float64) vg.Length) {
	c.StrokeLine2(axisStyle, area.Min.X, area.Min.Y, area.Max.X, area.Min.Y)
	c.StrokeLine2(axisStyle, area.Min.X, area.Min.Y, area.Min.X, area.Max.Y)
	tickStyle.XAlign, tickStyle.YAlign = draw.XRight, draw.YCenter
	for _, t := range ticks {
		ty := y(t.Value)
		c.StrokeLine2(axisStyle, area.Min.X, ty, area.Min.X-tickLength, ty)
		c.FillText(tickStyle, vg.Point{X: area.Min.X - tickLength - 2, Y: ty}, t.Label)
	}
	labelStyle.Rotation = math.Pi / 2
	labelStyle.XAlign, labelStyle.YAlign = draw.XCenter, draw.YTop
	c.FillText(labelStyle, vg.Point{X: c.Min.X, Y: (area.Min.Y + area.Max.Y) / 2}, label)
}

// corners are a rectangle's corners, anticlockwise from its bottom left.
func corners(b vg.Rectangle) []vg.Point {
	return []vg.Point{b.Min, {X: b.Max.X, Y: b.Min.Y}, b.Max, {X: b.Min.X, Y: b.Max.Y}}
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
		c.FillPolygon(e.colour, corners(box))
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

// tick is a labelled mark on the count axis.
type tick struct {
	Value float64
	Label string
}

// Ticks returns whole, evenly spaced counts from lo to hi.
func (t wholeTicks) Ticks(lo, hi float64) []tick {
	s := t.step(hi)
	var ts []tick
	for v := math.Ceil(lo/s) * s; v <= hi; v += s {
		ts = append(ts, tick{Value: v, Label: strconv.FormatFloat(v, 'f', -1, 64)})
	}
	return ts
}
