package report

import (
	"cmp"
	"slices"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/ideas"
)

// Ideas is what sales wrote to marketing (package ideas): the month's ideas and field feedback, and per rep the
// figures the contract's commitments judge. The report of record keeps the texts as the reps wrote them (they
// expire with it, retention.handoffs after the month's end).
type Ideas struct {
	Items  []IdeaLine  // the month's, in the order recorded
	PerRep []IdeaCount // every rep of the roster (zero when silent), then those no longer in it who wrote
	// The contract's commitments per rep: 0 when it states none (not measured).
	FeedbackPerMonth, IdeasPerQuarter int
}

// IdeaLine is one idea or field feedback of the month.
type IdeaLine struct {
	At       time.Time
	RepID    string
	Rep      string // the rep's name when in the roster, else the ID
	Kind     string // ideas.Idea or ideas.Feedback
	Category string // a feedback's category ID
	// CategoryLabel is the contract's own label for a category it names one (the words name the defaults).
	CategoryLabel string `json:",omitempty"`
	Text          string
}

// IdeaCount is one rep's figures: field feedback in the month, content ideas in the quarter to date (the month
// included), against the contract's FeedbackPerMonth and IdeasPerQuarter.
type IdeaCount struct {
	RepID           string
	Rep             string
	FeedbackInMonth int
	IdeasInQuarter  int
}

// IdeasOf is rep's figures in r: zero when the report has none (nobody wrote in the quarter to date, or a report
// computed before ideas existed).
func (r Report) IdeasOf(repID string) IdeaCount {
	if r.Ideas != nil {
		for _, c := range r.Ideas.PerRep {
			if c.RepID == repID {
				return c
			}
		}
	}
	return IdeaCount{RepID: repID}
}

// ideasOf computes the section; nil when nobody wrote in the quarter to date, so that a report without any
// encodes as it did before ideas existed.
func ideasOf(c *contract.Contract, in Input) *Ideas {
	if len(in.Ideas) == 0 {
		return nil
	}
	name := func(id string) string {
		if r, ok := c.Rep(id); ok {
			return r.Name
		}
		return id
	}
	out := &Ideas{FeedbackPerMonth: c.Sales.FeedbackPerMonth, IdeasPerQuarter: c.Sales.IdeasPerQuarter}
	for _, r := range in.Ideas {
		if r.Month != in.Month {
			continue
		}
		l := IdeaLine{At: r.At.UTC(), RepID: r.RepID, Rep: name(r.RepID), Kind: string(r.Kind), Category: r.Category, Text: r.Text}
		if cat, ok := c.Sales.FeedbackCategory(r.Category); ok {
			l.CategoryLabel = cat.Label
		}
		out.Items = append(out.Items, l)
	}
	slices.SortStableFunc(out.Items, func(a, b IdeaLine) int { return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.RepID, b.RepID)) })
	counts := ideas.Tally(in.Ideas, in.Month, c.Roster.Reps)
	for _, r := range c.Roster.Reps {
		out.PerRep = append(out.PerRep, IdeaCount{RepID: r.ID, Rep: r.Name, FeedbackInMonth: counts[r.ID].FeedbackInMonth, IdeasInQuarter: counts[r.ID].IdeasInQuarter})
		delete(counts, r.ID)
	}
	var gone []string
	for id := range counts {
		gone = append(gone, id)
	}
	slices.Sort(gone)
	for _, id := range gone {
		out.PerRep = append(out.PerRep, IdeaCount{RepID: id, Rep: id, FeedbackInMonth: counts[id].FeedbackInMonth, IdeasInQuarter: counts[id].IdeasInQuarter})
	}
	return out
}
