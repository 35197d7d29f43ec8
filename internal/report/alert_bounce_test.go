package report_test

import (
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/report"
	"github.com/handoff-sla/handoff/internal/report/records"
)

// TestABouncedAlertIsNoAlert: an SQL whose first SQL email SES reported bounced for good is not alerted from the
// bounce's instant: a report as of before it counts the SQL alerted, one as of after it (computed again, or the
// next day) counts it missed — the rep never had the email; a reassignment's email is no alert of a new SQL.
func TestABouncedAlertIsNoAlert(t *testing.T) {
	t.Parallel()
	c := indepContract(t, "en", "escalate", officeHours)
	nov := contract.Month{Year: 2026, Month: time.November}
	h := sql(t, c, "L1", "ann", paris(t, "2026-11-27 10:00:00"))
	h.AlertedAt = h.At.Add(2 * time.Second)
	bounced := h.At.Add(time.Minute)
	for _, tc := range []struct {
		name    string
		bounced time.Time
		asOf    time.Time
		n, d    int
	}{
		{"not bounced", time.Time{}, paris(t, "2026-12-01 08:00:00"), 1, 1},
		{"bounced after the as-of instant", bounced, h.At.Add(30 * time.Second), 1, 1},
		{"bounced by the as-of instant", bounced, paris(t, "2026-12-01 08:00:00"), 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := h
			x.AlertBouncedAt = tc.bounced
			r := report.Compute(c, records.Input{Month: nov, AsOf: tc.asOf, Alerts: true, Handoffs: []records.Handoff{x}})
			found := false
			for _, cm := range r.Commitments {
				if cm.Kind != report.CommitAlert {
					continue
				}
				found = true
				if cm.Figure.N != tc.n || cm.Figure.D != tc.d {
					t.Errorf("alerted %d of %d, want %d of %d", cm.Figure.N, cm.Figure.D, tc.n, tc.d)
				}
			}
			if !found {
				t.Error("no alert commitment in the report")
			}
		})
	}
}
