package report

import (
	"cmp"
	"slices"

	"github.com/handoff-sla/handoff/internal/words"
)

// CRMCare is sales' commitment to fill the CRM in (sales.outcome_within): of the SQLs they accepted whose outcome
// deadline fell in the month (its instant, in the contract's zone), those that had no outcome in the CRM (an
// opportunity, a deal won or lost) by then — as the deadline checker recorded at the deadline (the events
// outcome.missing and outcome.in_time; one recorded after AsOf is not counted). Within is 0 when the contract
// does not measure it: "not measured", never a made-up figure.
type CRMCare struct {
	// Within is the contract's delay in business days (0: not measured).
	Within int
	// Due counts the outcome deadlines that fell in the month; Missing, those passed with no outcome.
	Due, Missing int
	// Reps is the same per rep who accepted the SQLs, in roster order (reps who left follow, by ID).
	Reps []CRMCareRep
}

// Measured reports whether the contract sets the commitment.
func (c CRMCare) Measured() bool { return c.Within > 0 }

// CRMCareRep is one rep's CRM care in the month.
type CRMCareRep struct {
	RepID, Name string
	Left        bool // no longer on the roster
	// Due counts their accepted SQLs whose outcome deadline fell in the month; Missing, those without an outcome
	// by then (each one reminder sent to them).
	Due, Missing int
}

// commitment is CRM care as a per-rep commitment (the commitments section): a ceiling of no SQL left without an
// outcome after the contract's delay, judged on the reps who had outcome deadlines in the month (none: nobody to
// judge, not measured).
func (c CRMCare) commitment() PerRep {
	p := PerRep{Stated: c.Measured(), Measured: true, AtMost: true, WithinDays: c.Within}
	for _, r := range c.Reps {
		p.Reps = append(p.Reps, RepCount{RepID: r.RepID, Name: r.Name, Left: r.Left, N: r.Missing})
	}
	return p
}

// crmCare counts the outcome deadlines of the month per rep.
func (k *computer) crmCare() CRMCare {
	care := CRMCare{Within: k.c.Sales.OutcomeWithin}
	if !care.Measured() {
		return care // events of a delay the contract no longer sets are not judged against it
	}
	reps := map[string]*CRMCareRep{}
	for i := range k.in.Events {
		e := &k.in.Events[i]
		if e.Kind != OutcomeMissing && e.Kind != OutcomeInTime || !k.happened(e.At) || e.Due.IsZero() || k.slot(e.Due) != current {
			continue
		}
		r := reps[e.RepID]
		if r == nil {
			r = &CRMCareRep{RepID: e.RepID}
			reps[e.RepID] = r
		}
		r.Due++
		care.Due++
		if e.Kind == OutcomeMissing {
			r.Missing++
			care.Missing++
		}
	}
	for _, rep := range k.c.Roster.Reps {
		if r := reps[rep.ID]; r != nil {
			r.Name = rep.Name
			care.Reps = append(care.Reps, *r)
			delete(reps, rep.ID)
		}
	}
	var left []CRMCareRep
	for id, r := range reps {
		r.Name, r.Left = cmp.Or(id, "?"), true
		left = append(left, *r)
	}
	slices.SortFunc(left, func(a, b CRMCareRep) int { return cmp.Compare(a.RepID, b.RepID) }) // the same records, the same report
	care.Reps = append(care.Reps, left...)
	return care
}

// crmCareBlock is the CRM care's block of the sales section: per rep, the outcome deadlines of the month and those
// missed; "not measured" when the contract sets no delay.
func (f format) crmCareBlock(c CRMCare) block {
	t := words.ForCRM(f.l)
	if !c.Measured() {
		return block{Heading: t.CareTitle, Note: t.CareNotMeasured}
	}
	days := f.n(t.OutcomeDays, c.Within)
	note := f.wf(t.CareNote, days)
	if len(c.Reps) == 0 {
		return block{Heading: t.CareTitle, Note: t.CareNone + " " + note}
	}
	tb := &table{Head: []string{f.t().Rep, t.CareDue, t.CareMissing}, Numeric: []bool{false, true, true}, NoWrap: true}
	for _, r := range c.Reps {
		tone := "met"
		if r.Missing > 0 {
			tone = "missed"
		}
		tb.Rows = append(tb.Rows, []cell{{Text: f.rep(RepLine{RepID: r.RepID, Name: r.Name, Left: r.Left})}, {Text: f.int(r.Due)},
			{Text: f.int(r.Missing), Tone: tone}})
	}
	if len(c.Reps) > 1 {
		tb.Rows = append(tb.Rows, []cell{{Text: f.t().Total}, {Text: f.int(c.Due)}, {Text: f.int(c.Missing)}})
	}
	return block{Heading: t.CareTitle, Table: tb, Note: note}
}
