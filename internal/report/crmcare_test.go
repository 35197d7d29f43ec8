package report

import (
	"reflect"
	"strings"
	"testing"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/words/wordstest"
)

// TestCRMCare: the outcome deadlines that fell in the month, per rep who accepted the SQLs, and those passed
// without an outcome, as the checker recorded them by AsOf; "not measured" when the contract sets no delay.
func TestCRMCare(t *testing.T) {
	t.Parallel()
	in := Input{Month: contract.Month{Year: 2026, Month: 11}, AsOf: at("2026-12-01 08:00"), Events: []Event{
		{Kind: OutcomeMissing, LeadID: "a", RepID: "anna", Due: at("2026-11-10 18:00"), At: at("2026-11-10 18:00")},
		{Kind: OutcomeInTime, LeadID: "b", RepID: "anna", Due: at("2026-11-12 18:00"), At: at("2026-11-12 18:01")},
		{Kind: OutcomeInTime, LeadID: "c", RepID: "bruno", Due: at("2026-11-30 18:00"), At: at("2026-11-30 18:00")},
		// Due on the last day, recorded on the 1st before AsOf: the month's.
		{Kind: OutcomeMissing, LeadID: "d", RepID: "zoe", Due: at("2026-11-30 23:59"), At: at("2026-12-01 00:00")},
		// Due in October: its own month's.
		{Kind: OutcomeMissing, LeadID: "e", RepID: "anna", Due: at("2026-10-30 18:00"), At: at("2026-10-30 18:00")},
		// Due in December.
		{Kind: OutcomeMissing, LeadID: "f", RepID: "bruno", Due: at("2026-12-01 07:00"), At: at("2026-12-01 07:00")},
		// Recorded after AsOf: not counted by a report taken before.
		{Kind: OutcomeMissing, LeadID: "g", RepID: "bruno", Due: at("2026-11-30 18:00"), At: at("2026-12-01 09:00")},
		// Other events are not CRM care.
		{Kind: Reminder, LeadID: "h", RepID: "anna", Due: at("2026-11-10 11:00"), At: at("2026-11-10 11:00")},
	}}
	for _, tc := range []struct {
		name     string
		contract string
		want     CRMCare
		words    []string
	}{
		{"measured", strings.Replace(testContract, "  contact_rate_target: 75%", "  contact_rate_target: 75%\n  outcome_within: 10d", 1),
			CRMCare{Within: 10, Due: 4, Missing: 2, Reps: []CRMCareRep{
				{RepID: "anna", Name: "Anna <b>Admin</b> & Co", Due: 2, Missing: 1},
				{RepID: "bruno", Name: "Bruno Lefèvre", Due: 1},
				{RepID: "zoe", Name: "zoe", Left: true, Due: 1, Missing: 1}}},
			[]string{"Suivi du CRM", "Délais d'issue échus", "10 jours ouvrés"}},
		{"not measured", testContract, CRMCare{},
			[]string{"Suivi du CRM", "Non mesuré"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := Compute(parseContract(t, tc.contract), in)
			if !reflect.DeepEqual(r.CRMCare, tc.want) {
				t.Errorf("CRM care:\n got %+v\nwant %+v", r.CRMCare, tc.want)
			}
			// The commitments section's line: missed by the reps with an SQL left without an outcome.
			for _, cm := range r.Commitments {
				if cm.Kind != CommitCRMCare {
					continue
				}
				want, missed := NotMeasured, 0
				if tc.want.Measured() {
					want, missed = Broken, 2 // anna, zoe
				}
				if cm.Verdict != want || len(cm.Missed) != missed {
					t.Errorf("CRM care commitment %s, missed by %+v; want %s by %d", cm.Verdict, cm.Missed, want, missed)
				}
			}
			e, err := Render(r)
			if err != nil {
				t.Fatal(err)
			}
			wordstest.French(t, "report with CRM care (text)", e.Text)
			wordstest.French(t, "report with CRM care (HTML)", e.HTML)
			for _, w := range tc.words {
				if !strings.Contains(e.Text, w) || !strings.Contains(e.HTML, strings.ReplaceAll(w, "'", "&#39;")) {
					t.Errorf("the report does not say %q:\n%s", w, e.Text)
				}
			}
			if !tc.want.Measured() && strings.Contains(e.Text, "Délais d'issue échus") {
				t.Errorf("a figure shown for a commitment the contract does not state:\n%s", e.Text)
			}
		})
	}
}
