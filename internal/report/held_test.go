package report

import (
	"reflect"
	"strings"
	"testing"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/report/records"
)

// novemberHolds is November 2026 with leads held from sales for want of consent, as scoring records them: the
// start of each hold, and the move to SQL of those that consented later.
func novemberHolds() Input {
	return Input{Month: contract.Month{Year: 2026, Month: 11}, AsOf: at("2026-12-01 08:00"),
		Holds: []Hold{
			{LeadID: "a", At: at("2026-11-05 10:00"), Reason: records.HeldRefused},  // never consents: held
			{LeadID: "b", At: at("2026-11-06 10:00"), Reason: records.HeldMissing},  // consents on the 10th: an SQL
			{LeadID: "c", At: at("2026-11-30 23:00"), Reason: records.HeldRefused},  // consents on 1 December at 07:00, before AsOf
			{LeadID: "d", At: at("2026-10-31 23:00"), Reason: records.HeldRefused},  // October's
			{LeadID: "e", At: at("2026-11-20 10:00"), Reason: records.HeldRefused},  // consents on 1 December at 09:00, after AsOf
			{LeadID: "f", At: at("2026-11-02 10:00"), Reason: records.HeldMissing},  // held, no longer qualifies, held again:
			{LeadID: "f", At: at("2026-11-12 10:00"), Reason: records.HeldRefused},  // one lead, its latest hold
			{LeadID: "h", At: at("2026-11-15 10:00"), Reason: records.HeldMissing},  // never answers: held
			{LeadID: "i", At: at("2026-12-01 09:30"), Reason: records.HeldRefused},  // after AsOf
			{LeadID: "j", At: at("2026-11-03 10:00"), Reason: records.HeldRefused}}, // consents on the 4th: an SQL
		Transitions: []Transition{
			{LeadID: "b", From: MQL, To: SQL, At: at("2026-11-10 11:00")},
			{LeadID: "c", From: MQL, To: SQL, At: at("2026-12-01 07:00")},
			{LeadID: "e", From: MQL, To: SQL, At: at("2026-12-01 09:00")},
			{LeadID: "j", From: MQL, To: SQL, At: at("2026-11-04 09:00")},
			{LeadID: "a", From: SQL, To: Stage("rejected"), At: at("2026-11-01 09:00")}}, // an earlier hand-off of a: not a release
	}
}

// TestHeldForWantOfConsent: the month's leads held from sales for want of consent are counted by reason, as of
// the report's instant (one that consented by then is an SQL, not held), each once; computed again later, from
// more records, the figures are the same.
func TestHeldForWantOfConsent(t *testing.T) {
	t.Parallel()
	c := parseContract(t, testContract)
	r := Compute(c, novemberHolds())
	if m := r.Marketing; m.HeldRefused != 3 || m.HeldMissing != 1 || m.Held() != 4 {
		t.Errorf("held: %d refused (want 3: a, e, f), %d never answered (want 1: h)", m.HeldRefused, m.HeldMissing)
	}
	// Before c consented, it was held too.
	early := novemberHolds()
	early.AsOf = at("2026-11-30 23:30")
	if m := Compute(c, early).Marketing; m.HeldRefused != 4 || m.HeldMissing != 1 {
		t.Errorf("as of 30 November 23:30: %d refused (want 4: a, c, e, f), %d never answered", m.HeldRefused, m.HeldMissing)
	}
	// A lead held for want of an answer that then answers no is held again, for its no, from then (scoring records
	// the new reason as a new hold): as of an instant between the two, it was never answered.
	between := novemberHolds()
	between.AsOf = at("2026-11-10 12:00")
	if m := Compute(c, between).Marketing; m.HeldRefused != 1 || m.HeldMissing != 1 {
		t.Errorf("as of 10 November 12:00: %d refused (want 1: a), %d never answered (want 1: f)", m.HeldRefused, m.HeldMissing)
	}
	// Later, e's consent and hand-off, and a new hold, are recorded: the report as of its instant is unchanged.
	later := novemberHolds()
	later.Holds = append(later.Holds, Hold{LeadID: "k", At: at("2026-12-01 08:30"), Reason: records.HeldRefused})
	later.Transitions = append(later.Transitions, Transition{LeadID: "h", From: MQL, To: SQL, At: at("2026-12-02 10:00")})
	if again := Compute(c, later); !reflect.DeepEqual(r, again) {
		t.Errorf("the report changed with facts recorded after it was taken: %+v, then %+v", r.Marketing, again.Marketing)
	}
	for _, tc := range []struct {
		locale contract.Locale
		want   string
	}{
		{contract.French, "SQL retenus\u00a0: pas de consentement (non transmis aux ventes)"},
		{contract.English, "SQLs held: no consent (not handed to sales)"},
	} {
		r.Locale = tc.locale
		e, err := Render(r)
		if err != nil {
			t.Fatal(err)
		}
		detail := map[contract.Locale]string{contract.French: "3 refus, 1 sans réponse", contract.English: "3 refused, 1 never answered"}[tc.locale]
		for _, part := range []string{e.Text, e.HTML} {
			if !strings.Contains(part, tc.want) || !strings.Contains(part, detail) {
				t.Errorf("%s: the marketing section lacks %q with %q:\n%s", tc.locale, tc.want, detail, part)
			}
		}
	}
	// A month without holds renders as before: no line.
	none := novemberHolds()
	none.Holds = nil
	e, err := Render(Compute(c, none))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(e.Text, "retenus") {
		t.Error("a month without holds shows the held line")
	}
}
