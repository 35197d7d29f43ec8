package report_test

// An independent review of the commitments section against the README ("The contract's commitments") and the doc
// comments of report.Measure, report.PerRep and records.Handoff.AlertedAt: on the random months of
// independent_test.go, each line is judged again from the oracle's figures and the contract's text
// (indepContractYAML: 10 SQLs and 20 MQLs a month, 90% contacted within 4h, an answer within 16h).

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/report"
	"github.com/handoff-sla/handoff/internal/words"
)

// expectedVerdict is a line's verdict as the README states it: kept when the figure reaches the target (a share
// exactly, no rounding), not measured without a target or with nothing to judge.
func expectedVerdict(stated bool, n, d, target int, share bool) report.Verdict {
	switch {
	case !stated, share && d == 0:
		return report.NotMeasured
	case share && n*100 >= target*d, !share && n >= target:
		return report.Kept
	}
	return report.Broken
}

func TestIndependentCommitments(t *testing.T) {
	t.Parallel()
	const n = 200
	f := &failures{t: t, kinds: map[string]int{}, first: map[string]string{}}
	seen := map[report.CommitmentKind]map[report.Verdict]int{}
	for seed := int64(1); seed <= int64(n); seed++ {
		r := rand.New(rand.NewSource(seed))
		onBreach := []string{"reassign", "escalate"}[r.Intn(2)]
		locale := []string{"fr", "en"}[r.Intn(2)]
		c := indepContract(t, locale, onBreach, indepHours[r.Intn(len(indepHours))])
		m := indepMonths[r.Intn(len(indepMonths))]
		w := genWorld(r, c, m, 1+r.Intn(30))
		asOf := randomAsOf(r, c, m)
		in := w.read(m, asOf, time.Time{}, asOf)
		// When each SQL was alerted, as the store reads it: a minute after its hand-off, exactly at or after the
		// report's instant, never, or not known (stored before alertedAt was kept, and reassigned: left out).
		in.Alerts = r.Intn(4) != 0
		alerted, known := 0, 0
		for i := range in.Handoffs {
			h := &in.Handoffs[i]
			h.AlertUnknown = false
			switch r.Intn(8) {
			case 0:
				h.AlertedAt = time.Time{}
			case 6:
				h.AlertedAt, h.AlertUnknown = time.Time{}, true
			case 1:
				h.AlertedAt = asOf.Add(time.Hour)
			case 2:
				h.AlertedAt = asOf
			default:
				h.AlertedAt = h.At.Add(time.Minute)
			}
			// Alerted iff by asOf; not alerted by asOf is missed, unless handed off less than AlertGrace before
			// asOf (pending).
			inMonth := contract.MonthOf(h.At.In(c.Location)) == m && !h.At.After(asOf)
			byAsOf := !h.AlertedAt.IsZero() && !h.AlertedAt.After(asOf)
			if !inMonth || h.AlertUnknown && !byAsOf || !byAsOf && asOf.Sub(h.At) < report.AlertGrace {
				continue
			}
			known++
			if byAsOf {
				alerted++
			}
		}
		got := report.Compute(c, in)
		x := w.expect(m, asOf, time.Time{})

		type line struct {
			stated, share bool
			n, d, target  int
		}
		want := map[report.CommitmentKind]line{
			report.CommitSQLs:     {stated: true, n: x.SQLs, target: 10},
			report.CommitMQLs:     {stated: true, n: got.Marketing.MQLs, target: 20},
			report.CommitContact:  {stated: true, share: true, n: x.Within, d: x.Decided, target: 90},
			report.CommitFeedback: {stated: true, share: true, n: x.FBWithin, d: x.FBDecided, target: 100},
		}
		if in.Alerts {
			want[report.CommitAlert] = line{stated: true, share: true, n: alerted, d: known, target: 100}
		}
		var problems []string
		if len(got.Commitments) != len(report.CommitmentKinds) {
			problems = append(problems, fmt.Sprintf("%d lines, want %d", len(got.Commitments), len(report.CommitmentKinds)))
		}
		for i, com := range got.Commitments {
			if i < len(report.CommitmentKinds) && com.Kind != report.CommitmentKinds[i] {
				problems = append(problems, fmt.Sprintf("line %d is %s, want %s", i, com.Kind, report.CommitmentKinds[i]))
			}
			l, judged := want[com.Kind]
			v := report.NotMeasured
			if judged {
				v = expectedVerdict(l.stated, l.n, l.d, l.target, l.share)
				if fg := com.Figure; fg.N != l.n || l.share && fg.D != l.d || fg.Target != l.target {
					problems = append(problems, fmt.Sprintf("%s: figure %d/%d against %d, want %d/%d against %d", com.Kind, fg.N, fg.D, fg.Target, l.n, l.d, l.target))
				}
			}
			if com.Verdict != v {
				problems = append(problems, fmt.Sprintf("%s: %s, want %s", com.Kind, com.Verdict, v))
			}
			if seen[com.Kind] == nil {
				seen[com.Kind] = map[report.Verdict]int{}
			}
			seen[com.Kind][com.Verdict]++
		}
		// Every line is in the text part, each in its own words; a line the contract gives no target for says so.
		// (Rendering draws the charts: a few months are enough.)
		if seed > 20 {
			f.add(seed, "commitments", problems)
			continue
		}
		e, err := report.Render(got)
		if err != nil {
			t.Fatal(err)
		}
		cw := words.ForCommitments(contract.Locale(locale))
		for _, label := range []string{cw.SQLs, cw.MQLs, cw.Alert, cw.Content, cw.Review, cw.Contact, cw.Feedback,
			cw.Availability, cw.FieldFeedback, cw.Ideas, cw.CRMCare} {
			i := strings.Index(e.Text, label)
			if i < 0 {
				problems = append(problems, fmt.Sprintf("%s: no line %q", locale, label))
				continue
			}
			row := e.Text[i : i+strings.Index(e.Text[i:], "\n")]
			if label == cw.Availability && (!strings.Contains(row, cw.NotStated) || !strings.Contains(row, cw.NotMeasured)) {
				problems = append(problems, fmt.Sprintf("%s: availability, a commitment without a target, reads %q", locale, row))
			}
		}
		f.add(seed, "commitments", problems)
	}
	// The months cover each verdict the data allows: kept and missed for every judged line.
	for _, k := range []report.CommitmentKind{report.CommitSQLs, report.CommitContact, report.CommitFeedback, report.CommitAlert} {
		if seen[k][report.Kept] == 0 || seen[k][report.Broken] == 0 {
			t.Errorf("%s: verdicts %v over %d months; the check saw no kept or no missed", k, seen[k], n)
		}
	}
	t.Logf("verdicts over %d random months: %v", n, seen)
	f.report()
}
