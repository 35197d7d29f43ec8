package report

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/ideas"
	"github.com/handoff-sla/handoff/internal/words/wordstest"
)

// The month's ideas and field feedback are listed (in order, the rep's text escaped in HTML, whole in text), and
// each rep's counts are the month's feedback and the quarter's ideas; a month nobody wrote in has no section.
func TestIdeasInTheReport(t *testing.T) {
	t.Parallel()
	c := exampleContract(t)
	c.Sales.FeedbackPerMonth, c.Sales.IdeasPerQuarter = 2, 1
	c.Sales.FeedbackCategories = append(contract.DefaultFeedbackCategories(), contract.FeedbackCategory{ID: "pricing", Label: "Prix affichés"})
	nov := contract.Month{Year: 2026, Month: 11}
	at := func(d, h int) time.Time { return time.Date(2026, time.Month(11), d, h, 0, 0, 0, time.UTC) }
	rec := func(rep string, k ideas.Kind, cat, text string, when time.Time) ideas.Record {
		return ideas.Record{Submission: ideas.Submission{ID: text, RepID: rep, Kind: k, Category: cat, Text: text, At: when}, Month: ideas.MonthOf(when, c.Location)}
	}
	in := Input{Month: nov, AsOf: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Ideas: []ideas.Record{
		rec("sophie-bernard", ideas.Feedback, "pricing", "Les prix <b>affichés</b>\nfont fuir", at(20, 9)),
		rec("thomas-martin", ideas.Idea, "", "Un cas client agroalimentaire", at(3, 9)),
		rec("thomas-martin", ideas.Feedback, "lead_quality", "Trop d'étudiants", at(5, 9)),
		rec("thomas-martin", ideas.Idea, "", "Un webinaire maintenance prédictive", time.Date(2026, 10, 8, 9, 0, 0, 0, time.UTC)),
		rec("parti", ideas.Feedback, "timing", "Je pars", at(6, 9)),
	}}
	r := Compute(c, in)
	if r.Ideas == nil || len(r.Ideas.Items) != 4 {
		t.Fatalf("ideas = %+v", r.Ideas)
	}
	if first, last := r.Ideas.Items[0], r.Ideas.Items[3]; first.Text != "Un cas client agroalimentaire" || last.CategoryLabel != "Prix affichés" {
		t.Errorf("items out of order or unlabelled: %+v", r.Ideas.Items)
	}
	for _, tc := range []struct {
		rep               string
		feedback, quarter int
	}{{"thomas-martin", 1, 2}, {"sophie-bernard", 1, 0}, {"amelie-robert", 0, 0}, {"parti", 1, 0}, {"nobody", 0, 0}} {
		if got := r.IdeasOf(tc.rep); got.FeedbackInMonth != tc.feedback || got.IdeasInQuarter != tc.quarter {
			t.Errorf("%s: %+v, want %d feedback, %d ideas", tc.rep, got, tc.feedback, tc.quarter)
		}
	}
	if r.Ideas.FeedbackPerMonth != 2 || r.Ideas.IdeasPerQuarter != 1 || len(r.Ideas.PerRep) != len(c.Roster.Reps)+1 {
		t.Errorf("targets %d %d, %d reps", r.Ideas.FeedbackPerMonth, r.Ideas.IdeasPerQuarter, len(r.Ideas.PerRep))
	}
	// The report of record keeps it.
	data, _ := json.Marshal(r)
	var back Report
	if err := json.Unmarshal(data, &back); err != nil || back.IdeasOf("thomas-martin") != r.IdeasOf("thomas-martin") {
		t.Fatalf("round trip: %v", err)
	}
	for _, tc := range []struct {
		l    contract.Locale
		want []string
	}{
		{contract.French, []string{"Idées et retours terrain des commerciaux", "Prix affichés", "Qualité des contacts", "Thomas Martin", "une idée de contenu"}},
		{contract.English, []string{"Sales' ideas and field feedback", "Prix affichés", "Lead quality", "Thomas Martin", "a content idea"}},
	} {
		r.Locale = tc.l
		e, err := Render(r)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tc.want {
			if !strings.Contains(e.HTML, strings.ReplaceAll(w, "'", "&#39;")) || !strings.Contains(strings.ToLower(e.Text), strings.ToLower(w)) {
				t.Errorf("%s: %q missing", tc.l, w)
			}
		}
		if tc.l == contract.French {
			wordstest.French(t, "report's ideas (html)", e.HTML)
			wordstest.French(t, "report's ideas (text)", e.Text)
		}
		if strings.Contains(e.HTML, "<b>affichés</b>") || !strings.Contains(e.HTML, "&lt;b&gt;affichés&lt;/b&gt;") {
			t.Errorf("%s: the rep's text is not escaped", tc.l)
		}
	}
	if r := Compute(c, Input{Month: nov}); r.Ideas != nil || r.IdeasOf("thomas-martin") != (IdeaCount{RepID: "thomas-martin"}) {
		t.Errorf("a quarter without ideas: %+v", r.Ideas)
	}
}
