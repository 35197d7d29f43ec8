package report

import (
	"bytes"
	"fmt"
	"math"

	chart "github.com/go-analyze/charts/chartdraw"
	"github.com/go-analyze/charts/chartdraw/drawing"
)

// Charts are drawn with go-analyze/charts' chartdraw package: the maintained continuation of go-chart (archived),
// a raster renderer with an embedded font (accents included), and about 1.1 MB added to a linux/arm64 binary
// where the package's higher-level API adds 2 MB and gonum.org/v1/plot 6.5 MB (the report's binary: 14.2 MB,
// see make sizes).
// The bars are a small Series of ours, so the Y axis always starts at 0 and the ticks are in the report's
// locale.

// Chart sizes: drawn at twice the size they are shown, so they stay sharp on high-density screens.
const (
	chartWidth, chartHeight = 1200, 560 // pixels in the PNG
	chartDPI                = 192
	// ShownWidth is the width the HTML shows a chart at (CSS pixels): the email's column.
	ShownWidth = 624
)

var (
	colourMet     = drawing.ColorFromHex("16a34a")
	colourMissed  = drawing.ColorFromHex("dc2626")
	colourNeutral = drawing.ColorFromHex("2563eb")
	colourLight   = drawing.ColorFromHex("93c5fd")
	colourTarget  = drawing.ColorFromHex("111827")
	colourText    = drawing.ColorFromHex("1f2933")
	colourGrid    = drawing.ColorFromHex("e4e7eb")
)

// barChart is a chart of groups of bars over labelled slots, with an optional reference drawn over them.
type barChart struct {
	title  string
	labels []string    // one per slot
	bars   [][]float64 // bars[slot][i]: the i-th bar of the slot
	// colour of bar i of a slot
	colour func(slot, i int) drawing.Color
	// barLabel is the text over a bar ("" for none).
	barLabel func(slot, i int) string
	// refs are reference values per slot (a target), drawn as a dash across the slot; NaN for none.
	refs []float64
	// line is a reference drawn across the whole chart (a deadline); NaN for none.
	line   float64
	legend []legendItem
	tick   func(v float64) string // a Y tick's label
}

type legendItem struct {
	text   string
	colour drawing.Color
	dash   bool // a dash (a reference) rather than a square (a bar)
}

// png draws the chart.
func (b barChart) png() ([]byte, error) {
	top := 0.0
	for _, g := range b.bars {
		for _, v := range g {
			top = max(top, v)
		}
	}
	for _, v := range b.refs {
		if !math.IsNaN(v) {
			top = max(top, v)
		}
	}
	if !math.IsNaN(b.line) {
		top = max(top, b.line)
	}
	step, ceiling := niceScale(top * 1.1) // room for the labels over the bars
	var yTicks []chart.Tick
	for v := 0.0; v <= ceiling+step/2; v += step {
		yTicks = append(yTicks, chart.Tick{Value: v, Label: b.tick(v)})
	}
	n := len(b.labels)
	xTicks := []chart.Tick{{Value: -0.5}}
	for i, l := range b.labels {
		xTicks = append(xTicks, chart.Tick{Value: float64(i), Label: l})
	}
	xTicks = append(xTicks, chart.Tick{Value: float64(n) - 0.5})

	axis := chart.Style{FontStyle: chart.FontStyle{FontSize: 9, FontColor: colourText}, StrokeColor: colourGrid, StrokeWidth: 1}
	c := chart.Chart{
		Title:      b.title,
		TitleStyle: chart.Style{FontStyle: chart.FontStyle{FontSize: 12, FontColor: colourText}},
		Width:      chartWidth, Height: chartHeight, DPI: chartDPI,
		Background: chart.Style{Padding: chart.Box{Top: 130, Left: 12, Right: 24, Bottom: 12}},
		XAxis:      chart.XAxis{Style: axis, Ticks: xTicks, TickPosition: chart.TickPositionUnderTick},
		// The primary axis is drawn on the right; ours is the secondary one, on the left.
		YAxis: chart.YAxis{Style: chart.Hidden(), Range: &chart.ContinuousRange{Min: 0, Max: 1}},
		YAxisSecondary: chart.YAxis{Style: axis, Ticks: yTicks,
			GridMajorStyle: chart.Style{StrokeColor: colourGrid, StrokeWidth: 1}},
		Series: []chart.Series{barSeries{b}},
	}
	c.Elements = []chart.Renderable{b.drawLegend}
	var out bytes.Buffer
	if err := c.Render(chart.PNG, &out); err != nil {
		return nil, fmt.Errorf("draw chart %q: %w", b.title, err)
	}
	return out.Bytes(), nil
}

// niceScale picks a tick step of 1, 2 or 5 times a power of ten giving at most 6 steps, and the top tick:
// the axis always starts at 0 and ends at or above top (at least 1).
func niceScale(top float64) (step, ceiling float64) {
	if top <= 0 {
		top = 1
	}
	raw := top / 5
	pow := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		step = m * pow
		if top/step <= 6 {
			break
		}
	}
	step = max(step, 1)
	return step, math.Ceil(top/step) * step
}

// barSeries draws a barChart's bars and references; it is a Series so it shares the chart's ranges.
type barSeries struct{ b barChart }

func (s barSeries) GetName() string           { return s.b.title }
func (s barSeries) GetYAxis() chart.YAxisType { return chart.YAxisSecondary }
func (s barSeries) GetStyle() chart.Style     { return chart.Style{} }
func (s barSeries) Validate() error           { return nil }
func (s barSeries) Render(r chart.Renderer, box chart.Box, xr, yr chart.Range, _ chart.Style) {
	b := s.b
	x := func(v float64) int { return box.Left + xr.Translate(v) }
	y := func(v float64) int { return box.Bottom - yr.Translate(v) }
	slot := x(1) - x(0)
	if len(b.labels) == 1 {
		slot = x(0.5) - x(-0.5)
	}
	label := chart.Style{FontStyle: chart.FontStyle{FontSize: 8, FontColor: colourText, Font: chart.GetDefaultFont()}}
	for i, g := range b.bars {
		if len(g) == 0 {
			continue
		}
		width := slot * 6 / 10 / len(g)
		left := x(float64(i)) - width*len(g)/2
		for j, v := range g {
			bx := chart.Box{Left: left + j*width + 1, Right: left + (j+1)*width - 1, Top: y(v), Bottom: y(0)}
			if bx.Top == bx.Bottom && v > 0 {
				bx.Top-- // a small value still shows
			}
			chart.Draw.Box(r, bx, chart.Style{FillColor: b.colour(i, j), StrokeColor: b.colour(i, j), StrokeWidth: 1})
			if b.barLabel != nil {
				if t := b.barLabel(i, j); t != "" {
					// In the middle of a tall enough bar, so that a target drawn across the bar near its top does
					// not cover it; over a short bar.
					tb := chart.Draw.MeasureText(r, t, label)
					style, y := label, bx.Top-8
					if bx.Bottom-bx.Top > 2*tb.Height()+8 && tb.Width() < bx.Right-bx.Left {
						y = (bx.Top + bx.Bottom + tb.Height()) / 2
						if dark(b.colour(i, j)) {
							style.FontColor = drawing.ColorWhite
						}
					}
					chart.Draw.Text(r, t, (bx.Left+bx.Right-tb.Width())/2, y, style)
				}
			}
		}
	}
	dash := chart.Style{StrokeColor: colourTarget, StrokeWidth: 3}
	for i, v := range b.refs {
		if math.IsNaN(v) {
			continue
		}
		half := slot * 4 / 10
		chart.Draw.LineSeries(r, box, xr, yr, dash, lineValues{
			{float64(i) - float64(half)/float64(slot), v}, {float64(i) + float64(half)/float64(slot), v}})
	}
	if !math.IsNaN(b.line) {
		n := float64(len(b.labels))
		chart.Draw.LineSeries(r, box, xr, yr, chart.Style{StrokeColor: colourMissed, StrokeWidth: 2, StrokeDashArray: []float64{8, 6}},
			lineValues{{-0.5, b.line}, {n - 0.5, b.line}})
	}
}

// lineValues is a polyline for Draw.LineSeries.
type lineValues [][2]float64

func (l lineValues) Len() int                           { return len(l) }
func (l lineValues) GetValues(i int) (float64, float64) { return l[i][0], l[i][1] }

// drawLegend writes the legend in a row under the title.
func (b barChart) drawLegend(r chart.Renderer, _ chart.Box, _ chart.Style) {
	text := chart.Style{FontStyle: chart.FontStyle{FontSize: 9, FontColor: colourText, Font: chart.GetDefaultFont()}}
	x, y := 40, 96
	for _, it := range b.legend {
		if it.dash {
			chart.Draw.Box(r, chart.Box{Left: x, Right: x + 28, Top: y - 12, Bottom: y - 8},
				chart.Style{FillColor: it.colour, StrokeColor: it.colour, StrokeWidth: 1})
		} else {
			chart.Draw.Box(r, chart.Box{Left: x + 6, Right: x + 22, Top: y - 18, Bottom: y - 2},
				chart.Style{FillColor: it.colour, StrokeColor: it.colour, StrokeWidth: 1})
		}
		chart.Draw.Text(r, it.text, x+36, y, text)
		x += 36 + chart.Draw.MeasureText(r, it.text, text).Width() + 40
	}
}

// dark reports whether white text reads better than dark text on c.
func dark(c drawing.Color) bool {
	return 0.299*float64(c.R)+0.587*float64(c.G)+0.114*float64(c.B) < 160
}
