package scoring

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/lead"
)

// TestConsentDecidesTheHandoff: a lead that qualifies for sales becomes an SQL only when it may be contacted; held,
// it stays with marketing (an MQL), its hold recorded once, until it consents — then it is an SQL from that
// instant — or no longer qualifies.
func TestConsentDecidesTheHandoff(t *testing.T) {
	t.Parallel()
	allow, err := contract.Load("../../infra/contract/contract.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if allow.Consent.Missing != contract.AllowMissing {
		t.Fatalf("the example contract's consent.missing is %q; this test expects allow", allow.Consent.Missing)
	}
	hold := *allow
	hold.Consent.Missing = contract.HoldMissing

	asked := time.Date(2026, 11, 27, 16, 0, 0, 0, time.UTC)
	now := asked.Add(30 * time.Minute)
	yes := &lead.Consent{Given: true, At: asked, Field: "J'accepte d'être recontacté"}
	no := &lead.Consent{Given: false, At: asked, Field: "J'accepte d'être recontacté"}
	demo := []lead.Activity{{ID: "a1", Type: lead.FormSubmit, OccurredAt: asked}, {ID: "a2", Type: "demo_request", OccurredAt: asked.Add(time.Minute)}}
	quiet := []lead.Activity{{ID: "a1", Type: lead.FormSubmit, OccurredAt: asked}}
	earlier := &lead.Hold{At: asked.Add(-24 * time.Hour), Reason: lead.ConsentRefused, Cause: "demo-request"}
	missing := &lead.Hold{At: asked.Add(-24 * time.Hour), Reason: lead.ConsentMissing, Cause: "demo-request"}
	rejected := asked.Add(-48 * time.Hour)
	afterRejection := append([]lead.Activity{{ID: "r1", Type: lead.SalesRejected, OccurredAt: rejected}}, demo...)

	tests := []struct {
		name     string
		c        *contract.Contract
		stage    lead.Stage
		consent  *lead.Consent
		held     *lead.Hold
		acts     []lead.Activity
		want     lead.Stage // the stage after
		move     bool       // a stage change is recorded
		wantHeld lead.HoldReason
		starts   bool // a hold is recorded now
		noChange bool // nothing to write
	}{
		{"a refusal holds a hand-raiser", allow, lead.StageLead, no, nil, demo, lead.StageMQL, true, lead.ConsentRefused, true, false},
		{"a refusal holds whatever the contract allows", &hold, lead.StageLead, no, nil, demo, lead.StageMQL, true, lead.ConsentRefused, true, false},
		{"held already: nothing new", allow, lead.StageMQL, no, earlier, demo, lead.StageMQL, false, lead.ConsentRefused, false, true},
		{"held for want of an answer, then a no: held for the no, from now", &hold, lead.StageMQL, no, missing, demo, lead.StageMQL, false, lead.ConsentRefused, true, false},
		{"held for want of an answer, still none: nothing new", &hold, lead.StageMQL, nil, missing, demo, lead.StageMQL, false, lead.ConsentMissing, false, true},
		{"consent given later: an SQL now", allow, lead.StageMQL, yes, earlier, demo, lead.StageSQL, true, "", false, false},
		{"consent given at once: an SQL", &hold, lead.StageLead, yes, nil, demo, lead.StageSQL, true, "", false, false},
		{"never answered, missing: hold", &hold, lead.StageLead, nil, nil, demo, lead.StageMQL, true, lead.ConsentMissing, true, false},
		{"never answered, missing: allow", allow, lead.StageLead, nil, nil, demo, lead.StageSQL, true, "", false, false},
		{"a subscriber is held as an MQL too", &hold, lead.StageSubscriber, nil, nil, demo[1:], lead.StageMQL, true, lead.ConsentMissing, true, false},
		{"no longer qualifying ends the hold", allow, lead.StageMQL, no, earlier, quiet, lead.StageLead, true, "", false, false},
		{"a rejected lead raising its hand again stays rejected", allow, lead.StageRejected, no, nil, afterRejection, lead.StageRejected, false, lead.ConsentRefused, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			l := lead.Lead{ID: "ld_1", Stage: tc.stage, Consent: tc.consent, Held: tc.held,
				Contact: lead.Contact{Email: "paul@meca.fr", Country: "FR", JobTitle: "Acheteur"}}
			if tc.stage == lead.StageRejected {
				l.SQLAt = rejected.Add(-time.Hour)
			}
			ch, r := Rescore(tc.c, l, tc.acts, now)
			if tc.noChange {
				// Its first score is written, with no stage change and no new hold; stored, a re-score writes nothing.
				if ch == nil || ch.Move != nil || ch.HoldStarts || ch.Held != tc.held {
					t.Fatalf("the first re-score: %+v, want the score only", ch)
				}
				l.Score, l.DecayAt = stored(r, ch), ch.DecayAt
				if ch, _ = Rescore(tc.c, l, tc.acts, now.Add(time.Minute)); ch != nil {
					t.Fatalf("a held lead re-scored: change %+v, want none", ch)
				}
				return
			}
			if ch == nil {
				t.Fatal("no change")
			}
			if ch.Stage != tc.want || (ch.Move != nil) != tc.move {
				t.Errorf("stage %s (move %+v), want %s (move %v)", ch.Stage, ch.Move, tc.want, tc.move)
			}
			if ch.Move != nil && ch.Move.To == lead.StageMQL && ch.Move.Cause != "demo-request" {
				t.Errorf("held back to MQL with cause %q, want the rule that qualified it", ch.Move.Cause)
			}
			switch {
			case tc.wantHeld == "" && ch.Held != nil:
				t.Errorf("held %+v, want not held", ch.Held)
			case tc.wantHeld != "" && (ch.Held == nil || ch.Held.Reason != tc.wantHeld):
				t.Errorf("held %+v, want %s", ch.Held, tc.wantHeld)
			case ch.HoldStarts != tc.starts:
				t.Errorf("hold starts %v, want %v", ch.HoldStarts, tc.starts)
			case tc.starts && (!ch.Held.At.Equal(now) || ch.Held.Cause != "demo-request"):
				t.Errorf("the hold that starts: %+v, want at %s by demo-request", ch.Held, now)
			case !tc.starts && tc.held != nil && ch.Held != nil && ch.Held != tc.held:
				t.Errorf("the hold %+v was replaced by %+v", tc.held, ch.Held)
			}
		})
	}
}

// stored is the score a lead holds after a change was saved (or as computed, without one).
func stored(r Result, ch *Change) lead.Score {
	s := lead.Score{Total: r.Total, Fit: r.Fit, Behaviour: r.Behaviour, Qualifies: r.Qualifies}
	exp, _ := json.Marshal(r.Explanation)
	s.Explanation = string(exp)
	if ch != nil {
		s.BelowSQL = ch.BelowSQL
	}
	return s
}
