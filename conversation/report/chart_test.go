package report

import (
	"bytes"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"
)

func overlaps(a, b vg.Rectangle) bool {
	return a.Min.X < b.Max.X && b.Min.X < a.Max.X && a.Min.Y < b.Max.Y && b.Min.Y < a.Max.Y
}

func inside(a, outer vg.Rectangle) bool {
	return a.Min.X >= outer.Min.X && a.Max.X <= outer.Max.X && a.Min.Y >= outer.Min.Y && a.Max.Y <= outer.Max.Y
}

// TestChartReadsForOneToTwentyFourMonths: for 1 to 24 months the legend
// covers no bar, the newest month's bar and label are drawn whole, the
// month labels do not run into each other, and the text is sans-serif. The
// old chart drew its legend over the plot's top right corner, on the
// newest months' bars.
func TestChartReadsForOneToTwentyFourMonths(t *testing.T) {
	for _, n := range []int{1, 2, 6, 12, 13, 18, 24} {
		t.Run(fmt.Sprint(n, " months"), func(t *testing.T) {
			r := months(n)
			// A long stage name, as some partnerships' referral bodies have.
			for i := range r.ByMonth {
				r.ByMonth[i].Stages = append(r.ByMonth[i].Stages, Count{Key: "x", Label: "Referral to the Practice Development Group (Business Group)", N: i % 3})
			}
			svg, l, err := r.svg()
			if err != nil {
				t.Fatal(err)
			}
			if len(l.legend) != len(r.ByMonth[0].Stages) {
				t.Fatalf("%d legend entries for %d stages", len(l.legend), len(r.ByMonth[0].Stages))
			}
			for i, e := range l.legend {
				if !inside(e, l.canvas) {
					t.Errorf("legend entry %d %v is outside the chart %v", i, e, l.canvas)
				}
				for _, b := range l.bars {
					if overlaps(e, b) {
						t.Errorf("legend entry %d %v covers a bar %v", i, e, b)
					}
				}
			}
			if len(l.bars) == 0 {
				t.Fatal("no bars drawn")
			}
			for _, b := range l.bars {
				if !inside(b, l.canvas) {
					t.Errorf("bar %v is cut off by the chart's edge %v", b, l.canvas)
				}
			}
			if l.newest.Max.X > l.canvas.Max.X || l.newest.Min.X < l.canvas.Min.X {
				t.Errorf("the newest month %v is not inside the chart %v", l.newest, l.canvas)
			}
			for i := 1; i < len(l.ticks); i++ {
				if l.ticks[i-1].Max.X > l.ticks[i].Min.X {
					t.Errorf("month labels %q and %q overlap", l.labels[i-1], l.labels[i])
				}
			}
			if last := l.ticks[len(l.ticks)-1]; last.Max.X > l.canvas.Max.X {
				t.Errorf("the newest month's label runs off the chart: %v", last)
			}
			newest := l.labels[len(l.labels)-1]
			if short := monthLabel(r.ByMonth[n-1].Month, false); !strings.HasPrefix(newest, short) {
				t.Errorf("the last label is %q, want the newest month %q", newest, short)
			}
			if !bytes.Contains(svg, []byte(">"+newest+"<")) {
				t.Errorf("the SVG has no label %q", newest)
			}
			if !bytes.Contains(svg, []byte("Liberation Sans")) || bytes.Contains(svg, []byte("Serif")) {
				t.Errorf("the chart's text is not all Liberation Sans")
			}
		})
	}
}

// TestChartPNGs draws the PNG for 1, 6, 12 and 24 months at a readable
// size; with CHART_OUT set, it writes them there to look at.
func TestChartPNGs(t *testing.T) {
	for _, n := range []int{1, 6, 12, 24} {
		b, err := months(n).PNG()
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if got := img.Bounds().Size(); got.X < 700 || got.Y < 400 {
			t.Errorf("%d months: chart is %v pixels, too small to read", n, got)
		}
		if dir := os.Getenv("CHART_OUT"); dir != "" {
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("chart-%02d.png", n)), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	quiet := months(3)
	for i := range quiet.ByMonth {
		for j := range quiet.ByMonth[i].Stages {
			quiet.ByMonth[i].Stages[j].N = 0
		}
	}
	if _, err := quiet.PNG(); err != nil {
		t.Errorf("a period with no cases: %v", err)
	}
	if _, err := (&Report{}).PNG(); err == nil || !strings.Contains(err.Error(), "no months") {
		t.Errorf("a period with no months: %v", err)
	}
}
