package contract

import (
	"fmt"
	"testing"
)

// TestMinFitAbsentIsNoMinimum: an absent mql_min_fit / sql_min_fit is no minimum (nil), not a minimum of 0; an
// explicit 0 or a negative minimum is kept as written.
func TestMinFitAbsentIsNoMinimum(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		thresholds string
		mql, sql   string
	}{
		{"{mql: 40, sql: 70}", "none", "none"},
		{"{mql: 40, sql: 70, sql_min_fit: 15}", "none", "15"},
		{"{mql: 40, sql: 70, mql_min_fit: 0, sql_min_fit: -5}", "0", "-5"},
	} {
		c, err := Parse("c.yaml", []byte(base+"scoring:\n  thresholds: "+tc.thresholds+"\n"))
		if err != nil {
			t.Fatalf("%s: %v", tc.thresholds, err)
		}
		show := func(p *float64) string {
			if p == nil {
				return "none"
			}
			return fmt.Sprint(*p)
		}
		if got := show(c.Scoring.MQLMinFit) + " " + show(c.Scoring.SQLMinFit); got != tc.mql+" "+tc.sql {
			t.Errorf("%s: min fits %s, want %s %s", tc.thresholds, got, tc.mql, tc.sql)
		}
	}
}
