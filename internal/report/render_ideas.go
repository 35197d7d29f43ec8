package report

import (
	"strings"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/words"
)

// ideasSection lists the month's ideas and field feedback (the rep's text as written: html/template escapes it
// in the HTML part), then each rep's counts.
func (f format) ideasSection(r Report) section {
	w := words.ForIdeas(f.l)
	list := block{Note: w.ReportNone}
	if len(r.Ideas.Items) > 0 {
		t := &table{Head: []string{w.Date, w.Rep, w.ColKind, w.ColCategory, w.ColText}, Numeric: []bool{false, false, false, false, false}}
		for _, l := range r.Ideas.Items {
			kind, _ := w.KindLabel(l.Kind)
			category := ""
			if l.Category != "" {
				category, _ = w.CategoryLabel(contract.FeedbackCategory{ID: l.Category, Label: l.CategoryLabel})
			}
			t.Rows = append(t.Rows, []cell{{Text: f.when(l.At)}, {Text: l.Rep}, {Text: kind}, {Text: category}, textCell(l.Text)})
		}
		list = block{Table: t}
	}
	counts := &table{Head: []string{w.Rep, w.CountFeedback, w.CountIdeas}, Numeric: []bool{false, true, true}, NoWrap: true}
	for _, c := range r.Ideas.PerRep {
		counts.Rows = append(counts.Rows, []cell{{Text: c.Rep}, {Text: f.int(c.FeedbackInMonth)}, {Text: f.int(c.IdeasInQuarter)}})
	}
	return section{Title: w.ReportTitle, Blocks: []block{list, {Heading: w.PerRep, Table: counts}}}
}

// textCell is a rep's text, its lines one under the other.
func textCell(s string) cell {
	if !strings.Contains(s, "\n") {
		return cell{Text: s}
	}
	return cell{Text: strings.ReplaceAll(s, "\n", " "), Lines: strings.Split(s, "\n")}
}
