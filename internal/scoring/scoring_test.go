package scoring

import (
	"fmt"
	"math"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/lead"
)

var at = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func ago(days float64) time.Time { return at.Add(-time.Duration(days * float64(24*time.Hour))) }

func act(id, typ string, days float64, props ...string) lead.Activity {
	p := map[string]string{}
	for i := 0; i+1 < len(props); i += 2 {
		p[props[i]] = props[i+1]
	}
	return lead.Activity{ID: id, Type: typ, OccurredAt: ago(days), Properties: p}
}

func rules(mod func(*contract.Scoring)) *contract.Scoring {
	s := &contract.Scoring{MQL: 40, SQL: 70}
	if mod != nil {
		mod(s)
	}
	return s
}

func TestFitRules(t *testing.T) {
	t.Parallel()
	between := [2]float64{50, 5000}
	s := rules(func(s *contract.Scoring) {
		s.Fit = []contract.FitRule{
			{ID: "boss", Field: "job_title", When: contract.Condition{Matches: regexp.MustCompile(`(?i)directeur|head`)}, Points: 20},
			{ID: "size", Field: "company_size", When: contract.Condition{Between: &between}, Points: 15},
			{ID: "industry", Field: "industry", When: contract.Condition{In: []string{"Transport", "Industrie"}}, Points: 10},
			{ID: "fr", Field: "country", When: contract.Condition{Equals: "FR"}, Points: 5},
			{ID: "ops", Field: "job_title", When: contract.Condition{Contains: "OPÉRATIONS"}, Points: 7},
			{ID: "free", Field: "free_mail", When: contract.Condition{Equals: "true"}, Points: -15},
		}
	})
	tests := []struct {
		name  string
		p     Profile
		fit   float64
		rules string
	}{
		{"every rule", Profile{"job_title": "Directeur des opérations", "company_size": "250-499", "industry": "transport", "country": "fr", "free_mail": "true"}, 42, "boss size industry fr ops free"},
		{"none", Profile{"job_title": "Acheteur", "company_size": "10", "industry": "Banque", "country": "BE", "free_mail": "false"}, 0, ""},
		{"range ends included", Profile{"company_size": "50-5000"}, 15, "size"},
		{"an open range: its stated end", Profile{"company_size": "5000+"}, 15, "size"},
		{"a range partly outside: not counted, said", Profile{"company_size": "10-99"}, 0, "size"},
		{"no number: not counted, said", Profile{"company_size": "grande"}, 0, "size"},
		{"no value: nothing said", Profile{"company_size": ""}, 0, ""},
		{"1,200 from an English form", Profile{"company_size": "1,200", "country": "GB"}, 15, "size"},
		{"1.200 from a German form", Profile{"company_size": "1.200", "country": "DE"}, 15, "size"},
		{"1,200 from a French form: ambiguous, said", Profile{"company_size": "1,200", "country": "FR"}, 5, "size fr"},
		{"2,5 is 2.5, below 50", Profile{"company_size": "2,5", "country": "FR"}, 5, "fr"},
		{"1 200 with a narrow no-break space", Profile{"company_size": "1\u202f200"}, 15, "size"},
		{"negative points alone", Profile{"free_mail": "true"}, -15, "free"},
	}
	for _, tc := range tests {
		r := Score(s, tc.p, nil, at)
		if tc.name == "1,200 from a French form: ambiguous, said" {
			// Recorded as data: the field, the lead's value, how it was read, and that it did not count.
			want := Contribution{Rule: "size", Kind: "fit", Field: "company_size", Value: "1,200", Unread: true,
				Read: `"1,200": 1.2 or 1200? ("," marks decimals in FR)`}
			if r.Explanation[0] != want {
				t.Errorf("%s: %+v, want %+v", tc.name, r.Explanation[0], want)
			}
		}
		var got []string
		for _, c := range r.Explanation {
			if c.Kind != "fit" {
				t.Errorf("%s: %+v is not a fit line", tc.name, c)
			}
			got = append(got, c.Rule)
		}
		if r.Fit != tc.fit || strings.Join(got, " ") != tc.rules || r.Behaviour != 0 || r.Total != tc.fit {
			t.Errorf("%s: fit %g from [%s], want %g from [%s]", tc.name, r.Fit, strings.Join(got, " "), tc.fit, tc.rules)
		}
	}
}

func TestBehaviourDecayAndCaps(t *testing.T) {
	t.Parallel()
	pricing := contract.BehaviourRule{ID: "pricing", Type: "page_view", Points: 10, HalfLifeDays: 14,
		Where: map[string]contract.Condition{"url": {Contains: "/tarifs"}}}
	tests := []struct {
		name string
		rule contract.BehaviourRule
		acts []lead.Activity
		want float64
	}{
		{"fresh counts fully", pricing, []lead.Activity{act("a", "page_view", 0, "url", "https://x.fr/tarifs")}, 10},
		{"exactly one half-life: half", pricing, []lead.Activity{act("a", "page_view", 14, "url", "/tarifs")}, 5},
		{"exactly two half-lives: a quarter", pricing, []lead.Activity{act("a", "page_view", 28, "url", "/tarifs")}, 2.5},
		{"property must match", pricing, []lead.Activity{act("a", "page_view", 0, "url", "/blog")}, 0},
		{"type must match", pricing, []lead.Activity{act("a", "email_click", 0, "url", "/tarifs")}, 0},
		{"future activity ignored", pricing, []lead.Activity{act("a", "page_view", -1, "url", "/tarifs")}, 0},
		{"below 1% is dropped", pricing, []lead.Activity{act("a", "page_view", 14*7, "url", "/tarifs")}, 0},
		{"window: inside", contract.BehaviourRule{ID: "w", Type: "webinar_attended", Points: 20, WindowDays: 90},
			[]lead.Activity{act("a", "webinar_attended", 89.9)}, 20},
		{"window: at the edge it is over", contract.BehaviourRule{ID: "w", Type: "webinar_attended", Points: 20, WindowDays: 90},
			[]lead.Activity{act("a", "webinar_attended", 90)}, 0},
		{"no decay", contract.BehaviourRule{ID: "d", Type: "content_download", Points: 15},
			[]lead.Activity{act("a", "content_download", 400)}, 15},
		{"cap per period, freshest first", contract.BehaviourRule{ID: "c", Type: "email_click", Points: 10, CapPoints: 25, CapDays: 30},
			[]lead.Activity{act("a", "email_click", 1), act("b", "email_click", 2), act("c", "email_click", 3), act("d", "email_click", 4)}, 25},
		{"a new period has a new cap", contract.BehaviourRule{ID: "c", Type: "email_click", Points: 10, CapPoints: 10, CapDays: 30},
			[]lead.Activity{act("a", "email_click", 1), act("b", "email_click", 2), act("c", "email_click", 31), act("d", "email_click", 32)}, 20},
		{"cap then decay", contract.BehaviourRule{ID: "c", Type: "email_click", Points: 10, CapPoints: 10, CapDays: 30, HalfLifeDays: 7},
			[]lead.Activity{act("a", "email_click", 7), act("b", "email_click", 8)}, 5},
		// The cap holds over any 30 days, not over periods counted back from the scoring instant: 29 and 31
		// days old are 2 days apart.
		{"two days apart share a cap", contract.BehaviourRule{ID: "c", Type: "email_click", Points: 10, CapPoints: 10, CapDays: 30},
			[]lead.Activity{act("a", "email_click", 29), act("b", "email_click", 31)}, 10},
		{"exactly 30 days apart do not", contract.BehaviourRule{ID: "c", Type: "email_click", Points: 10, CapPoints: 10, CapDays: 30},
			[]lead.Activity{act("a", "email_click", 1), act("b", "email_click", 31)}, 20},
		{"partial last activity", contract.BehaviourRule{ID: "c", Type: "email_click", Points: 4, CapPoints: 10, CapDays: 30},
			[]lead.Activity{act("a", "email_click", 1), act("b", "email_click", 2), act("c", "email_click", 3), act("d", "email_click", 4)}, 10},
		{"a negative rule is capped too", contract.BehaviourRule{ID: "jobs", Type: "page_view", Points: -5, CapPoints: 8, CapDays: 30},
			[]lead.Activity{act("a", "page_view", 1), act("b", "page_view", 2), act("c", "page_view", 3)}, -8},
	}
	for _, tc := range tests {
		r := Score(rules(func(s *contract.Scoring) { s.Behaviour = []contract.BehaviourRule{tc.rule} }), nil, tc.acts, at)
		if r.Behaviour != tc.want || r.Total != tc.want {
			t.Errorf("%s: behaviour %g, want %g (%+v)", tc.name, r.Behaviour, tc.want, r.Explanation)
		}
	}
}

// TestCapsDoNotMoveWithTheScoringInstant: without decay, a capped rule's points never change with time alone
// (nothing re-scores the lead then: Decays is false); with periods counted back from the scoring instant, two
// clicks 29 and 31 days old counted 20, and two days later 10.
func TestCapsDoNotMoveWithTheScoringInstant(t *testing.T) {
	t.Parallel()
	s := rules(func(s *contract.Scoring) {
		s.Behaviour = []contract.BehaviourRule{{ID: "c", Type: "email_click", Points: 10, CapPoints: 10, CapDays: 30}}
	})
	acts := []lead.Activity{act("a", "email_click", 29), act("b", "email_click", 31), act("c", "email_click", 75)}
	first := Score(s, nil, acts, at)
	for days := 0; days <= 400; days++ {
		r := Score(s, nil, acts, at.Add(time.Duration(days)*24*time.Hour))
		if r.Decays || r.Total != first.Total {
			t.Fatalf("%d days later: %g (decays %v), at first %g", days, r.Total, r.Decays, first.Total)
		}
	}
}

func TestThresholdsHandRaisersDisqualifiers(t *testing.T) {
	t.Parallel()
	s := rules(func(s *contract.Scoring) {
		s.SQLMinFit = ptr(15)
		s.Fit = []contract.FitRule{{ID: "boss", Field: "job_title", When: contract.Condition{Contains: "directeur"}, Points: 20}}
		s.Behaviour = []contract.BehaviourRule{{ID: "dl", Type: "content_download", Points: 25}}
		s.HandRaisers = []contract.HandRaiser{{ID: "demo", Type: "demo_request"}}
		s.Disqualifiers = []contract.Disqualifier{
			{ID: "student", Field: "job_title", When: contract.Condition{Contains: "étudiant"}},
			{ID: "unsubscribed", Activity: "unsubscribed"},
		}
	})
	dl := func(n int) []lead.Activity {
		var out []lead.Activity
		for i := 0; i < n; i++ {
			out = append(out, act(fmt.Sprint("d", i), "content_download", float64(i)))
		}
		return out
	}
	tests := []struct {
		name    string
		p       Profile
		acts    []lead.Activity
		want    lead.Stage
		because string
	}{
		{"below MQL", Profile{"job_title": "Acheteur"}, dl(1), "", ""},
		{"fit and one download is an MQL", Profile{"job_title": "Directeur"}, dl(1), lead.StageMQL, ""},
		{"MQL", Profile{"job_title": "Acheteur"}, dl(2), lead.StageMQL, ""},
		{"SQL", Profile{"job_title": "Directeur"}, dl(2), lead.StageSQL, ""},
		{"SQL score without the minimum fit stays MQL", Profile{"job_title": "Acheteur"}, dl(3), lead.StageMQL, ""},
		{"hand-raiser whatever the score", Profile{}, []lead.Activity{act("x", "demo_request", 0)}, lead.StageSQL, "demo"},
		{"disqualified by profile", Profile{"job_title": "Directeur étudiant"}, append(dl(4), act("x", "demo_request", 0)), "", "student"},
		{"disqualified by activity", Profile{"job_title": "Directeur"}, append(dl(4), act("u", "unsubscribed", 3)), "", "unsubscribed"},
	}
	for _, tc := range tests {
		r := Score(s, tc.p, tc.acts, at)
		if r.Qualifies != tc.want {
			t.Errorf("%s: qualifies %q (total %g, fit %g), want %q", tc.name, r.Qualifies, r.Total, r.Fit, tc.want)
		}
		if tc.because != "" && r.HandRaiser != tc.because && r.DisqualifiedBy != tc.because {
			t.Errorf("%s: hand-raiser %q, disqualifier %q, want %q", tc.name, r.HandRaiser, r.DisqualifiedBy, tc.because)
		}
	}
}

func ptr(f float64) *float64 { return &f }

// TestMinFitIsOptional: the README says mql_min_fit and sql_min_fit are optional; absent is no minimum at all,
// so a negative fit with a high behaviour qualifies on its total (the sample's ld_sample039: fit -10).
func TestMinFitIsOptional(t *testing.T) {
	t.Parallel()
	acts := []lead.Activity{act("w1", "webinar_attended", 1), act("w2", "webinar_attended", 2), act("d", "content_download", 3)}
	for _, tc := range []struct {
		name           string
		mqlMin, sqlMin *float64
		acts           int
		want           lead.Stage
	}{
		{"no minimum, fit -10, total 70: SQL", nil, nil, 3, lead.StageSQL},
		{"no minimum, fit -10, total 50: MQL", nil, nil, 2, lead.StageMQL},
		{"sql minimum 15, fit -10, total 70: MQL", nil, ptr(15), 3, lead.StageMQL},
		{"mql minimum 0, fit -10: neither", ptr(0), ptr(15), 3, ""},
		{"mql minimum -10 is met by -10", ptr(-10), ptr(15), 3, lead.StageMQL},
	} {
		s := rules(func(s *contract.Scoring) {
			s.MQLMinFit, s.SQLMinFit = tc.mqlMin, tc.sqlMin
			s.Fit = []contract.FitRule{{ID: "free", Field: "free_mail", When: contract.Condition{Equals: "true"}, Points: -10}}
			s.Behaviour = []contract.BehaviourRule{
				{ID: "webinar", Type: "webinar_attended", Points: 30, WindowDays: 90},
				{ID: "dl", Type: "content_download", Points: 20},
			}
		})
		if r := Score(s, Profile{"free_mail": "true"}, acts[:tc.acts], at); r.Qualifies != tc.want {
			t.Errorf("%s: fit %g total %g qualifies %q, want %q", tc.name, r.Fit, r.Total, r.Qualifies, tc.want)
		}
	}
}

// TestExactThresholds: the thresholds compare the exact score, never a rounded one; what is shown is rounded
// to the cent and its lines add up to the shown total.
func TestExactThresholds(t *testing.T) {
	t.Parallel()
	many := func(n int, days float64) []lead.Activity {
		out := make([]lead.Activity, n)
		for i := range out {
			out[i] = act(fmt.Sprint("a", i), "page_view", days)
		}
		return out
	}
	tests := []struct {
		name   string
		points float64
		half   float64 // half-life in days, 0: none
		acts   []lead.Activity
		want   lead.Stage
		shown  float64
		exact  float64
	}{
		{"39.99 is below MQL", 39.99, 0, many(1, 0), "", 39.99, 39.99},
		{"40 is an MQL", 40, 0, many(1, 0), lead.StageMQL, 40, 40},
		{"69.99 is an MQL", 69.99, 0, many(1, 0), lead.StageMQL, 69.99, 69.99},
		{"70 is an SQL", 70, 0, many(1, 0), lead.StageSQL, 70, 70},
		// Two lines of 34.998: each used to be rounded to 35 and the total, 70, made an SQL.
		{"69.996 shows as 70 but is an MQL", 34.998, 0, many(2, 0), lead.StageMQL, 70, 69.996},
		// 400 lines of 0.1: the float sum is 40 give or take 1e-12; float noise must not decide.
		{"400 x 0.1 is an MQL", 0.1, 0, many(400, 0), lead.StageMQL, 40, 40},
		{"decayed", 40, 14, many(1, 1), "", 38.07, 40 * math.Pow(0.5, 1.0/14)},
		// Seven lines of 10.4 decayed to 10.357 each (they used to show 10.36 and add up to 72.52): 72.5003.
		{"seven decayed lines", 10.4, 7, many(7, 1.0/24), lead.StageSQL, 72.5, 7 * 10.4 * math.Pow(0.5, 1.0/24/7)},
		// Seven lines of 9.9995 used to be rounded to 10 each: 70, an SQL. Exactly 69.9965.
		{"seven lines of 9.9995", 9.9995, 0, many(7, 0), lead.StageMQL, 70, 69.9965},
	}
	for _, tc := range tests {
		s := rules(func(s *contract.Scoring) {
			s.Behaviour = []contract.BehaviourRule{{ID: "x", Type: "page_view", Points: tc.points, HalfLifeDays: tc.half}}
		})
		r := Score(s, nil, tc.acts, at)
		if r.Qualifies != tc.want || r.Total != tc.shown || math.Abs(r.Exact.Total-tc.exact) > 1e-9 {
			t.Errorf("%s: qualifies %q, shown %g, exact %.12g; want %q, %g, %.12g", tc.name, r.Qualifies, r.Total, r.Exact.Total, tc.want, tc.shown, tc.exact)
		}
		checkShownAddsUp(t, tc.name, r)
	}
}

// checkShownAddsUp: the shown lines add up to the shown fit and behaviour, those to the shown total, which is
// the exact total rounded to the cent.
func checkShownAddsUp(t *testing.T, name string, r Result) {
	t.Helper()
	c := func(f float64) int64 { return int64(math.Round(f * 100)) }
	var fit, beh int64
	for _, l := range r.Explanation {
		if l.Points != float64(c(l.Points))/100 {
			t.Errorf("%s: line %+v is not in cents", name, l)
		}
		switch l.Kind {
		case "fit":
			fit += c(l.Points)
		case "behaviour":
			beh += c(l.Points)
		}
	}
	if fit != c(r.Fit) || beh != c(r.Behaviour) || fit+beh != c(r.Total) || c(r.Total) != c(r.Exact.Total) {
		t.Errorf("%s: lines %d + %d cents, shown %g + %g = %g, exact %.12g", name, fit, beh, r.Fit, r.Behaviour, r.Total, r.Exact.Total)
	}
}

func TestApportion(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		xs     []float64
		target int64
		want   string
	}{
		{[]float64{1.005, 1.005, 1.005}, 302, "[101 101 100]"},
		{[]float64{33.333, 33.333, 33.334}, 10000, "[3333 3333 3334]"},
		{[]float64{11.6653, 11.6653, 11.6653}, 3500, "[1167 1167 1166]"}, // the README's example
		{[]float64{0.29, 0.57}, 86, "[29 57]"},                           // 0.29*100 is 28.999999999999996 in floats
		{[]float64{-15, 13.214, 20}, 1821, "[-1500 1321 2000]"},
		{[]float64{-0.004, -0.004}, -1, "[0 -1]"},
		{[]float64{10.006, 10.006}, 2000, "[1000 1000]"}, // floors above the target: take back from the smallest remainders
		{nil, 0, "[]"},
	} {
		if got := fmt.Sprint(apportion(tc.xs, tc.target)); got != tc.want {
			t.Errorf("apportion(%v, %d) = %s, want %s", tc.xs, tc.target, got, tc.want)
		}
	}
}

func TestExplanation(t *testing.T) {
	t.Parallel()
	s := rules(func(s *contract.Scoring) {
		s.Fit = []contract.FitRule{{ID: "fr", Field: "country", When: contract.Condition{Equals: "FR"}, Points: 5}}
		s.Behaviour = []contract.BehaviourRule{{ID: "pricing", Type: "page_view", Points: 10, HalfLifeDays: 14, CapPoints: 15, CapDays: 30}}
		s.HandRaisers = []contract.HandRaiser{{ID: "demo", Type: "demo_request"}}
	})
	r := Score(s, Profile{"country": "FR"}, []lead.Activity{
		act("p1", "page_view", 14), act("p2", "page_view", 0), act("d1", "demo_request", 1),
	}, at)
	want := []Contribution{
		{Rule: "fr", Kind: "fit", Points: 5, Field: "country", Value: "FR"},
		{Rule: "pricing", Kind: "behaviour", Points: 10, ActivityID: "p2", ActivityType: "page_view", At: ago(0)},
		{Rule: "pricing", Kind: "behaviour", Points: 2.5, ActivityID: "p1", ActivityType: "page_view", At: ago(14),
			Capped: true, Base: 5, Decay: 0.5},
		{Rule: "demo", Kind: "hand_raiser", ActivityID: "d1", ActivityType: "demo_request", At: ago(1)},
	}
	if fmt.Sprint(r.Explanation) != fmt.Sprint(want) {
		t.Errorf("explanation:\n%+v\nwant\n%+v", r.Explanation, want)
	}
	if r.Total != 17.5 || !r.Decays || r.Qualifies != lead.StageSQL {
		t.Errorf("result = %+v", r)
	}
}

func TestNext(t *testing.T) {
	t.Parallel()
	sql := Result{Qualifies: lead.StageSQL, Total: 80}
	mql := Result{Qualifies: lead.StageMQL, Total: 50}
	none := Result{Total: 10}
	hand := Result{Qualifies: lead.StageSQL, HandRaiser: "demo"}
	dq := Result{DisqualifiedBy: "student"}
	form := []lead.Activity{act("f", lead.FormSubmit, 1)}
	// A lead rejected 3 days ago: a demo request 1 day ago is a new hand-raise; one 5 days ago is not.
	raisedAgain := Result{Qualifies: lead.StageSQL, HandRaiser: "demo", HandRaisedAt: ago(1)}
	raisedBefore := Result{Qualifies: lead.StageSQL, HandRaiser: "demo", HandRaisedAt: ago(5)}
	rejected := []lead.Activity{act("r", lead.SalesRejected, 3, "reason", "no_budget")}
	tests := []struct {
		name    string
		current lead.Stage
		r       Result
		acts    []lead.Activity
		want    lead.Stage
		cause   string
		sqlAt   time.Time // the current hand-off; zero: any answer counts
	}{
		{"lead to MQL", lead.StageLead, mql, nil, lead.StageMQL, "mql_threshold", time.Time{}},
		{"lead straight to SQL", lead.StageLead, sql, nil, lead.StageSQL, "sql_threshold", time.Time{}},
		{"hand-raiser", lead.StageSubscriber, hand, nil, lead.StageSQL, "demo", time.Time{}},
		{"MQL to SQL", lead.StageMQL, sql, nil, lead.StageSQL, "sql_threshold", time.Time{}},
		{"MQL decays back to lead", lead.StageMQL, none, nil, lead.StageLead, "decay", time.Time{}},
		{"MQL disqualified back to lead", lead.StageMQL, dq, nil, lead.StageLead, "student", time.Time{}},
		{"SQL is set once", lead.StageSQL, none, nil, lead.StageSQL, "", time.Time{}},
		{"accepted is sales' business", lead.StageAccepted, sql, nil, lead.StageAccepted, "", time.Time{}},
		{"rejected stays rejected", lead.StageRejected, hand, nil, lead.StageRejected, "", time.Time{}},
		{"rejected, asking again after the rejection: SQL again", lead.StageRejected, raisedAgain, rejected, lead.StageSQL, "demo", time.Time{}},
		{"rejected, the hand-raise before the rejection does not count", lead.StageRejected, raisedBefore, rejected, lead.StageRejected, "", time.Time{}},
		{"rejected and disqualified since", lead.StageRejected, Result{HandRaiser: "demo", HandRaisedAt: ago(1), DisqualifiedBy: "student"}, rejected, lead.StageRejected, "", time.Time{}},
		{"the previous hand-off's rejection does not answer this one", lead.StageSQL, raisedAgain, rejected, lead.StageSQL, "", ago(1)},
		{"subscriber with a form becomes a lead", lead.StageSubscriber, none, form, lead.StageLead, lead.FormSubmit, time.Time{}},
		{"lead stays lead", lead.StageLead, none, form, lead.StageLead, "", time.Time{}},
		{"opportunity from the CRM", lead.StageAccepted, none, []lead.Activity{act("o", lead.OpportunityCreated, 2)}, lead.StageOpportunity, lead.OpportunityCreated, time.Time{}},
		{"won", lead.StageOpportunity, none, []lead.Activity{act("o", lead.OpportunityCreated, 5), act("w", lead.DealWon, 1)}, lead.StageCustomer, lead.DealWon, time.Time{}},
		{"lost after the opportunity", lead.StageOpportunity, none, []lead.Activity{act("o", lead.OpportunityCreated, 5), act("l", lead.DealLost, 1)}, lead.StageLost, lead.DealLost, time.Time{}},
		{"customer never goes back", lead.StageCustomer, mql, []lead.Activity{act("o", lead.OpportunityCreated, 1)}, lead.StageCustomer, "", time.Time{}},
		{"sales accept the SQL", lead.StageSQL, sql, []lead.Activity{act("a", lead.SalesAccepted, 0)}, lead.StageAccepted, lead.SalesAccepted, time.Time{}},
		{"sales reject the SQL", lead.StageSQL, sql, []lead.Activity{act("r", lead.SalesRejected, 0, "reason", "no_budget")}, lead.StageRejected, lead.SalesRejected + ":no_budget", time.Time{}},
		{"a contact alone changes no stage", lead.StageSQL, sql, []lead.Activity{act("c", lead.SalesContacted, 0)}, lead.StageSQL, "", time.Time{}},
		{"an answer before the hand-off is ignored", lead.StageMQL, mql, []lead.Activity{act("a", lead.SalesAccepted, 0)}, lead.StageMQL, "", time.Time{}},
	}
	for _, tc := range tests {
		next, m, ok := Next(tc.current, tc.r, tc.acts, tc.sqlAt)
		if next != tc.want || ok != (tc.cause != "") || m.Cause != tc.cause || (ok && (m.From != tc.current || m.To != tc.want)) {
			t.Errorf("%s: Next = %s %+v %v, want %s caused by %q", tc.name, next, m, ok, tc.want, tc.cause)
		}
	}
	if !BelowSQL(lead.StageSQL, none) || BelowSQL(lead.StageSQL, sql) || BelowSQL(lead.StageMQL, none) {
		t.Error("BelowSQL")
	}
}

// TestShippedDecisionMakerRule: the example contract's decision-maker rule matches whole words only.
func TestShippedDecisionMakerRule(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"../../infra/contract/contract.yaml", "../../infra/contract/examples/contract-proposed.yaml"} {
		c, err := contract.Load(file)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Warnings) != 0 {
			t.Errorf("%s: warnings %v", file, c.Warnings)
		}
		for title, want := range map[string]bool{
			"Doctorant": false, "Coordinatrice achats": false, "Budget controller": false, "Victor": false,
			"Responsable de la coordination": true, "CTO": true, "DG": true, "Directrice technique": true,
			"Chef d'atelier": true, "Head of Operations": true, "CEO & fondateur": true, "Co-founder / CTO": true,
			"PDG": true, "DGA": true, "Directeurs": false, // whole words: the list names them
		} {
			if got := decisionMaker(c.Scoring, title); got != want {
				t.Errorf("%s: %q is a decision-maker: %v, want %v", file, title, got, want)
			}
		}
	}
}

// TestShippedDecisionMakerRuleFeminine: in the example contracts a title scores the same in its masculine and
// its feminine form ("Cheffe de projet" got nothing while "Chef de projet" got 20), inclusive spellings
// included; titles the rule does not name (président, gérant) score in neither form.
func TestShippedDecisionMakerRuleFeminine(t *testing.T) {
	t.Parallel()
	pairs := []struct {
		masculine, feminine string
		want                bool
	}{
		{"Chef de projet", "Cheffe de projet", true},
		{"Chef d'atelier", "Cheffe d'atelier", true},
		{"Sous-chef", "Sous-cheffe", true},
		{"Chef de projet", "Chef·fe de projet", true},
		{"Chef de projet", "Chef(fe) de projet", true},
		{"Directeur technique", "Directrice technique", true},
		{"Directeur général adjoint", "Directrice générale adjointe", true},
		{"Président-directeur général", "Présidente-directrice générale", true},
		{"Directeur des opérations", "Directeur·rice des opérations", true},
		{"Responsable maintenance", "Responsable maintenance", true},
		{"PDG", "PDG", true},
		{"Président", "Présidente", false},
		{"Gérant", "Gérante", false},
		{"Technicien", "Technicienne", false},
		{"Chefs de projet", "Cheffes de projet", false}, // plurals are not titles, as "Directeurs" is not
	}
	for _, file := range []string{"../../infra/contract/contract.yaml", "../../infra/contract/examples/contract-proposed.yaml"} {
		c, err := contract.Load(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pairs {
			if m, f := decisionMaker(c.Scoring, p.masculine), decisionMaker(c.Scoring, p.feminine); m != p.want || f != p.want {
				t.Errorf("%s: %q is a decision-maker: %v, %q: %v; want %v for both", file, p.masculine, m, p.feminine, f, p.want)
			}
		}
	}
}

// decisionMaker reports whether a job title gets the decision-maker rule's points.
func decisionMaker(s *contract.Scoring, title string) bool {
	for _, l := range Score(s, Profile{"job_title": title}, nil, at).Explanation {
		if l.Rule == "decision-maker" {
			return true
		}
	}
	return false
}

// TestDuplicatedActivityIDsCountOnce: an export edited or merged by hand can repeat an activity; score and
// whatif count it once, like the store does, whichever copy comes first.
func TestDuplicatedActivityIDsCountOnce(t *testing.T) {
	t.Parallel()
	s := rules(func(s *contract.Scoring) {
		s.Behaviour = []contract.BehaviourRule{{ID: "dl", Type: "content_download", Points: 25}}
		s.HandRaisers = []contract.HandRaiser{{ID: "demo", Type: "demo_request"}}
	})
	once := []lead.Activity{act("a", "content_download", 1), act("b", "content_download", 2)}
	twice := append(append([]lead.Activity{}, once...), act("a", "content_download", 1), act("b", "content_download", 2))
	r1, r2 := Score(s, nil, once, at), Score(s, nil, twice, at)
	if r1.Total != 50 || r2.Total != 50 || r2.Qualifies != lead.StageMQL || fmt.Sprint(r1.Explanation) != fmt.Sprint(r2.Explanation) {
		t.Errorf("once: %g %v; twice: %g %v", r1.Total, r1.Explanation, r2.Total, r2.Explanation)
	}
	// Copies that differ: the earliest is kept, whatever the order.
	early, late := act("x", "content_download", 3), act("x", "content_download", 1)
	for _, acts := range [][]lead.Activity{{early, late}, {late, early}} {
		kept, dropped := Distinct(acts)
		if dropped != 1 || len(kept) != 1 || !kept[0].OccurredAt.Equal(early.OccurredAt) {
			t.Errorf("Distinct(%v) = %v, %d", acts, kept, dropped)
		}
	}
	// Activities without an ID are all counted (only code can pass them: exports and the store refuse them).
	if r := Score(s, nil, []lead.Activity{act("", "content_download", 1), act("", "content_download", 1)}, at); r.Total != 50 {
		t.Errorf("two activities without an ID: %g", r.Total)
	}
}

// TestWhichCopyCounts: of an activity's copies, the one that occurred first is scored; at one instant, the first
// by type, then by properties — never the order they come in.
func TestWhichCopyCounts(t *testing.T) {
	t.Parallel()
	s := rules(func(s *contract.Scoring) {
		s.Behaviour = []contract.BehaviourRule{
			{ID: "pricing", Type: "page_view", Points: 10, Where: map[string]contract.Condition{"url": {Contains: "/tarifs"}}},
			{ID: "blog", Type: "page_view", Points: 1, Where: map[string]contract.Condition{"url": {Contains: "/blog"}}},
			{ID: "webinar", Type: "webinar_attended", Points: 20, WindowDays: 90},
		}
	})
	day := func(days float64) string { return ago(days).Format(time.DateOnly) }
	for _, tc := range []struct {
		name   string
		copies [2]lead.Activity
		want   string // the lines scored: rule and date
	}{
		{"the copy that occurred first", [2]lead.Activity{act("w", "webinar_attended", 10), act("w", "webinar_attended", 20)},
			"webinar " + day(20)},
		{"at one instant, the first by properties: /blog before /tarifs",
			[2]lead.Activity{act("p", "page_view", 1, "url", "/tarifs"), act("p", "page_view", 1, "url", "/blog")}, "blog " + day(1)},
		{"at one instant, the first by type: page_view before webinar_attended",
			[2]lead.Activity{act("x", "webinar_attended", 1), act("x", "page_view", 1, "url", "/tarifs")}, "pricing " + day(1)},
	} {
		for _, order := range [][]lead.Activity{{tc.copies[0], tc.copies[1]}, {tc.copies[1], tc.copies[0]}} {
			r := Score(s, nil, order, at)
			var lines []string
			for _, l := range r.Explanation {
				lines = append(lines, l.Rule+" "+l.At.Format(time.DateOnly))
			}
			if got := strings.Join(lines, ", "); got != tc.want {
				t.Errorf("%s, given %s first: scored %q, want %q", tc.name, order[0].Type, got, tc.want)
			}
		}
	}
}

// TestShownLines: the exact total is rounded to the cent once and shared by largest remainder, so what a line
// shows is its share, not its own rounding. Fit lines are always listed (0.00 included: the rule matched); a
// behaviour line is listed when its share is not 0.00 — one worth 0.004 may show +0.01, one worth 0.006 may
// show nothing — and the listed lines add up to the shown total either way. Shares start from each value
// rounded down, toward minus infinity for a negative line (-1.666 starts at -1.67, 0.4 of a cent below it).
func TestShownLines(t *testing.T) {
	t.Parallel()
	fit := func(id string, points float64) contract.FitRule {
		return contract.FitRule{ID: id, Field: "country", When: contract.Condition{Equals: "FR"}, Points: points}
	}
	behaviour := func(id, typ string, points float64) contract.BehaviourRule {
		return contract.BehaviourRule{ID: id, Type: typ, Points: points} // no decay: the points as written
	}
	views := func(n int) []lead.Activity {
		var out []lead.Activity
		for i := 1; i <= n; i++ {
			out = append(out, act(fmt.Sprint("v", i), "page_view", float64(i)))
		}
		return out
	}
	click := act("c", "email_click", 1)
	tests := []struct {
		name      string
		fit       []contract.FitRule
		behaviour []contract.BehaviourRule
		acts      []lead.Activity
		want      string // the listed lines
		total     float64
	}{
		{"a line worth 0.004 shows +0.01 (the largest remainder): the README's example",
			nil, []contract.BehaviourRule{behaviour("click", "email_click", 10.003), behaviour("view", "page_view", 0.004)},
			append(views(1), click), "click +10.00, view(v1) +0.01", 10.01},
		{"two lines worth 0.004: one shows +0.01, the other is not listed",
			nil, []contract.BehaviourRule{behaviour("click", "email_click", 10.003), behaviour("view", "page_view", 0.004)},
			append(views(2), click), "click +10.00, view(v1) +0.01", 10.01},
		{"lines worth 0.006 share 2 cents: the third is not listed",
			nil, []contract.BehaviourRule{behaviour("view", "page_view", 0.006)},
			views(3), "view(v1) +0.01, view(v2) +0.01", 0.02},
		{"a fit line is listed at 0.00",
			[]contract.FitRule{fit("big", 10.006), fit("tiny", 0.004)}, nil,
			nil, "big +10.01, tiny +0.00", 10.01},
		{"a negative line starts below its value: -1.666 gets the cent and shows -1.66",
			nil, []contract.BehaviourRule{behaviour("click", "email_click", 3.333), behaviour("jobs", "page_view", -1.666)},
			append(views(1), click), "click +3.33, jobs(v1) -1.66", 1.67},
		{"a negative fit of -0.004 shows 0.00 beside 10.003 of behaviour",
			[]contract.FitRule{fit("neg", -0.004)}, []contract.BehaviourRule{behaviour("click", "email_click", 10.003)},
			[]lead.Activity{click}, "neg +0.00, click +10.00", 10},
		{"free mail against behaviour: -15 and 13.214 + 0.005",
			[]contract.FitRule{fit("free", -15)}, []contract.BehaviourRule{behaviour("click", "email_click", 13.214), behaviour("view", "page_view", 0.005)},
			append(views(1), click), "free -15.00, click +13.21, view(v1) +0.01", -1.78},
	}
	for _, tc := range tests {
		s := rules(func(s *contract.Scoring) { s.Fit, s.Behaviour = tc.fit, tc.behaviour })
		r := Score(s, Profile{"country": "FR"}, tc.acts, at)
		var lines []string
		for _, l := range r.Explanation {
			name := l.Rule
			if l.Kind == "behaviour" && l.ActivityType == "page_view" {
				name += "(" + l.ActivityID + ")"
			}
			lines = append(lines, fmt.Sprintf("%s %+.2f", name, l.Points))
		}
		if got := strings.Join(lines, ", "); got != tc.want || r.Total != tc.total {
			t.Errorf("%s: listed %q, total %g; want %q, %g (exact %.4f)", tc.name, got, r.Total, tc.want, tc.total, r.Exact.Total)
		}
		checkShownAddsUp(t, tc.name, r)
	}
}
