// Package scoring computes a lead's score from the contract's rules — fit (who the lead is) plus behaviour
// (what it did, decaying with time) — with an explanation of every point, and decides the lead's stage.
//
// A score is a pure function of the rules, the lead, all its activities and an instant: recomputing it from
// the whole history is how the score function stays idempotent (an activity can never count twice).
package scoring

import (
	"math"
	"sort"
	"strings"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/lead"
)

// Profile holds the lead's values for the fit fields (contract.FitFields), e.g. "job_title", "free_mail".
type Profile map[string]string

// Contribution is one line of the explanation: a rule that gave (or took) points, and what it saw — recorded as
// data, never as prose, so that each surface says it in its own words and language (the SQL email: "Fonction :
// Directeur industriel — +20"), and never shows a rule's condition (a regular expression means nothing to sales).
type Contribution struct {
	Rule string `json:"rule"`
	Kind string `json:"kind"` // fit | behaviour | hand_raiser | disqualifier
	// Points are rounded to the cent for display, so that the lines add up to the shown fit and behaviour.
	Points       float64   `json:"points"`
	ActivityID   string    `json:"activityId,omitempty"`
	ActivityType string    `json:"activityType,omitempty"`
	At           time.Time `json:"at,omitzero"`
	// Field is the fit field a fit rule or a disqualifier tested, Value the lead's value it matched (trimmed).
	// For a rule on activities, Field is the activity property its condition tested first (by name) and Value
	// the activity's: "url", "/tarifs". Empty when the rule tests no value.
	Field string `json:"field,omitempty"`
	Value string `json:"value,omitempty"`
	// Read says how a number in text was read ("\"1.200\": 1200"), or why it could not be (contract.Condition's
	// Check): for the ops' tools, never shown to sales. Unread is true when the value could not be read without
	// guessing: the rule gave no points (a fit rule) or did not apply (a disqualifier).
	Read   string `json:"read,omitempty"`
	Unread bool   `json:"unread,omitempty"`
	// Capped is true when the rule's cap cut this activity's points; Base is the points before decay and Decay
	// the factor applied (0 when the points are not shown as decayed: no half-life, or decayed under 0.5%).
	Capped bool    `json:"capped,omitempty"`
	Base   float64 `json:"base,omitempty"`
	Decay  float64 `json:"decay,omitempty"`
	// Note is the English note explanations were stored with before they were data: read back from older
	// records, never written, never shown (the surfaces phrase a line from the rule and the fields above).
	Note string `json:"note,omitempty"`
}

// Result is a lead's score at an instant.
type Result struct {
	// Fit, Behaviour and Total are the score as shown and stored: rounded to the cent, Fit + Behaviour = Total,
	// and each the sum of its explanation lines. They are never compared with the thresholds: Exact is.
	Fit, Behaviour, Total float64
	// Exact is the score before any rounding; the thresholds and minimum fits are compared with it.
	Exact Points
	// Qualifies is the stage the exact score alone reaches: lead.SQL, lead.MQL, or "" (neither).
	Qualifies      lead.Stage
	HandRaiser     string    // the hand-raiser rule that fired, if any
	HandRaisedAt   time.Time // the latest activity that fired it
	DisqualifiedBy string    // the disqualifier that fired, if any
	Explanation    []Contribution
	// Decays is true when time alone will change the behaviour score (the daily decay job re-scores it).
	Decays bool
}

// Points is a score, unrounded.
type Points struct{ Fit, Behaviour, Total float64 }

const day = 24 * time.Hour

// tolerance absorbs the binary floating-point error of adding decimal points (0.7 + 0.1 is 0.7999999999999999):
// it is far below a cent, and far above the error of summing a lead's lines.
const tolerance = 1e-9

// Reaches reports whether an exact score reaches a threshold.
func Reaches(score, threshold float64) bool { return score >= threshold-tolerance }

// Score computes a lead's score at instant at. Activities after at are ignored.
func Score(rules *contract.Scoring, p Profile, acts []lead.Activity, at time.Time) Result {
	var r Result
	// Numbers in text ("1.200", "1,200") are read as the lead's country writes them, else the contract's locale.
	n := contract.Numbers{Country: p["country"], Locale: rules.Locale}
	for _, f := range rules.Fit {
		v := strings.TrimSpace(p[f.Field])
		ok, read := f.When.Check(v, n)
		switch {
		case ok:
			r.add(Contribution{Rule: f.ID, Kind: "fit", Field: f.Field, Value: v, Read: read}, f.Points)
		case read != "":
			// A value that cannot be read without guessing: no points, and the explanation says why.
			r.add(Contribution{Rule: f.ID, Kind: "fit", Field: f.Field, Value: v, Read: read, Unread: true}, 0)
		}
	}
	acts, _ = Distinct(acts)
	past := make([]lead.Activity, 0, len(acts))
	for _, a := range acts {
		if !a.OccurredAt.After(at) {
			past = append(past, a)
		}
	}
	// Most recent first: under a cap, the freshest signals are the ones that count. The order is total, so
	// the score and its explanation never depend on the order the activities came in.
	sort.Slice(past, func(i, j int) bool { return fresher(past[i], past[j]) })
	for _, b := range rules.Behaviour {
		r.behaviour(b, past, at, n)
	}
	for _, h := range rules.HandRaisers {
		if a, ok := firstMatch(past, h.Type, h.Where, n); ok && r.HandRaiser == "" {
			r.HandRaiser, r.HandRaisedAt = h.ID, a.OccurredAt
			field, value := property(h.Where, a)
			r.add(Contribution{Rule: h.ID, Kind: "hand_raiser", ActivityID: a.ID,
				ActivityType: a.Type, At: a.OccurredAt, Field: field, Value: value}, 0)
		}
	}
	for _, d := range rules.Disqualifiers {
		if r.DisqualifiedBy != "" {
			break
		}
		if d.Activity != "" {
			if a, ok := firstMatch(past, d.Activity, nil, n); ok {
				r.DisqualifiedBy = d.ID
				r.add(Contribution{Rule: d.ID, Kind: "disqualifier", ActivityID: a.ID,
					ActivityType: a.Type, At: a.OccurredAt}, 0)
			}
			continue
		}
		v := strings.TrimSpace(p[d.Field])
		switch ok, read := d.When.Check(v, n); {
		case ok:
			r.DisqualifiedBy = d.ID
			r.add(Contribution{Rule: d.ID, Kind: "disqualifier", Field: d.Field, Value: v, Read: read}, 0)
		case read != "":
			r.add(Contribution{Rule: d.ID, Kind: "disqualifier", Field: d.Field, Value: v, Read: read, Unread: true}, 0)
		}
	}
	r.round()
	x := r.Exact
	switch {
	case r.DisqualifiedBy != "":
	case r.HandRaiser != "":
		r.Qualifies = lead.StageSQL
	case Reaches(x.Total, rules.SQL) && atLeast(x.Fit, rules.SQLMinFit):
		r.Qualifies = lead.StageSQL
	case Reaches(x.Total, rules.MQL) && atLeast(x.Fit, rules.MQLMinFit):
		r.Qualifies = lead.StageMQL
	}
	return r
}

// fresher orders activities most recent first, then by ID, type and properties.
func fresher(a, b lead.Activity) bool {
	switch {
	case !a.OccurredAt.Equal(b.OccurredAt):
		return a.OccurredAt.After(b.OccurredAt)
	case a.ID != b.ID:
		return a.ID > b.ID
	}
	return content(a) > content(b)
}

// content is an activity's type and properties, in a fixed order.
func content(a lead.Activity) string {
	keys := make([]string, 0, len(a.Properties))
	for k := range a.Properties {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(a.Type)
	for _, k := range keys {
		b.WriteString("\x00" + k + "\x00" + a.Properties[k])
	}
	return b.String()
}

// Distinct returns the activities with each ID once, and how many copies it left out. The store's key keeps
// an activity once, but an export edited or merged by hand can repeat one, and score and whatif must count it
// once too. Of copies, the one that occurred first is kept (at one instant, the first by type, then by
// properties: never the order they came in). Activities without an ID are all kept, though none comes from the
// product: ingest gives every activity an ID, and the store and whatif.Read refuse one without.
func Distinct(acts []lead.Activity) ([]lead.Activity, int) {
	first := make(map[string]int, len(acts))
	out := make([]lead.Activity, 0, len(acts))
	for _, a := range acts {
		if a.ID == "" {
			out = append(out, a)
			continue
		}
		i, seen := first[a.ID]
		switch {
		case !seen:
			first[a.ID] = len(out)
			out = append(out, a)
		case a.OccurredAt.Before(out[i].OccurredAt) || a.OccurredAt.Equal(out[i].OccurredAt) && content(a) < content(out[i]):
			out[i] = a
		}
	}
	return out, len(acts) - len(out)
}

// atLeast reports whether an exact fit meets an optional minimum: no minimum set is no minimum at all, not 0.
func atLeast(fit float64, min *float64) bool { return min == nil || Reaches(fit, *min) }

// add appends a line of the explanation worth exact points (0 for the lines that only say something).
func (r *Result) add(c Contribution, exact float64) {
	switch c.Kind {
	case "fit":
		r.Exact.Fit += exact
	case "behaviour":
		r.Exact.Behaviour += exact
	}
	c.Points = exact // rounded by round, once every line is in
	r.Explanation = append(r.Explanation, c)
}

// round turns the exact lines into cents for display and storage: the total is the exact total rounded to the
// cent; it is shared between fit and behaviour, and each of those between its lines, by largest remainder, so
// the shown lines add up to the shown fit and behaviour, and those to the shown total. A behaviour line worth
// less than half a cent is not shown (it still counts in the exact score).
func (r *Result) round() {
	r.Exact.Total = r.Exact.Fit + r.Exact.Behaviour
	var fit, behaviour []int // the lines that carry points (a line that only says something stays at 0)
	for i, c := range r.Explanation {
		switch {
		case c.Points == 0:
		case c.Kind == "fit":
			fit = append(fit, i)
		case c.Kind == "behaviour":
			behaviour = append(behaviour, i)
		}
	}
	groups := [][]int{fit, behaviour}
	exact := []float64{r.Exact.Fit, r.Exact.Behaviour}
	var present []float64
	for g := range groups {
		if len(groups[g]) > 0 {
			present = append(present, exact[g])
		}
	}
	shares := apportion(present, cents(r.Exact.Total))
	subtotal := make([]int64, 2)
	for g := range groups {
		if len(groups[g]) > 0 {
			subtotal[g], shares = shares[0], shares[1:]
		}
	}
	for g, idx := range groups {
		xs := make([]float64, len(idx))
		for k, i := range idx {
			xs[k] = r.Explanation[i].Points
		}
		for k, c := range apportion(xs, subtotal[g]) {
			r.Explanation[idx[k]].Points = float64(c) / 100
		}
	}
	r.Fit, r.Behaviour = float64(subtotal[0])/100, float64(subtotal[1])/100
	r.Total = float64(subtotal[0]+subtotal[1]) / 100
	kept := r.Explanation[:0]
	for _, c := range r.Explanation {
		if c.Kind == "behaviour" && c.Points == 0 {
			continue
		}
		kept = append(kept, c)
	}
	r.Explanation = kept
}

// cents rounds points to the nearest cent (half away from zero), ignoring float noise below a millionth of a cent.
func cents(x float64) int64 { return int64(math.Round(snap(x * 100))) }

func snap(c float64) float64 { return math.Round(c*1e6) / 1e6 }

// apportion rounds exact points to cents that add up to target cents (largest remainder): each value gets its
// floor, and the cents left go to the largest remainders first (the earliest line on a tie); when the floors
// already exceed the target, cents are taken from the smallest remainders first.
func apportion(xs []float64, target int64) []int64 {
	out := make([]int64, len(xs))
	if len(xs) == 0 {
		return out
	}
	order := make([]int, len(xs))
	rem := make([]float64, len(xs))
	var sum int64
	for i, x := range xs {
		c := snap(x * 100)
		f := math.Floor(c)
		out[i], rem[i], order[i] = int64(f), c-f, i
		sum += out[i]
	}
	sort.SliceStable(order, func(a, b int) bool { return rem[order[a]] > rem[order[b]] })
	for k := 0; sum < target; k++ {
		out[order[k%len(xs)]]++
		sum++
	}
	for k := 0; sum > target; k++ {
		out[order[len(xs)-1-k%len(xs)]]--
		sum--
	}
	return out
}

// behaviour adds one rule's points: per matching activity, capped over any CapDays days, decayed by age.
func (r *Result) behaviour(b contract.BehaviourRule, past []lead.Activity, at time.Time, n contract.Numbers) {
	// A cap bounds the undecayed points counted in any CapDays days. Activities come freshest first, so each
	// one gets what room the fresher ones it shares such a span with left (the last one partly): the freshest
	// count, and what counts never depends on the scoring instant — only decay does.
	type counted struct {
		at     time.Time
		points float64
	}
	var window []counted // counted activities, freshest first
	head, used := 0, 0.0 // window[head:] are less than CapDays fresher than the activity at hand; used is their sum
	for _, a := range past {
		if a.Type != b.Type || !where(b.Where, a.Properties, n) {
			continue
		}
		age := at.Sub(a.OccurredAt)
		points, capped := b.Points, false
		if b.CapPoints > 0 {
			span := time.Duration(b.CapDays) * day
			for head < len(window) && !window[head].at.Before(a.OccurredAt.Add(span)) {
				used -= window[head].points
				head++
			}
			room := b.CapPoints - used
			if room <= tolerance {
				continue // capped: fresher activities used the room
			}
			magnitude := math.Abs(points) // a negative rule is capped alike: at most CapPoints taken away
			if magnitude > room+tolerance {
				magnitude, capped = room, true
			}
			window = append(window, counted{a.OccurredAt, magnitude})
			used += magnitude
			points = math.Copysign(magnitude, points)
		}
		var factor, base, decay float64
		switch {
		case b.WindowDays > 0:
			if age >= time.Duration(b.WindowDays)*day {
				continue // out of the window: counts no more
			}
			r.Decays = true
		case b.HalfLifeDays > 0:
			factor = math.Pow(0.5, age.Hours()/24/b.HalfLifeDays)
			if factor < minFactor {
				continue // below 1%: too old to matter, and no longer worth a daily re-score
			}
			if factor < 0.995 { // "decayed to 100%" says nothing
				base, decay = points, factor
			}
			points *= factor
			r.Decays = true
		}
		if points == 0 {
			continue
		}
		field, value := property(b.Where, a)
		r.add(Contribution{Rule: b.ID, Kind: "behaviour", ActivityID: a.ID, ActivityType: a.Type, At: a.OccurredAt,
			Field: field, Value: value, Capped: capped, Base: base, Decay: decay}, points)
	}
}

// property is the activity property a rule's conditions test first (by name) and the activity's value of it:
// what the explanation shows of the activity ("/tarifs"), never the condition itself. None without conditions.
func property(conds map[string]contract.Condition, a lead.Activity) (field, value string) {
	if len(conds) == 0 {
		return "", ""
	}
	keys := make([]string, 0, len(conds))
	for k := range conds {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys[0], strings.TrimSpace(a.Properties[keys[0]])
}

// where tests an activity's properties; a number that cannot be read without guessing does not match.
func where(conds map[string]contract.Condition, props map[string]string, n contract.Numbers) bool {
	for k, c := range conds {
		if ok, _ := c.Check(props[k], n); !ok {
			return false
		}
	}
	return true
}

func firstMatch(acts []lead.Activity, typ string, conds map[string]contract.Condition, n contract.Numbers) (lead.Activity, bool) {
	for _, a := range acts {
		if a.Type == typ && where(conds, a.Properties, n) {
			return a, true
		}
	}
	return lead.Activity{}, false
}

// rank orders stages along the funnel; stages past SQL are driven by sales and the CRM, not by the score.
var rank = map[lead.Stage]int{
	lead.StageSubscriber: 0, lead.StageLead: 1, lead.StageMQL: 2, lead.StageSQL: 3, lead.StageAccepted: 4, lead.StageRejected: 4,
	lead.StageOpportunity: 5, lead.StageCustomer: 6, lead.StageLost: 6,
}

// Move is a stage change and its cause.
type Move struct {
	From, To lead.Stage
	Cause    string // the rule, outcome or "decay" that caused it
	Activity string // the activity behind it, when there is one
	// Amount and Currency are the won deal's, on a move to customer.
	Amount, Currency string
}

// Next decides a lead's stage from its current one, its score and its activities:
//   - the CRM's outcomes move a lead forward to opportunity, customer or lost;
//   - the score moves a subscriber or lead to MQL or SQL, and an MQL to SQL, or back to lead when its score
//     decays (or a disqualifier appears);
//   - SQL is set once: a decayed SQL stays SQL (BelowSQL tells), and later stages belong to sales and the CRM;
//   - sales' first answer to the current hand-off (sqlAt, the last time it became an SQL) accepts or rejects it;
//   - a rejected lead goes back to marketing: it becomes an SQL again only when it raises its hand again (a
//     hand-raiser after the rejection), which is a new hand-off;
//   - a subscriber who submits a form becomes a lead.
//
// It returns the stage and the move, or ok false when the stage does not change.
func Next(current lead.Stage, r Result, acts []lead.Activity, sqlAt time.Time) (next lead.Stage, m Move, ok bool) {
	move := func(to lead.Stage, cause, activity string) (lead.Stage, Move, bool) {
		return to, Move{From: current, To: to, Cause: cause, Activity: activity}, true
	}
	if to, a, found := outcome(acts); found && rank[to] > rank[current] {
		to, m, ok := move(to, a.Type, a.ID)
		if to == lead.StageCustomer {
			m.Amount, m.Currency = a.Properties["amount"], a.Properties["currency"]
		}
		return to, m, ok
	}
	switch current {
	case lead.StageSQL:
		// Sales' answer to this hand-off: the first one counts (the hand-off refuses a second).
		for _, a := range acts {
			if a.OccurredAt.Before(sqlAt) {
				continue
			}
			switch a.Type {
			case lead.SalesAccepted:
				return move(lead.StageAccepted, a.Type, a.ID)
			case lead.SalesRejected:
				return move(lead.StageRejected, a.Type+":"+a.Properties["reason"], a.ID)
			}
		}
	case lead.StageRejected:
		if r.HandRaiser != "" && r.DisqualifiedBy == "" && r.HandRaisedAt.After(lastOf(acts, lead.SalesRejected)) {
			return move(lead.StageSQL, r.HandRaiser, "")
		}
	}
	switch current {
	case lead.StageSubscriber, lead.StageLead:
		if r.Qualifies != "" {
			return move(r.Qualifies, qualifyingCause(r), "")
		}
		if current == lead.StageSubscriber {
			if a, found := firstMatch(acts, lead.FormSubmit, nil, contract.Numbers{}); found {
				return move(lead.StageLead, lead.FormSubmit, a.ID)
			}
		}
	case lead.StageMQL:
		switch r.Qualifies {
		case lead.StageSQL:
			return move(lead.StageSQL, qualifyingCause(r), "")
		case "":
			if r.DisqualifiedBy != "" {
				return move(lead.StageLead, r.DisqualifiedBy, "")
			}
			return move(lead.StageLead, "decay", "")
		}
	}
	return current, Move{}, false
}

// lastOf is the instant of the latest activity of a type (zero when none).
func lastOf(acts []lead.Activity, typ string) time.Time {
	var last time.Time
	for _, a := range acts {
		if a.Type == typ && a.OccurredAt.After(last) {
			last = a.OccurredAt
		}
	}
	return last
}

// BelowSQL reports an SQL whose score no longer qualifies (decay, a changed profile): it stays an SQL, flagged.
func BelowSQL(stage lead.Stage, r Result) bool {
	return stage == lead.StageSQL && r.Qualifies != lead.StageSQL
}

func qualifyingCause(r Result) string {
	switch {
	case r.HandRaiser != "":
		return r.HandRaiser
	case r.Qualifies == lead.StageSQL:
		return "sql_threshold"
	}
	return "mql_threshold"
}

// outcome is the furthest stage the CRM's outcomes reach: a won deal makes a customer, a lost one (with no
// later opportunity) a lost lead, an opportunity an opportunity.
func outcome(acts []lead.Activity) (lead.Stage, lead.Activity, bool) {
	var latest = map[string]lead.Activity{}
	for _, a := range acts {
		switch a.Type {
		case lead.DealWon, lead.DealLost, lead.OpportunityCreated:
			if prev, ok := latest[a.Type]; !ok || a.OccurredAt.After(prev.OccurredAt) {
				latest[a.Type] = a
			}
		}
	}
	if a, ok := latest[lead.DealWon]; ok {
		return lead.StageCustomer, a, true
	}
	lost, hasLost := latest[lead.DealLost]
	opp, hasOpp := latest[lead.OpportunityCreated]
	if hasLost && (!hasOpp || lost.OccurredAt.After(opp.OccurredAt)) {
		return lead.StageLost, lost, true
	}
	if hasOpp {
		return lead.StageOpportunity, opp, true
	}
	return "", lead.Activity{}, false
}
