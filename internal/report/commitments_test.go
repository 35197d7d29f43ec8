package report

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/ideas"
	"github.com/handoff-sla/handoff/internal/report/records"
)

// TestJudgeMeasure: a commitment is kept when its figure reaches the contract's target (a figure equal to it
// included), missed below it, and not measured when the contract states no target, the records hold no figure,
// or a share has nothing to judge.
func TestJudgeMeasure(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		m    Measure
		want Verdict
	}{
		{"count above", Measure{Stated: true, Measured: true, N: 46, Target: 45}, Kept},
		{"count equal to the target", Measure{Stated: true, Measured: true, N: 45, Target: 45}, Kept},
		{"count one short", Measure{Stated: true, Measured: true, N: 44, Target: 45}, Broken},
		{"count of zero against a target", Measure{Stated: true, Measured: true, N: 0, Target: 45}, Broken},
		{"no target in the contract", Measure{Measured: true, N: 44}, NotMeasured},
		{"no target, a figure that would pass anything", Measure{Measured: true, N: 1000}, NotMeasured},
		{"a target and no figure in the records", Measure{Stated: true, N: 0, Target: 45}, NotMeasured},
		{"share equal to the target", Measure{Stated: true, Measured: true, Share: true, N: 9, D: 10, Target: 90}, Kept},
		{"share just below (89.99%)", Measure{Stated: true, Measured: true, Share: true, N: 8999, D: 10000, Target: 90}, Broken},
		{"share of all against 100%", Measure{Stated: true, Measured: true, Share: true, N: 7, D: 7, Target: 100}, Kept},
		{"share of all but one against 100%", Measure{Stated: true, Measured: true, Share: true, N: 6, D: 7, Target: 100}, Broken},
		{"share of nothing", Measure{Stated: true, Measured: true, Share: true, Target: 90}, NotMeasured},
		{"share without a target", Measure{Measured: true, Share: true, N: 1, D: 10}, NotMeasured},
	} {
		if got := Judge(CommitmentFigures{SQLs: tc.m})[0]; got.Verdict != tc.want || got.Kind != CommitSQLs || got.Figure != tc.m {
			t.Errorf("%s: %+v, want %s", tc.name, got, tc.want)
		}
	}
}

// TestJudgePerRep: a per-rep commitment is kept when every rep active in the period kept it, and names who did not;
// a floor over a quarter still running is in progress, a ceiling passed is missed at once.
func TestJudgePerRep(t *testing.T) {
	t.Parallel()
	ann, bob, cid := RepCount{RepID: "ann", Name: "Ann", N: 2}, RepCount{RepID: "bob", Name: "Bob", N: 1}, RepCount{RepID: "cid", Name: "Cid", N: 0}
	for _, tc := range []struct {
		name   string
		p      PerRep
		want   Verdict
		missed []string
	}{
		{"every rep at the floor or above", PerRep{Stated: true, Measured: true, Target: 1, Reps: []RepCount{ann, bob}}, Kept, nil},
		{"one rep below the floor", PerRep{Stated: true, Measured: true, Target: 2, Reps: []RepCount{ann, bob, cid}}, Broken, []string{"bob", "cid"}},
		{"below the floor, the quarter still running", PerRep{Stated: true, Measured: true, Target: 2, Quarter: true, Open: true, Reps: []RepCount{ann, cid}}, InProgress, []string{"cid"}},
		{"below the floor, the quarter over", PerRep{Stated: true, Measured: true, Target: 2, Quarter: true, Reps: []RepCount{ann, cid}}, Broken, []string{"cid"}},
		{"every rep at the ceiling or under", PerRep{Stated: true, Measured: true, Target: 1, AtMost: true, Reps: []RepCount{bob, cid}}, Kept, nil},
		{"a rep over the ceiling", PerRep{Stated: true, Measured: true, Target: 0, AtMost: true, WithinDays: 5, Reps: []RepCount{ann, bob, cid}}, Broken, []string{"ann", "bob"}},
		{"over the ceiling while the period runs", PerRep{Stated: true, Measured: true, Target: 0, AtMost: true, Open: true, Reps: []RepCount{bob}}, Broken, []string{"bob"}},
		{"no target in the contract", PerRep{Measured: true, Reps: []RepCount{ann, cid}}, NotMeasured, nil},
		{"no figures", PerRep{Stated: true, Target: 1}, NotMeasured, nil},
		{"no rep active", PerRep{Stated: true, Measured: true, Target: 1}, NotMeasured, nil},
	} {
		for _, field := range []CommitmentKind{CommitFieldFeedback, CommitIdeas, CommitCRMCare} {
			fs := CommitmentFigures{}
			switch field {
			case CommitFieldFeedback:
				fs.FieldFeedback = tc.p
			case CommitIdeas:
				fs.Ideas = tc.p
			case CommitCRMCare:
				fs.CRMCare = tc.p
			}
			var got Commitment
			for _, c := range Judge(fs) {
				if c.Kind == field {
					got = c
				} else if c.Verdict != NotMeasured {
					t.Errorf("%s: %s judged %s from nothing", tc.name, c.Kind, c.Verdict)
				}
			}
			var missed []string
			for _, r := range got.Missed {
				missed = append(missed, r.RepID)
			}
			if got.Verdict != tc.want || !slices.Equal(missed, tc.missed) || got.Reps == nil {
				t.Errorf("%s (%s): %s, missed %v; want %s, %v", tc.name, field, got.Verdict, missed, tc.want, tc.missed)
			}
		}
	}
}

// TestJudgeNothing: every commitment has its line, in the contract's order, and from no figures every line is
// "not measured".
func TestJudgeNothing(t *testing.T) {
	t.Parallel()
	got := Judge(CommitmentFigures{})
	var kinds []CommitmentKind
	for _, c := range got {
		kinds = append(kinds, c.Kind)
		if c.Verdict != NotMeasured {
			t.Errorf("%s: %s from no figures", c.Kind, c.Verdict)
		}
	}
	if !slices.Equal(kinds, CommitmentKinds) || len(kinds) != 11 {
		t.Errorf("lines %v, want %v", kinds, CommitmentKinds)
	}
}

// TestCommitmentsOfJuly: the hand-computed July (report_test.go) judged. SQLs 7 of 5 kept; MQLs, no target in
// the test contract; contact 4 of 6 against 75% missed; feedback against every SQL; the rest not measured.
func TestCommitmentsOfJuly(t *testing.T) {
	t.Parallel()
	r := Compute(parseContract(t, testContract), july())
	got := map[CommitmentKind]Commitment{}
	for _, c := range r.Commitments {
		got[c.Kind] = c
	}
	s := r.Sales
	want := map[CommitmentKind]Verdict{CommitSQLs: Kept, CommitContact: Broken, CommitAlert: NotMeasured,
		CommitContent: NotMeasured, CommitReview: NotMeasured, CommitAvailability: NotMeasured,
		CommitFieldFeedback: NotMeasured, CommitIdeas: NotMeasured, CommitCRMCare: NotMeasured}
	if r.Marketing.MQLGoal.Set() {
		want[CommitMQLs] = Kept
		if !r.Marketing.MQLGoal.Met() {
			want[CommitMQLs] = Broken
		}
	} else {
		want[CommitMQLs] = NotMeasured
	}
	want[CommitFeedback] = Kept
	if s.Feedback.N < s.Feedback.D {
		want[CommitFeedback] = Broken
	}
	for k, v := range want {
		if got[k].Verdict != v {
			t.Errorf("%s: %s, want %s (%+v)", k, got[k].Verdict, v, got[k])
		}
	}
	if f := got[CommitSQLs].Figure; f.N != 7 || f.Target != 5 {
		t.Errorf("SQLs: %+v, want 7 against 5", f)
	}
	if f := got[CommitContact].Figure; f.N != 4 || f.D != 6 || f.Target != 75 || f.Within != s.FirstContactDeadline {
		t.Errorf("contact: %+v, want 4 of 6 against 75%% within %s", f, s.FirstContactDeadline)
	}
	if f := got[CommitFeedback].Figure; f.N != s.Feedback.N || f.D != s.Feedback.D || f.Target != 100 || f.Within != s.FeedbackDeadline {
		t.Errorf("feedback: %+v, want %+v against 100%% within %s", f, s.Feedback, s.FeedbackDeadline)
	}
	// Stored and read back, the judgement is the same.
	b, err := Encode(r)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if a, z := mustMarshal(t, r.Commitments), mustMarshal(t, back.Commitments); a != z {
		t.Errorf("stored commitments %s, read back %s", a, z)
	}
}

func mustMarshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// commitmentRows is the commitments table of a rendered text part: each line after the section's title, up to
// its note.
func commitmentRows(t *testing.T, text, title, note string) []string {
	t.Helper()
	i := strings.Index(text, strings.ToUpper(title))
	j := strings.Index(text, note[:40])
	if i < 0 || j < i {
		t.Fatalf("no commitments section (%q) in:\n%s", title, text)
	}
	return strings.Split(strings.TrimSpace(text[i+len(strings.ToUpper(title)):j]), "\n")
}

// TestRenderCommitments: every line is there, in both parts and both languages, with its target, figure and
// verdict; a key the contract omits says "not measured" and no target; per-rep lines name who missed.
func TestRenderCommitments(t *testing.T) {
	t.Parallel()
	const nb = "\u00a0"
	c := parseContract(t, testContract)
	r := Compute(c, july())
	// The lines other parts of Handoff fill, filled here as they would be.
	figures := (&computer{c: c, in: july()}).commitmentFigures(r)
	figures.FieldFeedback = PerRep{Stated: true, Measured: true, Target: 2, Reps: []RepCount{{RepID: "ann", Name: "Anna Admin", N: 3},
		{RepID: "bruno", Name: "Bruno Lefèvre", N: 1}, {RepID: "carl", Name: "carl", Left: true, N: 0}}}
	figures.CRMCare = PerRep{Stated: true, Measured: true, Target: 0, AtMost: true, WithinDays: 5, Reps: []RepCount{{RepID: "ann", Name: "Anna Admin"}}}
	figures.Ideas = PerRep{Stated: true, Measured: true, Target: 1, Quarter: true, Open: true, Reps: []RepCount{{RepID: "ann", Name: "Anna Admin"}}}
	r.Commitments = Judge(figures)
	for _, tc := range []struct {
		locale contract.Locale
		lines  map[CommitmentKind][]string // target, figure, verdict
	}{
		{contract.French, map[CommitmentKind][]string{
			CommitSQLs:          {"5 par mois", "7", "✓" + nb + "tenu"},
			CommitMQLs:          {"non fixé par le contrat", "○" + nb + "non" + nb + "mesuré"},
			CommitAlert:         {"chaque SQL, dès sa transmission", "—", "○" + nb + "non" + nb + "mesuré"},
			CommitContent:       {"non fixé par le contrat", "—", "○" + nb + "non" + nb + "mesuré"},
			CommitReview:        {"non fixé par le contrat", "—", "○" + nb + "non" + nb + "mesuré"},
			CommitContact:       {"75" + nb + "% sous 4h", "66,7" + nb + "%" + nb + "(4/6)", "✗" + nb + "non" + nb + "tenu"},
			CommitFeedback:      {"100" + nb + "% sous 16h", "83,3" + nb + "%" + nb + "(5/6)", "✗" + nb + "non" + nb + "tenu"},
			CommitAvailability:  {"non fixé par le contrat", "—", "○" + nb + "non" + nb + "mesuré"},
			CommitFieldFeedback: {"2 par commercial et par mois", "1" + nb + "sur" + nb + "3" + nb + "commerciaux", "Bruno" + nb + "Lefèvre" + nb + ":" + nb + "1", "carl" + nb + "(a" + nb + "quitté" + nb + "l'équipe)" + nb + ":" + nb + "0", "✗" + nb + "non" + nb + "tenu"},
			CommitIdeas:         {"1 par commercial et par trimestre", "0" + nb + "sur" + nb + "1" + nb + "commercial", "Anna" + nb + "Admin" + nb + ":" + nb + "0", "…" + nb + "en" + nb + "cours"},
			CommitCRMCare:       {"au plus 0 SQL sans résultat après 5 jours ouvrés", "1" + nb + "sur" + nb + "1" + nb + "commercial", "✓" + nb + "tenu"},
		}},
		{contract.English, map[CommitmentKind][]string{
			CommitSQLs:          {"5 a month", "7", "✓" + nb + "kept"},
			CommitMQLs:          {"not set in the contract", "○" + nb + "not" + nb + "measured"},
			CommitAlert:         {"every SQL, as it is handed off", "—", "○" + nb + "not" + nb + "measured"},
			CommitContent:       {"not set in the contract", "—", "○" + nb + "not" + nb + "measured"},
			CommitReview:        {"not set in the contract", "—", "○" + nb + "not" + nb + "measured"},
			CommitContact:       {"75% within 4h", "66.7%" + nb + "(4/6)", "✗" + nb + "missed"},
			CommitFeedback:      {"100% within 16h", "83.3%" + nb + "(5/6)", "✗" + nb + "missed"},
			CommitAvailability:  {"not set in the contract", "—", "○" + nb + "not" + nb + "measured"},
			CommitFieldFeedback: {"2 per rep a month", "1" + nb + "of" + nb + "3" + nb + "reps", "Bruno" + nb + "Lefèvre:" + nb + "1", "carl" + nb + "(no" + nb + "longer" + nb + "on" + nb + "the" + nb + "roster):" + nb + "0", "✗" + nb + "missed"},
			CommitIdeas:         {"1 per rep a quarter", "0" + nb + "of" + nb + "1" + nb + "rep", "Anna" + nb + "Admin:" + nb + "0", "…" + nb + "in" + nb + "progress"},
			CommitCRMCare:       {"at most 0 SQLs without an outcome after 5 business days", "1" + nb + "of" + nb + "1" + nb + "rep", "✓" + nb + "kept"},
		}},
	} {
		r.Locale = tc.locale
		e, err := Render(r)
		if err != nil {
			t.Fatal(err)
		}
		f := format{l: tc.locale}
		w := f.cw()
		rows := commitmentRows(t, e.Text, w.Title, w.Note)
		if len(rows) != 1+len(CommitmentKinds) { // the heading, then one line per commitment
			t.Errorf("%s: %d lines in the commitments table, want %d:\n%s", tc.locale, len(rows), 1+len(CommitmentKinds), strings.Join(rows, "\n"))
			continue
		}
		for i, k := range CommitmentKinds {
			label, _ := f.commitmentLabel(k)
			row := rows[i+1]
			if !strings.Contains(row, label) {
				t.Errorf("%s: line %d is %q, want %s's (%q)", tc.locale, i+1, row, k, label)
			}
			for _, want := range tc.lines[k] {
				if !strings.Contains(row, want) {
					t.Errorf("%s: %s's line %q lacks %q", tc.locale, k, row, want)
				}
				if !strings.Contains(strings.ReplaceAll(e.HTML, "\u200b", ""), strings.ReplaceAll(want, "'", "&#39;")) { // less the break opportunities of long runs
					t.Errorf("%s: the HTML lacks %q (%s)", tc.locale, want, k)
				}
			}
		}
		// The section comes first, before marketing's, and the HTML can be reached by its id.
		if strings.Index(e.Text, strings.ToUpper(w.Title)) > strings.Index(e.Text, strings.ToUpper(f.t().Marketing)) ||
			!strings.Contains(e.HTML, `id="commitments"`) {
			t.Errorf("%s: the commitments section is not first, or has no id", tc.locale)
		}
	}
}

// TestRenderStoredBeforeCommitments: a report stored before commitments were judged renders without the section,
// as it did; a commitment or verdict this version has no words for is refused, never shown by its key.
func TestRenderStoredBeforeCommitments(t *testing.T) {
	t.Parallel()
	r := Compute(parseContract(t, testContract), july())
	r.Commitments = nil
	e, err := Render(r)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(e.HTML, `id="commitments"`) || strings.Contains(e.Text, strings.ToUpper(format{l: r.Locale}.cw().Title)) {
		t.Error("a report without commitments shows their section")
	}
	for _, c := range []Commitment{{Kind: "punctuality", Verdict: Kept}, {Kind: CommitSQLs, Verdict: "excellent"}} {
		r.Commitments = []Commitment{c}
		if _, err := Render(r); err == nil {
			t.Errorf("rendered a report with %+v", c)
		}
	}
}

// TestCommitmentsNoTargetContract: a contract without MQL targets nor a contact rate target says "not measured"
// for both, and never invents a target; the SQL target comes from the month in force.
func TestCommitmentsNoTargetContract(t *testing.T) {
	t.Parallel()
	c := parseContract(t, testContract)
	c.Sales.ContactRateTarget = 0
	r := Compute(c, july())
	for _, com := range r.Commitments {
		switch com.Kind {
		case CommitContact, CommitMQLs:
			if com.Verdict != NotMeasured || com.Figure.Stated {
				t.Errorf("%s: %+v, want not measured without a target", com.Kind, com)
			}
		}
	}
	e, err := Render(r)
	if err != nil {
		t.Fatal(err)
	}
	w := format{l: r.Locale}.cw()
	rows := commitmentRows(t, e.Text, w.Title, w.Note)
	for _, row := range rows {
		if l, _ := (format{l: r.Locale}).commitmentLabel(CommitContact); strings.Contains(row, l) &&
			(!strings.Contains(row, w.NotStated) || !strings.Contains(row, w.NotMeasured)) {
			t.Errorf("contact without a target: %q", row)
		}
	}
}

// TestAlertCommitment: the alert is measured when the store read the SQL emails' state: the month's SQLs whose
// email was sent, out of the month's SQLs (every SQL: the target); one never sent (still being sent, abandoned)
// is an SQL sales were not alerted to, one sent a moment after AsOf (in flight as the schedule fired) was.
// Hand-offs of earlier months do not count.
func TestAlertCommitment(t *testing.T) {
	t.Parallel()
	c := parseContract(t, testContract)
	alert := func(in Input) Commitment {
		t.Helper()
		for _, com := range Compute(c, in).Commitments {
			if com.Kind == CommitAlert {
				return com
			}
		}
		t.Fatal("no alert line")
		return Commitment{}
	}
	if got := alert(july()); got.Verdict != NotMeasured || !got.Figure.Stated || got.Figure.Measured {
		t.Errorf("the emails' state not read: %+v, want not measured", got)
	}
	for _, tc := range []struct {
		name    string
		sent    func(i int, h Handoff) time.Time // when hand-off i's email was sent (zero: not sent)
		n       int
		verdict Verdict
	}{
		{"every email sent a second after its hand-off", func(_ int, h Handoff) time.Time { return h.At.Add(time.Second) }, 7, Kept},
		{"one never sent", func(i int, h Handoff) time.Time {
			if i == 0 {
				return time.Time{}
			}
			return h.At.Add(time.Second)
		}, 6, Broken},
		{"one sent a second after the report's instant, handed off long before: missed", func(i int, h Handoff) time.Time {
			if i == 0 {
				return july().AsOf.Add(time.Second)
			}
			return h.At.Add(time.Second)
		}, 6, Broken},
		{"two never sent", func(i int, h Handoff) time.Time {
			if i < 2 {
				return time.Time{}
			}
			return h.At.Add(time.Second)
		}, 5, Broken},
		{"one sent exactly at the report's instant", func(i int, h Handoff) time.Time {
			if i == 0 {
				return july().AsOf
			}
			return h.At.Add(time.Second)
		}, 7, Kept},
	} {
		in := july()
		in.Alerts = true
		month := 0
		for i := range in.Handoffs {
			h := &in.Handoffs[i]
			if contract.MonthOf(h.At.In(c.Location)) != in.Month {
				h.AlertedAt = time.Time{} // an earlier month's SQL: never counted, alerted or not
				continue
			}
			h.AlertedAt = tc.sent(month, *h)
			month++
		}
		got := alert(in)
		if got.Verdict != tc.verdict || got.Figure.N != tc.n || got.Figure.D != 7 || got.Figure.Target != 100 {
			t.Errorf("%s: %s, %d/%d against %d%%; want %s, %d/7", tc.name, got.Verdict, got.Figure.N, got.Figure.D, got.Figure.Target, tc.verdict, tc.n)
		}
	}
}

// TestAlertReassignedAfterAsOf: a reassignment after AsOf replaces the hand-off's email, not when it was
// alerted: the SQL alerted at its hand-off stays alerted, whatever became of the new rep's email.
func TestAlertReassignedAfterAsOf(t *testing.T) {
	t.Parallel()
	c := parseContract(t, testContract)
	in := july()
	in.Alerts = true
	first := true
	for i := range in.Handoffs {
		h := &in.Handoffs[i]
		if contract.MonthOf(h.At.In(c.Location)) != in.Month {
			continue
		}
		h.AlertedAt = h.At.Add(time.Second)
		if first {
			first = false
			h.Assignments = append(h.Assignments, Assignment{RepID: h.RepID, At: in.AsOf.Add(time.Minute)})
		}
	}
	for _, com := range Compute(c, in).Commitments {
		if com.Kind == CommitAlert && (com.Verdict != Kept || com.Figure.N != 7 || com.Figure.D != 7) {
			t.Errorf("reassigned after AsOf: %s %d/%d, want kept 7/7", com.Verdict, com.Figure.N, com.Figure.D)
		}
	}
}

// TestAlertJudgedAsOfAsOf: one SQL's alert judged from its hand-off instant, AsOf and when it was alerted only:
// alerted by AsOf keeps it; not by AsOf misses it, unless handed off less than AlertGrace before AsOf (pending,
// left out); one whose first email's fate is not held is left out.
func TestAlertJudgedAsOfAsOf(t *testing.T) {
	t.Parallel()
	asOf := time.Date(2026, 8, 1, 6, 0, 0, 0, time.UTC)
	long := asOf.Add(-2 * time.Hour)
	for _, tc := range []struct {
		name          string
		asOf          time.Time
		at, alertedAt time.Time
		unknown       bool
		want          alertJudgement
	}{
		{"alerted a second after its hand-off", asOf, long, long.Add(time.Second), false, alertKept},
		{"alerted exactly at AsOf", asOf, long, asOf, false, alertKept},
		{"alerted a second after AsOf", asOf, long, asOf.Add(time.Second), false, alertMissed},
		{"never alerted", asOf, long, time.Time{}, false, alertMissed},
		{"handed off exactly AlertGrace before AsOf, not alerted", asOf, asOf.Add(-AlertGrace), time.Time{}, false, alertMissed},
		{"handed off within the grace, not alerted yet", asOf, asOf.Add(-AlertGrace + time.Second), time.Time{}, false, alertLeftOut},
		{"handed off within the grace, alerted after AsOf", asOf, asOf.Add(-time.Minute), asOf.Add(time.Minute), false, alertLeftOut},
		{"handed off within the grace, alerted by AsOf", asOf, asOf.Add(-time.Minute), asOf.Add(-30 * time.Second), false, alertKept},
		{"stored before alertedAt was kept, reassigned", asOf, long, time.Time{}, true, alertLeftOut},
		{"no AsOf: everything recorded, no grace", time.Time{}, asOf, time.Time{}, false, alertMissed},
		{"no AsOf, alerted", time.Time{}, asOf, asOf.Add(time.Hour), false, alertKept},
	} {
		k := &computer{in: Input{AsOf: tc.asOf}}
		if got := k.alertOf(&Handoff{At: tc.at, AlertedAt: tc.alertedAt, AlertUnknown: tc.unknown}); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}

// TestIdeasCommitments: field feedback (a month) and content ideas (a quarter) per rep of the roster, against the
// contract's sales.feedback_per_month and sales.ideas_per_quarter: kept when every rep of the roster reached it,
// naming who did not; July opens its quarter, so ideas below the target are in progress. Without the keys, not
// measured. The digest, scheduled by the contract, says its target and is not measured.
func TestIdeasCommitments(t *testing.T) {
	t.Parallel()
	in := july()
	rec := func(rep string, kind ideas.Kind, m contract.Month) ideas.Record {
		return ideas.Record{Submission: ideas.Submission{RepID: rep, Kind: kind, At: in.AsOf.Add(-time.Hour)}, Month: m}
	}
	in.Ideas = []ideas.Record{rec("anna", ideas.Feedback, in.Month), rec("bruno", ideas.Feedback, in.Month),
		rec("bruno", ideas.Feedback, in.Month.Prev()), rec("anna", ideas.Idea, in.Month)}
	lines := func(c *contract.Contract) map[CommitmentKind]Commitment {
		out := map[CommitmentKind]Commitment{}
		for _, com := range Compute(c, in).Commitments {
			out[com.Kind] = com
		}
		return out
	}
	c := parseContract(t, testContract)
	var roster []string
	for _, r := range c.Roster.Reps {
		roster = append(roster, r.ID)
	}
	if got := lines(c); got[CommitFieldFeedback].Verdict != NotMeasured || got[CommitIdeas].Verdict != NotMeasured || got[CommitContent].Verdict != NotMeasured {
		t.Errorf("without the keys: %+v", got)
	}
	c.Sales.FeedbackPerMonth, c.Sales.IdeasPerQuarter = 1, 1
	got := lines(c)
	missedIDs := func(com Commitment) []string {
		var ids []string
		for _, r := range com.Missed {
			ids = append(ids, r.RepID)
		}
		return ids
	}
	// Every rep of the roster is judged; those who wrote no feedback in July missed it (bruno's June one counts not).
	var noFeedback, noIdea []string
	for _, id := range roster {
		if id != "anna" && id != "bruno" {
			noFeedback = append(noFeedback, id)
		}
		if id != "anna" {
			noIdea = append(noIdea, id)
		}
	}
	fb, id := got[CommitFieldFeedback], got[CommitIdeas]
	if len(fb.Reps.Reps) != len(roster) || !slices.Equal(missedIDs(fb), noFeedback) || fb.Verdict != map[bool]Verdict{true: Kept, false: Broken}[len(noFeedback) == 0] {
		t.Errorf("field feedback: %s, missed %v, want %v", fb.Verdict, missedIDs(fb), noFeedback)
	}
	if !slices.Equal(missedIDs(id), noIdea) || id.Verdict != InProgress || !id.Reps.Open || !id.Reps.Quarter {
		t.Errorf("ideas in July: %s, missed %v, want in progress, %v", id.Verdict, missedIDs(id), noIdea)
	}
	// A contract that schedules the digest states its target; its figures are not read: not measured.
	c.Marketing.Digest = &contract.Digest{Day: time.Monday, Hour: 8, Minute: 30, Location: c.Location}
	r := Compute(c, in)
	e, err := Render(r)
	if err != nil {
		t.Fatal(err)
	}
	w := format{l: r.Locale}.cw()
	for _, row := range commitmentRows(t, e.Text, w.Title, w.Note) {
		if strings.Contains(row, w.Content) && (!strings.Contains(row, w.TargetDigest) || !strings.Contains(row, w.NotMeasured)) {
			t.Errorf("the digest's line: %q", row)
		}
	}
	// September closes the quarter: behind then is missed.
	in.Month = contract.Month{Year: 2026, Month: time.September}
	for i := range in.Ideas {
		in.Ideas[i].Month = in.Month
	}
	if got := lines(c)[CommitIdeas]; got.Verdict != Broken || got.Reps.Open {
		t.Errorf("ideas in September: %s (open %v), want missed", got.Verdict, got.Reps.Open)
	}
}

// TestContentCommitment: the weekly digest (marketing.digest) is judged on every digest due in the month sent —
// one per rep and week that had something new, up to AsOf — with the pieces the sent ones shared. A digest given
// up (or whose outcome is unknown) misses it; one due after AsOf is not counted; no digest due at all, or the
// digests not read, or no digest in the contract, is not measured.
func TestContentCommitment(t *testing.T) {
	t.Parallel()
	c := parseContract(t, testContract)
	digest := &contract.Digest{Day: time.Monday, Hour: 8, Minute: 30, Location: c.Location}
	base := july()
	week := func(n int) time.Time { return time.Date(2026, 7, 6+7*n, 8, 30, 0, 0, c.Location) }
	// Pieces a and b went to two reps or in two weeks: each is one piece shared.
	sent := []records.WeeklyDigest{{RepID: "anna", Slot: week(0), Pieces: []string{"blog#a", "blog#b"}, Sent: true},
		{RepID: "bruno", Slot: week(0), Pieces: []string{"blog#a"}, Sent: true}, {RepID: "anna", Slot: week(2), Pieces: []string{"blog#b", "blog#c"}, Sent: true}}
	lost := records.WeeklyDigest{RepID: "bruno", Slot: week(3), Pieces: []string{"blog#d"}}
	afterAsOf := records.WeeklyDigest{RepID: "anna", Slot: base.AsOf.Add(time.Hour), Pieces: []string{"blog#e"}}
	tests := []struct {
		name      string
		digest    *contract.Digest
		read      bool
		digests   []records.WeeklyDigest
		verdict   Verdict
		n, d, pcs int
	}{
		{"every digest due sent", digest, true, append(sent, afterAsOf), Kept, 3, 3, 3},
		{"one given up", digest, true, append(sent, lost), Broken, 3, 4, 3},
		{"no digest due: nothing published for anyone", digest, true, nil, NotMeasured, 0, 0, 0},
		{"the digests not read", digest, false, sent, NotMeasured, 3, 3, 3},
		{"no digest in the contract", nil, true, sent, NotMeasured, 3, 3, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c.Marketing.Digest = tc.digest
			in := july()
			in.DigestsRead, in.Digests = tc.read, tc.digests
			r := Compute(c, in)
			for _, com := range r.Commitments {
				if com.Kind != CommitContent {
					continue
				}
				if com.Verdict != tc.verdict || com.Figure.N != tc.n || com.Figure.D != tc.d || com.Figure.Pieces != tc.pcs {
					t.Errorf("%s %d/%d, %d pieces; want %s %d/%d, %d pieces", com.Verdict, com.Figure.N, com.Figure.D,
						com.Figure.Pieces, tc.verdict, tc.n, tc.d, tc.pcs)
				}
			}
			if tc.verdict != Broken {
				return
			}
			e, err := Render(r)
			if err != nil {
				t.Fatal(err)
			}
			w := format{l: r.Locale}.cw()
			found := false
			for _, row := range commitmentRows(t, e.Text, w.Title, w.Note) {
				if strings.Contains(row, w.Content) {
					found = true
					if !strings.Contains(row, "(3/4)") || !strings.Contains(row, "3\u00a0contenus partagés") || !strings.Contains(row, w.Missed) {
						t.Errorf("the content line: %q", row)
					}
				}
			}
			if !found {
				t.Error("no content line")
			}
		})
	}
}

// TestContentWeekNeverRan: a week of the month whose digest never ran (no digest recorded for its slot) although
// pieces were listed for someone is due for each rep with pieces for them, and missed; a week that ran, a piece
// for nobody, and a slot after AsOf add nothing.
func TestContentWeekNeverRan(t *testing.T) {
	t.Parallel()
	c := parseContract(t, testContract)
	c.Marketing.Digest = &contract.Digest{Day: time.Monday, Hour: 8, Minute: 30, Location: c.Location}
	week := func(n int) time.Time { return time.Date(2026, 7, 6+7*n, 8, 30, 0, 0, c.Location) }
	sent := []records.WeeklyDigest{{RepID: "anna", Slot: week(0), Pieces: []string{"blog#1"}, Sent: true},
		{RepID: "bruno", Slot: week(0), Pieces: []string{"blog#1"}, Sent: true}}
	ranWeek := records.ListedPiece{Key: "blog#1", SharedFrom: week(0).Add(-time.Hour)}
	neverRan := records.ListedPiece{Key: "blog#2", SharedFrom: week(1).Add(-time.Hour)}
	forNobody := records.ListedPiece{Key: "blog#3", SharedFrom: week(2).Add(-time.Hour), Segments: []string{"smb"}}
	afterAsOf := records.ListedPiece{Key: "blog#4", SharedFrom: week(4).Add(-time.Hour)} // slot 3 August
	for _, tc := range []struct {
		name    string
		digests []records.WeeklyDigest
		listed  []records.ListedPiece
		verdict Verdict
		n, d    int
	}{
		{"every week that had pieces ran", sent, []records.ListedPiece{ranWeek, forNobody, afterAsOf}, Kept, 2, 2},
		{"a week never ran: both reps missed it", sent, []records.ListedPiece{ranWeek, neverRan, forNobody, afterAsOf}, Broken, 2, 4},
		{"no digest ran all month", nil, []records.ListedPiece{neverRan}, Broken, 0, 2},
		{"nothing listed for anyone", nil, []records.ListedPiece{forNobody, afterAsOf}, NotMeasured, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := july()
			in.DigestsRead, in.Digests, in.Listed = true, tc.digests, tc.listed
			for _, com := range Compute(c, in).Commitments {
				if com.Kind == CommitContent && (com.Verdict != tc.verdict || com.Figure.N != tc.n || com.Figure.D != tc.d) {
					t.Errorf("%s %d/%d; want %s %d/%d", com.Verdict, com.Figure.N, com.Figure.D, tc.verdict, tc.n, tc.d)
				}
			}
		})
	}
}
