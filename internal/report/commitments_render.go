package report

import (
	"fmt"
	"strings"

	"github.com/handoff-sla/handoff/internal/words"
)

// commitmentsID is the HTML id of the commitments section (a reader, or a test, can go straight to it).
const commitmentsID = "commitments"

// cw is the commitments section's words in f's language.
func (f format) cw() *words.Commitments { return words.ForCommitments(f.l) }

// commitmentsSection is one compact table: each commitment, the contract's target, the month's figure and the
// verdict, in words and a sign (the colour only repeats it). It refuses a commitment or verdict it has no words
// for (a report stored by a later version): never a line said in a key's name.
func (f format) commitmentsSection(r Report) (section, error) {
	w := f.cw()
	t := &table{Head: []string{w.ColCommitment, w.ColTarget, w.ColFigure, w.ColVerdict}, Numeric: make([]bool, 4)}
	for _, c := range r.Commitments {
		label, ok := f.commitmentLabel(c.Kind)
		if !ok {
			return section{}, fmt.Errorf("render report: no words for a commitment of kind %q", c.Kind)
		}
		verdict, tone, ok := f.commitmentVerdict(c.Verdict)
		if !ok {
			return section{}, fmt.Errorf("render report: no words for the verdict %q", c.Verdict)
		}
		figure := f.commitmentFigure(c)
		t.Rows = append(t.Rows, []cell{{Text: label}, {Text: f.commitmentTarget(c)},
			{Text: strings.Join(figure, " · "), Lines: figure}, {Text: verdict, Tone: tone}})
	}
	return section{ID: commitmentsID, Title: w.Title, Blocks: []block{{Table: t, Note: w.Note}}}, nil
}

func (f format) commitmentLabel(k CommitmentKind) (string, bool) {
	w := f.cw()
	label, ok := map[CommitmentKind]string{CommitSQLs: w.SQLs, CommitMQLs: w.MQLs, CommitAlert: w.Alert,
		CommitContent: w.Content, CommitReview: w.Review, CommitContact: w.Contact, CommitFeedback: w.Feedback,
		CommitAvailability: w.Availability, CommitFieldFeedback: w.FieldFeedback, CommitIdeas: w.Ideas,
		CommitCRMCare: w.CRMCare}[k]
	return label, ok
}

// commitmentVerdict is a verdict's words and tone ("met", "missed" or none: not measured, in progress).
func (f format) commitmentVerdict(v Verdict) (string, string, bool) {
	w := f.cw()
	switch v {
	case Kept:
		return w.Kept, "met", true
	case Broken:
		return w.Missed, "missed", true
	case NotMeasured:
		return w.NotMeasured, "", true
	case InProgress:
		return w.InProgress, "", true
	}
	return "", "", false
}

// commitmentTarget is the target the contract gives, or says that it gives none.
func (f format) commitmentTarget(c Commitment) string {
	w := f.cw()
	if p := c.Reps; p != nil {
		switch {
		case !p.Stated:
			return w.NotStated
		case p.AtMost:
			return f.wf(w.TargetNoOutcome, f.int(p.Target), f.int(p.WithinDays))
		case p.Quarter:
			return f.wf(w.TargetRepQuarter, f.int(p.Target))
		}
		return f.wf(w.TargetRepMonth, f.int(p.Target))
	}
	m := c.Figure
	switch {
	case !m.Stated:
		return w.NotStated
	case c.Kind == CommitAlert && m.Share && m.Target == 100:
		return w.TargetEverySQL
	case c.Kind == CommitContent:
		return w.TargetDigest
	case m.Share && m.Within > 0:
		return f.wf(w.TargetShareWithin, f.pct(float64(m.Target)), f.hours(m.Within))
	case m.Share:
		return f.wf(w.TargetShare, f.pct(float64(m.Target)))
	}
	return f.wf(w.TargetMonth, f.int(m.Target))
}

// commitmentFigure is the month's figure, as lines: a count, a share with its counts, or for a per-rep
// commitment the reps who kept it out of those active, then each who did not with their figure (each rep's
// figure when the contract sets no target). "—" when the records hold none.
func (f format) commitmentFigure(c Commitment) []string {
	w := f.cw()
	if p := c.Reps; p != nil {
		if !p.Measured || len(p.Reps) == 0 {
			return []string{f.cm().None}
		}
		rep := func(r RepCount) string { // one line each: "Thomas Martin: 0" never split
			return strings.ReplaceAll(f.wf(w.FigureRep, f.rep(RepLine{Name: r.Name, Left: r.Left}), f.int(r.N)), " ", "\u00a0")
		}
		if !p.Stated {
			var out []string
			for _, r := range p.Reps {
				out = append(out, rep(r))
			}
			return out
		}
		out := []string{f.wf(w.FigureReps.For(len(p.Reps)), f.int(len(p.Reps)-len(c.Missed)), f.int(len(p.Reps)))}
		for _, r := range c.Missed {
			out = append(out, rep(r))
		}
		return out
	}
	m := c.Figure
	switch {
	case !m.Measured, m.Share && m.D <= 0:
		return []string{f.cm().None}
	case m.Share:
		target := 0
		if m.Stated {
			target = m.Target
		}
		out := []string{f.wf(w.FigureShare, f.percentVs(Ratio{m.N, m.D}, target), f.int(m.N), f.int(m.D))}
		if c.Kind == CommitContent {
			out = append(out, f.wf(w.FigurePieces.For(m.Pieces), f.int(m.Pieces)))
		}
		return out
	}
	return []string{f.int(m.N)}
}
