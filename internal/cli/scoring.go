package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/scoring"
	"github.com/handoff-sla/handoff/internal/store"
	"github.com/handoff-sla/handoff/internal/whatif"
)

// scoreLead prints one lead's score and explanation under a contract.
const (
	scoreUsage = `usage: handoff score --contract FILE --lead FILE [--at RFC3339]
  Print one lead's score, stage and explanation (the lead is one record of handoff export).
`
	whatifUsage = `usage: handoff whatif --current FILE --proposed FILE --export FILE
  Replay exported leads under both contracts: MQLs and SQLs month by month, side by side.
`
	exportUsage = `usage: handoff export [--dynamodb-endpoint URL] [--leads-table T] [--activities-table T] > leads.jsonl
  Write every stored lead and its activities (JSON Lines) for score and whatif.
`
)

func scoreLead(args []string, stdout, stderr io.Writer, now func() time.Time) int {
	fs := flags("score", scoreUsage)
	file := fs.String("contract", "infra/contract/contract.yaml", "contract file")
	leadFile := fs.String("lead", "", "a lead and its activities, as one record of `handoff export` (required)")
	atFlag := fs.String("at", "", "score at this RFC 3339 instant (default: now)")
	if code, done := parse(fs, args, stdout, stderr); done {
		return code
	}
	problems := extra(fs)
	if *leadFile == "" {
		problems = append(problems, "--lead is required")
	}
	at := now()
	if *atFlag != "" {
		t, err := time.Parse(time.RFC3339, *atFlag)
		if err != nil {
			problems = append(problems, fmt.Sprintf("--at must be an RFC 3339 instant, got %q", *atFlag))
		}
		at = t
	}
	if len(problems) > 0 {
		return misuse(fs, stderr, problems...)
	}
	c, rules, code := scoringContract(*file, stderr)
	if rules == nil {
		return code
	}
	f, err := os.Open(*leadFile)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	defer f.Close()
	recs, err := whatif.Read(f)
	switch {
	case err != nil:
		fmt.Fprintf(stderr, "%s: %v\n", *leadFile, err)
		return 1
	case len(recs) != 1:
		fmt.Fprintf(stderr, "%s: want one lead record, got %d\n", *leadFile, len(recs))
		return 1
	}
	rec := recs[0]
	r := scoring.Score(rules, rec.Lead.Profile, rec.LeadActivities(), at)
	stage := string(r.Qualifies)
	if stage == "" {
		stage = "neither MQL nor SQL"
	}
	fmt.Fprintf(stdout, "%s at %s: fit %g + behaviour %g = %g%s -> %s (MQL %g, SQL %g", rec.Lead.ID,
		at.In(c.Location).Format("2006-01-02 15:04 MST"), r.Fit, r.Behaviour, r.Total, exactly(rules, r),
		strings.ToUpper(stage), rules.MQL, rules.SQL)
	if rules.MQLMinFit != nil {
		fmt.Fprintf(stdout, ", MQL needs fit >= %g", *rules.MQLMinFit)
	}
	if rules.SQLMinFit != nil {
		fmt.Fprintf(stdout, ", SQL needs fit >= %g", *rules.SQLMinFit)
	}
	fmt.Fprintln(stdout, ")")
	for _, e := range r.Explanation {
		what := note(rules, e)
		if e.ActivityType != "" {
			what = strings.TrimSpace(fmt.Sprintf("%s %s %s", e.ActivityType, e.At.In(c.Location).Format("2006-01-02"), what))
		}
		fmt.Fprintf(stdout, "  %+7.2f  %-12s %-18s %s\n", e.Points, e.Kind, e.Rule, what)
	}
	if _, dup := scoring.Distinct(rec.LeadActivities()); dup > 0 {
		fmt.Fprintf(stdout, "(%d repeated activity ID(s) in %s: each activity counted once)\n", dup, *leadFile)
	}
	return 0
}

// exactly shows the exact score beside the rounded one when rounding puts them on two sides of a threshold or
// minimum fit (69.996 shows as 70 but is below an SQL threshold of 70): " (exactly 69.996, below SQL 70)".
func exactly(rules *contract.Scoring, r scoring.Result) string {
	type limit struct {
		name         string
		shown, exact float64
		at           *float64
	}
	limits := []limit{{"MQL", r.Total, r.Exact.Total, &rules.MQL}, {"SQL", r.Total, r.Exact.Total, &rules.SQL},
		{"the MQL minimum fit", r.Fit, r.Exact.Fit, rules.MQLMinFit}, {"the SQL minimum fit", r.Fit, r.Exact.Fit, rules.SQLMinFit}}
	var notes []string
	for _, l := range limits {
		if l.at == nil || (l.shown >= *l.at) == scoring.Reaches(l.exact, *l.at) {
			continue
		}
		side := "below"
		if scoring.Reaches(l.exact, *l.at) {
			side = "reaching"
		}
		what := "total"
		if strings.Contains(l.name, "fit") {
			what = "fit"
		}
		notes = append(notes, fmt.Sprintf("%s exactly %s, %s %s %g", what, precise(l.exact, *l.at), side, l.name, *l.at))
	}
	if len(notes) == 0 {
		return ""
	}
	return " (" + strings.Join(notes, "; ") + ")"
}

// precise writes x with the fewest decimals (at least 3) that keep it on its side of threshold.
func precise(x, threshold float64) string {
	for p := 3; p < 15; p++ {
		s := strconv.FormatFloat(x, 'f', p, 64)
		if v, _ := strconv.ParseFloat(s, 64); scoring.Reaches(v, threshold) == scoring.Reaches(x, threshold) {
			return strings.TrimRight(strings.TrimRight(s, "0"), ".")
		}
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// scoringSummary states the scoring rules the way the engine applies them, the unwritten parts included
// (how long points last, how caps count), so both teams sign what will be computed.
func scoringSummary(w io.Writer, s *contract.Scoring) {
	minFit := func(p *float64) string {
		if p == nil {
			return "none"
		}
		return strconv.FormatFloat(*p, 'f', -1, 64)
	}
	fmt.Fprintf(w, "  scoring: MQL at %g, SQL at %g, on the exact total (shown to the cent); minimum fit: MQL %s, SQL %s\n",
		s.MQL, s.SQL, minFit(s.MQLMinFit), minFit(s.SQLMinFit))
	// Conditions compare as contract.Fold does; say which folding, since "ignore case" alone was read two ways.
	fmt.Fprintf(w, "    %d fit rule(s); equals, in, contains ignore surrounding spaces and case (Unicode full case folding: ß is ss; "+
		"accents count: É is not E); a missing field is \"\"\n", len(s.Fit))
	if len(s.Behaviour) > 0 {
		fmt.Fprintln(w, "    behaviour, per activity (one activity counts for every rule it matches; an activity ID once, its earliest copy):")
		width := 0
		for _, b := range s.Behaviour {
			width = max(width, len(b.ID))
		}
		for _, b := range s.Behaviour {
			fmt.Fprintf(w, "      %-*s  %s\n", width, b.ID, describeBehaviour(b))
		}
	}
	ids := func(n int, id func(int) string) string {
		out := make([]string, n)
		for i := range out {
			out[i] = id(i)
		}
		return strings.Join(out, ", ")
	}
	fmt.Fprintf(w, "    %d hand-raiser(s), SQL whatever the score: %s; %d disqualifier(s), never MQL or SQL, before any hand-raiser: %s\n",
		len(s.HandRaisers), ids(len(s.HandRaisers), func(i int) string { return s.HandRaisers[i].ID }),
		len(s.Disqualifiers), ids(len(s.Disqualifiers), func(i int) string { return s.Disqualifiers[i].ID }))
}

// describeBehaviour says what one activity brings under a rule and for how long: "page_view where url
// contains /tarifs: 10, at most 30 in any 30 days (freshest first), halves every 14 days, gone after 93 days".
func describeBehaviour(b contract.BehaviourRule) string {
	what := b.Type
	if len(b.Where) > 0 {
		keys := make([]string, 0, len(b.Where))
		for k := range b.Where {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		conds := make([]string, len(keys))
		for i, k := range keys {
			conds[i] = k + " " + b.Where[k].String()
		}
		what += " where " + strings.Join(conds, " and ")
	}
	parts := []string{fmt.Sprintf("%s: %g", what, b.Points)}
	if b.CapPoints > 0 {
		parts = append(parts, fmt.Sprintf("at most %g in any %d days (freshest first)", b.CapPoints, b.CapDays))
	}
	switch {
	case b.WindowDays > 0:
		parts = append(parts, fmt.Sprintf("for %d days (not at exactly %d days)", b.WindowDays, b.WindowDays))
	case b.HalfLifeDays > 0:
		// Points under 1% of their value are dropped: after log2(100) half-lives.
		gone := strconv.FormatFloat(math.Round(b.HalfLifeDays*math.Log2(100)*10)/10, 'f', -1, 64)
		parts = append(parts, fmt.Sprintf("halves every %g days, gone after %s days (under 1%%)", b.HalfLifeDays, gone))
	default:
		parts = append(parts, "for ever")
	}
	return strings.Join(parts, ", ")
}

// printWarnings lists a valid contract's likely mistakes, like problems but marked as warnings: the contract
// still loads (exit 0) and every function accepts it.
func printWarnings(file string, warnings []contract.Problem, w io.Writer) {
	for _, p := range warnings {
		fmt.Fprintf(w, "%s:%d: warning: %s: %s\n", file, p.Line, p.Path, p.Message)
	}
	if len(warnings) > 0 {
		fmt.Fprintf(w, "%d warning(s): the contract is valid, but check these\n", len(warnings))
	}
}

func scoringContract(file string, stderr io.Writer) (*contract.Contract, *contract.Scoring, int) {
	c, err := contract.Load(file)
	if err != nil {
		return nil, nil, reportLoadError(file, err, stderr)
	}
	if c.Scoring == nil {
		fmt.Fprintf(stderr, "%s has no scoring section\n", file)
		return nil, nil, 1
	}
	return c, c.Scoring, 0
}

// whatIf compares the MQLs and SQLs of the current and a proposed contract, month by month.
func whatIf(args []string, stdout, stderr io.Writer) int {
	fs := flags("whatif", whatifUsage)
	current := fs.String("current", "infra/contract/contract.yaml", "the contract in force")
	proposed := fs.String("proposed", "", "the edited contract (required)")
	export := fs.String("export", "", "leads and activities from `handoff export` (required)")
	if code, done := parse(fs, args, stdout, stderr); done {
		return code
	}
	problems := extra(fs)
	if *proposed == "" {
		problems = append(problems, "--proposed is required")
	}
	if *export == "" {
		problems = append(problems, "--export is required")
	}
	if len(problems) > 0 {
		return misuse(fs, stderr, problems...)
	}
	cur, curRules, code := scoringContract(*current, stderr)
	if curRules == nil {
		return code
	}
	_, propRules, code := scoringContract(*proposed, stderr)
	if propRules == nil {
		return code
	}
	f, err := os.Open(*export)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	defer f.Close()
	recs, err := whatif.Read(f)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", *export, err)
		return 1
	}
	fmt.Fprintf(stdout, "%d leads replayed. MQL: entries into MQL or straight to SQL (a lead that decays and requalifies counts again); SQL: hand-offs, once per lead\n", len(recs))
	dup := 0
	for _, rec := range recs {
		_, n := scoring.Distinct(rec.LeadActivities())
		dup += n
	}
	if dup > 0 {
		fmt.Fprintf(stdout, "%d repeated activity ID(s) in %s: each activity counted once\n", dup, *export)
	}
	whatif.Table(stdout, whatif.Replay(curRules, cur.Location, recs), whatif.Replay(propRules, cur.Location, recs))
	return 0
}

// exportLeads writes every stored lead and its activities as JSON Lines, for whatif and score.
func exportLeads(args []string, stdout, stderr io.Writer) int {
	fs := flags("export", exportUsage)
	endpoint := fs.String("dynamodb-endpoint", "", "DynamoDB endpoint (the URL make run prints); empty uses AWS")
	leadsTable := fs.String("leads-table", "handoff-local-leads", "leads table")
	activitiesTable := fs.String("activities-table", "handoff-local-activities", "activities table")
	if code, done := parse(fs, args, stdout, stderr); done {
		return code
	}
	if problems := extra(fs); len(problems) > 0 {
		return misuse(fs, stderr, problems...)
	}
	ctx := context.Background()
	db, err := dynamoDB(ctx, *endpoint)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	enc := json.NewEncoder(stdout)
	n := 0
	err = store.ExportLeads(ctx, db, store.Tables{Leads: *leadsTable, Activities: *activitiesTable}, func(ld lead.Lead, acts []lead.Activity) error {
		var rec whatif.Record
		rec.Lead.ID, rec.Lead.Profile = ld.ID, scoring.ProfileOf(ld)
		for _, a := range acts {
			rec.Activities = append(rec.Activities, whatif.Activity{ID: a.ID, Type: a.Type, OccurredAt: a.OccurredAt, Properties: a.Properties})
		}
		n++
		return enc.Encode(rec)
	})
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintf(stderr, "%d leads exported\n", n)
	return 0
}
